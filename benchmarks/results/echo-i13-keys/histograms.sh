#!/usr/bin/env bash
# Class histograms (benchmarks/echo-histogram.sh, 6 s into the load) of the greened echo server at 10,000
# connections under main's agent (BEFORE) and this branch's (AFTER), then virtual threads, in one locked run in a
# session of its own at nice -10: ./histograms.sh <n> <before jar> <after jar>
set -euo pipefail
cd "$(dirname "$0")/../../.."
n=$1; before=$2; after=$3; d=benchmarks/results/echo-i13-keys
flock /work/bench.lock setsid -w /work/main/benchmarks/session-nice.sh bash -c "
  benchmarks/echo-histogram.sh greened 10000 $d/histogram-before-10k-$n.txt $before
  benchmarks/echo-histogram.sh greened 10000 $d/histogram-after-10k-$n.txt $after
  benchmarks/echo-histogram.sh virtual 10000 $d/histogram-virtual-10k-$n.txt"
for s in before after virtual; do
  f=$d/histogram-$s-10k-$n.txt
  echo "$s: $(grep VmHWM $f | tr -s ' \t' ' ') | $(grep -E 'StackChunk|SelectionKeyImpl|Total' $f | awk '{print $2, $3, $4}' | tr '\n' ';')"
done
