#!/usr/bin/env bash
# Load test: wrk with 1,000 connections on loopback against the same "hello world" handler on
#   green        greening's io.greening.net.http.GreenHttpServer on one hub (one carrier thread)
#   jdk-platform the JDK's com.sun.net.httpserver with a pool of 200 platform threads
#   jdk-virtual  the JDK's com.sun.net.httpserver with a JDK virtual thread per request
# (the JDK server keeps at most 200 idle keep-alive connections by default and closes the others, which wrk
# counts as read errors; it runs with sun.net.httpserver.maxIdleConnections=CONNECTIONS so all stay open)
# one after the other in one run, and prints requests/s and latency percentiles per server.
#
# Usage: benchmarks/http-load.sh            (builds benchmarks/target/benchmarks.jar if missing)
# Env:   DURATION (default 15s), WARMUP (default 5s), CONNECTIONS (default 1000), THREADS (wrk, default 2),
#        JAVA (a JDK 25 java; default: /usr/lib/jvm/temurin-25-jdk-amd64/bin/java if present, else java)
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-15s}
WARMUP=${WARMUP:-5s}
CONNECTIONS=${CONNECTIONS:-1000}
THREADS=${THREADS:-2}
if [[ -z "${JAVA:-}" ]]; then
  if [[ -x /usr/lib/jvm/temurin-25-jdk-amd64/bin/java ]]; then JAVA=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java; else JAVA=java; fi
fi
JAR=benchmarks/target/benchmarks.jar

if ! command -v wrk >/dev/null; then
  if [[ $(id -u) -eq 0 ]]; then
    apt-get install -y wrk >/dev/null || { apt-get update >/dev/null && apt-get install -y wrk >/dev/null; }
  elif sudo -n true 2>/dev/null; then
    sudo apt-get install -y wrk >/dev/null
  else
    echo "wrk is missing and cannot be installed here (not root, no sudo): apt-get install wrk" >&2
    exit 1
  fi
fi
if [[ ! -f $JAR ]]; then
  (unset JAVA_HOME; mvn -B -q -pl benchmarks -am package -DskipTests)
fi
ulimit -n $((CONNECTIONS * 2 + 1024)) 2>/dev/null || true

declare -a ROWS
for server in green jdk-platform jdk-virtual; do
  fifo=$(mktemp -u); mkfifo "$fifo"
  out=$(mktemp)
  # stdin from the fifo: the server runs until we close it
  "$JAVA" --add-opens java.base/java.lang=ALL-UNNAMED -Xms512m -Xmx512m -Dsun.net.httpserver.maxIdleConnections="$CONNECTIONS" \
      -cp "$JAR" io.greening.bench.HttpLoad "$server" \
      <"$fifo" >"$out" 2>&1 &
  pid=$!
  exec 9>"$fifo"
  for _ in $(seq 1 100); do grep -q '^READY' "$out" && break; sleep 0.1; done
  port=$(awk '/^READY/ {print $2}' "$out")
  if [[ -z $port ]]; then echo "$server did not start:"; cat "$out"; exit 1; fi
  url="http://127.0.0.1:$port/"
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" "$url" >/dev/null
  result=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$url")
  exec 9>&-
  wait "$pid" || true
  rm -f "$fifo" "$out"
  echo "== $server"; echo "$result"
  rps=$(awk '/^Requests\/sec/ {print $2}' <<<"$result")
  p50=$(awk '$1=="50%" {print $2}' <<<"$result")
  p99=$(awk '$1=="99%" {print $2}' <<<"$result")
  errors=$(awk '/Socket errors|Non-2xx/ {printf "%s ", $0}' <<<"$result")
  ROWS+=("$(printf '| %-12s | %12s | %8s | %8s | %s |' "$server" "$rps" "$p50" "$p99" "${errors:-none}")")
done

echo
echo "wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency (after a $WARMUP warm-up), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
printf '| %-12s | %12s | %8s | %8s | %s |\n' server requests/s p50 p99 errors
printf '|%s|%s|%s|%s|%s|\n' '--------------' '--------------' '----------' '----------' '------'
printf '%s\n' "${ROWS[@]}"
