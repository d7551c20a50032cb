#!/usr/bin/env bash
# Switch and spawn (JMH) of the build before the session (BEFORE benchmarks jar) and this build, alternating, two
# rounds, each JVM in a session of its own at nice -10. Usage: ab.sh <before benchmarks.jar>
set -euo pipefail
cd "$(dirname "$0")/../../../.."
J=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
out=benchmarks/results/final-dec3/jmh
for round in 1 2; do
  for build in before after; do
    jar=$1; [ $build = after ] && jar=benchmarks/target/benchmarks.jar
    echo "$(date -u +%T) round $round $build load $(cut -d' ' -f1-3 /proc/loadavg)" >> $out/jmh-load.txt
    flock /work/bench.lock setsid -w benchmarks/session-nice.sh $J -jar $jar \
      'SpawnBenchmark.green|SwitchBenchmark.(green|virtualOneCarrier)' -f 1 -wi 3 -i 5 \
      -rf json -rff $out/jmh-$build-$round.json > $out/jmh-$build-$round.txt 2>&1
  done
done
echo "$(date -u +%T) done load $(cut -d' ' -f1-3 /proc/loadavg)" >> $out/jmh-load.txt
