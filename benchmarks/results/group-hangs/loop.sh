#!/bin/bash
# usage: loop.sh N [agentopts]
J=/usr/lib/jvm/temurin-25-jdk-amd64/bin
N=$1; OPTS=${2:-include=com.acme.**}
cd /work/main
for i in $(seq 1 $N); do
  s=$(date +%s%N)
  $J/java -javaagent:agent/target/greening.jar=$OPTS -cp integration-tests/target/classes com.acme.apps.EchoApp 5000 5 > /tmp/echo/out$i.txt 2>/tmp/echo/err$i.txt &
  p=$!
  while kill -0 $p 2>/dev/null; do
    if [ $(( ($(date +%s%N)-s)/1000000000 )) -gt 60 ]; then
      echo "run $i HUNG"; $J/jcmd $p Thread.dump_to_file -format=text /tmp/echo/hang$i.dump >/dev/null 2>&1; $J/jstack $p > /tmp/echo/hang$i.jstack 2>&1; kill -9 $p; break
    fi
    sleep 0.5
  done
  wait $p; echo "run $i rc=$? $(( ($(date +%s%N)-s)/1000000 ))ms $(grep -c WARNING /tmp/echo/err$i.txt) warnings"
done
