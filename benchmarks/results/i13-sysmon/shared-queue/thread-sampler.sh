#!/bin/bash
# Every 2 s, for the threads of the JVM running HttpClientsApp: name, CPU ms (utime+stime) and the ms it waited for a
# core (schedstat's run-queue delay), summed per name prefix. Usage: thread-sampler.sh out-file
out=$1
for i in $(seq 1 50); do p=$(pgrep -f "HttpClientsApp 5000" | head -1); [ -n "$p" ] && break; sleep 0.2; done
t0=$(date +%s)
while [ -d /proc/$p ]; do
  now=$(( $(date +%s) - t0 ))
  for t in /proc/$p/task/*; do
    n=$(cat $t/comm 2>/dev/null) || continue
    s=($(cat $t/schedstat 2>/dev/null)) || continue
    echo "$now ${n// /_} ${s[0]} ${s[1]}"
  done | awk -v now=$now '{k=$2; sub(/-[0-9]+$/,"-#",k); sub(/[0-9]+$/,"#",k); run[k]+=$3; wait[k]+=$4; cnt[k]++} END {line="t=" now "s"; for (k in run) if (run[k] > 50e6 || wait[k] > 50e6) line=line sprintf(" | %s x%d cpu=%dms wait=%dms", k, cnt[k], run[k]/1e6, wait[k]/1e6); print line}' >> $out
  sleep 2
done
