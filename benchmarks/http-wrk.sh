#!/usr/bin/env bash
# Issue 13's HTTP comparison under wrk, side by side in one run: the same "hello world" answer (200, text/plain,
# 12 bytes) from
#   greened       com.acme.apps.HttpHelloApp, a plain blocking thread-per-connection server (new Thread per
#                 connection, java.net sockets), under the agent with its defaults: include=com.acme.**, hubs=auto
#                 (a work-stealing group of one hub per core)
#   green-group   greening's own io.greening.net.http.GreenHttpServer on a HubGroup of one hub per core (HttpLoad)
#   app-virtual   the same HttpHelloApp with a JDK virtual thread per connection (Thread.ofVirtual()), no agent
#   jdk-virtual   the JDK's com.sun.net.httpserver with a virtual thread per request (HttpLoad), no agent
#   netty         Netty 4.2's HTTP codec on an NIO event loop group of NETTY_THREADS threads (default: one per core)
#   jetty         Jetty 12's core server with its defaults (HttpLoad)
#   greened-before / green-group-before   greened / green-group from the jars BEFORE_AGENT / BEFORE_JAR, if set
# Every server runs in a JVM of its own with the same flags; wrk runs on the same machine and shares its cores
# with the server (nothing is pinned). For each connection count and server: a WARMUP wrk run, then a DURATION
# wrk run with --latency; then the server's peak RSS (VmHWM), its CPU time over both runs and its thread count
# are read from /proc. The order of the servers rotates from round to round.
#
# Usage: benchmarks/http-wrk.sh [out-dir]    (default benchmarks/results/http-wrk/run-<UTC time>)
# Env:   CONNECTIONS ("1000 10000"), SERVERS ("greened green-group app-virtual jdk-virtual netty jetty"),
#        ROUNDS (1), DURATION (10s), WARMUP (5s), THREADS (wrk threads, 2), NETTY_THREADS (nproc),
#        HEAP (-Xmx512m), BEFORE_AGENT, BEFORE_JAR, JFR_DIR (records each greened / green-group server with JFR),
#        JAVA (default /usr/lib/jvm/temurin-25-jdk-amd64/bin/java)
# Writes <out-dir>/<round>-<connections>-<server>.txt (wrk's output, /proc figures, load) and <out-dir>/summary.csv|md.
set -euo pipefail
set -f   # no globbing: the agent option include=com.acme.** goes through word splitting
cd "$(dirname "$0")/.."
CONNECTIONS=${CONNECTIONS:-1000 10000}
SERVERS=${SERVERS:-greened green-group app-virtual jdk-virtual netty jetty}
ROUNDS=${ROUNDS:-1}
DURATION=${DURATION:-10s}
WARMUP=${WARMUP:-5s}
THREADS=${THREADS:-2}
NETTY_THREADS=${NETTY_THREADS:-$(nproc)}
HEAP=${HEAP:--Xmx512m}
JAVA=${JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
OUT=${1:-benchmarks/results/http-wrk/run-$(date -u +%Y%m%dT%H%M%S)}
JAR=benchmarks/target/benchmarks.jar
AGENT=agent/target/greening.jar
APPS=integration-tests/target/classes
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
if [[ ! -f $JAR || ! -f $AGENT || ! -f $APPS/com/acme/apps/HttpHelloApp.class ]]; then
  (unset JAVA_HOME; mvn -B -q -o package -DskipTests)
fi
mkdir -p "$OUT"
max_connections=0; for c in $CONNECTIONS; do (( c > max_connections )) && max_connections=$c; done
ulimit -n $((max_connections + 1024)) 2>/dev/null || { echo "ulimit -n $((max_connections + 1024)) refused (hard limit $(ulimit -Hn))" >&2; exit 1; }

server_command() {   # server_command <server> <connections> <jfr file or empty>
  local server=$1 connections=$2 jfr=$3
  local -a common=("$JAVA" $HEAP --add-opens java.base/java.lang=ALL-UNNAMED)
  [[ -n $jfr ]] && common+=("-XX:StartFlightRecording=filename=$jfr,settings=profile")
  case $server in
    greened)            echo "${common[@]} -javaagent:$AGENT=include=com.acme.** -cp $APPS com.acme.apps.HttpHelloApp platform" ;;
    greened-before)     echo "${common[@]} -javaagent:$BEFORE_AGENT=include=com.acme.** -cp $APPS com.acme.apps.HttpHelloApp platform" ;;
    app-virtual)        echo "${common[@]} -cp $APPS com.acme.apps.HttpHelloApp virtual" ;;
    green-group)        echo "${common[@]} -cp $JAR io.greening.bench.HttpLoad green-group" ;;
    green-group-before) echo "${common[@]} -cp $BEFORE_JAR io.greening.bench.HttpLoad green-group" ;;
    green)              echo "${common[@]} -cp $JAR io.greening.bench.HttpLoad green" ;;
    jdk-virtual)        echo "${common[@]} -Dsun.net.httpserver.maxIdleConnections=$connections -cp $JAR io.greening.bench.HttpLoad jdk-virtual" ;;
    netty)              echo "${common[@]} -Dhttpload.nettyThreads=$NETTY_THREADS -cp $JAR io.greening.bench.HttpLoad netty" ;;
    jetty)              echo "${common[@]} -cp $JAR io.greening.bench.HttpLoad jetty" ;;
    *) echo "unknown server $server" >&2; return 1 ;;
  esac
}

