#!/usr/bin/env bash
# Interleaved JMH rounds: baseline (4cc92c9) and layout, alternately, same options.
set -u
J=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
OUT=${OUT:?the results directory}
SEL='SwitchBenchmark\.(green|greenParkUntil|greenCede|virtualOneCarrierExecutor)$|SpawnBenchmark\.green'
for round in $(seq 1 ${ROUNDS:-3}); do
  for sys in base layout; do
    root=/tmp/${sys}root
    [ $sys = layout ] && root=/tmp/layoutroot
    echo "$(date -u +%H:%M:%S) round $round $sys load $(cut -d' ' -f1-3 /proc/loadavg)" >> $OUT/jmh-load.txt
    $J -jar $root/benchmarks/target/benchmarks.jar "$SEL" -f 1 -wi 3 -i 5 -jvm $J -rf json -rff $OUT/jmh-$sys-$round.json > $OUT/jmh-$sys-$round.txt 2>&1
  done
done
echo "$(date -u +%H:%M:%S) done load $(cut -d' ' -f1-3 /proc/loadavg)" >> $OUT/jmh-load.txt
