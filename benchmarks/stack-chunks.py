#!/usr/bin/env python3
"""The stack chunks of parked virtual threads in an HPROF heap dump (jcmd <pid> GC.heap_dump, or echo-histogram.sh
with HEAP_DUMP=): how many, their capacity (StackChunk.size) and the part frames use (bottom - sp), split into
"parent" chunks (another chunk's parent: the frames a thread froze first and never returned to) and "top" chunks
(the frames frozen at the thread's latest park). Issue 13: where the greened echo server's chunk bytes go.

Usage: benchmarks/stack-chunks.py <dump.hprof>
"""
import struct, sys, collections, mmap
if len(sys.argv) != 2:
    sys.exit('usage: benchmarks/stack-chunks.py <dump.hprof>')
try:
    f = open(sys.argv[1], 'rb'); m = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
except (OSError, ValueError) as e:
    sys.exit(f'stack-chunks.py: cannot read {sys.argv[1]}: {e}')
if not m[:18].startswith(b'JAVA PROFILE 1.0'):
    sys.exit(f'stack-chunks.py: {sys.argv[1]} is not an HPROF heap dump')
hdr_end = m.find(b'\0') + 1
idsize = struct.unpack('>I', m[hdr_end:hdr_end+4])[0]
pos = hdr_end + 4 + 8
rid = lambda p: int.from_bytes(m[p:p+idsize], 'big')
strings = {}; classname = {}; classfields = {}; chunks = {}
TYPESIZE = {2: idsize, 4: 1, 5: 2, 6: 4, 7: 8, 8: 1, 9: 2, 10: 4, 11: 8}
chunk_cls = None
while pos < len(m):
    tag = m[pos]; length = struct.unpack('>I', m[pos+5:pos+9])[0]; body = pos + 9; end = body + length
    if tag == 0x01:
        strings[rid(body)] = m[body+idsize:end].decode('utf-8', 'replace')
    elif tag == 0x02:
        classname[rid(body+4)] = strings.get(rid(body+8+idsize), '?')
        if classname[rid(body+4)] in ('jdk/internal/vm/StackChunk', 'jdk.internal.vm.StackChunk'):
            chunk_cls = rid(body+4)
    elif tag in (0x0C, 0x1C):
        p = body
        while p < end:
            st = m[p]; p += 1
            if st == 0xFF: p += idsize
            elif st == 0x01: p += 2*idsize
            elif st in (0x02, 0x03, 0x08): p += idsize + 8
            elif st in (0x04, 0x06): p += idsize + 4
            elif st in (0x05, 0x07): p += idsize
            elif st == 0x20:
                cid = rid(p); p += idsize + 4 + 6*idsize + 4
                n = struct.unpack('>H', m[p:p+2])[0]; p += 2
                for _ in range(n):
                    t = m[p+2]; p += 3 + TYPESIZE[t]
                n = struct.unpack('>H', m[p:p+2])[0]; p += 2
                for _ in range(n):
                    t = m[p+idsize]; p += idsize + 1 + TYPESIZE[t]
                n = struct.unpack('>H', m[p:p+2])[0]; p += 2
                fl = []
                for _ in range(n):
                    fl.append((strings.get(rid(p), '?'), m[p+idsize])); p += idsize + 1
                classfields[cid] = fl
            elif st == 0x21:
                oid = rid(p); cid = rid(p+idsize+4); nb = struct.unpack('>I', m[p+2*idsize+4:p+2*idsize+8])[0]
                data = p + 2*idsize + 8
                if cid == chunk_cls:
                    vals = {}; q = data
                    for name, t in classfields[cid]:
                        s = TYPESIZE[t]; vals[name] = int.from_bytes(m[q:q+s], 'big', signed=(t != 2)); q += s
                    chunks[oid] = vals
                p = data + nb
            elif st == 0x22:
                n = struct.unpack('>I', m[p+idsize+4:p+idsize+8])[0]; p += 2*idsize + 8 + n*idsize
            elif st == 0x23:
                n = struct.unpack('>I', m[p+idsize+4:p+idsize+8])[0]; t = m[p+idsize+8]; p += idsize + 9 + n*TYPESIZE[t]
            else:
                raise SystemExit(f'unknown sub-record {st:#x} at {p}')
    pos = end
parents = {c['parent'] for c in chunks.values() if c['parent']}
cap = collections.Counter(); used = collections.Counter()
tot_cap = tot_used = 0; empty = 0
for oid, c in chunks.items():
    role = 'parent' if oid in parents else 'top'
    cap_b = c['size']*8; used_b = (c['bottom'] - c['sp'])*8
    tot_cap += cap_b; tot_used += used_b; empty += c['sp'] == c['bottom']
    cap[(role, cap_b//256*256)] += 1; used[(role, used_b//256*256)] += 1
print(f'{sys.argv[1]}: {len(chunks)} chunks, {len(parents)} of them parents; stack capacity {tot_cap/1e6:.1f} MB, '
      f'used {tot_used/1e6:.1f} MB, empty {empty}')
for role in ('top', 'parent'):
    n = sum(v for (r, _), v in cap.items() if r == role)
    cb = sum(cap_b for oid, c in chunks.items() for cap_b in [c['size']*8] if (oid in parents) == (role == 'parent'))
    ub = sum((c['bottom']-c['sp'])*8 for oid, c in chunks.items() if (oid in parents) == (role == 'parent'))
    print(f'  {role}: {n} chunks, capacity {cb/1e6:.1f} MB (mean {cb/max(n,1):.0f} B), used {ub/1e6:.1f} MB (mean {ub/max(n,1):.0f} B)')
    print('    capacity (256 B bins):', ', '.join(f'{b}:{v}' for (r, b), v in sorted(cap.items()) if r == role and v >= n/100))
    print('    used     (256 B bins):', ', '.join(f'{b}:{v}' for (r, b), v in sorted(used.items()) if r == role and v >= n/100))
