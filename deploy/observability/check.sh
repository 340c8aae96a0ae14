#!/usr/bin/env bash
# Checks the observability files with Prometheus' own tool: the scrape configuration, and every PromQL expression of
# the Grafana dashboard (each as a recording rule, Grafana's $__rate_interval read as 5m). Installs Debian's
# prometheus package (promtool) when it is missing. Not part of CI; the tests check that the dashboard's metrics exist.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
need_packages prometheus jq
dir="$SG_ROOT/deploy/observability"
promtool check config "$dir/prometheus.yml"
rules=$(mktemp --suffix=.yml)
trap 'rm -f "$rules"' EXIT
{
  printf 'groups:\n  - name: grafana-dashboard\n    rules:\n'
  jq -r '[.panels[].targets[].expr] | to_entries[] | "      - record: dashboard:expr\(.key)\n        expr: \(.value | gsub("\\$__rate_interval"; "5m") | tojson)"' "$dir/grafana-dashboard.json"
} > "$rules"
promtool check rules "$rules"
