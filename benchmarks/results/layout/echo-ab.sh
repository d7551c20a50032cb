#!/usr/bin/env bash
# Interleaved echo C10K, greened server only: baseline (4cc92c9) and layout, alternately, same options.
set -u
J=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
OUT=${OUT:?the results directory}
mkdir -p $OUT
for round in $(seq 1 ${ROUNDS:-3}); do
  for sys in base layout; do
    root=/tmp/${sys}root
    echo "$(date -u +%H:%M:%S) round $round $sys load $(cut -d' ' -f1-3 /proc/loadavg)" >> $OUT/echo-load.txt
    mkdir -p $OUT/$sys-$round
    (cd $root && $J -cp benchmarks/target/benchmarks.jar io.greening.bench.EchoC10k . $OUT/$sys-$round 1000,10000 2 3 greened) > $OUT/$sys-$round/echo.log 2>&1
  done
done
echo "$(date -u +%H:%M:%S) done load $(cut -d' ' -f1-3 /proc/loadavg)" >> $OUT/echo-load.txt
