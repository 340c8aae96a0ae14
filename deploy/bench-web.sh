#!/usr/bin/env bash
# `web cold load ms` (tests/SpatialGrid.Benchmarks/RESULTS.md, section "The command centre in the browser", #21): the
# dispatcher's view loaded cold in Debian's Chromium until the map is drawn and the queue filled, median of 5 runs,
# against a bare MapLibre page on the service's own style in the same run (tests/web/bench-cold-load.mjs).
# The demo city as deploy/up.sh loads it (grids, components, 70 days of generated cases and 60 open ones), on its own
# PostGIS (SG_BENCH_PG_PORT, 55434) and API (SG_BENCH_API_PORT, 5091). Called by bench.sh (SG_BENCH_ONLY=web runs it alone).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
PORT=${SG_BENCH_PG_PORT:-55434}
DATA=${SG_DATA:-$SG_ROOT/.data}
API_URL=http://127.0.0.1:${SG_BENCH_API_PORT:-5091}
need_dotnet
need_packages chromium fonts-noto-cjk
PG_FSYNC=off pg_start "$DATA/bench-pg" "$PORT"
api=""
trap '[ -n "$api" ] && kill "$api" 2>/dev/null; pg_stop "$DATA/bench-pg"; dotnet build-server shutdown >/dev/null 2>&1 || true' EXIT
log "building the API and the CLI (Release)"
for p in src/SpatialGrid.Api src/SpatialGrid.Cli; do dotnet build "$SG_ROOT/$p" -c Release -v q -nologo -clp:ErrorsOnly; done
sgrid="$SG_ROOT/src/SpatialGrid.Cli/bin/Release/net10.0/sgrid.dll"
psql -h 127.0.0.1 -p "$PORT" -U postgres -d postgres -qc "DROP DATABASE IF EXISTS sg_bench_web WITH (FORCE)" >/dev/null
pg_create_db sg_bench_web "$PORT"
rm -f "$DATA/bench-web.key"
(cd "$SG_ROOT/src/SpatialGrid.Api/bin/Release/net10.0" && exec env Urls="$API_URL" Database__ConnectionString="Host=127.0.0.1;Port=$PORT;Username=postgres;Database=sg_bench_web" \
  Security__BootstrapAdminKeyFile="$DATA/bench-web.key" Ingestion__Enabled=false Cases__MaxBackdateDays=120 Logging__LogLevel__Default=Warning Http__RateLimitEnabled=false \
  dotnet SpatialGrid.Api.dll) > "$DATA/bench-web-api.log" 2>&1 &
api=$!
for _ in $(seq 1 120); do curl -fs "$API_URL/health" >/dev/null 2>&1 && break; sleep 0.5; done
export SGRID_API=$API_URL SGRID_KEY; SGRID_KEY=$(cat "$DATA/bench-web.key")
log "loading the demo city (grids, components, 70 days of cases: what the hotspot model needs to train on)"
dotnet "$sgrid" grids import "$SG_ROOT/gis-data/demo/shanghai-grids.geojson" --publish > "$DATA/bench-web-load.log"
dotnet "$sgrid" components import "$SG_ROOT/gis-data/demo/shanghai-components.geojson" > "$DATA/bench-web-load.log"
dotnet "$sgrid" demo cases --days 70 --per-day 8 > "$DATA/bench-web-load.log"
key=$(dotnet "$sgrid" keys create --name bench-web --role dispatcher | tail -n 1)
# A working day's queue: 60 open cases around the centre (the generated history is all closed).
for i in $(seq 1 60); do
  lon=$(awk -v i="$i" 'BEGIN { printf "%.6f", 121.468 + (i % 10) * 0.0012 }'); lat=$(awk -v i="$i" 'BEGIN { printf "%.6f", 31.226 + int(i / 10) * 0.0013 }')
  curl -fs -o /dev/null -H "X-Api-Key: $key" -H 'content-type: application/json' "$API_URL/api/cases" \
    -d "{\"classCode\":\"E0502\",\"description\":\"bench: 占道经营 $i\",\"lon\":$lon,\"lat\":$lat}"
done
(cd "$SG_ROOT/tests/web" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
log "cold loads in Chromium (median of 5, interleaved with the bare MapLibre page); load average $(cut -d' ' -f1-3 /proc/loadavg)"
(cd "$SG_ROOT/tests/web" && SG_WEB_URL="$API_URL" SG_WEB_KEY="$key" node bench-cold-load.mjs 5)
