#!/usr/bin/env bash
# Loads the embedded Jetty app (com.acme.jettyapp.JettyApp: a servlet that sleeps 10 ms and calls a downstream HTTP
# service) with wrk, unmodified and greened, in one run, and prints throughput, p99 latency and peak OS threads.
#
#   real-libraries/jetty-load.sh          # 1,000 connections, 5 s measured per mode after 4 s + 4 s of warm-up
#   CONNECTIONS=2000 SECONDS_MEASURED=10 WARMUP_SECONDS=5 MAX_THREADS=1000 real-libraries/jetty-load.sh
#
# Needs JDK 25 (JAVA, default /usr/lib/jvm/temurin-25-jdk-amd64/bin/java), wrk and curl; builds the module and the
# agent with Maven if needed. The downstream service (com.acme.backend) stays on platform threads in both modes.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
JAVA="${JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}"
CONNECTIONS="${CONNECTIONS:-1000}"
SECONDS_MEASURED="${SECONDS_MEASURED:-5}"
MAX_THREADS="${MAX_THREADS:-1000}"
WARMUP_SECONDS="${WARMUP_SECONDS:-4}"
agent_jar="$root/agent/target/greening.jar"
classpath_file="$here/target/classpath.txt"

for tool in wrk curl "$JAVA"; do
  command -v "$tool" >/dev/null || { echo "jetty-load: $tool is missing (apt-get install -y wrk curl)" >&2; exit 1; }
done

if [[ ! -f "$agent_jar" || ! -f "$classpath_file" || ! -d "$here/target/classes/com/acme/jettyapp" ]]; then
  echo "jetty-load: building the agent and real-libraries ..." >&2
  (cd "$root" && unset JAVA_HOME && mvn -B -q -pl real-libraries -am package dependency:build-classpath -DskipTests \
      -Dmdep.outputFile=target/classpath.txt -DincludeScope=runtime)
fi
app_classpath="$here/target/classes:$(cat "$classpath_file")"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# run_mode <label> [jvm options...]: prints one table row
run_mode() {
  local label="$1"; shift
  local out="$work/$label.out"
  "$JAVA" "$@" -cp "$app_classpath" com.acme.jettyapp.JettyApp 0 "$MAX_THREADS" >"$out" 2>"$work/$label.err" &
  local pid=$!
  local port=""
  for _ in $(seq 600); do
    port="$(sed -n 's/^jetty: listening port=\([0-9]*\)$/\1/p' "$out")"
    [[ -n "$port" ]] && break
    kill -0 "$pid" 2>/dev/null || { echo "jetty-load: $label app died:" >&2; cat "$work/$label.err" >&2; exit 1; }
    sleep 0.1
  done
  [[ -n "$port" ]] || { echo "jetty-load: $label app did not start" >&2; kill "$pid"; exit 1; }
  local url="http://127.0.0.1:$port/work?n=42"
  [[ "$(curl -s "$url")" == "work 42 item-42" ]] || { echo "jetty-load: $label wrong answer" >&2; kill "$pid"; exit 1; }

  # Warm-up, not measured: JIT, pools, and (greened) the agent transforming Jetty's classes as they load.
  wrk -t2 -c100 -d"${WARMUP_SECONDS}s" "$url" >/dev/null 2>&1 || true
  wrk -t2 -c"$CONNECTIONS" -d"${WARMUP_SECONDS}s" --timeout 10s "$url" >/dev/null 2>&1 || true

  local peak=0
  ( while kill -0 "$pid" 2>/dev/null; do
      awk '/^Threads:/ {print $2}' "/proc/$pid/status" 2>/dev/null || true
      sleep 0.05
    done ) >"$work/$label.threads" &
  local sampler=$!
  wrk -t2 -c"$CONNECTIONS" -d"${SECONDS_MEASURED}s" --timeout 10s --latency "$url" >"$work/$label.wrk" 2>&1
  curl -s "http://127.0.0.1:$port/shutdown" >/dev/null || true
  wait "$pid" || true
  wait "$sampler" 2>/dev/null || true
  peak="$(sort -n "$work/$label.threads" | tail -1)"

  local rps p99 errors
  rps="$(awk '/^Requests\/sec:/ {print $2}' "$work/$label.wrk")"
  p99="$(awk '$1 == "99%" {print $2}' "$work/$label.wrk")"
  errors="$(awk '/Socket errors|Non-2xx/ {printf "%s ", $0}' "$work/$label.wrk")"
  printf '%-10s %12s %10s %16s   %s\n' "$label" "$rps" "$p99" "$peak" "${errors:-none}"
  grep '^jetty: served' "$out" | sed 's/^/           /'
}

echo "Jetty $(basename "$(tr ':' '\n' <"$classpath_file" | grep jetty-server)" .jar): servlet sleeps 10 ms + downstream call;" \
     "wrk -c$CONNECTIONS for ${SECONDS_MEASURED}s; QueuedThreadPool maxThreads=$MAX_THREADS; $(nproc) cores"
printf '%-10s %12s %10s %16s   %s\n' "mode" "requests/s" "p99" "peak OS threads" "errors"
run_mode plain
run_mode greened "-javaagent:$agent_jar=include=com.acme.**,include=org.eclipse.jetty.**,exclude=com.acme.backend.**,report=$work/report.txt"
sed -n 's/^/  /; /green threads:/q; p' "$work/report.txt" 2>/dev/null | head -20 || true
