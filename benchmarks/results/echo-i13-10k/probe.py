#!/usr/bin/env python3
"""Per-round-trip costs of one echo server at N connections (issue 13, echo C10K at 10,000 connections).

Starts the server (greened: EchoApp under an agent jar, the default group of hubs; virtual: VirtualEchoServer;
netty: NettyEchoServer, 2 loops), each with the same JVM flags (-Xlog:gc to a file, plus $JVM_FLAGS for all), then
EchoLoad <port> N WARMUP WINDOW. Over the load's measured window it counts, for the server and the load generator
each: system calls by tracepoint (perf stat: epoll_ctl, epoll_wait/pwait, read, write, futex, sched_yield, ...),
context switches, CPU (task-clock), and per thread (from /proc/<pid>/task/*/stat|status, before and after the
window) user+system CPU and voluntary/involuntary switches, grouped by thread name; the GC lines logged in the window.
Everything is printed per round trip too.

    probe.py greened|virtual|netty N OUTFILE [AGENT=agent/target/greening.jar] [WINDOW=5] [WARMUP=3]
"""
import os
import re
import subprocess
import sys
import time

J = '/usr/lib/jvm/temurin-25-jdk-amd64/bin/java'
ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '../../..'))
system, n, out_path = sys.argv[1], sys.argv[2], sys.argv[3]
agent = sys.argv[4] if len(sys.argv) > 4 and sys.argv[4] else os.path.join(ROOT, 'agent/target/greening.jar')
window = float(sys.argv[5]) if len(sys.argv) > 5 else 5
warmup = float(sys.argv[6]) if len(sys.argv) > 6 else 3
extra = os.environ.get('JVM_FLAGS', '').split()
tick = os.sysconf('SC_CLK_TCK')
tmp = f'/tmp/echo-probe-{os.getpid()}'
os.makedirs(tmp, exist_ok=True)
gc_log = f'{tmp}/gc.log'
bench = os.path.join(ROOT, 'benchmarks/target/benchmarks.jar')
apps = os.path.join(ROOT, 'integration-tests/target/classes')
flags = [f'-Xlog:gc*:file={gc_log}:uptimemillis,tags'] + extra
if system == 'greened':
    server_cmd = [J] + flags + [f'-javaagent:{agent}=include=com.acme.**', '-cp', apps, 'com.acme.apps.EchoApp', 'server', n]
elif system == 'virtual':
    server_cmd = [J] + flags + ['-cp', bench, 'io.greening.bench.VirtualEchoServer', n]
elif system == 'netty':
    server_cmd = [J] + flags + ['-cp', bench, 'io.greening.bench.NettyEchoServer', '2']
else:
    sys.exit('system: greened|virtual|netty')

EVENTS = ['epoll_ctl', 'epoll_wait', 'epoll_pwait', 'read', 'write', 'readv', 'writev', 'recvfrom', 'sendto',
          'futex', 'sched_yield', 'nanosleep', 'clock_nanosleep', 'poll', 'ppoll', 'eventfd2', 'mprotect', 'madvise']
PERF_EVENTS = ','.join(['syscalls:sys_enter_' + e for e in EVENTS] +
                       ['raw_syscalls:sys_enter', 'context-switches', 'cpu-migrations', 'task-clock'])


def threads(pid):
    result = {}
    for tid in os.listdir(f'/proc/{pid}/task'):
        try:
            with open(f'/proc/{pid}/task/{tid}/stat') as f:
                stat = f.read()
            with open(f'/proc/{pid}/task/{tid}/status') as f:
                status = f.read()
        except OSError:
            continue
        name = stat[stat.index('(') + 1:stat.rindex(')')]
        fields = stat[stat.rindex(')') + 2:].split()
        vol = int(re.search(r'voluntary_ctxt_switches:\s+(\d+)', status).group(1))
        invol = int(re.search(r'nonvoluntary_ctxt_switches:\s+(\d+)', status).group(1))
        result[tid] = (name, int(fields[11]) + int(fields[12]), vol, invol, int(fields[12]))
    return result


