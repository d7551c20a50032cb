#!/usr/bin/env bash
# Interleaved short JMH rounds: the build before this round's merges (0da699c) and after them (52b061c), same options.
# Usage: OUT=<dir> BEFORE=<benchmarks.jar> AFTER=<benchmarks.jar> [ROUNDS=2] jmh-ab.sh
set -u
J=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
OUT=${OUT:?the results directory}
SEL='SwitchBenchmark\.(green|greenParkUntil|greenCede|virtualOneCarrierExecutor)$|SpawnBenchmark\.green'
for round in $(seq 1 ${ROUNDS:-2}); do
  for sys in before after; do
    jar=$BEFORE; [ $sys = after ] && jar=$AFTER
    echo "$(date -u +%H:%M:%S) round $round $sys load $(cut -d' ' -f1-3 /proc/loadavg)" >> $OUT/jmh-load.txt
    $J -jar $jar "$SEL" -f 1 -wi 3 -w 1s -i 5 -r 1s -jvm $J -rf json -rff $OUT/jmh-$sys-$round.json > $OUT/jmh-$sys-$round.txt 2>&1
  done
done
echo "$(date -u +%H:%M:%S) done load $(cut -d' ' -f1-3 /proc/loadavg)" >> $OUT/jmh-load.txt
