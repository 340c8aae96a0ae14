#!/usr/bin/env bash
# Runs the whole test suite against a real PostGIS (and, as capabilities need them, a real broker and GDAL):
# the same setup as up.sh, on its own cluster (port 55433, .data/test-pg) so that a running demo is untouched.
# Extra arguments go to dotnet test (e.g. --filter Grids).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

PORT=${SG_TEST_PG_PORT:-55433}
DATA=${SG_DATA:-$SG_ROOT/.data}

need_dotnet
need_packages
# Tests throw away their databases; durability buys nothing here.
PG_FSYNC=off pg_start "$DATA/test-pg" "$PORT"
trap 'pg_stop "$DATA/test-pg"; dotnet build-server shutdown >/dev/null 2>&1 || true' EXIT

export SG_TEST_PG="Host=127.0.0.1;Port=$PORT;Username=postgres"
log "building"
dotnet build "$SG_ROOT/SpatialGrid.sln" -c Release -v q -nologo -clp:ErrorsOnly

log "running the tests"
results="$DATA/test-results"
rm -rf "$results"
set +e
dotnet test "$SG_ROOT/SpatialGrid.sln" -c Release --no-build -v q --nologo --results-directory "$results" --logger "trx" "$@"
rc=$?
set -e
passed=0; failed=0
for f in "$results"/*.trx; do
  [ -f "$f" ] || continue
  c=$(grep -o '<Counters [^>]*>' "$f")
  passed=$((passed + $(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$c")))
  failed=$((failed + $(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$c")))
done
echo "$passed passed, $failed failed"
exit $rc
