set -e
for step in before:1 after:1 after:2 before:2; do
  b=${step%:*}; r=${step#*:}
  tree=/work/main; [ $b = before ] && tree=/work/wt/base-8f45832
  mkdir -p /work/main/benchmarks/results/hand-in-spin/echo-$b-$r
  echo "== $b round $r $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"
  (cd $tree && OUT=/work/main/benchmarks/results/hand-in-spin/echo-$b-$r CHART_DIR=/tmp/echo-charts RUNS=1 SEED=$r nice -n -10 benchmarks/echo-c10k.sh 1000,10000 2 3 greened,virtual 2>&1 | tail -12)
done
