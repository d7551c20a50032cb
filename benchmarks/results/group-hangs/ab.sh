#!/bin/bash
# usage: ab.sh ROUNDS CONNS OUT jarA jarB ; alternates the greened echo server of two agent jars under EchoLoad
J=/usr/lib/jvm/temurin-25-jdk-amd64/bin
R=$1; C=$2; OUT=$3; A=$4; B=$5
cd /work/main
echo "# ab.sh $*  ($(date -u +%FT%TZ), load: $(cut -d' ' -f1-3 /proc/loadavg))" > $OUT
for r in $(seq 1 $R); do
  for pair in "A $A" "B $B"; do
    set -- $pair; label=$1; jar=$2
    $J/java -javaagent:$jar=include=com.acme.** -cp integration-tests/target/classes com.acme.apps.EchoApp server $C > /tmp/echo/ab-srv.out 2>/tmp/echo/ab-srv.err &
    p=$!
    for i in $(seq 1 120); do grep -q port= /tmp/echo/ab-srv.out && break; sleep 0.25; done
    P=$(grep port= /tmp/echo/ab-srv.out | sed 's/.*port=//')
    res=$($J/java -cp benchmarks/target/benchmarks.jar io.greening.bench.EchoLoad $P $C 2 6 32 2>&1 | grep RESULT)
    wait $p
    echo "round $r $label $jar $res $(grep peak /tmp/echo/ab-srv.out) load=$(cut -d' ' -f1 /proc/loadavg)" >> $OUT
  done
done
echo "# end $(date -u +%FT%TZ), load: $(cut -d' ' -f1-3 /proc/loadavg)" >> $OUT
