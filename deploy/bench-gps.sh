#!/usr/bin/env bash
# Patrol GPS ingestion over MQTT, end to end (tests/SpatialGrid.Benchmarks/RESULTS.md, section "Patrol GPS ingestion", issue 19):
#  a. the demo city's grids published and its components (roads) loaded, 2,000 workers (district 310101) and 20 gateways registered;
#  b. a day of fixes (SG_BENCH_GPS_FIXES, 10,000,000 by default: every worker a fix every 9 s, walking the grids at
#     0.7–1.6 m/s) published as batches of 20 on sg/v1/gw/{id}/gps, QoS 1, a window in flight per gateway, each timed
#     from publish to PUBACK (sent after the commit); fixes stored per second; the API's peak RSS and CPU, PostgreSQL's
#     CPU and its time per statement (pg_stat_statements);
#  c. the reports after the day: a worker's day, one worker-shift's track, the day's coverage, each against its SQL run
#     directly (same run);
#  d. the baseline: binary COPY of the same rows into a table like gps_points, batches of the pipeline's mean size;
#  e. the writer's C# work per fix (parse, clean, walk into visits) on one core, in the benchmark process.
# Own cluster (port 55471, fsync on: a fix is durable when acknowledged) and ports (API 5073, MQTT 18893; the machine is
# shared, so a port already taken stops the run at once rather than after the build).
# Called by bench.sh (SG_BENCH_ONLY=gps runs it alone); runs alone too.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

PORT=${SG_BENCH_GPS_PG_PORT:-55471}
DATA=${SG_DATA:-$SG_ROOT/.data}
API_PORT=${SG_BENCH_GPS_API_PORT:-5073}
API=http://127.0.0.1:$API_PORT
MQTT=${SG_BENCH_GPS_MQTT_PORT:-18893}
FIXES=${SG_BENCH_GPS_FIXES:-10000000}
WORKERS=2000
GATEWAYS=${SG_BENCH_GPS_GATEWAYS:-20}
INFLIGHT=${SG_BENCH_GPS_INFLIGHT:-128}
# Fixes a write takes at most: MaxBatches batches of 20 (the writer caps a COPY at 100,000 fixes). The write's cost per
# worker (tracker lock and state, open visit, daily row) is paid once per write, so larger writes amortise it.
MAX_BATCHES=${SG_BENCH_GPS_MAX_BATCHES:-2500}
# Writer loops of the service (Patrols:Writers, 2 by default).
WRITERS=${SG_BENCH_GPS_WRITERS:-2}
need_dotnet
need_packages
for p in "$API_PORT" "$MQTT"; do
  ss -Hltn "sport = :$p" | grep -q . && die "port $p is taken (SG_BENCH_GPS_API_PORT / SG_BENCH_GPS_MQTT_PORT choose others)"
done
# pg_stat_statements: where PostgreSQL's share of the writer's time goes, statement by statement.
PG_TUNING="$PG_TUNING -c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track=all" \
  PG_FSYNC=${SG_BENCH_FSYNC:-on} pg_start "$DATA/bench-gps-pg" "$PORT"
api=""
trap '[ -n "$api" ] && kill "$api" 2>/dev/null; pg_stop "$DATA/bench-gps-pg"; dotnet build-server shutdown >/dev/null 2>&1 || true' EXIT
psql -h 127.0.0.1 -p "$PORT" -U postgres -d postgres -qc "DROP DATABASE IF EXISTS sg_bench_gps WITH (FORCE)" >/dev/null
pg_create_db sg_bench_gps "$PORT"
psql -h 127.0.0.1 -p "$PORT" -U postgres -d sg_bench_gps -qc "CREATE EXTENSION IF NOT EXISTS pg_stat_statements" >/dev/null
CONN="Host=127.0.0.1;Port=$PORT;Username=postgres;Database=sg_bench_gps"
[ -n "${SG_BENCH_NO_BUILD:-}" ] || dotnet build "$SG_ROOT/SpatialGrid.sln" -c Release -v q -nologo -clp:ErrorsOnly
bench="dotnet $SG_ROOT/tests/SpatialGrid.Benchmarks/bin/Release/net10.0/SpatialGrid.Benchmarks.dll"
sgrid="dotnet $SG_ROOT/src/SpatialGrid.Cli/bin/Release/net10.0/sgrid.dll"
api_dir="$SG_ROOT/src/SpatialGrid.Api/bin/Release/net10.0"
psql_gps() { psql -h 127.0.0.1 -p "$PORT" -U postgres -d sg_bench_gps "$@"; }
# CPU seconds (user + system) of a process, and of the cluster's postmaster with all its backends.
cpu_of() { awk '{printf "%.1f", ($14 + $15 + $16 + $17) / 100}' "/proc/$1/stat"; }
pg_cpu() {
  local pm; pm=$(head -n 1 "$PG_DATA/postmaster.pid")
  { echo "$pm"; pgrep -P "$pm"; } | while read -r p; do [ -r "/proc/$p/stat" ] && awk '{print $14 + $15 + $16 + $17}' "/proc/$p/stat"; done \
    | awk '{s += $1} END {printf "%.1f", s / 100}'
}

rm -f "$DATA/bench-gps.key"
(cd "$api_dir" && env Urls="$API" Database__ConnectionString="$CONN" Security__BootstrapAdminKeyFile="$DATA/bench-gps.key" \
  Ingestion__Port=$MQTT Ingestion__BindAddress=127.0.0.1 Cases__ColourSweepEnabled=false Logging__LogLevel__Default=Warning Http__RateLimitEnabled=false \
  Ingestion__RatePerSecond=100000 Ingestion__RateBurst=100000 Patrols__MaxBatches="$MAX_BATCHES" Patrols__Writers="$WRITERS" \
  dotnet SpatialGrid.Api.dll) > "$DATA/bench-gps-api.log" 2>&1 &
