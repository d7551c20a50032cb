#!/usr/bin/env bash
# The four servers of echo-c10k.sh plus greened-before (main's agent, BEFORE), at 1,000 and 10,000 connections, in
# one locked run at nice -10: ./c10k-ab.sh <run number> <before agent jar>   (raw files c10k-run<n>/, log c10k-run<n>.log)
set -euo pipefail
cd "$(dirname "$0")/../../.."
n=$1; before=$2
out=benchmarks/results/echo-i13-10k/c10k-run$n
mkdir -p $out
flock /work/bench.lock nice -n -10 bash -c "
  { echo \"# \$(date -u +%FT%TZ) uptime: \$(uptime)\"; echo \"# greened = $(git rev-parse --short HEAD) (agent/target/greening.jar), greened-before = $before ($(cat $(dirname $before)/COMMIT 2>/dev/null | cut -c1-7))\";
    BEFORE_AGENT=$before OUT=$out CHART_DIR=$out RUNS=1 SEED=$((40 + n)) benchmarks/echo-c10k.sh 1000,10000 2 3 platform,greened,greened-before,virtual,netty 2>&1;
    echo \"# \$(date -u +%FT%TZ) uptime at the end: \$(uptime)\"; } > benchmarks/results/echo-i13-10k/c10k-run$n.log"
tail -22 benchmarks/results/echo-i13-10k/c10k-run$n.log | grep -v '^$'
