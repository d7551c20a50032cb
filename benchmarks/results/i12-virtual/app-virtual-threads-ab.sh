#!/bin/bash
# An app's own virtual threads (com.acme.vthreads.AppVirtualThreads: 100,000 empty tasks on
# Executors.newVirtualThreadPerTaskExecutor() from a platform main, 5 rounds per JVM): without an agent, under the
# agent before this branch (22b478c: the JDK's scheduler), and under this branch's agent (the hubs' group, hubs=auto),
# alternating, 3 rounds. Run from the worktree under the bench lock.
J=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
CP=benchmarks/target/benchmarks.jar
echo "# app virtual threads A/B: $(date -u +%FT%TZ) $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
for round in 1 2 3; do
  for sys in plain before this; do
    agent=""
    [ $sys = before ] && agent="-javaagent:/work/before/greening-22b478c.jar=include=com.acme.**"
    [ $sys = this ] && agent="-javaagent:agent/target/greening.jar=include=com.acme.**,report=stderr"
    echo "== round $round $sys load $(cut -d' ' -f1-3 /proc/loadavg)"
    $J $agent -cp $CP com.acme.vthreads.AppVirtualThreads 100000 5 2>&1 | grep -E "RESULT|virtual threads made green"
  done
done
