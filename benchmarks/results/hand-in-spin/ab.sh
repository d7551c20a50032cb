#!/usr/bin/env bash
# A/B of the hand-in spin (an idle hub yields for up to 20 µs looking for handed-in work before it sleeps):
# BEFORE = agent and benchmarks jars of the build before it, AFTER = this build's. Runs at nice -10 so that other work
# on this 2-core machine yields to it; every raw file records the load. Usage (from the repository root):
#   BEFORE=<dir with greening.jar, benchmarks.jar> AFTER=<dir> OUT=benchmarks/results/hand-in-spin RUN=1 ab.sh
set -euo pipefail
J=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
H2=~/.m2/repository/com/h2database/h2/2.5.252/h2-2.5.252.jar
hubs() { nice -n -10 $J -cp $AFTER/benchmarks.jar io.greening.bench.HubsHarness --agent $AFTER/greening.jar \
    --system "before-hubs1=$BEFORE/greening.jar|hubs=1" --system "before-default=$BEFORE/greening.jar|hubs=auto" "$@"; }
hubs --app ProducerConsumerApp --runs 5 --seed 2$RUN --out $OUT/producer-consumer-run$RUN.txt | tail -8
hubs --app LockHeavyDbApp --apps integration-tests/target/classes:$H2 --include 'org.h2.**' --runs 3 --seed 2$RUN \
    --out $OUT/lock-heavy-db-run$RUN.txt | tail -8
for v in skewed uniform; do
  hubs --app HashingServiceApp --args $v --runs 3 --seed 2$RUN --out $OUT/hashing-$v-run$RUN.txt | tail -8
done
{
  echo "# 100,000 sleepers, before ($BEFORE) and after ($AFTER) alternating per system; 2 cores, JDK 25"
  echo "# command: nice -n -10 java -Xmx8g -Dgreening.stall=off --add-opens java.base/java.lang=ALL-UNNAMED -cp <jar> io.greening.bench.SleepersHarness <system> 100000"
  echo "# RESULT columns: system,threads,wall_ms,late_p50_us,late_p99_us,late_max_us,ideal_wall_ms,cpu_ms"
  for round in 1 2; do
    for sys in group green virtual; do
      for build in before after; do
        dir=$BEFORE; [ $build = after ] && dir=$AFTER
        echo "== round $round $build $sys load $(cut -d' ' -f1-3 /proc/loadavg) $(date -u +%T)"
        nice -n -10 $J -Xmx8g -Dgreening.stall=off --add-opens java.base/java.lang=ALL-UNNAMED -cp $dir/benchmarks.jar \
            io.greening.bench.SleepersHarness $sys 100000 2>&1 | grep RESULT
      done
    done
  done
} > $OUT/sleepers-100k-run$RUN.txt
cat $OUT/sleepers-100k-run$RUN.txt
