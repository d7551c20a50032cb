#!/bin/bash
# usage: nmt.sh greened|virtual CONNS OUTFILE : server with NMT under EchoLoad, NMT summary + RSS 5 s into the load
J=/usr/lib/jvm/temurin-25-jdk-amd64/bin
S=$1; C=$2; OUT=$3
cd /work/main
if [ $S = greened ]; then
  $J/java -XX:NativeMemoryTracking=summary -Xlog:gc:file=/tmp/nmt/gc-$S.log -javaagent:agent/target/greening.jar=include=com.acme.** -cp integration-tests/target/classes com.acme.apps.EchoApp server $C > /tmp/nmt/srv.out 2>/tmp/nmt/srv.err &
else
  $J/java -XX:NativeMemoryTracking=summary -Xlog:gc:file=/tmp/nmt/gc-$S.log -cp benchmarks/target/benchmarks.jar io.greening.bench.VirtualEchoServer $C > /tmp/nmt/srv.out 2>/tmp/nmt/srv.err &
fi
p=$!
for i in $(seq 1 120); do grep -q port= /tmp/nmt/srv.out && break; sleep 0.25; done
P=$(grep port= /tmp/nmt/srv.out | sed 's/.*port=//')
$J/java -cp benchmarks/target/benchmarks.jar io.greening.bench.EchoLoad $P $C 2 6 32 > /tmp/nmt/load.out 2>&1 &
l=$!
sleep 6
{ echo "# $S $C connections, $(date -u +%T), load $(cut -d' ' -f1-3 /proc/loadavg)"; grep -E "VmRSS|VmHWM|Threads" /proc/$p/status; $J/jcmd $p VM.native_memory summary; $J/jcmd $p GC.heap_info; } > $OUT
wait $l; grep RESULT /tmp/nmt/load.out >> $OUT
wait $p
