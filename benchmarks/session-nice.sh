#!/bin/bash
# Runs "$@" at nice -10 in its autogroup: with autogroups on (/proc/sys/kernel/sched_autogroup_enabled), a process's
# nice value weighs only against its own session's processes and every busy session gets an even share of the cores,
# so nice -n -10 alone leaves a benchmark half the cores while another session is busy. Start it in a session of its
# own: setsid -w benchmarks/session-nice.sh <command>. A negative value needs root (CAP_SYS_NICE).
echo -10 2>/dev/null > /proc/self/autogroup \
    || echo "session-nice.sh: the autogroup's nice stays $(cat /proc/self/autogroup 2>/dev/null || echo unknown)" >&2
exec nice -n -10 "$@"
