# Sourced by the benchmarks that run servers in a network namespace of
# their own (dhcp.sh, dhcpd_conf.sh).

# bench_netns NAME PID-VAR...: the scratch directory WORK and the network
# namespace NS=NAME with its loopback up. On exit (cleanup, which
# tests/support/pg_cluster.sh chains), the server whose PID each PID-VAR
# then holds (empty: none) is stopped, NS deleted and WORK removed.
bench_netns() {
  NS=$1
  shift
  BENCH_PID_VARS=("$@")
  WORK=$(mktemp -d /tmp/pxekit-bench.XXXXXX)
  trap cleanup EXIT
  ip netns add "$NS"
  ip -n "$NS" link set lo up
}

cleanup() {
  local var
  for var in "${BENCH_PID_VARS[@]}"; do
    [ -n "${!var}" ] && kill "${!var}" 2>/dev/null && wait "${!var}" 2>/dev/null
  done
  ip netns del "$NS" 2>/dev/null
  rm -rf "$WORK"
}
