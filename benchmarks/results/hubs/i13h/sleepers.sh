#!/usr/bin/env bash
# 100,000 sleepers: the group and JDK virtual threads alternating, each in a fresh JVM. Usage: sleepers.sh <benchmarks.jar> <rounds>
J=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
echo "# sleepers.sh $*: $(date -u +%FT%TZ), uptime: $(uptime), autogroup: $(cat /proc/self/autogroup)"
echo "# command: java -Xmx8g -Dgreening.stall=off --add-opens java.base/java.lang=ALL-UNNAMED -cp <jar> io.greening.bench.SleepersHarness <system> 100000"
echo "# RESULT columns: system,threads,wall_ms,late_p50_us,late_p99_us,late_max_us,ideal_wall_ms,cpu_ms"
for round in $(seq 1 $2); do
  for sys in group virtual; do
    echo "== round $round $sys load $(cut -d' ' -f1-3 /proc/loadavg) $(date -u +%T)"
    $J -Xmx8g -Dgreening.stall=off --add-opens java.base/java.lang=ALL-UNNAMED -cp $1 io.greening.bench.SleepersHarness $sys 100000 2>&1 | grep RESULT
  done
done
