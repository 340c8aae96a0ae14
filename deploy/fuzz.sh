#!/usr/bin/env bash
# Coverage-guided fuzzing of the parsers and file readers: SharpFuzz instruments the assemblies, Debian's afl++ drives
# them. Bounded: each target runs N minutes (default 2), then the executions and findings of each are printed and
# every crash or hang is copied to $SG_DATA/fuzz/crashes/TARGET/. Not part of CI (.ci/run, deploy/test.sh): a finding
# becomes a regression test in the normal test projects (tests/*/FuzzRegressions), which CI runs.
#   deploy/fuzz.sh [--minutes N] [--targets alert,gps,geojson,shapefile,cql2-text,cql2-json]
set -euo pipefail
source "$(dirname "$0")/lib.sh"

minutes=2
targets="alert gps geojson shapefile cql2-text cql2-json"
while [ $# -gt 0 ]; do
  case "$1" in
    --minutes) minutes=$2; shift 2 ;;
    --targets) targets=${2//,/ }; shift 2 ;;
    *) die "unknown argument '$1' (use --minutes N, --targets a,b)" ;;
  esac
done
[[ "$minutes" =~ ^[0-9]+$ ]] && [ "$minutes" -ge 1 ] || die "--minutes takes a whole number of minutes ≥ 1"

DATA=${SG_DATA:-$SG_ROOT/.data}
out="$DATA/fuzz"
need_dotnet
command -v afl-fuzz >/dev/null || need_packages afl++

log "building into $out/plain, instrumenting (SharpFuzz) a copy in $out/bin"
# Fresh folders: sharpfuzz refuses an assembly it has already instrumented, and publish keeps newer files. The plain
# build writes the seeds and replays findings: instrumented code needs afl's shared memory and crashes without it.
rm -rf "$out/bin" "$out/plain"
dotnet publish "$SG_ROOT/tests/SpatialGrid.Fuzz" -c Release -o "$out/plain" -v q -nologo -clp:ErrorsOnly
cp -r "$out/plain" "$out/bin"
if [ ! -x "$out/tools/sharpfuzz" ]; then
  dotnet tool install SharpFuzz.CommandLine --version 2.3.0 --tool-path "$out/tools" >/dev/null
fi
# Our code and the libraries that do the reading: coverage inside them guides the fuzzer too.
for dll in SpatialGrid.Core SpatialGrid.Api NetTopologySuite.IO.GeoJSON4STJ NetTopologySuite.IO.Esri.Shapefile; do
  "$out/tools/sharpfuzz" "$out/bin/$dll.dll" >/dev/null
done

log "seeding the corpora from sensors/ and tests/"
seeds="$out/seeds"
rm -rf "$seeds"
mkdir -p "$seeds"/{alert,gps,geojson,shapefile,cql2-text,cql2-json}
# The payload examples of the device contracts.
python3 - "$SG_ROOT" "$seeds" <<'PY'
import json, sys, pathlib
root, seeds = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
for schema, target in (("alert", "alert"), ("gps", "gps")):
    for i, example in enumerate(json.loads((root / "sensors/schemas" / f"{schema}.json").read_text())["examples"]):
        (seeds / target / f"example-{i}.json").write_text(json.dumps(example, ensure_ascii=False, separators=(",", ":")))
# The demo grids, cut to a few features (afl works best on small inputs), as a collection and as one feature.
grids = json.loads((root / "gis-data/demo/shanghai-grids.geojson").read_text())
grids["features"] = [f for f in grids["features"] if f["properties"]["code"].startswith("3101010020010")][:2]
(seeds / "geojson/two-grids.geojson").write_text(json.dumps(grids, ensure_ascii=False, separators=(",", ":")))
(seeds / "geojson/one-feature.geojson").write_text(json.dumps(grids["features"][0], ensure_ascii=False, separators=(",", ":")))
PY
# The filters of the CQL2 tests (text; JSON ones are the same filters written as JSON by the parser itself).
grep -ohP 'InlineData\("\K[^"]+(?=")' "$SG_ROOT"/tests/SpatialGrid.Core.Tests/Ogc/Cql2TextTests.cs "$SG_ROOT"/tests/SpatialGrid.Core.Tests/Ogc/Cql2SqlTests.cs \
  | sort -u | head -n 60 | awk -v d="$seeds/cql2-text" '{ f = sprintf("%s/test-%03d.txt", d, NR); printf "%s", $0 > f; close(f) }'
grep -ohP 'InlineData\("""\K\{.+?\}(?=""")' "$SG_ROOT"/tests/SpatialGrid.Core.Tests/Ogc/Cql2JsonTests.cs \
  | sort -u | head -n 60 | awk -v d="$seeds/cql2-json" '{ f = sprintf("%s/test-%03d.json", d, NR); printf "%s", $0 > f; close(f) }'
printf '%s' '{"op":"=","args":[{"property":"name"},"x"]}' > "$seeds/cql2-json/equals.json"
dotnet "$out/plain/SpatialGrid.Fuzz.dll" seed "$seeds"

export AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_SKIP_CPUFREQ=1 AFL_NO_AFFINITY=1 AFL_QUIET=1
summary=()
for t in $targets; do
  [ -d "$seeds/$t" ] || die "unknown target '$t'"
  log "fuzzing $t for $minutes min"
  rm -rf "$out/findings/$t"
  mkdir -p "$out/findings"
  # -V stops afl after the time; the timeout is a backstop. -t: a .NET process per input start is slow to warm up.
  timeout $((minutes * 60 + 120)) afl-fuzz -V $((minutes * 60)) -i "$seeds/$t" -o "$out/findings/$t" -t 5000 -m none \
    -- "$(command -v dotnet)" "$out/bin/SpatialGrid.Fuzz.dll" "$t" > "$out/$t.log" 2>&1 || log "afl-fuzz ended with $? (see $out/$t.log)"
  stats="$out/findings/$t/default/fuzzer_stats"
  stat() { sed -n "s/^$1 *: *//p" "$stats" 2>/dev/null | head -n 1; }
  rm -rf "$out/crashes/$t"
  mkdir -p "$out/crashes/$t"
  cp "$out/findings/$t"/default/crashes/id:* "$out/findings/$t"/default/hangs/id:* "$out/crashes/$t/" 2>/dev/null || true
  summary+=("$(printf '%-10s %12s execs %8s/s  paths %6s  crashes %4s  hangs %4s' "$t" "$(stat execs_done)" "$(stat execs_per_sec)" \
    "$(stat corpus_count)" "$(stat saved_crashes)" "$(stat saved_hangs)")")
done
log "results ($minutes min per target; crashes and hangs in $out/crashes/TARGET, replay one with: dotnet $out/plain/SpatialGrid.Fuzz.dll TARGET FILE)"
printf '%s\n' "${summary[@]}"
