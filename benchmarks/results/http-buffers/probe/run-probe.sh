#!/bin/bash
# usage: run-probe.sh <hubs> <label>
J=/usr/lib/jvm/temurin-25-jdk-amd64/bin; ulimit -n 20000
$J/java -Xmx512m --add-opens java.base/java.lang=ALL-UNNAMED -cp /work/wt/lead-tail/benchmarks/target/benchmarks.jar:. GgProbe $1 > gg-$2.log 2>&1 &
pid=$!
sleep 2; wrk -t2 -c1000 -d4s http://127.0.0.1:8089/ >/dev/null; echo "load $(cat /proc/loadavg)"; wrk -t2 -c1000 -d8s --latency http://127.0.0.1:8089/ | grep -E '50%|90%|99%|Requests/sec'
kill $pid; wait $pid 2>/dev/null; grep -c 'WARNING' gg-$2.log; grep handOffs gg-$2.log | tail -1
