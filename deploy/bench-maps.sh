#!/usr/bin/env bash
# The command centre's server-side figures (tests/SpatialGrid.Benchmarks/RESULTS.md, section "Case list and heat map", #21):
#  a. the case list's typical filters at 100,000 cases: /api/cases p95 against the same count + page as raw SQL;
#  b. the heat map of 1,000,000 cases over a year: every heat tile of the demo city at zooms 11 and 12, cold (case
#     layers are never cached), 6 clients at once as a browser, against heat.sql over 6 connections.
# Cases are bulk-inserted by COPY (tests/SpatialGrid.Benchmarks/MapLoad.cs), not created through the API.
# Own PostGIS on SG_BENCH_PG_PORT (55434), API on SG_BENCH_API_PORT (5091). Called by bench.sh (SG_BENCH_ONLY=maps
# runs it alone); SG_BENCH_MAPS_ONLY=list or heat runs one part; SG_BENCH_LIST_CASES / SG_BENCH_HEAT_CASES change the sizes;
# SG_BENCH_MAPS_REUSE=1 measures again on the databases a previous run loaded (no new COPY).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
PORT=${SG_BENCH_PG_PORT:-55434}
DATA=${SG_DATA:-$SG_ROOT/.data}
API_URL=http://127.0.0.1:${SG_BENCH_API_PORT:-5091}
need_dotnet
need_packages
PG_FSYNC=off pg_start "$DATA/bench-pg" "$PORT"
api=""
trap '[ -n "$api" ] && kill "$api" 2>/dev/null; pg_stop "$DATA/bench-pg"; dotnet build-server shutdown >/dev/null 2>&1 || true' EXIT
log "building the API, the CLI and the benchmarks (Release)"
for p in src/SpatialGrid.Api src/SpatialGrid.Cli tests/SpatialGrid.Benchmarks; do dotnet build "$SG_ROOT/$p" -c Release -v q -nologo -clp:ErrorsOnly; done
bench="$SG_ROOT/tests/SpatialGrid.Benchmarks/bin/Release/net10.0/SpatialGrid.Benchmarks.dll"
sgrid="$SG_ROOT/src/SpatialGrid.Cli/bin/Release/net10.0/sgrid.dll"

# A fresh database with the demo city's grids; prints the connection string. $api runs on it.
fresh_city() {
  local db=$1
  conn="Host=127.0.0.1;Port=$PORT;Username=postgres;Database=$db"
  if [ -n "${SG_BENCH_MAPS_REUSE:-}" ] && psql -h 127.0.0.1 -p "$PORT" -U postgres -d "$db" -Atc "SELECT 1 FROM cases LIMIT 1" >/dev/null 2>&1; then
    reused=1; start_api "$db"; return
  fi
  reused=""
  psql -h 127.0.0.1 -p "$PORT" -U postgres -d postgres -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null
  pg_create_db "$db" "$PORT"
  rm -f "$DATA/bench-maps-$db.key"
  start_api "$db"
  SGRID_API=$API_URL SGRID_KEY=$key dotnet "$sgrid" grids import "$SG_ROOT/gis-data/demo/shanghai-grids.geojson" --publish > /dev/null
}
# The API on the database, once it answers, with the database's admin key in $key (made by the API the first time).
start_api() {
  (cd "$SG_ROOT/src/SpatialGrid.Api/bin/Release/net10.0" && exec env Urls="$API_URL" Database__ConnectionString="$conn" Ingestion__Enabled=false \
    Security__BootstrapAdminKeyFile="$DATA/bench-maps-$1.key" Cases__ColourSweepEnabled=false Logging__LogLevel__Default=Warning Http__RateLimitEnabled=false dotnet SpatialGrid.Api.dll) > "$DATA/bench-maps-api.log" 2>&1 &
  api=$!
  for _ in $(seq 1 120); do curl -fs "$API_URL/health" >/dev/null 2>&1 && break; sleep 0.5; done
  key=$(cat "$DATA/bench-maps-$1.key")
}
stop_api() { kill "$api" 2>/dev/null; wait "$api" 2>/dev/null || true; api=""; }

if [ -z "${SG_BENCH_MAPS_ONLY:-}" ] || [ "${SG_BENCH_MAPS_ONLY}" = list ]; then
  log "a. the case list's filters at ${SG_BENCH_LIST_CASES:-100000} cases"
  fresh_city sg_bench_list
  [ -n "$reused" ] || dotnet "$bench" map-cases "${SG_BENCH_LIST_CASES:-100000}" 365 "$conn"
  dotnet "$bench" case-list "$API_URL" "$key" "$conn" "${SG_BENCH_LIST_ROUNDS:-20}"
  stop_api
fi
if [ -z "${SG_BENCH_MAPS_ONLY:-}" ] || [ "${SG_BENCH_MAPS_ONLY}" = heat ]; then
  log "b. the heat map of ${SG_BENCH_HEAT_CASES:-1000000} cases over a year at city zoom"
  fresh_city sg_bench_heat
  [ -n "$reused" ] || dotnet "$bench" map-cases "${SG_BENCH_HEAT_CASES:-1000000}" 365 "$conn"
  dotnet "$bench" heat-tiles "$API_URL" "$key" "$conn" "$SG_ROOT/src/SpatialGrid.Api/Maps/Sql/heat.sql" "${SG_BENCH_HEAT_RUNS:-5}"
  stop_api
fi
