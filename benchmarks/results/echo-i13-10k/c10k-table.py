#!/usr/bin/env python3
"""A Markdown table of the c10k-ab.sh runs given (c10k-run<n>/echo-c10k.csv and the load in c10k-run<n>.log)."""
import csv
import re
import sys

print('| run, UTC, load at start / end | connections | greened (this branch) | greened, main | virtual | Netty (2 loops) | platform | greened / virtual | greened / Netty | greened / main | peak RSS greened / main / virtual | p99 greened / main / virtual |')
print('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|')
for n in sys.argv[1:]:
    log = open(f'c10k-run{n}.log').read()
    start = re.search(r'# (\S+)T(\d\d:\d\d):\d\dZ uptime:.*load average: ([\d.]+)', log)
    end = re.search(r'uptime at the end:.*load average: ([\d.]+)', log)
    rows = {}
    for r in csv.DictReader(open(f'c10k-run{n}/echo-c10k.csv')):
        rows[(r['system'], r['connections'])] = r
    for c in ('1000', '10000'):
        def rate(s):
            r = rows[(s, c)]
            return int(r['round_trips']) / float(r['seconds'])
        def rss(s):
            return int(rows[(s, c)]['peak_rss_kb']) // 1024
        def p99(s):
            return float(rows[(s, c)]['p99_us']) / 1000
        g, b, v, nt, p = (rate(s) for s in ('greened', 'greened-before', 'virtual', 'netty', 'platform'))
        print(f'| {n}, {start.group(2)}, {start.group(3)} / {end.group(1)} | {int(c):,} | {g:,.0f} | {b:,.0f} | {v:,.0f} | {nt:,.0f} | {p:,.0f} | '
              f'{g / v:.2f}x | {g / nt:.2f}x | {g / b:.2f}x | {rss("greened")} / {rss("greened-before")} / {rss("virtual")} MB | '
              f'{p99("greened"):.0f} / {p99("greened-before"):.0f} / {p99("virtual"):.0f} ms |')
