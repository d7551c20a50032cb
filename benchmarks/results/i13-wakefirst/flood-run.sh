#!/bin/bash
# Runs HttpClientsApp 5000 greened under a flood of 6 busy-loop sessions, once per given system (label=agentJar[=jvmopts]).
# The app runs in a session (autogroup) of its own at nice 0, as the loops do. Usage: flood-run.sh out-file label=jar[=opts]...
out=$1; shift
cd /work/wt/i13-wakefirst
J=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
pids=()
for i in 1 2 3 4 5 6; do setsid sh -c 'while :; do :; done' & pids+=($!); done
sleep 2
echo "# flood: 6 busy-loop sessions (setsid sh -c 'while :; do :; done'), app in a session of its own; $(date -u +%FT%TZ)" >> $out
for sys in "$@"; do
  label=${sys%%=*}; rest=${sys#*=}; jar=${rest%%=*}; opts=""; [ "$rest" != "$jar" ] && opts=${rest#*=}
  before=$(/work/wt/i13-wakefirst/benchmarks/results/i13-wakefirst/netsnap.sh)
  start=$(date +%s.%N)
  [ -n "$SAMPLE" ] && { echo "## $label" >> $SAMPLE; /work/tmp-i13-sysmon/probe/thread-sampler.sh $SAMPLE & }
  agent="-javaagent:$jar=include=com.acme.httpapp.**"; [ "$jar" = none ] && agent=""
  line=$(setsid -w $J $opts $agent -cp real-libraries/target/classes com.acme.httpapp.HttpClientsApp 5000 2>&1 | grep -E "^http:|Exception" | head -3 | tr '\n' ' ')
  end=$(date +%s.%N)
  after=$(/work/wt/i13-wakefirst/benchmarks/results/i13-wakefirst/netsnap.sh)
  echo "$label wall=$(echo "$end - $start" | bc)s load=$(cut -d' ' -f1-3 /proc/loadavg) :: $line" >> $out
  echo "   net before: $before" >> $out
  echo "   net after:  $after" >> $out
done
kill "${pids[@]}"
