#!/usr/bin/env bash
# Faults that cannot run in CI (issue 23); each prints PASS or FAIL with its figures. Needs root (a loop device).
#  1. disk full: the PostgreSQL cluster's data directory on a small loop-mounted ext4 filesystem made here (its WAL on
#     the ordinary disk: a full WAL disk stops PostgreSQL itself); while the simulator streams alerts over MQTT, a
#     ballast file takes every free block; the API must stop acknowledging (the devices keep their alerts), say so in
#     its log and in GET /api/ingestion, and resume by itself once the ballast is deleted;
#  2. Mosquitto restarted mid-stream, the API in external mode: nothing Mosquitto acknowledged may be lost.
# SG_FAULTS_ONLY=disk or mosquitto runs one; SG_FAULTS_SUBSCRIPTION=shared (default plain) as under 2. below.
# Nothing acknowledged lost and nothing stored twice is checked by the simulator's reconciliation (/api/alerts against
# what each device was acknowledged). Own ports: PostgreSQL 55486, API 5086, MQTT (embedded, then Mosquitto) 18886
# (SG_FAULTS_PORTS="55486 5086 18886"). Everything it starts or mounts is stopped or removed on exit.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

read -r PG1 API1 MQTT1 <<< "${SG_FAULTS_PORTS:-55486 5086 18886}"
PG2=$PG1 API2=$API1 MOSQ=$MQTT1  # the scenarios run one after the other
DATA=${SG_DATA:-$SG_ROOT/.data}/faults
[ "$(id -u)" -eq 0 ] || die "faults.sh needs root (it mounts a loop device)"
need_dotnet
need_packages
for p in "$API1" "$MQTT1"; do ss -Hltn "sport = :$p" | grep -q . && die "port $p is taken"; done
DISK=$DATA/disk
api="" stream=""
cleanup() {
  [ -n "$stream" ] && kill "$stream" 2>/dev/null
  [ -n "$api" ] && kill "$api" 2>/dev/null
  mosquitto_stop "$DATA/mosquitto"
  pg_stop "$DISK/pg" 2>/dev/null || true
  pg_stop "$DATA/pg2" 2>/dev/null || true
  mountpoint -q "$DISK" && umount "$DISK"
  rm -f "$DATA/disk.img"
  dotnet build-server shutdown >/dev/null 2>&1 || true
}
trap cleanup EXIT
pg_stop "$DATA/pg2" 2>/dev/null || true
mountpoint -q "$DISK" 2>/dev/null && { pg_stop "$DISK/pg" 2>/dev/null || true; umount "$DISK"; }
rm -rf "$DATA"; mkdir -p "$DISK"
[ -n "${SG_FAULTS_NO_BUILD:-}" ] || for proj in src/SpatialGrid.Api src/SpatialGrid.Cli sensors/SpatialGrid.DeviceSim; do
  dotnet build "$SG_ROOT/$proj" -c Release -v q -nologo -clp:ErrorsOnly
done
sim="dotnet $SG_ROOT/sensors/SpatialGrid.DeviceSim/bin/Release/net10.0/devicesim.dll"
sgrid="dotnet $SG_ROOT/src/SpatialGrid.Cli/bin/Release/net10.0/sgrid.dll"
failed=0

