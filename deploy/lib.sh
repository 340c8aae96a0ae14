# Shared by up.sh, test.sh and down.sh: packages, a private PostgreSQL cluster, databases.
# shellcheck shell=bash
SG_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
# Build servers that outlive the script would hold its output open (and CI with it).
export MSBUILDDISABLENODEREUSE=1 DOTNET_CLI_USE_MSBUILD_SERVER=0

log() { printf '\033[1;34m==>\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31merror:\033[0m %s\n' "$*" >&2; exit 1; }

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

# Installs the Debian packages that are missing (PostGIS, Mosquitto, GDAL and any extra named).
need_packages() {
  local missing=() p
  for p in postgresql-15-postgis-3 mosquitto mosquitto-clients gdal-bin curl "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing ${missing[*]} (apt)"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# Runs a PostgreSQL binary as the postgres user when we are root (PostgreSQL refuses to run as root).
pg_run() {
  # From /, so that postgres can always enter the working directory.
  if [ "$(id -u)" -eq 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}

# The data folder must be reachable by the postgres user; a checkout under a private home (or a mktemp -d
# clone) is not, so fall back to /var/tmp and say so.
pg_data_dir() {
  local wanted=$1
  if [ "$(id -u)" -ne 0 ]; then echo "$wanted"; return; fi
  mkdir -p "$(dirname "$wanted")"
  if runuser -u postgres -- test -x "$(dirname "$wanted")" 2>/dev/null; then echo "$wanted"; return; fi
  local alt
  alt="/var/tmp/spatialgrid-$(printf '%s' "$wanted" | md5sum | cut -c1-10)/$(basename "$wanted")"
  log "$(dirname "$wanted") is not reachable by the postgres user; using $alt instead" 
  echo "$alt"
}

# pg_start DATA_DIR PORT: creates the cluster on first use, starts it if it is not running.
# Settings for a write-heavy service on one machine: PostgreSQL's defaults (128 MB of buffers, a checkpoint every
# 1 GB of WAL) made the alert benchmark checkpoint every 16-27 s, and every page touched after a checkpoint goes to
# the WAL whole; fewer checkpoints and compressed page images cut that. Durability is unchanged (fsync and
# synchronous_commit stay on). Override with PG_TUNING="".
PG_TUNING=${PG_TUNING-"-c shared_buffers=1GB -c max_wal_size=8GB -c checkpoint_timeout=15min -c wal_compression=lz4"}

pg_start() {
  local dir port
  dir=$(pg_data_dir "$1"); port=$2
  PG_DATA=$dir; PG_PORT=$port
  if [ ! -f "$dir/PG_VERSION" ]; then
    log "creating a PostgreSQL cluster in $dir"
    mkdir -p "$dir"
    [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$dir" "$(dirname "$dir")"
    chmod 700 "$dir"
    pg_run "$PG_BIN/initdb" -D "$dir" -A trust -U postgres -E UTF8 --locale=C.UTF-8 >/dev/null
  fi
  if ! pg_run "$PG_BIN/pg_ctl" -D "$dir" status >/dev/null 2>&1; then
    log "starting PostgreSQL on 127.0.0.1:$port"
    pg_run "$PG_BIN/pg_ctl" -D "$dir" -l "$dir/server.log" -w -t 60 \
      -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=${PG_FSYNC:-on} $PG_TUNING" start >/dev/null \
      || { tail -n 20 "$dir/server.log" >&2; die "PostgreSQL did not start (log: $dir/server.log)"; }
  fi
}

pg_stop() {
  local dir
  dir=$(pg_data_dir "$1")
  [ -f "$dir/PG_VERSION" ] || return 0
  pg_run "$PG_BIN/pg_ctl" -D "$dir" status >/dev/null 2>&1 || return 0
  pg_run "$PG_BIN/pg_ctl" -D "$dir" -m fast -w stop >/dev/null && log "PostgreSQL in $dir stopped"
}

# pg_create_db NAME PORT: creates the database with PostGIS if it does not exist.
pg_create_db() {
  local name=$1 port=$2
  if ! psql -h 127.0.0.1 -p "$port" -U postgres -d postgres -Atc "SELECT 1 FROM pg_database WHERE datname = '$name'" | grep -q 1; then
    log "creating database $name"
    psql -h 127.0.0.1 -p "$port" -U postgres -d postgres -qc "CREATE DATABASE \"$name\"" >/dev/null
  fi
  PGOPTIONS='-c client_min_messages=warning' psql -h 127.0.0.1 -p "$port" -U postgres -d "$name" -qc "CREATE EXTENSION IF NOT EXISTS postgis" >/dev/null
}

need_dotnet() {
  command -v dotnet >/dev/null || die "the .NET 10 SDK is needed (dotnet on PATH)"
}

# mosquitto_start DIR PORT PASSWORD: Debian's Mosquitto on 127.0.0.1:PORT with persistence, a password file and an
# ACL file under DIR (SpatialGrid rewrites both from its gateway registry and sends SIGHUP), the service's own account
# "spatialgrid" with PASSWORD. QoS 1 in flight and queued per client are unbounded: a broker that drops queued
# QoS 1 messages would lose alerts.
mosquitto_start() {
  local dir=$1 port=$2 password=$3
  mkdir -p "$dir/data"
  : > "$dir/passwd"
  mosquitto_passwd -b "$dir/passwd" spatialgrid "$password" >/dev/null
  printf 'user spatialgrid\ntopic read sg/v1/gw/+/alert\ntopic write sg/v1/gw/+/rejects\ntopic write sg/v1/cases/#\n' > "$dir/acl"
  cat > "$dir/mosquitto.conf" <<CONF
listener $port 127.0.0.1
allow_anonymous false
password_file $dir/passwd
acl_file $dir/acl
persistence true
persistence_location $dir/data/
autosave_interval 1
pid_file $dir/mosquitto.pid
user root
max_inflight_messages 0
max_queued_messages 0
max_packet_size 1048576
log_dest file $dir/mosquitto.log
log_type error
log_type warning
CONF
  [ -f "$dir/mosquitto.pid" ] && kill "$(cat "$dir/mosquitto.pid")" 2>/dev/null && sleep 0.5
  log "starting Mosquitto on 127.0.0.1:$port"
  mosquitto -c "$dir/mosquitto.conf" -d || die "Mosquitto did not start (log: $dir/mosquitto.log)"
  for _ in $(seq 1 50); do [ -s "$dir/mosquitto.pid" ] && return 0; sleep 0.1; done
  die "Mosquitto did not write its pid file (log: $dir/mosquitto.log)"
}

mosquitto_stop() {
  local dir=$1
  [ -f "$dir/mosquitto.pid" ] || return 0
  kill "$(cat "$dir/mosquitto.pid")" 2>/dev/null || true
  rm -f "$dir/mosquitto.pid"
}