def net():
    '''TCP counters of the whole machine (loopback: the server's and the load's segments both count).'''
    counts = {}
    for path in ('/proc/net/snmp', '/proc/net/netstat'):
        lines = [l.split() for l in open(path)]
        for names, values in zip(lines[::2], lines[1::2]):
            if names[0] in ('Tcp:', 'TcpExt:'):
                for k, v in zip(names[1:], values[1:]):
                    counts[k] = int(v)
    return counts


NET_KEYS = ['InSegs', 'OutSegs', 'RetransSegs', 'DelayedACKs', 'TCPPureAcks', 'TCPHPAcks', 'TCPHPHits',
            'TCPBacklogCoalesce', 'TCPAutoCorking', 'TCPFromZeroWindowAdv', 'TCPToZeroWindowAdv']


def per_group(before, after):
    groups = {}
    for tid, (name, cpu, vol, invol, sys_cpu) in after.items():
        b = before.get(tid, (name, 0, 0, 0, 0))
        key = re.sub(r'\d+', '#', name)
        g = groups.setdefault(key, [0, 0, 0, 0, 0])
        g[0] += 1
        g[1] += (cpu - b[1]) * 1000 // tick
        g[2] += vol - b[2]
        g[3] += invol - b[3]
        g[4] += (sys_cpu - b[4]) * 1000 // tick
    return groups


FILTERED = [('syscalls:sys_enter_epoll_ctl', 'op == 1', 'epoll_ctl ADD'),
            ('syscalls:sys_enter_epoll_ctl', 'op == 2', 'epoll_ctl DEL'),
            ('syscalls:sys_enter_epoll_ctl', 'op == 3', 'epoll_ctl MOD'),
            ('syscalls:sys_exit_read', 'ret == -11', 'read EAGAIN')]


def perf(pid, path):
    filtered = []
    for event, condition, _ in FILTERED:
        filtered += ['-e', event, '--filter', condition]
    return subprocess.Popen(['perf', 'stat', '-x', ',', '-e', PERF_EVENTS] + filtered + ['-p', str(pid), '-o', path,
                             '--', 'sleep', str(window)])


def perf_counts(path):
    counts = {}
    filtered = iter(FILTERED)
    with open(path) as f:
        for line in f:
            parts = line.strip().split(',')
            if len(parts) > 3 and not line.startswith('#'):
                name = parts[2].replace('syscalls:sys_enter_', '')
                if name in counts or name == 'syscalls:sys_exit_read':   # the filtered ones come last, in order
                    name = next(filtered)[2]
                try:
                    counts[name] = float(parts[0])
                except ValueError:
                    counts[name] = parts[0]
    return counts


load_avg = open('/proc/loadavg').read().split()[:3]
started = time.strftime('%H:%M:%S', time.gmtime())
srv_out = open(f'{tmp}/srv.out', 'w+')
server = subprocess.Popen(server_cmd, stdout=srv_out, stderr=subprocess.STDOUT)
port = None
for _ in range(480):
    time.sleep(0.25)
    m = re.search(r'# port=(\d+)', open(f'{tmp}/srv.out').read())
    if m:
        port = m.group(1)
        break
