#!/usr/bin/env bash
# Class histograms of the greened echo server at 10,000 connections, main's agent and this branch's, then virtual
# threads, 6 s into the load, under one lock at nice -10 (benchmarks/echo-histogram.sh): ./histograms.sh <n>
set -euo pipefail
cd "$(dirname "$0")/../../.."
n=$1; d=benchmarks/results/echo-i13-10k
flock /work/bench.lock nice -n -10 bash -c "
  benchmarks/echo-histogram.sh greened 10000 $d/histogram-before-10k-$n.txt /work/i13-echo10k-before/greening.jar
  benchmarks/echo-histogram.sh greened 10000 $d/histogram-after-10k-$n.txt /work/i13-echo10k-after/greening.jar
  benchmarks/echo-histogram.sh virtual 10000 $d/histogram-virtual-10k-$n.txt"
