#!/bin/bash
# usage: loop.sh N tag
cd /tmp/hang
for i in $(seq 1 $1); do
  timeout 60 /usr/lib/jvm/temurin-25-jdk-amd64/bin/java $JOPTS --add-opens java.base/java.lang=ALL-UNNAMED --add-opens java.base/java.util.concurrent.locks=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED -cp $(cat cp.txt) io.greening.net.http.HangMain > out-$2-$i.log 2>&1
  rc=$?
  if [ $rc != 0 ]; then echo "run $i rc=$rc"; else rm out-$2-$i.log; fi
done
echo done
