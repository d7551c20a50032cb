#!/usr/bin/env bash
# Class histogram and RSS of one echo server at N connections under EchoLoad (issue 13, RSS of greened vs virtual).
# Starts the server (greened: EchoApp under AGENT, default group of hubs; virtual: VirtualEchoServer), runs
# EchoLoad <port> N 2 MEASURE, and AT seconds into the load writes VmRSS/VmHWM, GC.heap_info and
# GC.class_histogram (a full GC first) to OUTFILE, then the server's GC log and EchoLoad's result line.
# Usage: benchmarks/echo-histogram.sh greened|virtual N OUTFILE [AGENT=agent/target/greening.jar] [AT=6] [MEASURE=6]
# SERVER_OPTS='<JVM options>' adds options to the server's JVM (e.g. a JFR recording of allocation samples); NMT=1
# also writes the server's native memory summary (-XX:NativeMemoryTracking=summary), before the histogram's full GC;
# HEAP_DUMP=<absolute .hprof path> also dumps the live heap after the histogram (for benchmarks/stack-chunks.py).
set -euo pipefail
cd "$(dirname "$0")/.."
J=/usr/lib/jvm/temurin-25-jdk-amd64/bin
S=$1; N=$2; OUT=$3; AGENT=${4:-agent/target/greening.jar}; AT=${5:-6}; MEASURE=${6:-6}
TMP=$(mktemp -d)
SERVER_OPTS="${SERVER_OPTS:-}${NMT:+ -XX:NativeMemoryTracking=summary}"
if [ "$S" = greened ]; then
  $J/java -Xlog:gc:file=$TMP/gc.log $SERVER_OPTS -javaagent:$AGENT=include=com.acme.** -cp integration-tests/target/classes \
    com.acme.apps.EchoApp server $N > $TMP/srv.out 2>$TMP/srv.err &
else
  $J/java -Xlog:gc:file=$TMP/gc.log $SERVER_OPTS -cp benchmarks/target/benchmarks.jar io.greening.bench.VirtualEchoServer $N \
    > $TMP/srv.out 2>$TMP/srv.err &
fi
p=$!
for i in $(seq 1 120); do grep -q port= $TMP/srv.out && break; sleep 0.25; done
P=$(grep port= $TMP/srv.out | sed 's/.*port=//')
$J/java -cp benchmarks/target/benchmarks.jar io.greening.bench.EchoLoad $P $N 2 $MEASURE 32 > $TMP/load.out 2>&1 &
l=$!
sleep $AT
{ echo "# $S $N connections ($AGENT), $(date -u +%T) UTC, load $(cut -d' ' -f1-3 /proc/loadavg), $AT s into EchoLoad $P $N 2 $MEASURE 32"
  grep -E "VmRSS|VmHWM|Threads" /proc/$p/status
  $J/jcmd $p GC.heap_info
  if [ -n "${NMT:-}" ]; then $J/jcmd $p VM.native_memory summary; fi
  $J/jcmd $p GC.class_histogram
  if [ -n "${HEAP_DUMP:-}" ]; then $J/jcmd $p GC.heap_dump "$HEAP_DUMP"; fi; } > $OUT
wait $l || true
{ echo "# EchoLoad:"; cat $TMP/load.out; echo "# server GC log:"; cat $TMP/gc.log; } >> $OUT
kill $p 2>/dev/null || true; wait $p 2>/dev/null || true
rm -rf $TMP
grep -E "VmHWM|StackChunk |SelectionKeyImpl|ChannelWaiters|^Total|RESULT" $OUT
