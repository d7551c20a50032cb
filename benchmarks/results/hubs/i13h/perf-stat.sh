#!/usr/bin/env bash
# Software counters (this VM has no hardware ones) of HashingServiceApp per mode. Usage: perf-stat.sh <jar> <variant> <out>
set -uo pipefail
JAR=$1; V=$2; OUT=$3
source "$(dirname "$0")/modes.sh"
{
echo "perf-stat.sh $*: $(date -u +%FT%TZ), uptime: $(uptime)"
for mode in $MODES; do
  mode_command $mode "$JAR" "$V"
  echo "== $mode"
  perf stat -e task-clock,page-faults,minor-faults,major-faults,context-switches,cpu-migrations -- "${CMD[@]}" 2>&1 | grep -E 'elapsed-ms|cpu-ms|task-clock|faults|switches|migrations|seconds (user|sys)'
done
echo "end: $(date -u +%FT%TZ), uptime: $(uptime)"
} | tee "$OUT"
