#!/usr/bin/env bash
# Runs the whole test suite against a real PostGIS (and, as capabilities need them, a real broker and GDAL):
# the same setup as up.sh, on its own cluster (port 55433, .data/test-pg) so that a running demo is untouched.
# Extra arguments go to dotnet test (e.g. --filter Grids).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

PORT=${SG_TEST_PG_PORT:-55433}
DATA=${SG_DATA:-$SG_ROOT/.data}

WEB_PORT=${SG_TEST_WEB_PORT:-5099}
need_dotnet
# QGIS's OAPIF provider and PyQGIS, for the OGC API test a GIS user's QGIS would run (~177 MB download, no recommends).
need_packages chromium fonts-noto-cjk python3-qgis qgis-providers
# Tests throw away their databases; durability buys nothing here.
PG_FSYNC=off pg_start "$DATA/test-pg" "$PORT"
api=""
trap '[ -n "$api" ] && kill "$api" 2>/dev/null; mosquitto_stop "$DATA/test-mosquitto"; pg_stop "$DATA/test-pg"; dotnet build-server shutdown >/dev/null 2>&1 || true' EXIT
# The external broker of the ingestion tests (Ingestion:Mode=external).
MQTT_PORT=${SG_TEST_MOSQUITTO_PORT:-18830}
MQTT_PASSWORD=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
rm -rf "$DATA/test-mosquitto"
mosquitto_start "$DATA/test-mosquitto" "$MQTT_PORT" "$MQTT_PASSWORD"
export SG_TEST_MOSQUITTO="127.0.0.1:$MQTT_PORT" SG_TEST_MOSQUITTO_DIR="$DATA/test-mosquitto" SG_TEST_MOSQUITTO_PASSWORD="$MQTT_PASSWORD"

export SG_TEST_PG="Host=127.0.0.1;Port=$PORT;Username=postgres"
# The reliability tests restart this cluster in the middle of a stream (they run alone, after the others).
cat > "$DATA/test-pg-restart.sh" <<RESTART
source "$SG_ROOT/deploy/lib.sh"
pg_run "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_DATA/server.log" -m fast -w -t 60 restart >/dev/null
RESTART
export SG_TEST_PG_RESTART="$DATA/test-pg-restart.sh"
log "building"
dotnet build "$SG_ROOT/SpatialGrid.sln" -c Release -v q -nologo -clp:ErrorsOnly

log "running the tests"
results="$DATA/test-results"
rm -rf "$results"
set +e
dotnet test "$SG_ROOT/SpatialGrid.sln" -c Release --no-build -v q --nologo --results-directory "$results" --logger "trx" "$@"
rc=$?
set -e

