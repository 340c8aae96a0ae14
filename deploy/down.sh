#!/usr/bin/env bash
# Stops what up.sh started: the API (if still running) and the PostgreSQL cluster.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
DATA=${SG_DATA:-$SG_ROOT/.data}
if [ -f "$DATA/api.pid" ]; then kill "$(cat "$DATA/api.pid")" 2>/dev/null || true; rm -f "$DATA/api.pid"; fi
pg_stop "$DATA/pg"
