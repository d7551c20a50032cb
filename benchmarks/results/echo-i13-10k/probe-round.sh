#!/usr/bin/env bash
# One round of probes (probe.py) of the systems given, each at 1,000 and 10,000 connections, under the benchmark
# lock at nice -10: ./probe-round.sh <label> <agent jar> <system>...   (raw files probe-<label>-<system>-<n>.txt)
set -euo pipefail
cd "$(dirname "$0")"
label=$1; agent=$2; shift 2
flock /work/bench.lock nice -n -10 bash -c '
  label=$1; agent=$2; shift 2
  for n in 1000 10000; do
    for s in "$@"; do
      sys=${s%%:*}; jar=$agent; [ "$s" != "$sys" ] && jar=${s#*:}
      name=$sys; [ "$s" != "$sys" ] && name=$sys-$(basename $(dirname $jar))
      ./probe.py $sys $n probe-$label-$name-$n.txt "$jar" 5 3 | sed -n 4p | sed "s/^/$name $n: /"
    done
  done' _ "$label" "$agent" "$@"
