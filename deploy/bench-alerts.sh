#!/usr/bin/env bash
# Alerts over MQTT, end to end (tests/SpatialGrid.Benchmarks/RESULTS.md, section "Alert ingestion"), on the demo city:
#  a. embedded broker: devicesim (100 gateways x 10 devices, QoS 1) → API → PostGIS; a warm-up run opens the
#     cases, then a run as fast as acknowledgements allow and runs paced at fixed rates; latency is the
#     simulator's, from publish to PUBACK, which the service sends only after the commit;
#  b. the same rows written by binary COPY (the ceiling), in the same run;
#  c. Mosquitto: the API as a client with a shared subscription; throughput into the database and the
#     API's receipt → commit latency from the rows;
#  d. peak RSS of the API process.
# Own cluster (port 55435) and ports (API 5093/5094, MQTT 18831, Mosquitto 18832). Called by bench.sh; runs alone too.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

PORT=${SG_BENCH_ALERTS_PG_PORT:-55435}
DATA=${SG_DATA:-$SG_ROOT/.data}
API=http://127.0.0.1:5093
MQTT=18831
COUNT=${SG_BENCH_ALERTS:-200000}
need_dotnet
need_packages
PG_FSYNC=${SG_BENCH_FSYNC:-on} pg_start "$DATA/bench-alerts-pg" "$PORT"
api=""
trap '[ -n "$api" ] && kill "$api" 2>/dev/null; mosquitto_stop "$DATA/bench-mosquitto"; pg_stop "$DATA/bench-alerts-pg"; dotnet build-server shutdown >/dev/null 2>&1 || true' EXIT
psql -h 127.0.0.1 -p "$PORT" -U postgres -d postgres -qc "DROP DATABASE IF EXISTS sg_bench_alerts WITH (FORCE)" >/dev/null
pg_create_db sg_bench_alerts "$PORT"
CONN="Host=127.0.0.1;Port=$PORT;Username=postgres;Database=sg_bench_alerts"
dotnet build "$SG_ROOT/SpatialGrid.sln" -c Release -v q -nologo -clp:ErrorsOnly
bench="dotnet $SG_ROOT/tests/SpatialGrid.Benchmarks/bin/Release/net10.0/SpatialGrid.Benchmarks.dll"
sim="dotnet $SG_ROOT/sensors/SpatialGrid.DeviceSim/bin/Release/net10.0/devicesim.dll"
sgrid="dotnet $SG_ROOT/src/SpatialGrid.Cli/bin/Release/net10.0/sgrid.dll"
api_dir="$SG_ROOT/src/SpatialGrid.Api/bin/Release/net10.0"

start_api() { # URL, then extra VAR=value settings
  local url=$1; shift
  (cd "$api_dir" && env Urls="$url" Database__ConnectionString="$CONN" Security__BootstrapAdminKeyFile="$DATA/bench-alerts.key" \
    Ingestion__Port=$MQTT Ingestion__BindAddress=127.0.0.1 Cases__ColourSweepEnabled=false Logging__LogLevel__Default=Warning Http__RateLimitEnabled=false "$@" \
    dotnet SpatialGrid.Api.dll) > "$DATA/bench-alerts-api.log" 2>&1 &
  api=$!
  for _ in $(seq 1 120); do curl -fs "$url/health" >/dev/null 2>&1 && return 0; sleep 0.5; done
  die "the API did not start (log: $DATA/bench-alerts-api.log)"
}

rm -f "$DATA/bench-alerts.key"
start_api "$API"
KEY=$(cat "$DATA/bench-alerts.key")
SGRID_API=$API SGRID_KEY=$KEY $sgrid grids import "$SG_ROOT/gis-data/demo/shanghai-grids.geojson" --publish > /dev/null
SGRID_API=$API SGRID_KEY=$KEY $sgrid components import "$SG_ROOT/gis-data/demo/shanghai-components.geojson" > /dev/null
$sim setup --api "$API" --key "$KEY" --gateways 100 --devices 10 --state "$DATA/bench-fleet.json" | tail -n 1

log "a. embedded broker"
run() { $sim run --api "$API" --key "$KEY" --state "$DATA/bench-fleet.json" --broker "127.0.0.1:$1" "${@:2}" 2>/dev/null; }
echo "warm-up (opens the fleet's cases):"; run $MQTT --count 50000 --rate 0 --inflight 8 | sed 's/^/  /'
echo "as fast as acknowledgements allow, 8 in flight per gateway:"; run $MQTT --count "$COUNT" --rate 0 --inflight 8 | sed 's/^/  /'
for rate in 10000 15000 20000; do
  echo "paced at $rate alerts/s (storm: the middle third at 5x):"; run $MQTT --count "$COUNT" --rate $rate --inflight 32 --storm --no-reconcile | sed 's/^/  /'
done
# Steady at the target and a little above it: the simulator's pacing delivers ~97 % of the rate asked for.
for rate in 20000 21000; do
  echo "paced at $rate alerts/s, steady:"; run $MQTT --count "$COUNT" --rate $rate --inflight 32 --no-reconcile | sed 's/^/  /'
done
curl -fs -H "X-Api-Key: $KEY" "$API/api/ingestion"; echo
printf 'peak RSS of the API process (embedded broker): %s MiB\n' "$(awk '/VmHWM/ {printf "%.0f", $2/1024}' /proc/$api/status)"
kill "$api"; wait "$api" 2>/dev/null || true; api=""

log "b. the same rows by binary COPY (ceiling)"
$bench alert-copy "$CONN" 1000

log "c. Mosquitto (external broker, shared subscription)"
password=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
rm -rf "$DATA/bench-mosquitto"
mosquitto_start "$DATA/bench-mosquitto" 18832 "$password"
start_api http://127.0.0.1:5094 Ingestion__Mode=external Ingestion__External__Port=18832 Ingestion__External__Password="$password" \
  Ingestion__External__ClientId=bench-1 Ingestion__External__SharedGroup=spatialgrid Ingestion__External__Connections=4 Ingestion__External__PasswordFile="$DATA/bench-mosquitto/passwd" \
  Ingestion__External__AclFile="$DATA/bench-mosquitto/acl" Ingestion__External__PidFile="$DATA/bench-mosquitto/mosquitto.pid"
API=http://127.0.0.1:5094
sleep 2
since=$(date -u +%Y-%m-%dT%H:%M:%S.%NZ)
echo "as fast as Mosquitto acknowledges, 8 in flight per gateway (latency here: publish → Mosquitto's PUBACK):"
run 18832 --count "$COUNT" --rate 0 --inflight 8 --settle 300 | sed 's/^/  /'
$bench alert-stored "$CONN" "$since" | sed 's/^/  /'
curl -fs -H "X-Api-Key: $KEY" "$API/api/ingestion"; echo
for rate in 6000 8000; do
  since=$(date -u +%Y-%m-%dT%H:%M:%S.%NZ)
  echo "paced at $rate alerts/s through Mosquitto (sustained: does the service keep up?):"
  run 18832 --count 100000 --rate $rate --inflight 32 --settle 300 | sed 's/^/  /'
  $bench alert-stored "$CONN" "$since" | sed 's/^/  /'
done
printf 'peak RSS of the API process (Mosquitto client): %s MiB\n' "$(awk '/VmHWM/ {printf "%.0f", $2/1024}' /proc/$api/status)"
printf 'peak RSS of Mosquitto: %s MiB\n' "$(awk '/VmHWM/ {printf "%.0f", $2/1024}' /proc/"$(cat "$DATA/bench-mosquitto/mosquitto.pid")"/status)"
