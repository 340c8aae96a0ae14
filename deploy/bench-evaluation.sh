#!/usr/bin/env bash
# `evaluation month p95 ms` (tests/SpatialGrid.Benchmarks/RESULTS.md, issue 22): a generated month of N cases (default
# 200,000) in one district with its grids, units, rostered supervisors and confirm tasks, then R rounds (default 5) of the
# evaluation of every area tier, unit, person and role through the API, against a raw-SQL count per grid in the same run
# (tests/SpatialGrid.Benchmarks/EvaluationLoad.cs). Own PostGIS (SG_BENCH_PG_PORT, 55434) and API (SG_BENCH_API_PORT, 5091).
# Called by bench.sh (SG_BENCH_ONLY=evaluation runs it alone); SG_BENCH_EVAL_CASES and SG_BENCH_EVAL_ROUNDS change the sizes.
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
log "building the API and the benchmarks (Release)"
for p in src/SpatialGrid.Api tests/SpatialGrid.Benchmarks; do dotnet build "$SG_ROOT/$p" -c Release -v q -nologo -clp:ErrorsOnly; done
conn="Host=127.0.0.1;Port=$PORT;Username=postgres;Database=sg_bench_eval"
psql -h 127.0.0.1 -p "$PORT" -U postgres -d postgres -qc "DROP DATABASE IF EXISTS sg_bench_eval WITH (FORCE)" >/dev/null
pg_create_db sg_bench_eval "$PORT"
rm -f "$DATA/bench-eval.key"
(cd "$SG_ROOT/src/SpatialGrid.Api/bin/Release/net10.0" && exec env Urls="$API_URL" Database__ConnectionString="$conn" Security__BootstrapAdminKeyFile="$DATA/bench-eval.key" \
  Ingestion__Enabled=false Cases__ColourSweepEnabled=false Cases__TaskSweepEnabled=false Logging__LogLevel__Default=Warning Http__RateLimitEnabled=false dotnet SpatialGrid.Api.dll) > "$DATA/bench-eval-api.log" 2>&1 &
api=$!
for _ in $(seq 1 120); do curl -fs "$API_URL/health" >/dev/null 2>&1 && break; sleep 0.5; done
log "a month of ${SG_BENCH_EVAL_CASES:-200000} cases, then ${SG_BENCH_EVAL_ROUNDS:-5} rounds of the evaluation; load average $(cut -d' ' -f1-3 /proc/loadavg)"
dotnet "$SG_ROOT/tests/SpatialGrid.Benchmarks/bin/Release/net10.0/SpatialGrid.Benchmarks.dll" evaluation-month "${SG_BENCH_EVAL_CASES:-200000}" "$API_URL" \
  "$(cat "$DATA/bench-eval.key")" "$conn" "${SG_BENCH_EVAL_ROUNDS:-5}"
