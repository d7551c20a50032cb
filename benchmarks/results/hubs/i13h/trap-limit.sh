#!/usr/bin/env bash
# hubs=1 and the default group with the JVM's default traps and with -XX:PerMethodTrapLimit=0 (C2 compiles branches it
# never saw taken instead of trapping there), alternating. Usage: trap-limit.sh <jar> <variant> <rounds>
J=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
echo "trap-limit.sh $*: $(date -u +%FT%TZ), uptime: $(uptime), autogroup: $(cat /proc/self/autogroup)"
for r in $(seq 1 $3); do
  for flags in "" "-XX:PerMethodTrapLimit=0"; do
    for m in ",hubs=1" ""; do
      echo "round $r ${flags:-(default flags)} ${m:-default} $($J $flags -javaagent:$1=include=com.acme.**,report=off$m -cp integration-tests/target/classes com.acme.apps.HashingServiceApp $2 2>/dev/null | grep -o 'elapsed-ms=[0-9]*\|cpu-ms=[0-9]*' | tr '\n' ' ') load $(cut -d' ' -f1 /proc/loadavg)"
    done
  done
done
