#!/usr/bin/env bash
# The hotspot engine's figures (tests/SpatialGrid.Benchmarks/RESULTS.md, section "Hotspot risk", issue 20):
#  a. the rolling-origin back-test on the real Chicago 2019 incidents (gis-data/chicago): police beats, community areas and
#     a 250 m lattice over the city, daily; beats and the lattice also weekly (horizon 7); the last 60 days are the test
#     days, every method forecasts each from what was known before it; wall time of each run;
#     and the demo city's own history (a year of generated cases on its 121 grids, sgrid demo cases --csv), without and
#     with the patrol minutes generated beside it (the share of the model's gain that patrol effort accounts for), and the
#     demo city per shift (cell × shift: its cases have times; Chicago's sample has none and is refused);
#  b. training at city scale: a 100 m lattice of 10,000 cells with a year of synthetic events, one training as the nightly
#     job does it (seconds, peak memory), scoring every cell for a day (against the 28-day KDE's scoring, same run).
# No database: the engine is pure code. Release build. Called by bench.sh (SG_BENCH_ONLY=hotspots runs it alone).
# SG_BENCH_HOTSPOTS_ONLY=backtest|train runs one part; SG_BENCH_HOTSPOTS_RUNS="lattice250 beats-weekly" runs only the
# back-tests named (names as in the run lines below; the demo city's history is generated only when a demo-city run is named).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
need_dotnet
OUT=${SG_DATA:-$SG_ROOT/.data}/bench-hotspots
mkdir -p "$OUT"
G="$SG_ROOT/gis-data/chicago"
log "building the CLI and the benchmarks (Release)"
dotnet build "$SG_ROOT/src/SpatialGrid.Cli" -c Release -v q -nologo -clp:ErrorsOnly
dotnet build "$SG_ROOT/tests/SpatialGrid.Benchmarks" -c Release -v q -nologo -clp:ErrorsOnly
sgrid="$SG_ROOT/src/SpatialGrid.Cli/bin/Release/net10.0/sgrid.dll"
bench="$SG_ROOT/tests/SpatialGrid.Benchmarks/bin/Release/net10.0/SpatialGrid.Benchmarks.dll"

runs=${SG_BENCH_HOTSPOTS_RUNS:-}
wanted() { [ -z "$runs" ] || [[ " $runs " == *" $1 "* ]]; }
run() { # name, then the backtest's arguments
  local name=$1; shift
  wanted "$name" || return 0
  log "back-test: $name"
  local start; start=$(date +%s)
  local events=(--events "$G/chicago-crimes-2019.csv")
  case $name in demo-city*) events=() ;; esac
  COLUMNS=200 dotnet "$sgrid" hotspots backtest "${events[@]}" --skip-bad-rows --out "$OUT/$name.json" "$@" \
    | grep -v 'bad rows left out' | tee "$OUT/$name.txt" | grep -vE '^(fitting|scored) '
  echo "hotspot backtest $name minutes: $(awk -v s="$start" -v e="$(date +%s)" 'BEGIN{printf "%.1f", (e-s)/60}')"
}
only=${SG_BENCH_HOTSPOTS_ONLY:-}
if [ -z "$only" ] || [ "$only" = backtest ]; then
  run beats --cells "$G/chicago_beat_bounds.geojson" --cell-id beat_num
  run community --cells "$G/chicago_community_bounds.geojson" --cell-id area_numbe
  run lattice250 --lattice 250 --boundary "$G/chicago_community_bounds.geojson"
  run beats-weekly --cells "$G/chicago_beat_bounds.geojson" --cell-id beat_num --horizon 7
  run lattice250-weekly --lattice 250 --boundary "$G/chicago_community_bounds.geojson" --horizon 7
  # The demo city's own history: a year of generated cases (sgrid demo cases, documented rule) on its 121 grids.
  if wanted demo-city || wanted demo-city-shifts || wanted demo-city-patrols; then
    # A fixed last day (SG_BENCH_DEMO_UNTIL): the weekdays shape the generated history, so one made as of today is
    # another history every day; 2026-11-29 is the day of the history RESULTS.md's demo-city tables were first made on.
    dotnet "$sgrid" demo cases --days 365 --per-day 15 --until "${SG_BENCH_DEMO_UNTIL:-2026-11-29}" --csv "$OUT/demo-history.csv" \
      --grids "$SG_ROOT/gis-data/demo/shanghai-grids.geojson" >/dev/null
  fi
  run demo-city --events "$OUT/demo-history.csv" --cells "$OUT/demo-history.csv.cells.geojson" --cell-id code
  # Per shift (cell × 8-hour shift, issue 20): the demo city's cases carry their times; Chicago's sample has dates only,
  # which the per-shift back-test refuses (shown once, it takes a second).
  run demo-city-shifts --events "$OUT/demo-history.csv" --cells "$OUT/demo-history.csv.cells.geojson" --cell-id code --shifts
  run beats-shifts --cells "$G/chicago_beat_bounds.geojson" --cell-id beat_num --shifts || true
  # The same with the patrol minutes demo cases writes beside it (planned from the past 28 days' cases): the ablation's share.
  run demo-city-patrols --events "$OUT/demo-history.csv" --cells "$OUT/demo-history.csv.cells.geojson" --cell-id code \
    --patrols "$OUT/demo-history.csv.patrols.csv"
fi
if [ -z "$only" ] || [ "$only" = train ]; then
  log "training and scoring at city scale: 10,000 cells × 365 days"
  dotnet "$bench" hotspot-train 10000 365 300
fi
