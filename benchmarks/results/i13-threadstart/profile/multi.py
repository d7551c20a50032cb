import os, sys, time, statistics, random, shlex
# usage: multi.py N name='cmd' ...
n = int(sys.argv[1]); systems = {}
for arg in sys.argv[2:]:
    name, cmd = arg.split('=', 1); systems[name] = shlex.split(cmd)
res = {k: [] for k in systems}; rnd = random.Random(5)
print('load before', os.getloadavg())
for r in range(n):
    order = list(systems); rnd.shuffle(order)
    for k in order:
        t0 = time.perf_counter(); pid = os.fork()
        if pid == 0:
            fd = os.open('/dev/null', os.O_WRONLY); os.dup2(fd, 1)
            os.execv(systems[k][0], systems[k])
        _, status, ru = os.wait4(pid, 0)
        res[k].append(((time.perf_counter() - t0) * 1000, (ru.ru_utime + ru.ru_stime) * 1000))
print('load after', os.getloadavg())
for k, v in res.items():
    print(f'{k:14s} wall {statistics.median(x[0] for x in v):7.1f}  cpu {statistics.median(x[1] for x in v):7.1f}  wall-min {min(x[0] for x in v):7.1f} cpu-min {min(x[1] for x in v):7.1f}')
