#!/usr/bin/env bash
# The soak (issue 23): a fresh data folder, PostgreSQL and the API with the demo city's grids and components, then for
# N minutes (default 30) at once:
#  - MQTT alerts at half the benchmark rate (RESULTS.md, "Alert ingestion": ~20,000/s, so 10,000/s; SG_SOAK_ALERT_RATE)
#    from two simulated fleets (devicesim, 50 gateways x 10 devices each, QoS 1, embedded broker) in chunks of half a
#    minute on one schedule from the start (a chunk that ran slow is made up by the next ones, at most 1.5 times the
#    rate, so the rate asked is what the soak's wall time is asked to carry); at the end the simulator reconciles every chunk (acknowledged against stored) in one read
#    of the database: reading each chunk back through /api/alerts while sending (as the soak did until 2026-11-30) cost
#    PostgreSQL more than storing the alerts, and the soak's rate was its instrument's;
#  - vector tiles (grids, components, roads, cases at zooms 13-16 over the city, with a key; SG_SOAK_TILES per second),
#    case work (SG_SOAK_CASES cases a second over HTTP, every other one moved through accept/dispatch/arrive/feedback)
#    and patrol GPS (500 workers, a fix every 9 s each, POST /api/patrols/positions): SpatialGrid.Benchmarks soak-http;
#  - the API process's RSS sampled every 30 s from /proc.
# Prints and the caller may append to RESULTS.md: "soak lost: N" (alerts and fixes acknowledged but not stored) and
# "soak rss growth MiB: N" (RSS at the end minus RSS at the first sample after 5 minutes of warm-up).
# Own ports: PostgreSQL 55485, API 5085, MQTT 18885 (SG_SOAK_PG_PORT, SG_SOAK_API_PORT, SG_SOAK_MQTT_PORT).
# Usage: deploy/soak.sh [--minutes N]
set -euo pipefail
source "$(dirname "$0")/lib.sh"

MINUTES=30
while [ $# -gt 0 ]; do
  case $1 in
    --minutes) MINUTES=$2; shift 2 ;;
    *) die "usage: deploy/soak.sh [--minutes N]" ;;
  esac
done
PORT=${SG_SOAK_PG_PORT:-55485}
API_PORT=${SG_SOAK_API_PORT:-5085}
MQTT=${SG_SOAK_MQTT_PORT:-18885}
API=http://127.0.0.1:$API_PORT
RATE=${SG_SOAK_ALERT_RATE:-10000}
TILES=${SG_SOAK_TILES:-50}
CASES=${SG_SOAK_CASES:-2}
DATA=${SG_DATA:-$SG_ROOT/.data}/soak
need_dotnet
need_packages
for p in "$API_PORT" "$MQTT"; do
  ss -Hltn "sport = :$p" | grep -q . && die "port $p is taken"
done
pg_stop "$DATA/pg" 2>/dev/null || true
rm -rf "$DATA"; mkdir -p "$DATA"

api="" sampler="" loops=()
stop_all() {
  local p
  for p in "${loops[@]}" $sampler; do pkill -P "$p" 2>/dev/null || true; kill "$p" 2>/dev/null || true; done
  [ -n "$api" ] && kill "$api" 2>/dev/null
  pg_stop "$DATA/pg"
  dotnet build-server shutdown >/dev/null 2>&1 || true
}
trap stop_all EXIT

pg_start "$DATA/pg" "$PORT"
pg_create_db sg_soak "$PORT"
CONN="Host=127.0.0.1;Port=$PORT;Username=postgres;Database=sg_soak"
if [ -z "${SG_SOAK_NO_BUILD:-}" ]; then
  for proj in src/SpatialGrid.Api src/SpatialGrid.Cli sensors/SpatialGrid.DeviceSim tests/SpatialGrid.Benchmarks; do
    dotnet build "$SG_ROOT/$proj" -c Release -v q -nologo -clp:ErrorsOnly
  done
fi
bench="dotnet $SG_ROOT/tests/SpatialGrid.Benchmarks/bin/Release/net10.0/SpatialGrid.Benchmarks.dll"
sim="dotnet $SG_ROOT/sensors/SpatialGrid.DeviceSim/bin/Release/net10.0/devicesim.dll"
sgrid="dotnet $SG_ROOT/src/SpatialGrid.Cli/bin/Release/net10.0/sgrid.dll"

