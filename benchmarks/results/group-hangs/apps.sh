#!/bin/bash
# usage: apps.sh ROUNDS ; runs each bundled app greened (default hubs=auto), flags hangs > 90 s with dumps
J=/usr/lib/jvm/temurin-25-jdk-amd64/bin
cd /work/main
for r in $(seq 1 $1); do
 for app in "PoolApp 2000" "ProducerConsumerApp" "SleepApp 10000" "ThreadSubclassApp" "EchoApp 5000 5"; do
  set -- $app; name=$1; shift
  s=$(date +%s%N)
  $J/java -javaagent:agent/target/greening.jar=include=com.acme.** -cp integration-tests/target/classes com.acme.apps.$name "$@" > /tmp/echo/app-$name-$r.out 2>/tmp/echo/app-$name-$r.err &
  p=$!
  while kill -0 $p 2>/dev/null; do
    if [ $(( ($(date +%s%N)-s)/1000000000 )) -gt 90 ]; then
      echo "round $r $name HUNG"; $J/jcmd $p Thread.dump_to_file -format=text /tmp/echo/apphang-$name-$r.dump >/dev/null 2>&1; $J/jstack $p > /tmp/echo/apphang-$name-$r.jstack 2>&1; kill -9 $p; break
    fi
    sleep 0.5
  done
  wait $p; echo "round $r $name rc=$? $(( ($(date +%s%N)-s)/1000000 ))ms"
 done
done
