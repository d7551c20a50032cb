#!/usr/bin/env bash
# Echo C10K side by side (about 70 s a run): the same client load (io.greening.bench.EchoLoad: one NIO thread in
# its own JVM, one message in flight per connection) against four servers, each in its own JVM: the unmodified
# com.acme.apps.EchoApp server on platform threads, the same greened by the agent, the same loop on
# Thread.ofVirtual() (VirtualEchoServer), and Netty (NettyEchoServer, 2 NIO event-loop threads).
# Each run shuffles the servers' order per connection count with the seed SEED+run (SEED=0 by default: run r uses
# seed r); the order is printed and written under the run's table.
# Writes benchmarks/results/echo-c10k.csv|md (the last run) and echo-c10k-run<r>.csv|md, then the charts
# (echo-throughput.png, echo-p99.png from the medians over the runs, echo-c10k-medians.csv, via Charts).
# Usage: [RUNS=1] benchmarks/echo-c10k.sh [connections=1000,10000] [warmupSeconds=2] [measureSeconds=3] [systems=platform,greened,virtual,netty]
# OUT=<dir> and CHART_DIR=<dir> put results and charts elsewhere. BEFORE_AGENT=<jar> adds the system greened-before
# (the greened server under an earlier build's agent jar, to compare side by side). JFR=/tmp/greened.jfr also records the greened server (one file per connection count). RUNS=3 as measured in README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
JAVA="${JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}"
OUT="${OUT:-benchmarks/results}"
if [ ! -f benchmarks/target/benchmarks.jar ] || [ ! -f agent/target/greening.jar ] \
    || [ ! -f integration-tests/target/classes/com/acme/apps/EchoApp.class ]; then
  (unset JAVA_HOME; mvn -B -q -DskipTests package)
fi
rm -f "$OUT"/echo-c10k-run*.csv "$OUT"/echo-c10k-run*.md
for run in $(seq 1 "${RUNS:-1}"); do
  echo "run $run, load average $(cut -d' ' -f1-3 /proc/loadavg)"
  "$JAVA" ${JFR:+-Decho.jfr=$JFR} ${BEFORE_AGENT:+-Decho.beforeAgent=$BEFORE_AGENT} -Decho.seed=$(( ${SEED:-0} + run )) -cp benchmarks/target/benchmarks.jar io.greening.bench.EchoC10k . "$OUT" \
    "${1:-1000,10000}" "${2:-2}" "${3:-3}" "${4:-platform,greened,virtual,netty}"
  cp "$OUT/echo-c10k.csv" "$OUT/echo-c10k-run$run.csv"
  cp "$OUT/echo-c10k.md" "$OUT/echo-c10k-run$run.md"
done
"$JAVA" -cp benchmarks/target/benchmarks.jar io.greening.bench.Charts "$OUT" "${CHART_DIR:-benchmarks}" echo