log "starting the API on $API (log: $DATA/api.log)"
# The request limits stay on, raised above the soak's own traffic (one key for everything, one address).
(cd "$SG_ROOT/src/SpatialGrid.Api/bin/Release/net10.0" && exec env Urls="$API" Database__ConnectionString="$CONN" \
  Security__BootstrapAdminKeyFile="$DATA/admin.key" Ingestion__Port="$MQTT" Ingestion__BindAddress=127.0.0.1 \
  Logging__LogLevel__Default=Warning Http__PerKeyPerSecond=100000 Http__PerKeyBurst=100000 \
  Http__PerAddressPerSecond=100000 Http__PerAddressBurst=100000 dotnet SpatialGrid.Api.dll) > "$DATA/api.log" 2>&1 &
api=$!
for _ in $(seq 1 120); do curl -fs "$API/health" >/dev/null 2>&1 && break; sleep 0.5; done
curl -fs "$API/health" >/dev/null || die "the API did not start (log: $DATA/api.log)"
KEY=$(cat "$DATA/admin.key")
log "loading the demo city's grids and components"
SGRID_API=$API SGRID_KEY=$KEY $sgrid grids import "$SG_ROOT/gis-data/demo/shanghai-grids.geojson" --publish > /dev/null
SGRID_API=$API SGRID_KEY=$KEY $sgrid components import "$SG_ROOT/gis-data/demo/shanghai-components.geojson" > /dev/null
for f in a b; do $sim setup --api "$API" --key "$KEY" --gateways 50 --devices 10 --state "$DATA/fleet-$f.json" | tail -n 1; done
$bench gps-setup "$API" "$KEY" 500 1 "$DATA/gps.json"

