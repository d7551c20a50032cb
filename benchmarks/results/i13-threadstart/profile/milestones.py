import sys, re
pats = [('agent','io.greening.agent.GreeningAgent source'),('setup','io.greening.agent.RuntimePlacement source'),
 ('installer','io.greening.agent.Installer source'),('main','com.acme.apps.HelloThread source'),
 ('vtbuilder','java.lang.ThreadBuilders$VirtualThreadBuilder source: jrt'),('retransformed','java.lang.VirtualThread source: __VM_Redefine'),
 ('poller','sun.nio.ch.Poller source'),('selector','sun.nio.ch.EPollSelectorImpl source'),('carrier','io.greening.Hub$$TypeSwitch'),('vtEnd','jdk.internal.event.VirtualThreadEndEvent')]
for f in sys.argv[1:]:
    lines = open(f).read().splitlines(); out = []
    for name, p in pats:
        t = next((l for l in lines if p in l), None)
        out.append(f"{name}={float(t[1:t.index('s]')]) * 1000:.0f}" if t else f"{name}=-")
    last = lines[-1]; out.append(f"last={float(last[1:last.index('s]')]) * 1000:.0f} n={len(lines)}")
    print(f.split('/')[-1], ' '.join(out))
