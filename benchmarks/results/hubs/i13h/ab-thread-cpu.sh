#!/usr/bin/env bash
# Per-thread CPU of HashingServiceApp: hubs=1, the default group of the build before, the default group of this build,
# alternating. Usage: ab-thread-cpu.sh <before jar> <after jar> skewed|uniform <rounds> <out>
set -euo pipefail
B=$1; A=$2; V=$3; ROUNDS=$4; OUT=$5
JAVA=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
OPT=include=com.acme.**,report=off
{
echo "ab-thread-cpu.sh $*: $(date -u +%FT%TZ), uptime: $(uptime)"
for r in $(seq 1 "$ROUNDS"); do
  benchmarks/thread-cpu.py "round $r hubs=1 (after)" -- $JAVA -javaagent:$A=$OPT,hubs=1 -cp integration-tests/target/classes com.acme.apps.HashingServiceApp $V
  benchmarks/thread-cpu.py "round $r default before" -- $JAVA -javaagent:$B=$OPT -cp integration-tests/target/classes com.acme.apps.HashingServiceApp $V
  benchmarks/thread-cpu.py "round $r default after" -- $JAVA -javaagent:$A=$OPT -cp integration-tests/target/classes com.acme.apps.HashingServiceApp $V
done
echo "end: $(date -u +%FT%TZ), uptime: $(uptime)"
} | tee "$OUT"