load = subprocess.Popen([J, '-cp', bench, 'io.greening.bench.EchoLoad', port, n, str(warmup), str(window + 1), '32'],
                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
line = load.stdout.readline()   # "connected N in X ms": the warm-up starts now
time.sleep(warmup)
gc_before = os.path.getsize(gc_log) if os.path.exists(gc_log) else 0
s_before, c_before = threads(server.pid), threads(load.pid)
net_before = net()
ps, pc = perf(server.pid, f'{tmp}/perf-server.txt'), perf(load.pid, f'{tmp}/perf-client.txt')
record = None
if os.environ.get('PERF_RECORD'):   # a file: cpu-clock samples of the server over the window, with call graphs
    record = subprocess.Popen(['perf', 'record', '-q', '-e', 'cpu-clock', '-F', '1999', '-g', '-p', str(server.pid),
                               '-o', os.environ['PERF_RECORD'], '--', 'sleep', str(window)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
if os.environ.get('PERF_TRACE'):   # a file: perf trace -s of the server over the window (syscall times per thread)
    record = subprocess.Popen(['perf', 'trace', '-s', '-p', str(server.pid), '-o', os.environ['PERF_TRACE'],
                               '--', 'sleep', str(window)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
ps.wait()
pc.wait()
if record:
    record.wait()
s_after, c_after = threads(server.pid), threads(load.pid)
net_after = net()
with open(gc_log) as f:
    f.seek(gc_before)
    gc_window = f.read()
rss = re.search(r'VmHWM:\s+(\d+)', open(f'/proc/{server.pid}/status').read()).group(1)
rest = load.stdout.read()
load.wait()
try:
    server.wait(timeout=30)   # it exits once the load closed every connection (a perf map is written at exit)
except subprocess.TimeoutExpired:
    server.kill()
    server.wait()
result = re.search(r'RESULT (\S+)', line + rest)
fields = result.group(1).split(',') if result else ['0'] * 7
# the load measures a second longer than perf counts (the server exits when the load closes): round trips in the
# counted window at the load's measured rate
rts = int(int(fields[1]) * window / (window + 1))

with open(out_path, 'w') as out:
    def p(s=''):
        print(s)
        out.write(s + '\n')
    p(f'# {system} {n} connections, started {started} UTC, load {" ".join(load_avg)} at the start, '
      f'{open("/proc/loadavg").read().split()[0]} at the end; agent {agent if system == "greened" else "-"}')
    p(f'# server: {" ".join(server_cmd)}')
    p(f'# EchoLoad {port} {n} {warmup} {window + 1} 32: {line.strip()} | RESULT {",".join(fields)}')
    p(f'round trips in the {window} s counted (at the rate the load measured over {window + 1} s): {rts} ({rts / window:.0f}/s), p50 {fields[3]} us, p99 {fields[4]} us, '
      f'load generator CPU {fields[6]}%, server peak RSS {int(rss) // 1024} MB')
    for who, path in (('server', f'{tmp}/perf-server.txt'), ('client', f'{tmp}/perf-client.txt')):
        counts = perf_counts(path)
        p(f'## {who}: per round trip (perf stat over {window} s)')
        for k, v in counts.items():
            if isinstance(v, float) and v:
                unit = ' ms' if k == 'task-clock' else ''
                per = v / rts if rts else 0
                p(f'  {k:28s} {v:14.0f}{unit}   per round trip {per * (1000 if k == "task-clock" else 1):10.3f}'
                  + (' us' if k == 'task-clock' else ''))
    for who, before, after in (('server', s_before, s_after), ('client', c_before, c_after)):
        p(f'## {who} threads over the window: name, count, CPU ms (of it system), voluntary, involuntary switches (per 1,000 round trips)')
        for key, (count, cpu, vol, invol, sys_cpu) in sorted(per_group(before, after).items(), key=lambda kv: -kv[1][1]):
            if cpu or vol or invol:
                k = 1000 / rts if rts else 0
                p(f'  {key:28s} {count:4d} {cpu:7d} ms ({sys_cpu:5d}) {vol:9d} {invol:8d}   ({cpu * k:.3f} ms ({sys_cpu * k:.3f}), {vol * k:.1f}, {invol * k:.1f})')
    p('## TCP segments over the window (the whole machine), per round trip')
    for k in NET_KEYS:
        if k in net_after:
            d = net_after[k] - net_before.get(k, 0)
            p(f'  {k:28s} {d:14d}   per round trip {d / rts if rts else 0:10.3f}')
    pauses = re.findall(r'\[gc\s*\] GC\(\d+\) Pause.* (\d+\.\d+)ms', gc_window)
    p(f'## GC in the window: {len(pauses)} pauses, {sum(float(x) for x in pauses):.1f} ms in all')
    for l in gc_window.splitlines():
        if re.search(r'\[gc\s*\] GC\(\d+\) Pause', l):
            p('  ' + l)
    p('## server output')
    for l in open(f'{tmp}/srv.out').read().splitlines()[-5:]:
        p('  ' + l)
    p('## GC log of the whole run (summary lines)')
    for l in open(gc_log).read().splitlines():
        if re.search(r'\[gc\s*\]|\[gc,heap,exit|Using G1|Heap Region|Initial|Maximum', l):
            p('  ' + l)
if os.environ.get('SERVER_OUT'):   # a file: the server's whole output (e.g. with -XX:+PrintCompilation)
    subprocess.run(['cp', f'{tmp}/srv.out', os.environ['SERVER_OUT']])
subprocess.run(['rm', '-rf', tmp])
