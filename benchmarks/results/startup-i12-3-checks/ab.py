import os, sys, time, statistics, random
J='/usr/lib/jvm/temurin-25-jdk-amd64/bin/java'
CP='integration-tests/target/classes'
MAIN = os.environ.get('MAIN', 'com.acme.apps.Hello')
systems = {}
for arg in sys.argv[2:]:
    name, jar = arg.split('=', 1)
    systems[name] = [J, '-javaagent:' + jar + ('' if 'noop' in jar else '=include=com.acme.**,report=off'), '-cp', CP, MAIN] if jar != 'plain' else [J, '-cp', CP, MAIN]
n = int(sys.argv[1]); res = {k: [] for k in systems}
rnd = random.Random(5)
print('load before', os.getloadavg())
for r in range(n):
    order = list(systems); rnd.shuffle(order)
    for k in order:
        t0 = time.perf_counter()
        pid = os.fork()
        if pid == 0:
            fd = os.open('/dev/null', os.O_WRONLY); os.dup2(fd, 1)
            os.execv(J, systems[k])
        _, status, ru = os.wait4(pid, 0)
        wall = (time.perf_counter() - t0) * 1000
        res[k].append((wall, (ru.ru_utime + ru.ru_stime) * 1000))
print('load after', os.getloadavg())
base = statistics.median(w for w, c in res['plain']) if 'plain' in res else 0
basec = statistics.median(c for w, c in res['plain']) if 'plain' in res else 0
for k, v in res.items():
    w = statistics.median(x[0] for x in v); c = statistics.median(x[1] for x in v)
    print(f'{k:8s} wall {w:6.1f} (+{w-base:5.1f})  cpu {c:6.1f} (+{c-basec:5.1f})')
