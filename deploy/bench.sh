#!/usr/bin/env bash
# Measures what tests/SpatialGrid.Benchmarks/RESULTS.md reports, on a private PostGIS (port 55434)
# (SG_BENCH_SKIP_MICRO=1 skips the BenchmarkDotNet part):
#  1. point → grid lookups: in-memory GridIndex vs PostGIS ST_Covers + GiST (BenchmarkDotNet, same run);
#  2. end to end: import and full validation of 10,000 grid polygons through the API (sgrid), against
#     GDAL's ogr2ogr loading the same file into PostGIS without any validation (a peer tool, same run);
#  3.–8. components, re-linking, tiles, cases, the colour sweep, alerts over MQTT (deploy/bench-alerts.sh), patrol GPS
#  fixes over MQTT (deploy/bench-gps.sh).
# SG_BENCH_ONLY=tiles runs the tile section alone; SG_BENCH_ONLY=alerts the alerts over MQTT; SG_BENCH_ONLY=gps the GPS one; SG_BENCH_ONLY=hotspots the hotspot back-test and training;
# SG_BENCH_ONLY=maps the case list's filters and the heat map (deploy/bench-maps.sh); SG_BENCH_ONLY=web the command centre's cold load in Chromium (deploy/bench-web.sh);
# SG_BENCH_ONLY=evaluation the evaluation of a month of 200,000 cases (deploy/bench-evaluation.sh).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

PORT=${SG_BENCH_PG_PORT:-55434}
DATA=${SG_DATA:-$SG_ROOT/.data}
API_URL=http://127.0.0.1:${SG_BENCH_API_PORT:-5091}
need_dotnet
need_packages
if [ "${SG_BENCH_ONLY:-}" = alerts ]; then exec "$SG_ROOT/deploy/bench-alerts.sh"; fi
if [ "${SG_BENCH_ONLY:-}" = gps ]; then exec "$SG_ROOT/deploy/bench-gps.sh"; fi
if [ "${SG_BENCH_ONLY:-}" = hotspots ]; then exec "$SG_ROOT/deploy/bench-hotspots.sh"; fi
if [ "${SG_BENCH_ONLY:-}" = maps ]; then exec "$SG_ROOT/deploy/bench-maps.sh"; fi
if [ "${SG_BENCH_ONLY:-}" = web ]; then exec "$SG_ROOT/deploy/bench-web.sh"; fi
if [ "${SG_BENCH_ONLY:-}" = evaluation ]; then exec "$SG_ROOT/deploy/bench-evaluation.sh"; fi
PG_FSYNC=off pg_start "$DATA/bench-pg" "$PORT"
api=""
trap '[ -n "$api" ] && kill "$api" 2>/dev/null; pg_stop "$DATA/bench-pg"; dotnet build-server shutdown >/dev/null 2>&1 || true' EXIT

tiles_section() {
log "5. tiles of the demo city: cold, raw SQL, warm"
psql -h 127.0.0.1 -p "$PORT" -U postgres -d postgres -qc "DROP DATABASE IF EXISTS sg_bench_tiles WITH (FORCE)" >/dev/null
pg_create_db sg_bench_tiles "$PORT"
tile_url=http://127.0.0.1:${SG_BENCH_TILE_PORT:-5092}
tile_db="Host=127.0.0.1;Port=$PORT;Username=postgres;Database=sg_bench_tiles"
# The API on the tile database (extra settings as NAME=value arguments), once it answers; its cache starts empty.
start_tile_api() {
  (cd "$SG_ROOT/src/SpatialGrid.Api/bin/Release/net10.0" && exec env "$@" Urls="$tile_url" Database__ConnectionString="$tile_db" Ingestion__Enabled=false \
    Logging__LogLevel__Default=Warning Http__RateLimitEnabled=false dotnet SpatialGrid.Api.dll) > "$DATA/bench-tiles-api.log" 2>&1 &
  tiles_api=$!
  for _ in $(seq 1 120); do curl -fs "$tile_url/health" >/dev/null 2>&1 && break; sleep 0.5; done
}
stop_tile_api() { kill "$tiles_api"; wait "$tiles_api" 2>/dev/null || true; }
rm -f "$DATA/bench-tiles.key"
start_tile_api Security__BootstrapAdminKeyFile="$DATA/bench-tiles.key"
SGRID_API=$tile_url SGRID_KEY=$(cat "$DATA/bench-tiles.key") dotnet "$SG_ROOT/src/SpatialGrid.Cli/bin/Release/net10.0/sgrid.dll" grids import "$SG_ROOT/gis-data/demo/shanghai-grids.geojson" --publish > /dev/null
SGRID_API=$tile_url SGRID_KEY=$(cat "$DATA/bench-tiles.key") dotnet "$SG_ROOT/src/SpatialGrid.Cli/bin/Release/net10.0/sgrid.dll" components import "$SG_ROOT/gis-data/demo/shanghai-components.geojson" > /dev/null
# Restart, so the cold run starts with an empty cache.
stop_tile_api
start_tile_api
dotnet "$bench" tile-load "$tile_url" "$tile_db" "$SG_ROOT/src/SpatialGrid.Api/Maps/Sql"
stop_tile_api
# Again with an empty cache: each tile through the API and as raw SQL back to back (the machine drifts within a run).
start_tile_api
dotnet "$bench" tile-interleaved "$tile_url" "$tile_db" "$SG_ROOT/src/SpatialGrid.Api/Maps/Sql"
stop_tile_api

}