cpu_seconds() {   # user + system CPU of a process, in seconds
  awk -v hz="$(getconf CLK_TCK)" '{ sub(/.*\) /, ""); printf "%.2f", ($12 + $13) / hz }' "/proc/$1/stat"
}

echo "round,connections,server,requests_per_s,p50,p99,socket_errors,non2xx,peak_rss_kb,server_cpu_s,threads,load_before" >"$OUT/summary.csv"
read -r -a servers <<<"$SERVERS"
for round in $(seq 1 "$ROUNDS"); do
  # rotate the order by one each round, so no server always follows the same one
  shift_by=$(( (round - 1) % ${#servers[@]} ))
  order=("${servers[@]:shift_by}" "${servers[@]:0:shift_by}")
  for connections in $CONNECTIONS; do
    for server in "${order[@]}"; do
      raw="$OUT/$round-$connections-$server.txt"
      jfr=""; [[ -n ${JFR_DIR:-} && $server == green* ]] && jfr="$JFR_DIR/$round-$connections-$server.jfr"
      cmd=$(server_command "$server" "$connections" "$jfr")
      fifo=$(mktemp -u); mkfifo "$fifo"; log=$(mktemp)
      # stdin from the fifo: the server serves until we close it
      $cmd <"$fifo" >"$log" 2>&1 &
      pid=$!
      exec 9>"$fifo"
      for _ in $(seq 1 200); do grep -q '^READY' "$log" && break; sleep 0.1; done
      port=$(awk '/^READY/ {print $2}' "$log")
      if [[ -z $port ]]; then echo "$server did not start:"; cat "$log"; exit 1; fi
      load=$(cut -d' ' -f1-3 /proc/loadavg)
      url="http://127.0.0.1:$port/"
      {
        echo "# $server, $connections connections, round $round, $(date -u +%FT%TZ), load before: $load"
        echo "# server: $cmd"
        echo "# warm-up: wrk -t$THREADS -c$connections -d$WARMUP $url"
        wrk -t"$THREADS" -c"$connections" -d"$WARMUP" "$url" 2>&1 | sed 's/^/#   /' || true
        echo "# measured: wrk -t$THREADS -c$connections -d$DURATION --latency $url"
      } >"$raw"
      result=$(wrk -t"$THREADS" -c"$connections" -d"$DURATION" --latency "$url" 2>&1 || true)
      echo "$result" >>"$raw"
      rss=$(awk '/^VmHWM/ {print $2}' "/proc/$pid/status")
      threads=$(awk '/^Threads/ {print $2}' "/proc/$pid/status")
      cpu=$(cpu_seconds "$pid")
      {
        echo "# server peak RSS (VmHWM): $rss kB; CPU (user+system, warm-up and measured): $cpu s; threads: $threads"
        echo "# load after: $(cut -d' ' -f1-3 /proc/loadavg)"
        echo "# server output:"; sed 's/^/#   /' "$log"
      } >>"$raw"
      exec 9>&-
      for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill "$pid" 2>/dev/null || true
      wait "$pid" 2>/dev/null || true
      rm -f "$fifo" "$log"
      rps=$(awk '/^Requests\/sec/ {print $2}' <<<"$result")
      p50=$(awk '$1=="50%" {print $2}' <<<"$result")
      p99=$(awk '$1=="99%" {print $2}' <<<"$result")
      errors=$(awk '/Socket errors/ {sub(/.*Socket errors: /, ""); gsub(/,/, ""); print}' <<<"$result")
      non2xx=$(awk '/Non-2xx/ {print $NF}' <<<"$result")
      line="$round,$connections,$server,$rps,$p50,$p99,${errors:-none},${non2xx:-0},$rss,$cpu,$threads,$load"
      echo "$line" | tee -a "$OUT/summary.csv"
    done
  done
done

{
  echo "wrk -t$THREADS -c<connections> -d$DURATION --latency after a $WARMUP warm-up; $(nproc) cores shared by wrk and the server; $ROUNDS round(s)"
  echo
  echo "| round | connections | server | requests/s | p50 | p99 | socket errors | peak RSS | server CPU | threads | load before |"
  echo "|---:|---:|---|---:|---:|---:|---|---:|---:|---:|---|"
  tail -n +2 "$OUT/summary.csv" | awk -F, '{ printf "| %s | %s | %s | %s | %s | %s | %s | %d MB | %s s | %s | %s |\n", $1, $2, $3, $4, $5, $6, $7, $9 / 1024, $10, $11, $12 }'
} >"$OUT/summary.md"
cat "$OUT/summary.md"
