#!/usr/bin/env bash
# HashingServiceApp greened with hubs=1 and the default group under JVM flags that change the heap's behaviour,
# counting GCs (-Xlog:gc) and page faults (perf stat). Usage: gc-flags.sh <jar> <variant> <rounds> <out> [flags...]
set -uo pipefail
JAR=$1; V=$2; ROUNDS=$3; OUT=$4; shift 4
JAVA=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
OPT=include=com.acme.**,report=off
LOG=$(mktemp -d)
{
echo "gc-flags.sh $JAR $V $ROUNDS $OUT $*: $(date -u +%FT%TZ), uptime: $(uptime)"
for r in $(seq 1 "$ROUNDS"); do
for flags in "$@"; do
  [ "$flags" = none ] && flags=""
  for mode in hubs1 default; do
    case $mode in hubs1) o=$OPT,hubs=1 ;; default) o=$OPT ;; esac
    res=$(perf stat -x, -e task-clock,page-faults -- $JAVA $flags -Xlog:gc:file=$LOG/gc.log -javaagent:$JAR=$o -cp integration-tests/target/classes com.acme.apps.HashingServiceApp $V 2>&1)
    el=$(echo "$res" | grep -o 'elapsed-ms=[0-9]*'); cpu=$(echo "$res" | grep -o 'cpu-ms=[0-9]*'); rss=$(echo "$res" | grep -o 'peak-rss-kb=[0-9]*')
    pf=$(echo "$res" | grep page-faults | cut -d, -f1)
    gcs=$(grep -c 'Pause' $LOG/gc.log); last=$(grep Pause $LOG/gc.log | tail -1 | grep -o '[0-9]*M->[0-9]*M([0-9]*M)')
    printf 'round %d %-28s %-8s %s %s %s page-faults=%s gc-pauses=%s last=%s load=%s\n' $r "${flags:-(none)}" $mode $el $cpu $rss $pf $gcs "$last" "$(cut -d' ' -f1 /proc/loadavg)"
  done
done
done
echo "end: $(date -u +%FT%TZ), uptime: $(uptime)"
} | tee "$OUT"
rm -rf "$LOG"
