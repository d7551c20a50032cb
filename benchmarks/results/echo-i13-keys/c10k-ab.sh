#!/usr/bin/env bash
# The four servers of echo-c10k.sh plus greened-before (main's agent, BEFORE), at 1,000 and 10,000 connections, in
# one locked run in a session of its own at nice -10: ./c10k-ab.sh <run number> <before agent jar>
# (greened = this worktree's agent/target/greening.jar; raw files c10k-run<n>/, log c10k-run<n>.log)
set -euo pipefail
cd "$(dirname "$0")/../../.."
n=$1; before=$2
d=benchmarks/results/echo-i13-keys
mkdir -p $d/c10k-run$n
flock /work/bench.lock setsid -w /work/main/benchmarks/session-nice.sh bash -c "
  { echo \"# \$(date -u +%FT%TZ) uptime: \$(uptime)\"; echo \"# greened = $(git rev-parse --short HEAD) (agent/target/greening.jar), greened-before = $before\";
    BEFORE_AGENT=$before OUT=$d/c10k-run$n CHART_DIR=$d/c10k-run$n RUNS=1 SEED=$((60 + n)) benchmarks/echo-c10k.sh 1000,10000 2 3 platform,greened,greened-before,virtual,netty 2>&1;
    echo \"# \$(date -u +%FT%TZ) uptime at the end: \$(uptime)\"; } > $d/c10k-run$n.log"
tail -22 $d/c10k-run$n.log | grep -v '^$'