for db in sg_bench_locate sg_bench_import sg_bench_ogr; do
  psql -h 127.0.0.1 -p "$PORT" -U postgres -d postgres -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null
  pg_create_db "$db" "$PORT"
done
dotnet build "$SG_ROOT/SpatialGrid.sln" -c Release -v q -nologo -clp:ErrorsOnly
bench="$SG_ROOT/tests/SpatialGrid.Benchmarks/bin/Release/net10.0/SpatialGrid.Benchmarks.dll"
if [ "${SG_BENCH_ONLY:-}" = tiles ]; then tiles_section; exit 0; fi

if [ -z "${SG_BENCH_SKIP_MICRO:-}" ]; then
  log "1. point → grid lookups (BenchmarkDotNet)"
  (cd "$DATA" && SG_BENCH_PG="Host=127.0.0.1;Port=$PORT;Username=postgres;Database=sg_bench_locate" \
    dotnet "$bench" --filter '*LocateBenchmarks*' --join --exporters markdown)
fi

log "2. import and validation of 10,000 grids, end to end"
file="$DATA/synthetic-10000-grids.geojson"
dotnet "$bench" synthetic-grids 10000 "$file"
Urls=$API_URL Database__ConnectionString="Host=127.0.0.1;Port=$PORT;Username=postgres;Database=sg_bench_import" \
  Security__BootstrapAdminKeyFile="$DATA/bench-admin.key" Logging__LogLevel__Default=Warning Http__RateLimitEnabled=false Ingestion__Enabled=false \
  dotnet "$SG_ROOT/src/SpatialGrid.Api/bin/Release/net10.0/SpatialGrid.Api.dll" > "$DATA/bench-api.log" 2>&1 &
api=$!
for _ in $(seq 1 120); do curl -fs "$API_URL/health" >/dev/null 2>&1 && break; sleep 0.5; done
export SGRID_API=$API_URL SGRID_KEY; SGRID_KEY=$(cat "$DATA/bench-admin.key")
start=$(date +%s.%N)
dotnet "$SG_ROOT/src/SpatialGrid.Cli/bin/Release/net10.0/sgrid.dll" grids import "$file" --publish > "$DATA/bench-import.log"
sgrid_s=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN{print b-a}')
start=$(date +%s.%N)
ogr2ogr -f PostgreSQL "PG:host=127.0.0.1 port=$PORT user=postgres dbname=sg_bench_ogr" "$file" -nln grids_ogr -nlt MULTIPOLYGON -lco GEOMETRY_NAME=geometry
ogr_s=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN{print b-a}')
count=$(psql -h 127.0.0.1 -p "$PORT" -U postgres -d sg_bench_import -Atc "SELECT count(*) FROM grids WHERE valid_to IS NULL AND valid_from IS NOT NULL")
printf '\nimport of %s grids (10,000 + 111 upper levels) with full validation via sgrid → API → PostGIS: %.2f s\n' "$count" "$sgrid_s"
printf 'ogr2ogr loading the same file into PostGIS, no validation:                            %.2f s\n' "$ogr_s"
printf 'ratio sgrid / ogr2ogr: %.2f\n' "$(awk -v a="$sgrid_s" -v b="$ogr_s" 'BEGIN{print a/b}')"

