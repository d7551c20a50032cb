#!/usr/bin/env python3
"""Sums JFR allocation samples (jdk.ObjectAllocationSample weights) by class and by allocation site.

Usage: jfr-allocation.py steady|first <recording.json>...
  where <recording.json> is `jfr print --json --events jdk.ObjectAllocationSample --stack-depth 6 <file>.jfr`.
  steady: the 12 s before the recording's last 2 s, in MB/s; first: MB per second of the recording, then the first 6 s.
"""
import collections, datetime, json, sys

if len(sys.argv) < 3 or sys.argv[1] not in ('steady', 'first'):
    sys.exit('usage: jfr-allocation.py steady|first <recording.json>...')
mode = sys.argv[1]

def seconds(stamp):
    return datetime.datetime.fromisoformat(stamp.replace('Z', '+00:00')).timestamp()

for f in sys.argv[2:]:
    events = json.load(open(f))['recording']['events']
    times = [seconds(e['values']['startTime']) for e in events]
    start, end = min(times), max(times)
    if mode == 'steady':
        lo, hi, per, depth, rows = end - 14, end - 2, 12, 4, 14
    else:
        lo, hi, per, depth, rows = start, start + 6, 1, 5, 16
        each = collections.Counter()
        for e, t in zip(events, times):
            each[int(t - start)] += e['values']['weight']
        print(f'== {f} MB per second of the run:', ' '.join(f'{each[i] / 1e6:.0f}' for i in range(int(end - start) + 1)))
    by_class, by_site, total = collections.Counter(), collections.Counter(), 0
    for e, t in zip(events, times):
        if not lo <= t <= hi:
            continue
        v = e['values']
        frames = v['stackTrace']['frames'] if v.get('stackTrace') else []
        site = ' < '.join(x['method']['type']['name'].split('/')[-1] + '.' + x['method']['name'] for x in frames[:depth])
        by_class[v['objectClass']['name']] += v['weight']
        by_site[(v['objectClass']['name'], site)] += v['weight']
        total += v['weight']
    unit = 'MB/s' if mode == 'steady' else 'MB'
    print(f'== {f}: {total / per / 1e6:.1f} {unit} ({"steady state, 12 s" if mode == "steady" else "first 6 s"})')
    if mode == 'steady':
        for c, w in by_class.most_common(12):
            print(f'  {w / per / 1e6:7.2f} {unit} {c}')
    for (c, s), w in by_site.most_common(rows):
        print(f'  {w / per / 1e6:7.2f} {unit} {c.split("/")[-1]}  @ {s}')
