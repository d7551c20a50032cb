#!/usr/bin/env bash
# The stall monitor's own CPU, exactly (schedstat, ns), in the greened echo server at N connections under EchoLoad:
# ./monitor-cpu.sh <agent jar> <out file, relative to the repository root> [N=10000] [extra JVM flags...]. Reads every server thread's
# /proc/<pid>/task/<tid>/schedstat 4 s into the load and 5 s later; prints CPU ms per thread name over those 5 s
# and the wake-ups (schedstat's third field, time slices), with EchoLoad's result line, then (9 s in) the selection
# keys, waiters and stack chunks of a class histogram and each hub carrier's schedstat. Run it under the lock.
set -euo pipefail
cd "$(dirname "$0")/../../.."
J=/usr/lib/jvm/temurin-25-jdk-amd64/bin
AGENT=$1; OUT=$2; N=${3:-10000}; shift 3 || true
TMP=$(mktemp -d)
$J/java "$@" -javaagent:$AGENT=include=com.acme.** -cp integration-tests/target/classes com.acme.apps.EchoApp server $N > $TMP/srv.out 2>&1 &
p=$!
for i in $(seq 1 120); do grep -q port= $TMP/srv.out && break; sleep 0.25; done
P=$(grep port= $TMP/srv.out | sed 's/.*port=//')
$J/java -cp benchmarks/target/benchmarks.jar io.greening.bench.EchoLoad $P $N 2 10 32 > $TMP/load.out 2>&1 &
l=$!
until grep -q connected $TMP/load.out; do sleep 0.1; done
sleep 4
snap() { for t in /proc/$p/task/*; do echo "$(cat $t/comm 2>/dev/null)|$(cat $t/schedstat 2>/dev/null)"; done; }
snap > $TMP/a; sleep 5; snap > $TMP/b
$J/jcmd $p GC.class_histogram 2>/dev/null | grep -E 'SelectionKeyImpl|ChannelWaiters|StackChunk' > $TMP/h || true
wait $l || true
{ echo "# $(date -u +%T) UTC, load $(cut -d' ' -f1-3 /proc/loadavg), agent $AGENT, flags: $*"
  grep RESULT $TMP/load.out
  echo "# 9 s into the load (after the CPU window; a full GC first): instances, bytes"; cat $TMP/h
  for t in /proc/$p/task/*; do c=$(cat $t/comm 2>/dev/null) || continue; case $c in greening-hub*) echo "$c $(cat $t/schedstat 2>/dev/null)";; esac; done | sed 's/^/# thread total: /'
  python3 - $TMP/a $TMP/b <<'PY'
import sys, re, collections
def read(f):
    d = {}
    for i, line in enumerate(open(f)):
        name, _, s = line.rstrip('\n').partition('|')
        if s: d[(i, name)] = list(map(int, s.split()))
    return d
a, b = read(sys.argv[1]), read(sys.argv[2])
agg = collections.defaultdict(lambda: [0, 0, 0])
bynamea = collections.defaultdict(list)
for (i, n), v in a.items(): bynamea[n].append(v)
bynameb = collections.defaultdict(list)
for (i, n), v in b.items(): bynameb[n].append(v)
for n in bynameb:
    if n in bynamea and len(bynamea[n]) == len(bynameb[n]):
        for va, vb in zip(bynamea[n], bynameb[n]):
            for k in range(3): agg[re.sub(r'\d+', '#', n)][k] += vb[k] - va[k]
for n, (cpu, wait, slices) in sorted(agg.items(), key=lambda x: -x[1][0]):
    if cpu > 0: print(f'{n:24s} cpu {cpu/1e6:9.1f} ms  waiting for a core {wait/1e6:8.1f} ms  slices {slices}')
PY
} > $OUT
kill $p 2>/dev/null || true
cat $OUT