log "3. import of 100,000 point components with grid assignment, end to end"
components="$DATA/synthetic-100000-components.geojson"
dotnet "$bench" synthetic-components 100000 10000 "$components"
start=$(date +%s.%N)
dotnet "$SG_ROOT/src/SpatialGrid.Cli/bin/Release/net10.0/sgrid.dll" components import "$components" > "$DATA/bench-components.log"
comp_s=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN{print b-a}')
linked=$(psql -h 127.0.0.1 -p "$PORT" -U postgres -d sg_bench_import -Atc "SELECT count(DISTINCT component_id) FROM component_grids")
printf '\nimport of 100,000 components (%s linked to a grid) via sgrid → API → PostGIS: %.2f s, %.0f rows/s\n' "$linked" "$comp_s" "$(awk -v s="$comp_s" 'BEGIN{print 100000/s}')"
dotnet "$bench" copy-baseline "$components" "Host=127.0.0.1;Port=$PORT;Username=postgres;Database=sg_bench_ogr"

log "4. re-linking 100,000 components after a grid version is published"
version=$(dotnet "$SG_ROOT/src/SpatialGrid.Cli/bin/Release/net10.0/sgrid.dll" grids import "$file" | sed -n 's/.*version \([0-9]*\).*/\1/p' | head -n 1)
start=$(date +%s.%N)
curl -fs -X POST -H "X-Api-Key: $SGRID_KEY" "$API_URL/api/grids/versions/$version/publish" > /dev/null
pub_s=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN{print b-a}')
printf 'publish of a 10,111-grid version with 100,000 components re-linked (one transaction): %.2f s\n' "$pub_s"
psql -h 127.0.0.1 -p "$PORT" -U postgres -d sg_bench_import -Atc "SELECT 'links after publish: ' || count(*) FROM component_grids"

tiles_section

log "5b. 100,000 cases through the API with 32 concurrent clients, and the same inserts as raw SQL"
curl -fs -X POST -H "X-Api-Key: $SGRID_KEY" -H 'Content-Type: application/json' "$API_URL/api/keys" \
  -d '{"name":"load","roles":["dispatcher"]}' > "$DATA/bench-dispatcher.json"
dispatcher=$(sed -n 's/.*"key":"\([^"]*\)".*/\1/p' "$DATA/bench-dispatcher.json")
cases=${SG_BENCH_CASES:-100000}
dotnet "$bench" case-load "$cases" 32 "$API_URL" "$dispatcher"
dotnet "$bench" case-sql "$cases" 32 "Host=127.0.0.1;Port=$PORT;Username=postgres;Database=sg_bench_import;Maximum Pool Size=40"

log "6. the colour sweep over 1,000,000 open cases"
# The API's own scheduled sweep would announce the crossings before the measured run does.
kill "$api" 2>/dev/null; wait "$api" 2>/dev/null || true; api=""
dotnet "$bench" case-sweep 1000000 "Host=127.0.0.1;Port=$PORT;Username=postgres;Database=sg_bench_import" "$SG_ROOT/src/SpatialGrid.Api/Cases/Sql/colour_sweep.sql"

log "7. alerts over MQTT (deploy/bench-alerts.sh)"
"$SG_ROOT/deploy/bench-alerts.sh"

log "8. patrol GPS fixes over MQTT (deploy/bench-gps.sh)"
"$SG_ROOT/deploy/bench-gps.sh"

log "9. hotspot risk: the Chicago back-test and training at city scale (deploy/bench-hotspots.sh)"
"$SG_ROOT/deploy/bench-hotspots.sh"

log "10. the case list's filters and the heat map (deploy/bench-maps.sh)"
"$SG_ROOT/deploy/bench-maps.sh"

log "11. the command centre's cold load in Chromium (deploy/bench-web.sh)"
"$SG_ROOT/deploy/bench-web.sh"

log "12. the evaluation of a month of 200,000 cases (deploy/bench-evaluation.sh)"
"$SG_ROOT/deploy/bench-evaluation.sh"
