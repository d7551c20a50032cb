#!/bin/sh
# prints selected TcpExt counters of this network namespace
awk 'NR==1{for(i=1;i<=NF;i++)h[i]=$i} NR==2{for(i=2;i<=NF;i++) if(h[i]~/^(ListenOverflows|ListenDrops|TCPSynRetrans|SyncookiesSent|TCPReqQFullDrop|TCPTimeouts)$/) printf "%s=%s ", h[i], $i; print ""}' /proc/net/netstat
