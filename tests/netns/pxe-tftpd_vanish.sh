#!/usr/bin/env bash
# Clients that vanish mid-transfer (issue 15): a curl stopped with SIGSTOP,
# a curl killed with SIGKILL, and a raw client (tests/support/tftp_probe.py)
# that takes three blocks and stops ACKing. pxe-tftpd runs with two workers
# and a 100 ms retransmit timeout (-T), so it gives up on each within about
# 3 s (9 retries, backoff up to 4x). Each abandoned transfer must be logged
# with the running count of vanished clients, the SIGUSR1 stats line must
# count all three and show no transfer running (their state is freed), and
# a client that stays is served meanwhile. And the workers' SO_REUSEPORT
# sockets must not let a second server join them on the port: it exits 69.
# All on the loopback of the test's own namespace.

source "$PXEKIT_SRC/tests/support/testlib.sh"
source "$PXEKIT_SRC/tests/support/tftp_netns.sh"
need_netns
need_cmd curl python3 sha256sum timeout

tftp_setup "pxk-tftp-v-$$"
make_file big $((64 << 20))
make_file small 100000
tftp_start --workers 2 -T 100000 || { finish; exit 1; }

timeout 10 ip netns exec "$NS" "$PXEKIT_BIN/pxe-tftpd" --workers 2 -a 127.0.0.1:69 "$ROOT" 2>"$SCRATCH/second.err"
rc=$?
check "a second server with workers on the port exits 69 ($(cat "$SCRATCH/second.err"))" \
  '[ "$rc" = 69 ] && grep -q "Address already in use" "$SCRATCH/second.err"'

# A curl at blksize 512 needs seconds for 64 MiB: it is mid-transfer when
# it is stopped. The pipe to wc lets the test see that bytes arrived.
OUT=$SCRATCH/out
mkdir -p "$OUT" && chmod 777 "$OUT"
start_curl() {  # start_curl NAME: a background curl fetching big
  ip netns exec "$NS" curl -s --tftp-blksize 512 -o "$OUT/$1" "tftp://127.0.0.1/big" &
  CURL_PID=$!
  BACKGROUND+=("$CURL_PID")
}
wait_bytes() {  # wait_bytes FILE: until FILE has data (bounded, 10 s)
  local file=$1
  wait_until 10 '[ -s "$file" ]'
}

start_curl stopped
STOPPED=$CURL_PID
check "curl 1 is mid-transfer" 'wait_bytes "$OUT/stopped"'
kill -STOP "$STOPPED"
start_curl killed
KILLED=$CURL_PID
check "curl 2 is mid-transfer" 'wait_bytes "$OUT/killed"'
kill -KILL "$KILLED"
wait "$KILLED" 2>/dev/null
out=$(probe vanish small 3)
check "the raw client took 3 blocks and stopped ACKing ($out)" '[ "$out" = "vanished after 3 blocks" ]'

line=$(tftp_stats)
check "while they are given up on, three transfers run ($line)" \
  '[[ $line == *"stats: 3 transfers running"* ]]'

got=$(in_ns curl -s --tftp-blksize 1468 tftp://127.0.0.1/small | sha256sum | cut -d' ' -f1)
check "a client that stays is served meanwhile" '[ "$got" = "$(sha "$ROOT/small")" ]'

gone() { grep -c "client gone, transfer freed" "$SERVER_LOG"; }
wait_until 40 '[ "$(gone)" -ge 3 ]'
check "every vanished client is given up on and counted in its log line" '[ "$(gone)" = 3 ]'
check "the log lines count 1, 2 and 3 vanished clients" \
  'grep -q "timed out after 9 retransmissions; client gone, transfer freed (1 client vanished so far)" "$SERVER_LOG" &&
   grep -q "(2 clients vanished so far)" "$SERVER_LOG" &&
   grep -q "(3 clients vanished so far)" "$SERVER_LOG"'
check "the probe's transfer is one of them" \
  'grep -q "RRQ .small. 100000 bytes .*client gone" "$SERVER_LOG"'
line=$(tftp_stats)
check "stats: no transfer left running, three vanished ($line)" \
  '[[ $line == *"stats: 0 transfers running"* && $line == *" 3 abandoned by vanished clients"* && $line == *" 1 complete"* ]]'

kill -KILL "$STOPPED" 2>/dev/null
wait "$STOPPED" 2>/dev/null
tftp_stop
check "pxe-tftpd exits 0 on SIGTERM" '[ "$SERVER_STATUS" = 0 ]'
check "no warning or error in the log" '! grep -q "warning\|error" "$SERVER_LOG"'
finish
