#!/usr/bin/env bash
# Syscalls per thread (perf trace -s) of HashingServiceApp, hubs=1 and the default group. Usage: syscalls.sh <jar> <variant> <outdir>
set -uo pipefail
JAR=$1; V=$2; OUT=$3
JAVA=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
OPT=include=com.acme.**,report=off
for mode in hubs1 default; do
  case $mode in hubs1) o=$OPT,hubs=1 ;; default) o=$OPT ;; esac
  { echo "syscalls.sh $*: $mode $(date -u +%FT%TZ), uptime: $(uptime)"
    perf trace -s -o "$OUT/.perf-trace.tmp" -- $JAVA -javaagent:$JAR=$o -cp integration-tests/target/classes com.acme.apps.HashingServiceApp $V 2>/dev/null | grep "#"; grep -v "^$" "$OUT/.perf-trace.tmp"; rm -f "$OUT/.perf-trace.tmp"
    echo "end uptime: $(uptime)"; } > "$OUT/syscalls-$V-$mode.txt" 2>&1
done
