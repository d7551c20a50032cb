#!/usr/bin/env bash
# The default group of two builds alternating, one launch each per round. Usage: ab-default.sh <before jar> <after jar> <variant> <rounds>
set -uo pipefail
JAVA=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
echo "ab-default.sh $*: $(date -u +%FT%TZ), uptime: $(uptime), autogroup: $(cat /proc/self/autogroup)"
for r in $(seq 1 $4); do
  for b in before after; do
    jar=$1; [ $b = after ] && jar=$2
    echo "round $r $b $($JAVA -javaagent:$jar=include=com.acme.**,report=off -cp integration-tests/target/classes com.acme.apps.HashingServiceApp $3 2>/dev/null | grep -o 'elapsed-ms=[0-9]*\|cpu-ms=[0-9]*' | tr '\n' ' ') load $(cut -d' ' -f1 /proc/loadavg)"
  done
done
