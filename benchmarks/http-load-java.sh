#!/usr/bin/env bash
# Load test without wrk: io.greening.bench.HttpLoadClient (keep-alive connections on JDK virtual threads, every
# response checked) against HttpLoad's "hello world" servers, interleaved in rounds so that each server sees
# the same machine: greening's GreenHttpServer from two builds side by side (A and B), then the JDK's
# com.sun.net.httpserver on virtual threads and Jetty 12's core server with its defaults (both from build B, so
# A may be a build without Jetty). Prints one line per run.
#
# Usage: benchmarks/http-load-java.sh A_JAR B_JAR      (benchmarks.jar files; the client, JDK and Jetty run from B_JAR)
# Env:   ROUNDS (3), CONNECTIONS (200), WARMUP (5, s), SECONDS_MEASURED (10), MODES ("get post1k"),
#        ORDER ("A B": which greening build runs first in each round; alternate it between sessions),
#        A_SERVER, B_SERVER (green: HttpLoad's server of each build; green-group runs it on a group of hubs),
#        JAVA (default /usr/lib/jvm/temurin-25-jdk-amd64/bin/java)
set -euo pipefail
A_JAR=$1; B_JAR=$2
ROUNDS=${ROUNDS:-3}; CONNECTIONS=${CONNECTIONS:-200}; WARMUP=${WARMUP:-5}; SECONDS_MEASURED=${SECONDS_MEASURED:-10}
MODES=${MODES:-get post1k}
ORDER=${ORDER:-A B}
A_SERVER=${A_SERVER:-green}; B_SERVER=${B_SERVER:-green}
JAVA=${JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
ulimit -n $((CONNECTIONS * 2 + 1024)) 2>/dev/null || true

run() {   # run <label> <jar> <server> <mode>
  local label=$1 jar=$2 server=$3 mode=$4
  local fifo out; fifo=$(mktemp -u); mkfifo "$fifo"; out=$(mktemp)
  "$JAVA" --add-opens java.base/java.lang=ALL-UNNAMED -Xms512m -Xmx512m -Dsun.net.httpserver.maxIdleConnections="$CONNECTIONS" \
      -cp "$jar" io.greening.bench.HttpLoad "$server" <"$fifo" >"$out" 2>&1 &
  local pid=$!
  exec 9>"$fifo"
  for _ in $(seq 1 200); do grep -q '^READY' "$out" && break; sleep 0.1; done
  local port; port=$(awk '/^READY/ {print $2}' "$out")
  if [[ -z $port ]]; then echo "$label did not start:"; cat "$out"; exit 1; fi
  echo "$label $(date -u +%H:%M:%S) load=$(cut -d' ' -f1-3 /proc/loadavg) $("$JAVA" -cp "$B_JAR" io.greening.bench.HttpLoadClient "$port" "$mode" "$CONNECTIONS" "$WARMUP" "$SECONDS_MEASURED")"
  exec 9>&-
  wait "$pid" || true
  rm -f "$fifo" "$out"
}

for round in $(seq 1 "$ROUNDS"); do
  for mode in $MODES; do
    for build in $ORDER; do
      if [[ $build == A ]]; then run "round=$round A-$A_SERVER" "$A_JAR" "$A_SERVER" "$mode"; else run "round=$round B-$B_SERVER" "$B_JAR" "$B_SERVER" "$mode"; fi
    done
    run "round=$round B-jdk-virtual" "$B_JAR" jdk-virtual "$mode"
    run "round=$round B-jetty" "$B_JAR" jetty "$mode"
  done
done
