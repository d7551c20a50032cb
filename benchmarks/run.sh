#!/usr/bin/env bash
# Runs every benchmark of this module side by side and draws the charts: JMH (switch, spawn), the memory and
# sleepers harnesses (each measurement in a fresh JVM), then the PNGs next to README.md. About 25 minutes on
# 2 cores. Usage: benchmarks/run.sh [JMH options], e.g. benchmarks/run.sh -f 1 -wi 3 -i 5 (the default).
# RUNS=3 repeats the JMH run (jmh-run1.json ...) to show run-to-run variance; RATIO_ROUNDS sets the
# rounds of the interleaved switch and spawn comparisons (Interleaved); SLEEPERS_MAX=100000 skips the 1M
# sleepers run. The load average before each step goes to results/load.txt. The switch and spawn charts are
# drawn from one JMH run: HEADLINE_JMH (default jmh-run1.json; name the quietest run in load.txt).
set -euo pipefail
cd "$(dirname "$0")/.."
JAVA="${JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}"
JAR=benchmarks/target/benchmarks.jar
OUT=benchmarks/results
mkdir -p "$OUT"
if [ ! -f "$JAR" ]; then
  (unset JAVA_HOME; mvn -B -q -pl benchmarks -am package -DskipTests)
fi
JMH_OPTS=("$@")
if [ ${#JMH_OPTS[@]} -eq 0 ]; then JMH_OPTS=(-f 1 -wi 3 -i 5); fi
load() { echo "$(date -u +%H:%M:%S) $1: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$OUT/load.txt"; }
: > "$OUT/load.txt"
rm -f "$OUT"/jmh-run*.json
for run in $(seq 1 "${RUNS:-1}"); do
  load "jmh run $run"
  # JMH refuses to run while another JMH run holds /tmp/jmh.lock (they would disturb each other): wait for it.
  until "$JAVA" -jar "$JAR" 'SwitchBenchmark|SpawnBenchmark' "${JMH_OPTS[@]}" -rf json -rff "$OUT/jmh-run$run.json" \
      2>&1 | tee "$OUT/jmh-run$run.txt" && ! grep -q 'Unable to acquire the JMH lock' "$OUT/jmh-run$run.txt"; do
    grep -q 'Unable to acquire the JMH lock' "$OUT/jmh-run$run.txt" || exit 1
    echo "another JMH run holds the lock; retrying in 15 s"; sleep 15
  done
  load "jmh run $run done"
done
load interleaved
"$JAVA" --add-opens java.base/java.lang=ALL-UNNAMED --add-exports java.base/jdk.internal.vm=ALL-UNNAMED \
  -cp "$JAR" io.greening.bench.Interleaved "${RATIO_ROUNDS:-200}" "$OUT" | tee "$OUT/interleaved.txt"
load memory
"$JAVA" -cp "$JAR" io.greening.bench.MemoryHarness "$OUT"
load sleepers
"$JAVA" -cp "$JAR" io.greening.bench.SleepersHarness "$OUT" "${SLEEPERS_MAX:-1000000}"
load done
"$JAVA" -cp "$JAR" io.greening.bench.Charts "$OUT" benchmarks "switch:${HEADLINE_JMH:-jmh-run1.json}" memory sleepers jmh-tables
