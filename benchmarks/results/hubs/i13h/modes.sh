# Sourced by thread-cpu.sh and perf-stat.sh: the four ways they launch HashingServiceApp. mode_command <mode> <jar> <variant>
# sets CMD: hubs=1 and the default group on both CPUs, hubs=1 and hubs=2 pinned to CPU 0 (two hubs that never run at once).
mode_command() {
  local opt=include=com.acme.**,report=off pre=()
  case $1 in
    hubs1) opt=$opt,hubs=1 ;;
    default) ;;
    pin0-hubs1) pre=(taskset -c 0); opt=$opt,hubs=1 ;;
    pin0-hubs2) pre=(taskset -c 0); opt=$opt,hubs=2 ;;
  esac
  CMD=("${pre[@]}" /usr/lib/jvm/temurin-25-jdk-amd64/bin/java "-javaagent:$2=$opt" -cp integration-tests/target/classes
       com.acme.apps.HashingServiceApp $3)
}
MODES="hubs1 default pin0-hubs1 pin0-hubs2"
