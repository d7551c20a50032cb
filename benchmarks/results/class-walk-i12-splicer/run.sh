#!/usr/bin/env bash
# One locked run (benchmarks/session-nice.sh: a session of its own at nice -10) of the splicer's side-by-side figures:
# the in-process probe (probe/, PerClassProbe with the agent jar's shaded ASM) for Lucene core and Kotlin stdlib, main's
# agent ("before") and this branch's alternating, two rounds; from run 2, the splicer alone (probe/SpliceProbe.java);
# then the class walk, both agents, two rounds.
# Usage, from the repository: flock /work/bench.lock setsid -w benchmarks/session-nice.sh \
#   benchmarks/results/class-walk-i12-splicer/run.sh <before agent jar> <this branch's agent jar> <run number>
set -euo pipefail
before=$1 after=$2 n=$3
R=benchmarks/results/class-walk-i12-splicer
J=/usr/lib/jvm/temurin-25-jdk-amd64/bin
probe=$(mktemp -d)
trap 'rm -rf "$probe"' EXIT
$J/javac -d "$probe" -cp "$after:runtime/target/classes" $R/probe/io/greening/agent/PerClassProbe.java
all=$(ls benchmarks/target/class-walk/*.jar | tr '\n' ':')
mkdir -p $R/probe/runs
for round in 1 2; do
  for group in lucene-core-10.3.2 kotlin-stdlib-2.4.21; do
    for agent in before after; do
      jar=$before; [ $agent = after ] && jar=$after
      file=$R/probe/runs/run$n-${group%-*}-$agent-round$round.txt
      { echo "# $(date -u +%FT%TZ) load $(cut -d' ' -f1-3 /proc/loadavg); agent $jar; $J/java -cp <probe>:$jar:runtime/target/classes io.greening.agent.PerClassProbe <all class-walk jars> $group.jar"
        $J/java -cp "$probe:$jar:runtime/target/classes" io.greening.agent.PerClassProbe "$all" benchmarks/target/class-walk/$group.jar
      } > "$file" 2>&1
      grep -h "^pass" "$file" | sed "s|^|$group $agent round $round: |"
    done
  done
done
# the splicer alone, main's against this branch's (probe/SpliceProbe.java), interpreted as in the walk, then compiled
sp=$(mktemp -d)
trap 'rm -rf "$probe" "$sp"' EXIT
$J/javac -d "$sp" -cp agent/target/classes:runtime/target/classes $R/probe/io/greening/agent/MonitorEntrySplicerOld.java \
  $R/probe/io/greening/agent/SpliceProbe.java
for mode in -Xint -Xmixed; do
  { echo "# $(date -u +%FT%TZ) load $(cut -d' ' -f1-3 /proc/loadavg); $J/java $mode -cp <probe>:agent/target/classes:runtime/target/classes io.greening.agent.SpliceProbe 5 lucene-core kotlin-stdlib okhttp"
    $J/java $mode -cp "$sp:agent/target/classes:runtime/target/classes" io.greening.agent.SpliceProbe 5 \
      benchmarks/target/class-walk/lucene-core-10.3.2.jar benchmarks/target/class-walk/kotlin-stdlib-2.4.21.jar \
      benchmarks/target/class-walk/okhttp-5.5.1.jar
  } > $R/probe/runs/run$n-splice$mode.txt 2>&1
  sed "s|^|splicer $mode: |" $R/probe/runs/run$n-splice$mode.txt
done
{ echo "# $(date -u +%FT%TZ) uptime: $(uptime)"
  $J/java -cp benchmarks/target/benchmarks.jar io.greening.bench.ClassWalk --agent "$before" --agent "$after" --rounds 2 \
    --seed 13 --out $R/class-walk-run$n 2>&1
  echo "# $(date -u +%FT%TZ) uptime at the end: $(uptime)"; } > $R/class-walk-run$n.log
