#!/usr/bin/env python3
"""CPU time per thread of one Java launch, grouped by thread name (digits dropped: greening-hub-0 and -1 are one line;
PER_THREAD=1 keeps every name apart).

Samples /proc/<pid>/task/*/stat and status every 50 ms while the process runs and keeps each thread's last figures:
user+system CPU (and the system part), voluntary and involuntary context switches, minor page faults. Prints the app's
own "# elapsed-ms" and "cpu-ms", the load average at the end, and every group of threads with at least 20 ms of CPU.
Linux only.

    benchmarks/thread-cpu.py LABEL -- java -javaagent:agent/target/greening.jar=... -cp ... com.acme.apps.App args
"""
import os
import re
import subprocess
import sys
import time

if '--' not in sys.argv or sys.argv.index('--') != 2:
    sys.exit('usage: thread-cpu.py LABEL -- command...')
label = sys.argv[1]
cmd = sys.argv[3:]
tick = os.sysconf('SC_CLK_TCK')
p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
last = {}


def sample():
    try:
        tids = os.listdir(f'/proc/{p.pid}/task')
    except FileNotFoundError:
        return
    for tid in tids:
        try:
            with open(f'/proc/{p.pid}/task/{tid}/stat') as f:
                stat = f.read()
            with open(f'/proc/{p.pid}/task/{tid}/status') as f:
                status = f.read()
        except (FileNotFoundError, ProcessLookupError):
            continue
        name = stat[stat.index('(') + 1:stat.rindex(')')]
        fields = stat[stat.rindex(')') + 2:].split()
        cpu_ms = (int(fields[11]) + int(fields[12])) * 1000 // tick
        sys_ms = int(fields[12]) * 1000 // tick
        minor_faults = int(fields[7])
        voluntary = int(re.search(r'^voluntary_ctxt_switches:\s+(\d+)', status, re.M).group(1))
        involuntary = int(re.search(r'nonvoluntary_ctxt_switches:\s+(\d+)', status).group(1))
        last[tid] = (name, cpu_ms, voluntary, involuntary, sys_ms, minor_faults)


while p.poll() is None:
    sample()
    time.sleep(0.05)
out = p.stdout.read()
groups = {}
for name, cpu_ms, voluntary, involuntary, sys_ms, minor_faults in last.values():
    g = groups.setdefault(name if os.environ.get('PER_THREAD') else re.sub(r'\d+$', '#', name), [0, 0, 0, 0, 0, 0])
    g[0] += cpu_ms
    g[1] += voluntary
    g[2] += involuntary
    g[3] += 1
    g[4] += sys_ms
    g[5] += minor_faults
elapsed = re.search(r'elapsed-ms=(\d+)', out)
app_cpu = re.search(r'cpu-ms=(\d+)', out)
print(f'== {label}: elapsed {elapsed.group(1) if elapsed else "?"} ms, app cpu-ms {app_cpu.group(1) if app_cpu else "?"},'
      f' threads sum {sum(g[0] for g in groups.values())} ms, load {open("/proc/loadavg").read().split()[0]}')
for key, g in sorted(groups.items(), key=lambda kv: -kv[1][0]):
    if g[0] >= 20:
        print(f'   {key:20s} x{g[3]:<3d} cpu {g[0]:6d} ms (sys {g[4]:5d})  voluntary cs {g[1]:7d}  involuntary cs {g[2]:7d}  page faults {g[5]:7d}')
