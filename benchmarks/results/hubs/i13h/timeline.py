import os,subprocess,sys,time,re
cmd=sys.argv[1:]
tick=os.sysconf('SC_CLK_TCK')
p=subprocess.Popen(cmd,stdout=subprocess.PIPE,stderr=subprocess.DEVNULL,text=True)
t0=time.time(); prev={}; rows=[]
while p.poll() is None:
    time.sleep(0.25)
    snap={}
    try: tids=os.listdir(f'/proc/{p.pid}/task')
    except FileNotFoundError: break
    for tid in tids:
        try: st=open(f'/proc/{p.pid}/task/{tid}/stat').read()
        except Exception: continue
        name=st[st.index('(')+1:st.rindex(')')]; f=st[st.rindex(')')+2:].split()
        snap[tid]=(name,(int(f[11])+int(f[12]))*1000//tick,int(f[12])*1000//tick)
    g={}
    for tid,(n,c,s) in snap.items():
        pc=prev.get(tid,(n,0,0))
        k=re.sub(r'\d+$','#',n) if not n.startswith('greening-hub') else n
        a=g.setdefault(k,[0,0]); a[0]+=c-pc[1]; a[1]+=s-pc[2]
    prev=snap
    rows.append((round(time.time()-t0,2),g))
out=p.stdout.read()
print(re.search(r'elapsed-ms=\d+',out).group(0))
for t,g in rows:
    print(t, ' '.join(f'{k}:{v[0]}/{v[1]}' for k,v in sorted(g.items(),key=lambda kv:-kv[1][0]) if v[0]>=20))
