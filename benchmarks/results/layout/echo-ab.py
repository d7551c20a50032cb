#!/usr/bin/env python3
"""Round trips/s of the greened echo server per round, baseline vs layout, and the per-round ratio layout/base.
Usage: echo-ab.py SESSION_DIR (holding base-N/ and layout-N/ with echo-c10k.csv)."""
import csv, glob, os, re, statistics, sys

d = sys.argv[1]
def runs(name):
    out = {}
    for p in glob.glob(os.path.join(d, f"{name}-*", "echo-c10k.csv")):
        n = int(re.search(rf"{name}-(\d+)", p).group(1))
        out[n] = {int(r["connections"]): float(r["round_trips"]) / float(r["seconds"]) for r in csv.DictReader(open(p))}
    return out
base, layout = runs("base"), runs("layout")
rounds = sorted(set(base) & set(layout))
for conns in sorted(next(iter(base.values()))):
    ratios = [layout[r][conns] / base[r][conns] for r in rounds]
    cells = " ".join(f"r{r} {base[r][conns]:7.0f} {layout[r][conns]:7.0f} {layout[r][conns] / base[r][conns]:4.2f}" for r in rounds)
    print(f"{conns:6d} connections, round trips/s base layout ratio: {cells} | median ratio {statistics.median(ratios):.2f}")
