# The wire that wakeonlan's namespace tests share. Source after testlib.sh.
#
#   sender ns $S  wols0 10.77.0.1/24  <--- veth --->  wolr0 10.77.0.2/24  receiver ns $R
#
# with a default route in $S, because 255.255.255.255 follows the routing
# table, as on a real host. Nothing leaves these two namespaces.

# wol_wire_setup S R: create both namespaces (removed on exit) and the veth.
wol_wire_setup() {
  S=$1
  R=$2
  netns_add "$S"
  netns_add "$R"
  veth_link "$S" wols0 10.77.0.1/24 "$R" wolr0 10.77.0.2/24
  ip -n "$S" route add default via 10.77.0.2
}

# start_sink MODE WHERE COUNT [TIMEOUT_MS]: a receiver (wol_sink) in $R that
# stops after COUNT packets or the timeout; returns once it is listening.
start_sink() {
  rm -f "$SCRATCH/ready" "$SCRATCH/sink.out"
  ip netns exec "$R" "$PXEKIT_TEST_BIN/wol_sink" "$1" "$2" --count "$3" \
    --timeout-ms "${4:-3000}" --ready "$SCRATCH/ready" >"$SCRATCH/sink.out" &
  SINK_PID=$!
  BACKGROUND+=("$SINK_PID")
  wait_ready "$SCRATCH/ready" || fail "wol_sink did not start"
}

# sink_output: wait for the receiver and put what it got in $got. Call it in
# the test's own shell, not in $(...): only the parent can wait for it.
sink_output() {
  wait "$SINK_PID" || true
  got=$(cat "$SCRATCH/sink.out")
}
