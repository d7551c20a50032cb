#!/usr/bin/env bash
# Interleaved JMH rounds of the benchmarks SEL selects (default: the switch ones): baseline (4cc92c9) and layout, alternately.
set -u
J=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
OUT=${OUT:?the results directory}
SEL=${SEL:-'SwitchBenchmark\.(green|greenParkUntil|greenCede|virtualOneCarrierExecutor)$'}
for round in $(seq 1 ${ROUNDS:-4}); do
  for sys in base layout; do
    echo "$(date -u +%H:%M:%S) round $round $sys load $(cut -d' ' -f1-3 /proc/loadavg)" >> $OUT/jmh-load.txt
    $J -jar /tmp/${sys}root/benchmarks/target/benchmarks.jar "$SEL" -f 1 ${JMH_OPTS:--wi 3 -i 5} -jvm $J -rf json -rff $OUT/jmh-$sys-$round.json > $OUT/jmh-$sys-$round.txt 2>&1
  done
done
echo "$(date -u +%H:%M:%S) done load $(cut -d' ' -f1-3 /proc/loadavg)" >> $OUT/jmh-load.txt
