#!/usr/bin/env bash
# Runs deploy/up.sh as a newcomer does, on an empty data folder (argument 1) with ports of its own, and checks what
# they would see: the closing message names the admin key, the web map and the fleet command; that command sends
# alerts over MQTT and cases open; deploy/down.sh stops the API and PostgreSQL. Called by deploy/test.sh.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

dir=${1:?usage: newcomer-check.sh DATA_DIR}
# Its PostgreSQL listens below Linux's ephemeral range (32768-60999): at the end of a run, after thousands of
# connections, a port in that range can be some socket's own end (a CI run failed on 55438 "address already in use").
export SG_DATA=$dir SG_PG_PORT=${SG_NEWCOMER_PG_PORT:-25438} SG_URL=http://127.0.0.1:${SG_NEWCOMER_PORT:-5088}
export SG_MQTT_PORT=${SG_NEWCOMER_MQTT_PORT:-18838}
# An empty folder, as after a fresh clone (a cluster left by an earlier run is stopped first).
pg_stop "$dir/pg" 2>/dev/null || true
rm -rf "$dir" "$(pg_data_dir "$dir/pg")"
mkdir -p "$dir"

out="$dir/up.out"
bash "$SG_ROOT/deploy/up.sh" > "$out" 2>&1 &
up=$!
trap 'bash "$SG_ROOT/deploy/down.sh" >/dev/null 2>&1 || true; kill $up 2>/dev/null || true' EXIT
start=$(date +%s)
until grep -q "SpatialGrid is running" "$out"; do
  kill -0 "$up" 2>/dev/null || { cat "$out"; die "deploy/up.sh ended before its closing message"; }
  [ $(( $(date +%s) - start )) -lt 600 ] || { cat "$out"; die "deploy/up.sh did not finish in 10 minutes"; }
  sleep 1
done
sleep 1   # the rest of the message
cat "$out"
log "deploy/up.sh reached its closing message in $(( $(date +%s) - start )) s"

key=$(cat "$dir/admin.key")
grep -q "admin API key  $key" "$out" || die "the closing message does not name the admin key"
grep -q "Web map        $SG_URL/" "$out" || die "the closing message does not name the web map"
fleet_cmd=$(grep -o "dotnet [^ ]*devicesim.dll run .*" "$out" | head -n 1)
[ -n "$fleet_cmd" ] || die "the closing message does not give the fleet command"
grep -q -- "--broker 127.0.0.1:$SG_MQTT_PORT" <<<"$fleet_cmd" || die "the fleet command does not name the demo's broker"
curl -fs "$SG_URL/" | grep -qi "<html" || die "the web map does not answer at $SG_URL/"

cases_total() { curl -fs -H "X-Api-Key: $key" "$SG_URL/api/cases?pageSize=1" | sed -n 's/.*"total":\([0-9]*\).*/\1/p'; }
before=$(cases_total)
log "running the fleet command (40 alerts)"
# The printed command, with fewer alerts so that the check stays short.
eval "${fleet_cmd/--count 300/--count 40}"
after=$(cases_total)
log "cases before the fleet: $before, after: $after"
[ "${after:-0}" -gt "${before:-0}" ] || die "the fleet's alerts opened no case"

bash "$SG_ROOT/deploy/down.sh"
for _ in $(seq 1 60); do kill -0 "$up" 2>/dev/null || break; sleep 0.5; done
kill -0 "$up" 2>/dev/null && die "deploy/up.sh still runs after deploy/down.sh"
curl -fs "$SG_URL/health" >/dev/null 2>&1 && die "the API still answers after deploy/down.sh"
trap - EXIT
log "deploy/down.sh stopped the API and PostgreSQL"