# start_api URL CONNECTION LOG [VAR=value…]
start_api() {
  local url=$1 conn=$2 logfile=$3; shift 3
  (cd "$SG_ROOT/src/SpatialGrid.Api/bin/Release/net10.0" && exec env Urls="$url" Database__ConnectionString="$conn" \
    Security__BootstrapAdminKeyFile="$DATA/admin-$(basename "$logfile" .log).key" Ingestion__BindAddress=127.0.0.1 \
    Logging__LogLevel__Default=Warning Http__RateLimitEnabled=false "$@" dotnet SpatialGrid.Api.dll) > "$logfile" 2>&1 &
  api=$!
  for _ in $(seq 1 120); do curl -fs "$url/health" >/dev/null 2>&1 && break; sleep 0.5; done
  curl -fs "$url/health" >/dev/null || die "the API did not start (log: $logfile)"
  KEY=$(cat "$DATA/admin-$(basename "$logfile" .log).key")
}
# city URL FLEET: the demo city's grids and components, and a fleet of 10 gateways x 10 devices.
city() {
  SGRID_API=$1 SGRID_KEY=$KEY $sgrid grids import "$SG_ROOT/gis-data/demo/shanghai-grids.geojson" --publish > /dev/null
  SGRID_API=$1 SGRID_KEY=$KEY $sgrid components import "$SG_ROOT/gis-data/demo/shanghai-components.geojson" > /dev/null
  $sim setup --api "$1" --key "$KEY" --gateways 10 --devices 10 --state "$2" | tail -n 1
}
stored() { psql -h 127.0.0.1 -p "$1" -U postgres -d sg_faults -Atc "SELECT count(*) FROM alerts"; }
# mid_stream PORT: waits until the stream is flowing (3,000 alerts stored), so that the fault falls in its middle.
mid_stream() { for _ in $(seq 1 600); do [ "$(stored "$1")" -ge 3000 ] && return 0; sleep 0.2; done; die "the stream did not start"; }
paused() { curl -fs -H "X-Api-Key: $KEY" "$1/api/ingestion" | grep -q '"paused":true'; }
# verdict NAME RECOVERY_SECONDS OUTPUT_OF_THE_SIMULATOR [EXTRA_CONDITION_MET 0|1] [WHY]
verdict() {
  local name=$1 recovery=$2 out=$3 extra=${4:-1} why=${5:-}
  local line acked stored lost dup
  line=$(grep '^reconciliation:' "$out" || true)
  [ -n "$line" ] || { echo "$name: FAIL (the simulator did not finish: $out)"; failed=1; return; }
  read -r acked stored lost dup < <(sed -n 's/^reconciliation: [0-9,]* sent, \([0-9,]*\) good ones acknowledged, \([0-9,]*\) stored; lost \([0-9,]*\), duplicated \([0-9,]*\),.*/\1 \2 \3 \4/p' "$out" | tr -d ,)
  local result=PASS
  [ "$lost" -eq 0 ] && [ "$dup" -eq 0 ] && [ "$extra" -eq 1 ] || { result=FAIL; failed=1; }
  printf '%s: %s — acknowledged %s, stored %s, lost %s, duplicated %s, recovery %s s%s\n' "$name" "$result" "$acked" "$stored" "$lost" "$dup" "$recovery" "${why:+; $why}"
}

if [[ "${SG_FAULTS_ONLY:-disk}" == *disk* ]]; then
log "1. disk full: PostgreSQL's data directory on a 512 MB loop-mounted filesystem"
truncate -s 512M "$DATA/disk.img"
mkfs.ext4 -q -m 0 -F "$DATA/disk.img"
mount -o loop "$DATA/disk.img" "$DISK"
chown postgres:postgres "$DISK"; mkdir -p "$DATA/wal"; chown postgres:postgres "$DATA/wal"; chmod 700 "$DATA/wal"
pg_run "$PG_BIN/initdb" -D "$DISK/pg" --waldir="$DATA/wal/pg_wal" -A trust -U postgres -E UTF8 --locale=C.UTF-8 >/dev/null
PG_TUNING="-c shared_buffers=128MB" pg_start "$DISK/pg" "$PG1"
pg_create_db sg_faults "$PG1"
start_api "http://127.0.0.1:$API1" "Host=127.0.0.1;Port=$PG1;Username=postgres;Database=sg_faults" "$DATA/api-disk.log" Ingestion__Port="$MQTT1"
city "http://127.0.0.1:$API1" "$DATA/fleet1.json"
$sim run --api "http://127.0.0.1:$API1" --key "$KEY" --state "$DATA/fleet1.json" --broker "127.0.0.1:$MQTT1" \
  --count 60000 --rate 1000 --inflight 16 > "$DATA/sim-disk.out" 2>/dev/null & stream=$!
