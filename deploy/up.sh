#!/usr/bin/env bash
# Starts SpatialGrid with the demo city: installs what is missing, starts a private PostGIS cluster under
# .data/, builds and runs the API on http://127.0.0.1:5080 and loads the demo city the first time.
# Environment: SG_PG_PORT (55432), SG_DATA (.data), SG_URL (http://127.0.0.1:5080), SG_DB (spatialgrid),
# SG_MQTT_PORT (1883, the embedded broker).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

PORT=${SG_PG_PORT:-55432}
DATA=${SG_DATA:-$SG_ROOT/.data}
URL=${SG_URL:-http://127.0.0.1:5080}
DB=${SG_DB:-spatialgrid}
MQTT_PORT=${SG_MQTT_PORT:-${Ingestion__Port:-1883}}

need_dotnet
need_packages
pg_start "$DATA/pg" "$PORT"
pg_create_db "$DB" "$PORT"

log "building"
dotnet build "$SG_ROOT/SpatialGrid.sln" -c Release -v q -nologo -clp:ErrorsOnly >&2

export ASPNETCORE_ENVIRONMENT=${ASPNETCORE_ENVIRONMENT:-Production}
export Urls=$URL
export Database__ConnectionString="Host=127.0.0.1;Port=$PORT;Username=postgres;Database=$DB"
export Security__BootstrapAdminKeyFile="$DATA/admin.key"
export Ingestion__Port=$MQTT_PORT
# The demo's case history is loaded with its past report times (deploy/up.sh, below).
export Cases__MaxBackdateDays=${Cases__MaxBackdateDays:-120}
api_dll="$SG_ROOT/src/SpatialGrid.Api/bin/Release/net10.0/SpatialGrid.Api.dll"
cli_dll="$SG_ROOT/src/SpatialGrid.Cli/bin/Release/net10.0/sgrid.dll"

log "starting the API on $URL"
# From its own folder, so that it finds its wwwroot (the web map) and appsettings.json.
(cd "$(dirname "$api_dll")" && exec dotnet "$api_dll") > "$DATA/api.log" 2>&1 &
api=$!
echo "$api" > "$DATA/api.pid"
# Whatever ends this script (Ctrl-C, deploy/down.sh, a failed step) stops the API with it: never an API left running
# behind a script that has gone.
trap 'kill $api 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do
  curl -fs "$URL/health" >/dev/null 2>&1 && break
  kill -0 "$api" 2>/dev/null || { tail -n 30 "$DATA/api.log" >&2; die "the API stopped (log: $DATA/api.log)"; }
  sleep 0.5
done
curl -fs "$URL/health" >/dev/null || die "the API did not answer on $URL (log: $DATA/api.log)"

KEY=$(cat "$DATA/admin.key")
export SGRID_API=$URL SGRID_KEY=$KEY
if [ "$(curl -fs "$URL/api/grids?level=district&pageSize=1" | sed -n 's/.*"total":\([0-9]*\).*/\1/p')" = "0" ]; then
  log "loading the demo city (gis-data/demo)"
  dotnet "$cli_dll" grids import "$SG_ROOT/gis-data/demo/shanghai-grids.geojson" --publish
fi
if [ "$(curl -fs "$URL/api/components?pageSize=1" | sed -n 's/.*"total":\([0-9]*\).*/\1/p')" = "0" ]; then
  log "loading the demo city's components (gis-data/demo)"
  dotnet "$cli_dll" components import "$SG_ROOT/gis-data/demo/shanghai-components.geojson"
fi
if [ "$(curl -fs -H "X-Api-Key: $KEY" "$URL/api/patrols/workers?pageSize=1" | sed -n 's/.*"total":\([0-9]*\).*/\1/p')" = "0" ]; then
  log "loading a week of patrols on the demo city (gis-data/demo/patrols: GeoLife trajectories moved into Huangpu)"
  dotnet "$cli_dll" demo patrols --tracks "$SG_ROOT/gis-data/demo/patrols/geolife" --days 7
fi
if [ "$(curl -fs -H "X-Api-Key: $KEY" "$URL/api/hotspots/models?limit=1" | sed -n 's/.*"total":\([0-9]*\).*/\1/p')" = "0" ]; then
  log "loading 90 days of generated case history on the demo city and training hotspot risk on it"
  dotnet "$cli_dll" demo cases --days 90 --per-day 15
  log "running today's first cases through the whole loop: confirm and check tasks answered from the scene by the supervisors on shift"
  # Tasks go to the supervisors on shift now: should none be found, the service still comes up (the loop can be run later).
  dotnet "$cli_dll" demo loop --cases 12 || log "today's demo loop did not run (above); try later: dotnet $cli_dll demo loop --api $URL --key <key>"
fi

# A small simulated fleet on the demo city (one gateway, twelve devices on real components), so that device
# alerts can be tried at once; its credentials stay in $DATA/demo-fleet.json.
sim_dll="$SG_ROOT/sensors/SpatialGrid.DeviceSim/bin/Release/net10.0/devicesim.dll"
fleet_gw=""
if [ -f "$DATA/demo-fleet.json" ]; then
  fleet_gw=$(sed -n 's/.*"id": *"\([^"]*-gw000\)".*/\1/p' "$DATA/demo-fleet.json" | head -n 1)
fi
# Registered again when the file is missing or names a gateway this database does not know (a fresh .data/pg).
if [ -z "$fleet_gw" ] || ! curl -fs -H "X-Api-Key: $KEY" "$URL/api/gateways/$fleet_gw" >/dev/null 2>&1; then
  log "registering a simulated device gateway (sensors/SpatialGrid.DeviceSim)"
  dotnet "$sim_dll" setup --api "$URL" --key "$KEY" --gateways 1 --devices 12 --state "$DATA/demo-fleet.json" | tail -n 1 >&2
fi

cat <<MSG

  SpatialGrid is running with the demo city (central Huangpu, Shanghai).
    Web map        $URL/   (the command centre: sign in with the admin key below)
    API            $URL/api/grids
    OGC API        $URL/ogc
    OpenAPI        $URL/openapi/v1.json
    MQTT broker    127.0.0.1:$MQTT_PORT  (gateways: POST $URL/api/gateways; alerts on sg/v1/gw/{id}/alert)
    admin API key  $KEY   (also in $DATA/admin.key; the command centre at $URL/ asks for it)
  Try:  curl '$URL/api/grids/locate?lon=121.4737&lat=31.2304'
        dotnet $sim_dll run --api $URL --key $KEY --state $DATA/demo-fleet.json --broker 127.0.0.1:$MQTT_PORT --count 300 --rate 20
          (a simulated gateway sends 300 alerts over MQTT; cases open on the map as they arrive)
        curl '$URL/api/grids/310101002/inventory'
        curl -H "X-Api-Key: $KEY" '$URL/api/patrols/live'   (the demo week of patrols: also /coverage?date=, /unvisited?date=)
        curl -H "X-Api-Key: $KEY" '$URL/api/hotspots/scores?pageSize=5'   (today's hotspot risk per grid, with reasons; also /recommendations?team=)
        SGRID_API=$URL SGRID_KEY=\$(cat $DATA/admin.key) dotnet $cli_dll grids export --level grid -o grids.geojson
  Stop: Ctrl-C, then deploy/down.sh to stop PostgreSQL.

MSG
wait "$api"
