#!/usr/bin/env python3
"""Summarises interleaved JMH runs of two builds: per benchmark, the median iteration of each run, and the ratio
layout/base of each round (the two runs next to each other), then the median over rounds.
Usage: ab.py DIR (holding jmh-base-N.json and jmh-layout-N.json)."""
import json, glob, os, re, statistics, sys

d = sys.argv[1]
def runs(sys_name):
    out = {}
    for p in sorted(glob.glob(os.path.join(d, f"jmh-{sys_name}-*.json"))):
        n = int(re.search(r"-(\d+)\.json$", p).group(1))
        out[n] = {b["benchmark"].split(".")[-2] + "." + b["benchmark"].split(".")[-1]:
                  statistics.median([x for fork in b["primaryMetric"]["rawData"] for x in fork])
                  for b in json.load(open(p))}
    return out
base, layout = runs("base"), runs("layout")
rounds = sorted(set(base) & set(layout))
names = sorted(next(iter(base.values())).keys())
print(f"{'benchmark (ns/op, median iteration per run)':45} " + " ".join(f"{'r'+str(r)+' base':>10} {'layout':>8} {'ratio':>6}" for r in rounds) + f" {'median ratio':>13}")
for name in names:
    cells, ratios = [], []
    for r in rounds:
        b, l = base[r][name], layout[r][name]
        ratios.append(l / b)
        cells.append(f"{b:10.0f} {l:8.0f} {l / b:6.2f}")
    print(f"{name:45} " + " ".join(cells) + f" {statistics.median(ratios):13.2f}")