api=$!
for _ in $(seq 1 120); do curl -fs "$API/health" >/dev/null 2>&1 && break; sleep 0.5; done
curl -fs "$API/health" >/dev/null || die "the API did not start (log: $DATA/bench-gps-api.log)"
KEY=$(cat "$DATA/bench-gps.key")
SGRID_API=$API SGRID_KEY=$KEY $sgrid grids import "$SG_ROOT/gis-data/demo/shanghai-grids.geojson" --publish > /dev/null
# The demo city's components: its roads are what the writer marks as walked (the share of each grid's road length).
SGRID_API=$API SGRID_KEY=$KEY $sgrid components import "$SG_ROOT/gis-data/demo/shanghai-components.geojson" > /dev/null
$bench gps-setup "$API" "$KEY" $WORKERS "$GATEWAYS" "$DATA/bench-gps-fleet.json"
# Yesterday in the city's local time (UTC+8): 06:00 onwards, within the last 30 days and never in the future.
day=$(TZ=Etc/GMT-8 date -d '-1 day' +%F)

log "b. $FIXES fixes of $WORKERS workers over MQTT (embedded broker), batches of 20, $INFLIGHT in flight per gateway, Patrols:MaxBatches $MAX_BATCHES, Patrols:Writers $WRITERS"
psql_gps -qAtc "SELECT pg_stat_statements_reset()" >/dev/null
api_cpu0=$(cpu_of "$api"); pg_cpu0=$(pg_cpu); t0=$(date +%s.%N)
echo "machine before the run: $(uptime | sed 's/.*load average/load average/')"
$bench gps-load "$DATA/bench-gps-fleet.json" "127.0.0.1:$MQTT" "$CONN" "$day" "$FIXES" 20 "$INFLIGHT" | tee "$DATA/bench-gps-load.out"
t1=$(date +%s.%N); api_cpu1=$(cpu_of "$api"); pg_cpu1=$(pg_cpu)
echo "machine after the run: $(uptime | sed 's/.*load average/load average/')"
awk -v a="$api_cpu1" -v b="$api_cpu0" -v c="$pg_cpu1" -v d="$pg_cpu0" -v s="$(awk -v x="$t0" -v y="$t1" 'BEGIN{print y-x}')" \
  'BEGIN{printf "CPU over the %.0f s of the run (loader included in the wall time): API %.1f s (%.0f %% of a core), PostgreSQL %.1f s (%.0f %%)\n", s, a-b, (a-b)/s*100, c-d, (c-d)/s*100}'
printf 'peak RSS of the API process during the ingest: %s MiB\n' "$(awk '/VmHWM/ {printf "%.0f", $2/1024}' "/proc/$api/status")"
echo "PostgreSQL time per statement during the ingest (pg_stat_statements, top 12):"
psql_gps -qAF ' | ' -c "SELECT calls, round((total_exec_time / 1000)::numeric, 1) AS total_s, round(mean_exec_time::numeric, 2) AS mean_ms, rows,
    left(regexp_replace(query, '\s+', ' ', 'g'), 90) AS statement
  FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = 'sg_bench_gps')
  ORDER BY total_exec_time DESC LIMIT 12" | sed 's/^/  /'
# One tracker upsert per write (the fixes go by COPY or through the staging insert).
writes=$(psql_gps -qAtc "SELECT coalesce(sum(calls), 0) FROM pg_stat_statements WHERE query LIKE '%INSERT INTO patrol_trackers%'")
stored=$(psql_gps -qAtc "SELECT count(*) FROM gps_points")
mean=$(( writes > 0 ? stored / writes : 10000 ))
echo "writes (transactions): $writes, mean fixes a write: $mean"
psql_gps -qAtc "SELECT 'derived: ' || (SELECT count(*) FROM patrol_visits) || ' visits, ' || (SELECT count(*) FROM patrol_daily) || ' daily rows, ' ||
  (SELECT count(*) FROM patrol_trackers) || ' trackers; gps_points ' || pg_size_pretty(pg_total_relation_size('gps_points'::regclass)) ||
  ' incl. partitions: ' || (SELECT pg_size_pretty(sum(pg_total_relation_size(inhrelid))) FROM pg_inherits WHERE inhparent = 'gps_points'::regclass)"

log "c. reports after the day ($day)"
$bench gps-reports "$API" "$KEY" "$CONN" "$SG_ROOT/src/SpatialGrid.Api/Patrols/Sql" "$day" $WORKERS 200
kill "$api"; wait "$api" 2>/dev/null || true; api=""

log "d. the same rows by binary COPY (baseline), batches of $mean"
$bench gps-copy "$CONN" "$day" $WORKERS "$FIXES" "$mean" "gps000000-gw" | tee "$DATA/bench-gps-copy.out"
ingest=$(sed -n 's/^gps ingest fixes\/s: //p' "$DATA/bench-gps-load.out")
copy=$(sed -n 's/^gps copy baseline fixes\/s: //p' "$DATA/bench-gps-copy.out")
printf 'ratio ingest over MQTT / binary COPY: %s / %s = %.2f\n' "$ingest" "$copy" "$(awk -v a="$ingest" -v b="$copy" 'BEGIN{print a/b}')"

log "e. the writer's C# work per fix (one core, this process)"
$bench gps-cpu "$day" $WORKERS "$(( FIXES < 1000000 ? FIXES : 1000000 ))" 20 500
