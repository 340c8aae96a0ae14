#!/usr/bin/env bash
# Checks the observability files with Prometheus' and Grafana's own definitions: the scrape configuration and every
# PromQL expression of the Grafana dashboard with promtool (each expression as a recording rule, Grafana's
# $__rate_interval read as 5m), then the dashboard's JSON with tsc against Grafana's published dashboard and panel
# types (@grafana/schema, see dashboard-types.ts). Installs Debian's prometheus package (promtool) and the pinned npm
# packages when missing. Not part of CI; the tests check that the dashboard's metrics exist.
# Usage: deploy/observability/check.sh [dashboard.json]   (another file, e.g. an edited copy, instead of ours)
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
need_packages prometheus jq
dir="$SG_ROOT/deploy/observability"
dashboard=$(realpath "${1:-$dir/grafana-dashboard.json}")
promtool check config "$dir/prometheus.yml"
rules=$(mktemp --suffix=.yml)
# tsc resolves @grafana/schema from the file's folder, so the wrapped dashboard is written next to dashboard-types.ts.
wrapped="$dir/dashboard-check.ts"
trap 'rm -f "$rules" "$wrapped"' EXIT
{
  printf 'groups:\n  - name: grafana-dashboard\n    rules:\n'
  jq -r '[.panels[].targets[].expr] | to_entries[] | "      - record: dashboard:expr\(.key)\n        expr: \(.value | gsub("\\$__rate_interval"; "5m") | tojson)"' "$dashboard"
} > "$rules"
promtool check rules "$rules"

command -v npm >/dev/null || die "tsc needs Node.js and npm"
[ -x "$dir/node_modules/.bin/tsc" ] || (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
# JSON is a TypeScript expression; the import and the JSON's first line share line 1, so tsc's line numbers are the
# JSON file's. `satisfies` keeps literals literal and refuses unknown fields (a misspelt key fails, not only a wrong type).
{
  printf "import type { SpatialGridDashboard } from './dashboard-types.js'; export default "
  printf '%s' "$(cat "$dashboard")"
  printf ' satisfies SpatialGridDashboard;\n'
} > "$wrapped"
if ! out=$(cd "$dir" && node_modules/.bin/tsc -p tsconfig.json 2>&1); then
  printf '%s\n' "$out" | sed "s|^dashboard-check.ts|$dashboard|" >&2
  die "$(basename "$dashboard") does not match Grafana's dashboard types (@grafana/schema $(jq -r '.devDependencies["@grafana/schema"]' "$dir/package.json"))"
fi
echo "SUCCESS: $dashboard matches Grafana's dashboard and timeseries panel types (@grafana/schema $(jq -r '.devDependencies["@grafana/schema"]' "$dir/package.json"))"
