#!/usr/bin/env bash
# The JDK HttpClient's default executor under two greening builds and plain, interleaved in rounds:
# com.acme.httpapp.HttpClientsApp <REQUESTS> async-jdk-default (REQUESTS sendAsync GETs at once from main, on a client
# built without .executor(...), against com.sun.net.httpserver on 16 platform threads in the same JVM), run plain,
# with build A's agent and with build B's (include=com.acme.httpapp.**,report=off). Prints one line per run: wall
# time, CPU (user + system), peak RSS (GNU time), peak OS threads (/proc/<pid>/status sampled every 10 ms) and the
# app's line (every answer right?) and its count of the client's workers left as platform threads.
#
# Usage: benchmarks/httpclient-default-executor.sh A_GREENING_JAR B_GREENING_JAR APP_CLASS_PATH
#        (APP_CLASS_PATH: real-libraries/target/classes, which holds com.acme.httpapp and com.acme.backend)
# Env:   ROUNDS (5), REQUESTS (5000), JAVA (default /usr/lib/jvm/temurin-25-jdk-amd64/bin/java)
set -euo pipefail
if [ $# -ne 3 ]; then
  echo "usage: $0 A_GREENING_JAR B_GREENING_JAR APP_CLASS_PATH" >&2
  exit 2
fi
A_JAR=$1; B_JAR=$2; APP_CP=$3
ROUNDS=${ROUNDS:-5}; REQUESTS=${REQUESTS:-5000}
JAVA=${JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
for f in "$A_JAR" "$B_JAR" "$APP_CP"; do
  [ -e "$f" ] || { echo "$0: no such file: $f" >&2; exit 2; }
done

run() {   # run <label> [agent jar]
  local label=$1 agent=${2:-} out timing pid peak=0 n started ended
  out=$(mktemp); timing=$(mktemp)
  local options=()
  [ -n "$agent" ] && options=("-javaagent:$agent=include=com.acme.httpapp.**,report=off")
  started=$(date +%s%N)
  /usr/bin/time -f "%e %U %S %M" -o "$timing" "$JAVA" "${options[@]}" -cp "$APP_CP" com.acme.httpapp.HttpClientsApp \
      "$REQUESTS" async-jdk-default >"$out" 2>&1 &
  pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    for child in $(pgrep -P "$pid" 2>/dev/null); do
      n=$(awk '/^Threads:/ {print $2}' "/proc/$child/status" 2>/dev/null || true)
      if [ -n "$n" ] && [ "$n" -gt "$peak" ]; then peak=$n; fi
    done
    sleep 0.01
  done
  wait "$pid" || true
  ended=$(date +%s%N)
  read -r _ user sys rss <"$timing"
  printf '%-8s wall-ms=%d cpu-s=%.2f peak-rss-kb=%d peak-os-threads=%d | %s | %s\n' "$label" \
      $(( (ended - started) / 1000000 )) "$(echo "$user + $sys" | bc)" "$rss" "$peak" \
      "$(grep '^http: ' "$out" || echo 'no http line')" "$(grep '^# platform-client-workers=' "$out" || true)"
  rm -f "$out" "$timing"
}

echo "# $(date -u '+%Y-%m-%d %H:%M UTC') load: $(cut -d' ' -f1-3 /proc/loadavg) cores: $(nproc) A=$A_JAR B=$B_JAR requests=$REQUESTS"
for round in $(seq 1 "$ROUNDS"); do
  if [ $((round % 2)) -eq 1 ]; then order="plain A B"; else order="B A plain"; fi
  for system in $order; do
    case $system in
      plain) run plain ;;
      A) run A "$A_JAR" ;;
      B) run B "$B_JAR" ;;
    esac
  done
done
echo "# end $(date -u '+%H:%M UTC') load: $(cut -d' ' -f1-3 /proc/loadavg)"
