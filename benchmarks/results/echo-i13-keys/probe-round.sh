#!/usr/bin/env bash
# One round of probes (../echo-i13-10k/probe.py) at N connections: main's greened server (BEFORE jar), this
# branch's (AFTER jar) and JDK virtual threads, in an order rotated by the round's number, in one locked run in a
# session of its own at nice -10:  ./probe-round.sh <round> <before jar> <after jar> [N=10000]
# Raw files probe-r<round>-{before,after,virtual}-<N>.txt; one summary line each on stdout.
set -euo pipefail
cd "$(dirname "$0")"
r=$1; before=$2; after=$3; n=${4:-10000}
flock /work/bench.lock setsid -w /work/main/benchmarks/session-nice.sh bash -c '
  r=$1; before=$2; after=$3; n=$4
  systems=(before after virtual)
  for i in 0 1 2; do
    s=${systems[$(( (i + r) % 3 ))]}
    case $s in before) sys=greened; jar=$before;; after) sys=greened; jar=$after;; virtual) sys=virtual; jar=;; esac
    ../echo-i13-10k/probe.py $sys $n probe-r$r-$s-$n.txt "$jar" 5 3 | sed -n 4p | sed "s/^/$s $n: /"
  done' _ "$r" "$before" "$after" "$n"
