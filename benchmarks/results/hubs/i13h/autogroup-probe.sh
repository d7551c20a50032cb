#!/usr/bin/env bash
# How many cores two busy loops of one launch get while other sessions are busy: at nice -n -10 alone (the way of the
# earlier runs) and in a session of its own at autogroup nice -10 (benchmarks/session-nice.sh). Run from the repository root.
spin2() { for i in 1 2; do ( end=$((SECONDS+4)); while [ $SECONDS -lt $end ]; do :; done ) & done; wait; }
export -f spin2
echo "autogroup-probe.sh: $(date -u +%FT%TZ), uptime: $(uptime), autogroups: $(cat /proc/sys/kernel/sched_autogroup_enabled)"
for round in 1 2; do
  echo "round $round nice -n -10:       $(nice -n -10 bash -c 'echo -n "$(cat /proc/self/autogroup); "; /usr/bin/time -f "wall %e s, cpu %U s user + %S s sys (%P)" bash -c spin2' 2>&1) load $(cut -d' ' -f1 /proc/loadavg)"
  echo "round $round session-nice.sh:   $(setsid -w benchmarks/session-nice.sh bash -c 'echo -n "$(cat /proc/self/autogroup); "; /usr/bin/time -f "wall %e s, cpu %U s user + %S s sys (%P)" bash -c spin2' 2>&1) load $(cut -d' ' -f1 /proc/loadavg)"
done
