#!/usr/bin/env bash
# Per-thread CPU of HashingServiceApp, greened with hubs=1 and the default group, on both CPUs and pinned to CPU 0
# (hubs=2 there: two hubs that never run at once). Usage: thread-cpu.sh <agent jar> skewed|uniform <rounds> <out>
set -euo pipefail
JAR=$1; V=$2; ROUNDS=$3; OUT=$4
source "$(dirname "$0")/modes.sh"
{
echo "thread-cpu.sh $*: $(date -u +%FT%TZ), uptime: $(uptime)"
for r in $(seq 1 "$ROUNDS"); do
  for mode in $MODES; do
    mode_command $mode "$JAR" "$V"
    benchmarks/thread-cpu.py "round $r $mode" -- "${CMD[@]}"
  done
done
echo "end: $(date -u +%FT%TZ), uptime: $(uptime)"
} | tee "$OUT"