# The web map in Chromium (tests/web), against the service with the demo city on its own database and port.
web_passed=0; web_failed=0
if [ -z "${SG_SKIP_WEB:-}" ] && [ $# -eq 0 ]; then
  log "running the browser tests (tests/web)"
  PGOPTIONS="-c client_min_messages=warning" psql -h 127.0.0.1 -p "$PORT" -U postgres -d postgres -qc "DROP DATABASE IF EXISTS sg_web WITH (FORCE)" >/dev/null
  pg_create_db sg_web "$PORT"
  rm -f "$DATA/web-admin.key"
  api_dll="$SG_ROOT/src/SpatialGrid.Api/bin/Release/net10.0/SpatialGrid.Api.dll"
  cli="$SG_ROOT/src/SpatialGrid.Cli/bin/Release/net10.0/sgrid.dll"
  (cd "$(dirname "$api_dll")" && Urls="http://127.0.0.1:$WEB_PORT" Database__ConnectionString="Host=127.0.0.1;Port=$PORT;Username=postgres;Database=sg_web" \
    Security__BootstrapAdminKeyFile="$DATA/web-admin.key" Ingestion__Port="${SG_TEST_MQTT_PORT:-18839}" Ingestion__BindAddress=127.0.0.1 Cases__MaxBackdateDays=120 \
    Logging__LogLevel__Default=Warning exec dotnet "$api_dll") > "$DATA/web-api.log" 2>&1 &
  api=$!
  for _ in $(seq 1 120); do curl -fs "http://127.0.0.1:$WEB_PORT/health" >/dev/null 2>&1 && break; sleep 0.5; done
  curl -fs "http://127.0.0.1:$WEB_PORT/health" >/dev/null 2>&1 || { tail -n 40 "$DATA/web-api.log"; die "the API for the browser tests did not start (log above: $DATA/web-api.log)"; }
  export SGRID_API="http://127.0.0.1:$WEB_PORT" SGRID_KEY; SGRID_KEY=$(cat "$DATA/web-admin.key")
  dotnet "$cli" grids import "$SG_ROOT/gis-data/demo/shanghai-grids.geojson" --publish > "$DATA/web-load.log"
  dotnet "$cli" components import "$SG_ROOT/gis-data/demo/shanghai-components.geojson" >> "$DATA/web-load.log"
  # Patrols for the map's coverage layers: two days, as one would be empty between midnight and the 08:00 shift. The
  # tests post their own worker for what must be live now (the demo's shifts leave nobody out at night).
  dotnet "$cli" demo patrols --tracks "$SG_ROOT/gis-data/demo/patrols/geolife" --days 2 >> "$DATA/web-load.log"
  # A short generated case history and a hotspot model trained on it, for the risk layer and the patrol plans.
  dotnet "$cli" demo cases --days 70 --per-day 8 >> "$DATA/web-load.log"
  web_key=$(dotnet "$cli" keys create --name browser-test --role dispatcher | tail -n 1)
  (cd "$SG_ROOT/tests/web" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  set +e
  (cd "$SG_ROOT/tests/web" && SG_WEB_URL="http://127.0.0.1:$WEB_PORT" SG_WEB_KEY="$web_key" SG_WEB_SHOTS="$results" \
    SG_WEB_ADMIN_KEY="$SGRID_KEY" SG_WEB_MQTT_PORT="${SG_TEST_MQTT_PORT:-18839}" SG_WEB_PG_PORT="$PORT" SG_WEB_DB=sg_web \
    node --test --test-concurrency=1 --test-reporter=tap) | tee "$results/web.tap" | grep -E '^(not )?ok |^# (pass|fail) '
  web_rc=${PIPESTATUS[0]}
  set -e
  web_passed=$(sed -n 's/^# pass \([0-9]*\)/\1/p' "$results/web.tap"); web_failed=$(sed -n 's/^# fail \([0-9]*\)/\1/p' "$results/web.tap")
  [ "$web_rc" -ne 0 ] && rc=1
  [ -z "$web_passed" ] && { echo "the browser tests did not run (see $results/web.tap and $DATA/web-api.log)"; rc=1; web_passed=0; web_failed=1; }
  kill "$api" 2>/dev/null; wait "$api" 2>/dev/null || true; api=""
  log "screenshots of each view: $(cd "$results" && ls -1 *.png 2>/dev/null | tr '\n' ' ')(in $results)"
fi
# The first command exactly as a newcomer runs it: deploy/up.sh on an empty data folder (its own ports, so a running
# demo and the other tests never meet), its closing message, the fleet command it prints, cases opening, deploy/down.sh.
newcomer_passed=0; newcomer_failed=0
if [ -z "${SG_SKIP_NEWCOMER:-}" ] && [ $# -eq 0 ]; then
  log "running the first command as a newcomer (deploy/up.sh on an empty data folder)"
  if bash "$SG_ROOT/deploy/newcomer-check.sh" "$DATA/newcomer" > "$results/newcomer.log" 2>&1; then
    newcomer_passed=1; echo "ok - deploy/up.sh on a fresh data folder, the fleet's alerts open cases, deploy/down.sh stops it"
  else
    newcomer_failed=1; rc=1; echo "not ok - the first command (log: $results/newcomer.log)"; tail -n 40 "$results/newcomer.log"
  fi
fi
passed=0; failed=0
for f in "$results"/*.trx; do
  [ -f "$f" ] || continue
  c=$(grep -o '<Counters [^>]*>' "$f")
  passed=$((passed + $(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$c")))
  failed=$((failed + $(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$c")))
done
passed=$((passed + web_passed + newcomer_passed)); failed=$((failed + web_failed + newcomer_failed))
echo "$passed passed, $failed failed"
exit $rc