rss() { awk '/VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$api/status"; }
start=$(date +%s)
end=$((start + MINUTES * 60))
log "soak: $MINUTES minutes from $(date -u +%H:%M:%S) UTC; alerts at $RATE/s, $TILES tiles/s, $CASES cases/s, 500 patrol workers"
echo "machine at the start: $(nproc) cores, $(uptime | sed 's/.*load average/load average/')"

# One fleet's alerts until the end, in chunks of half a minute on the rate's schedule, all reconciled by the simulator at
# the end from the database (one process and its connections for the whole soak).
alerts_loop() {
  local fleet=$1 rate=$((RATE / 2))
  $sim run --api "$API" --key "$KEY" --state "$DATA/fleet-$fleet.json" --broker "127.0.0.1:$MQTT" \
    --rate "$rate" --inflight 32 --minutes "$(awk -v s="$((end - $(date +%s)))" 'BEGIN{print s/60}')" --chunk-seconds 30 --reconcile-db "$CONN" 2>/dev/null || true
}
alerts_loop a > "$DATA/alerts-a.log" & loops+=($!)
alerts_loop b > "$DATA/alerts-b.log" & loops+=($!)
$bench soak-http "$API" "$KEY" "$CONN" "$DATA/gps.json" "$MINUTES" "$TILES" "$CASES" > "$DATA/http.log" 2>&1 & loops+=($!)
(while [ "$(date +%s)" -lt "$end" ]; do echo "$(( $(date +%s) - start )) $(rss)"; sleep 30; done) > "$DATA/rss.log" & sampler=$!
for p in "${loops[@]}"; do wait "$p" || true; done
loops=()
wait "$sampler" || true; sampler=""
echo "$(( $(date +%s) - start )) $(rss)" >> "$DATA/rss.log"
echo "machine at the end: $(uptime | sed 's/.*load average/load average/')"

# Figures.
cat "$DATA/alerts-a.log" "$DATA/alerts-b.log" > "$DATA/alerts.log"
chunks=$(grep -c '^sent ' "$DATA/alerts.log" || true)
read -r recs acked stored lost dup unexpected < <(sed -n 's/^reconciliation: \([0-9,]*\) sent, \([0-9,]*\) good ones acknowledged, \([0-9,]*\) stored; lost \([0-9,]*\), duplicated \([0-9,]*\), stored but never sent \([0-9,]*\);.*/\2 \3 \4 \5 \6/p' "$DATA/alerts.log" \
  | tr -d , | awk '{n++; a+=$1; s+=$2; l+=$3; d+=$4; u+=$5} END {print n+0, a+0, s+0, l+0, d+0, u+0}')
# Each fleet's rate over its own sending time (its chunks back to back), and both fleets' over the soak's minutes.
fleet_rate() { sed -n 's/^sent .* in \([0-9.]*\) s: \([0-9,]*\) acknowledged\/s.*/\1 \2/p' "$1" | tr -d , | awk '{t+=$1; a+=$1*$2} END {printf "%.0f %.0f\n", (t ? a/t : 0), t}'; }
read -r rate_a secs_a < <(fleet_rate "$DATA/alerts-a.log")
read -r rate_b secs_b < <(fleet_rate "$DATA/alerts-b.log")
secs=$((MINUTES * 60))
rows=$(psql -h 127.0.0.1 -p "$PORT" -U postgres -d sg_soak -Atc "SELECT count(*) FROM alerts")
# Messages (good and bad) acknowledged, against the rate asked over the soak's wall time.
msgs=$(sed -n 's/^sent \([0-9,]*\) messages .* unacknowledged \([0-9,]*\)$/\1 \2/p' "$DATA/alerts.log" | tr -d , | awk '{a+=$1-$2} END {print a+0}')
p99=$(sed -n 's/.*p99 \([0-9.]*\) ms.*/\1/p' "$DATA/alerts.log" | sort -g | tail -n 1)
cat "$DATA/http.log"
fixes_lost=$(sed -n 's/^soak gps fixes .* lost: \([0-9,]*\).*/\1/p' "$DATA/http.log" | tr -d ,)
http_errors=$(sed -n 's/^soak http errors: \([0-9]*\).*/\1/p' "$DATA/http.log")
warm=$(awk '$1 >= 300 {print $2; exit}' "$DATA/rss.log"); [ -n "$warm" ] || warm=$(head -n 1 "$DATA/rss.log" | cut -d' ' -f2)
last=$(tail -n 1 "$DATA/rss.log" | cut -d' ' -f2)
max=$(cut -d' ' -f2 "$DATA/rss.log" | sort -n | tail -n 1)
printf 'soak alerts: %s chunks reconciled, %s acknowledged, %s stored, lost %s, duplicated %s, stored but never sent %s; %s alert rows in the database\n' \
  "$chunks" "$acked" "$stored" "$lost" "$dup" "$unexpected" "$rows"
printf 'soak alert rate achieved: %.0f messages/s acknowledged over the soak'"'"'s %s s (asked %s/s; %s messages, 1 %% of them bad on purpose), %.0f good alerts/s stored; while sending fleet a %s/s over %s s, fleet b %s/s over %s s; worst chunk p99 alert-to-commit %s ms\n' \
  "$(awk -v a="$msgs" -v s="$secs" 'BEGIN{print a/s}')" "$secs" "$RATE" "$msgs" "$(awk -v a="$stored" -v s="$secs" 'BEGIN{print a/s}')" \
  "$rate_a" "$secs_a" "$rate_b" "$secs_b" "$p99"
printf 'soak rss MiB: after warm-up (5 min) %s, at the end %s, highest sample %s; samples (s MiB): %s\n' "$warm" "$last" "$max" "$(tr '\n' ',' < "$DATA/rss.log" | sed 's/,$//')"
curl -fs "$API/health" | sed 's/^/soak health at the end: /'; echo
echo "soak lost: $(( lost + ${fixes_lost:-0} ))"
echo "soak rss growth MiB: $(( last - warm ))"
echo "soak http errors: ${http_errors:-unknown}"
# Both fleets must have reconciled (a simulator that died says nothing, which must not read as nothing lost).
[ "$recs" -eq 2 ] || echo "soak: $recs of 2 fleets reconciled (see $DATA/alerts-a.log, alerts-b.log)"
if [ "$recs" -eq 2 ] && [ "$(( lost + ${fixes_lost:-0} + dup ))" -eq 0 ] && [ "${http_errors:-1}" -eq 0 ]; then echo "soak: PASS"; else echo "soak: FAIL"; exit 1; fi
