#!/usr/bin/env python3
"""One line per probe file (probe.py): the per-round-trip figures side by side. summarize.py FILE..."""
import re
import sys

cols = ['rt/s', 'srv us', 'cli us', 'carriers us (sys)', 'monitor', 'GC thr', 'JIT thr', 'epoll_ctl', 'epoll_wait',
        'read', 'write', 'futex', 'yield', 'ctxsw', 'GC pauses', 'RSS']
print('| file | ' + ' | '.join(cols) + ' |')
print('|---|' + '---:|' * len(cols))
for path in sys.argv[1:]:
    text = open(path).read()
    rts = re.search(r'\): (\d+) \((\d+)/s\)', text)
    n = int(rts.group(1))
    srv, cli = text.split('## client: per round trip')[0], text.split('## client: per round trip')[1].split('## server threads')[0]
    threads = text.split('## server threads')[1].split('## client threads')[0]

    def per(section, name):
        m = re.search(r'^  ' + re.escape(name) + r'\s+(\d+)(?: ms)?\s+per round trip\s+([\d.]+)', section, re.M)
        return m.group(2) if m else '0'

    def thread_us(pattern):
        total, system = 0, 0
        for m in re.finditer(r'^  (\S.*?)\s+\d+\s+(\d+) ms \(\s*(\d+)\)', threads, re.M):
            if re.match(pattern, m.group(1)):
                total += int(m.group(2))
                system += int(m.group(3))
        return total * 1000 / n, system * 1000 / n

    carriers = thread_us(r'(greening-hub-#|ForkJoinPool|nioEventLoop|greening-hub-sp)')
    gc = re.search(r'GC in the window: (\d+) pauses, ([\d.]+) ms', text)
    rss = re.search(r'peak RSS (\d+) MB', text).group(1)
    row = [rts.group(2), per(srv, 'task-clock'), per(cli, 'task-clock'), f'{carriers[0]:.1f} ({carriers[1]:.1f})',
           f'{thread_us(r"(greening-stall|MasterPoller)")[0]:.2f}', f'{thread_us(r"(GC Thread|G# )")[0]:.2f}',
           f'{thread_us(r"C# Compiler")[0]:.2f}', per(srv, 'epoll_ctl'), per(srv, 'epoll_wait'), per(srv, 'read'),
           per(srv, 'write'), per(srv, 'futex'), per(srv, 'sched_yield'), per(srv, 'context-switches'),
           f'{gc.group(1)}, {gc.group(2)} ms', rss]
    print(f'| {path} | ' + ' | '.join(row) + ' |')
