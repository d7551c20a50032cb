#!/usr/bin/env bash
# The session's final side-by-side runs: this build against main before it (4c4aa54, BEFORE), each step in one locked
# run in a session of its own at nice -10 (benchmarks/session-nice.sh). Usage: [OUT=<dir>] run.sh <before agent jar> <step>...
# steps: startup echo<N> hashing<N> locks sleepers walk wrk<N>; OUT defaults to this folder
set -euo pipefail
cd "$(dirname "$0")/../../.."
before=$1; shift
out=${OUT:-benchmarks/results/final-dec3}
mkdir -p "$out"
J=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
locked() { flock /work/bench.lock setsid -w benchmarks/session-nice.sh "$@"; }
for step in "$@"; do
  echo "# step $step: $(date -u +%FT%TZ) load $(cut -d' ' -f1-3 /proc/loadavg), this build $(git rev-parse --short HEAD), before $before"
  case $step in
    startup) locked $J --enable-native-access=ALL-UNNAMED -cp benchmarks/target/benchmarks.jar io.greening.bench.StartupHarness \
               --runs 10 --seed 31 --agent "$before" --agent agent/target/greening.jar --out $out/startup ;;
    echo*)   n=${step#echo}
             locked bash -c "{ echo \"# \$(date -u +%FT%TZ) uptime: \$(uptime) autogroup: \$(cat /proc/self/autogroup)\";
               BEFORE_AGENT=$before OUT=$out/echo-run$n CHART_DIR=$out/echo-run$n RUNS=1 SEED=$((60 + n)) \
               benchmarks/echo-c10k.sh 1000,10000 2 3 platform,greened,greened-before,virtual,netty 2>&1;
               echo \"# \$(date -u +%FT%TZ) uptime at the end: \$(uptime)\"; } > $out/echo-run$n.log" ;;
    hashing*) n=${step#hashing}
             for variant in skewed uniform; do
               locked $J -cp benchmarks/target/benchmarks.jar io.greening.bench.HubsHarness --app HashingServiceApp \
                 --args $variant --runs 3 --seed $((70 + n)) --system "before=$before|hubs=auto" \
                 --out $out/hashing-$variant-run$n.txt
             done ;;
    locks)   H2=~/.m2/repository/com/h2database/h2/2.5.252/h2-2.5.252.jar
             locked $J -cp benchmarks/target/benchmarks.jar io.greening.bench.HubsHarness --app ProducerConsumerApp --runs 5 \
               --seed 81 --system "before=$before|hubs=auto" --out $out/producer-consumer.txt
             locked $J -cp benchmarks/target/benchmarks.jar io.greening.bench.HubsHarness --app LockHeavyDbApp \
               --apps integration-tests/target/classes:$H2 --include 'org.h2.**' --runs 3 --seed 82 \
               --system "before=$before|hubs=auto" --out $out/lock-heavy-db.txt ;;
    sleepers) locked benchmarks/results/hubs/i13h/sleepers.sh benchmarks/target/benchmarks.jar 2 > $out/sleepers-100k.txt ;;
    walk)    locked $J -cp benchmarks/target/benchmarks.jar io.greening.bench.ClassWalk --agent "$before" \
               --agent agent/target/greening.jar --rounds 2 --out $out/class-walk ;;
    wrk*)    n=${step#wrk}
             locked env SERVERS="greened greened-before app-virtual jdk-virtual netty" BEFORE_AGENT="$before" \
               benchmarks/http-wrk.sh $out/http-wrk-run$n > $out/http-wrk-run$n.log 2>&1 ;;
    *) echo "run.sh: unknown step $step" >&2; exit 2 ;;
  esac
done
echo "# done: $(date -u +%FT%TZ) load $(cut -d' ' -f1-3 /proc/loadavg)"
