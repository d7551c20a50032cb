#!/bin/bash
# timeline.sh JAR N : class-load timelines of HelloThread under the agent
cd /work/wt/i13-threadstart
J=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java; CP=integration-tests/target/classes
for i in $(seq 1 $2); do
  $J -javaagent:$1=include=com.acme.**,report=off -Xlog:class+load:file=$TMPDIR/tl-$3-$i.txt:uptime,tid -cp $CP ${MAIN:-com.acme.apps.HelloThread} >/dev/null
done