mid_stream "$PG1"
before=$(stored "$PG1")
fallocate -l "$(df --output=avail -B1 "$DISK" | tail -n 1)" "$DISK/ballast" || true
log "disk full ($(df -h --output=avail "$DISK" | tail -n 1 | tr -d ' ') left); $before alerts stored so far"
sleep 15
full_rows=$(stored "$PG1"); sleep 5; still=$(stored "$PG1")
paused_seen=0; paused "http://127.0.0.1:$API1" && paused_seen=1
logged=0; grep -q 'Alert ingestion paused' "$DATA/api-disk.log" && logged=1
echo "  while full: alerts stored $full_rows then $still 5 s later; GET /api/ingestion paused: $paused_seen; log says paused: $logged"
grep -m 1 'Alert ingestion paused' "$DATA/api-disk.log" | cut -c1-240 | sed 's/^/  log: /' || true
echo "  /health while full: $(curl -s "http://127.0.0.1:$API1/health")"
rm -f "$DISK/ballast"; freed=$(date +%s.%N)
recovery="none in 120"
for _ in $(seq 1 600); do [ "$(stored "$PG1")" -gt "$still" ] && ! paused "http://127.0.0.1:$API1" && recovery="" && break; sleep 0.2; done
[ -n "$recovery" ] || recovery=$(awk -v a="$freed" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}')
wait "$stream" || true; stream=""
stopped=0; [ "$full_rows" -eq "$still" ] && stopped=1
verdict "disk full" "$recovery" "$DATA/sim-disk.out" $(( stopped && paused_seen && logged )) \
  "stopped acknowledging while full: $stopped, said so in /api/ingestion: $paused_seen and its log: $logged"
kill "$api"; wait "$api" 2>/dev/null || true; api=""
pg_stop "$DISK/pg"; umount "$DISK"; rm -f "$DATA/disk.img"
fi

if [[ "${SG_FAULTS_ONLY:-mosquitto}" != *mosquitto* ]]; then exit "$failed"; fi
# The service's default is one plain subscription, which the persistent session keeps across the restart.
# SG_FAULTS_SUBSCRIPTION=shared runs it with a shared group and four connections instead: Mosquitto 2.0.11 (Debian 12)
# does not restore a shared subscription ($share/…) from its persistence file, so what devices publish between its
# restart and the API subscribing again has no subscriber and is dropped after its PUBACK (this scenario then FAILs).
subscription=()
[ "${SG_FAULTS_SUBSCRIPTION:-plain}" = shared ] && subscription=(Ingestion__External__SharedGroup=spatialgrid Ingestion__External__Connections=4)
log "2. Mosquitto restarted mid-stream (external mode, ${SG_FAULTS_SUBSCRIPTION:-plain} subscription)"
pg_start "$DATA/pg2" "$PG2"
pg_create_db sg_faults "$PG2"
password=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
mosquitto_start "$DATA/mosquitto" "$MOSQ" "$password"
start_api "http://127.0.0.1:$API2" "Host=127.0.0.1;Port=$PG2;Username=postgres;Database=sg_faults" "$DATA/api-mosquitto.log" \
  Ingestion__Mode=external Ingestion__External__Port="$MOSQ" Ingestion__External__Password="$password" Ingestion__External__ClientId=faults-1 \
  Ingestion__External__PasswordFile="$DATA/mosquitto/passwd" Ingestion__External__AclFile="$DATA/mosquitto/acl" \
  Ingestion__External__PidFile="$DATA/mosquitto/mosquitto.pid" "${subscription[@]}"
city "http://127.0.0.1:$API2" "$DATA/fleet2.json"
sleep 2
$sim run --api "http://127.0.0.1:$API2" --key "$KEY" --state "$DATA/fleet2.json" --broker "127.0.0.1:$MOSQ" \
  --count 40000 --rate 2000 --inflight 16 --settle 120 > "$DATA/sim-mosquitto.out" 2>/dev/null & stream=$!
mid_stream "$PG2"
# A restart as systemd does it: SIGTERM (Mosquitto saves its persistence file), then the same configuration again
# (mosquitto_start would rewrite the password file without the gateways the API wrote into it).
pid=$(cat "$DATA/mosquitto/mosquitto.pid"); kill "$pid"
while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
at=$(stored "$PG2")
mosquitto -c "$DATA/mosquitto/mosquitto.conf" -d; restarted=$(date +%s.%N)
log "Mosquitto restarted with $at alerts stored"
recovery="none in 120"
for _ in $(seq 1 600); do [ "$(stored "$PG2")" -gt "$at" ] && recovery="" && break; sleep 0.2; done
[ -n "$recovery" ] || recovery=$(awk -v a="$restarted" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}')
wait "$stream" || true; stream=""
grep -m 2 -i 'broker\|mqtt' "$DATA/api-mosquitto.log" | cut -c1-240 | sed 's/^/  log: /' || true
verdict "Mosquitto restarted" "$recovery" "$DATA/sim-mosquitto.out"
exit "$failed"
