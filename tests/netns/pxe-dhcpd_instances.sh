#!/usr/bin/env bash
# One pxe-dhcpd per link and per lease file (issue 9 §2): a second server on
# the same interface and port, or on the same lease file, stops at once with
# exit 69 and says why, and the first one keeps serving. Also: --range
# without --subnet takes the interface's network, one --subnet/--range pair
# per interface, --daemon writes its pid file, and a lease file that does
# not read cleanly is kept as PATH~. Every server runs inside $S.

source "$PXEKIT_SRC/tests/support/testlib.sh"
source "$PXEKIT_SRC/tests/support/dhcp_wire.sh"
need_cmd busybox ss

dhcp_wire_setup "pxk-di-s-$$" "pxk-di-c-$$"
OUT=$SCRATCH/udhcpc.out

# run_second LOG ARGS...: a second pxe-dhcpd in $S that must stop by itself
# (10 s at most, then it is killed and counted as hanging: rc 124).
run_second() {
  local log=$1
  shift
  timeout -k 1 10 ip netns exec "$S" "$DHCPD" "$@" >"$log" 2>&1
}

# --- a second server on the same interface and port (the first names its
# interface twice: that is one interface, not a port in use) ---
start_dhcpd "$SCRATCH/a.log" -i dhs0 -i dhs0 --lease-file "$SCRATCH/a.leases" \
  --subnet 198.18.0.0/24 --range 198.18.0.100-198.18.0.110 || { finish; exit 1; }
FIRST=$DHCPD_PID
run_second "$SCRATCH/b.log" -i dhs0 --lease-file "$SCRATCH/b.leases" \
  --subnet 198.18.0.0/24 --range 198.18.0.120-198.18.0.130; rc=$?
check "same interface and port: the second exits 69 at once" '[ $rc = 69 ]'
check "same interface and port: it says address in use" \
  'grep -qx "pxe-dhcpd: port 67 on 0.0.0.0 via dhs0: address in use (is another DHCP server running on this interface?)" "$SCRATCH/b.log"'

# --- a second server on the same lease file (another port, so that only
# the lease file is shared) ---
run_second "$SCRATCH/c.log" -i dhs0 --port 1067 --lease-file "$SCRATCH/a.leases" \
  --subnet 198.18.0.0/24 --range 198.18.0.120-198.18.0.130; rc=$?
check "same lease file: the second exits 69 at once" '[ $rc = 69 ]'
check "same lease file: it names the holder's PID" \
  'grep -qx "pxe-dhcpd: $SCRATCH/a.leases: lease file is in use by PID $FIRST" "$SCRATCH/c.log"'

udhcpc_once "$OUT"; rc=$?
check "the first server still serves, from its own range" \
  '[ $rc = 0 ] && [ "$(field "$OUT" ip)" = 198.18.0.100 ]'
check "the first server saw no rival" '! grep -q "NAK" "$SCRATCH/a.log"'
stop_dhcpd

# --- two proxies on one interface: port 67 is shared with the link's real
# server, port 4011 is not ---
start_dhcpd "$SCRATCH/p1.log" --proxy -i dhs0 --lease-file "$SCRATCH/p1.leases" \
  --filename undionly.kpxe || { finish; exit 1; }
run_second "$SCRATCH/p2.log" --proxy -i dhs0 --lease-file "$SCRATCH/p2.leases" \
  --filename undionly.kpxe; rc=$?
check "second proxy on the interface: exit 69" '[ $rc = 69 ]'
check "second proxy: address in use on 4011" \
  'grep -q "port 4011 on 0.0.0.0 via dhs0: address in use" "$SCRATCH/p2.log"'
stop_dhcpd

# --- --range without --subnet, and one pair per interface ---
ip -n "$S" link add name dhs1 type veth peer name dhc1 netns "$C"
ip -n "$C" link set dhc1 address 02:00:00:00:00:23
ip -n "$S" addr add 198.18.1.1/25 dev dhs1
ip -n "$S" link set dhs1 up
ip -n "$C" link set dhc1 up
wait_until 10 '[ "$(ip netns exec "$C" cat /sys/class/net/dhc1/operstate)" = up ]'
start_dhcpd "$SCRATCH/r.log" -i dhs0 -i dhs1 --lease-file "$SCRATCH/r.leases" \
  --range 198.18.1.20-198.18.1.29 --subnet 198.18.0.0/24 \
  --range 198.18.0.140-198.18.0.149 || { finish; exit 1; }
udhcpc_once "$OUT"; rc=$?
check "dhs0: address from the pair with --subnet" \
  '[ $rc = 0 ] && [ "$(field "$OUT" ip)" = 198.18.0.140 ] && [ "$(field "$OUT" mask)" = 24 ]'
: >"$OUT"
DUMP_OUT=$OUT timeout 20 ip netns exec "$C" busybox udhcpc -i dhc1 -f -q -n \
  -t 3 -T 2 -s "$SCRATCH/dump.sh" >/dev/null 2>&1; rc=$?
check "dhs1: --range alone takes the interface's /25" \
  '[ $rc = 0 ] && [ "$(field "$OUT" ip)" = 198.18.1.20 ] && [ "$(field "$OUT" mask)" = 25 ]'
stop_dhcpd

# --- --daemon and its pid file; relative paths still work once the daemon
# has changed to / (reload, pid file removal) ---
PIDF=$SCRATCH/dhcpd.pid
printf 'subnet 198.18.0.0 netmask 255.255.255.0 { range 198.18.0.150 198.18.0.159; }\n' >"$SCRATCH/d.conf"
(cd "$SCRATCH" && ip netns exec "$S" "$DHCPD" --daemon --pid-file dhcpd.pid -i dhs0 \
  -c d.conf --lease-file d.leases >"$SCRATCH/d.log" 2>&1); rc=$?
check "--daemon: the parent exits 0" '[ $rc = 0 ]'
wait_until 10 '[ -s "$PIDF" ]'
DAEMON=$(cat "$PIDF" 2>/dev/null)
[ -n "$DAEMON" ] && BACKGROUND+=("$DAEMON")
check "--daemon: the pid file names the running server" \
  '[ -n "$DAEMON" ] && [ "$(cat /proc/$DAEMON/comm 2>/dev/null)" = pxe-dhcpd ]'
check "--daemon: the lock names the daemon, not the parent" \
  '[ "$(cat "$SCRATCH/d.leases.lock")" = "$DAEMON" ]'
run_second "$SCRATCH/e.log" -i dhs0 --port 1067 --lease-file "$SCRATCH/d.leases" \
  --subnet 198.18.0.0/24; rc=$?
check "--daemon: a second server names the daemon's PID" \
  '[ $rc = 69 ] && grep -q "in use by PID $DAEMON\$" "$SCRATCH/e.log"'
[ -n "$DAEMON" ] && kill -HUP "$DAEMON"
wait_until 10 'grep -q "configuration reloaded" "$SCRATCH/d.log"'
check "--daemon: SIGHUP rereads the relative -c path" 'grep -q "configuration reloaded" "$SCRATCH/d.log"'
[ -n "$DAEMON" ] && kill -TERM "$DAEMON"
wait_until 10 '[ ! -e "$PIDF" ]'
check "--daemon: the pid file is removed on SIGTERM" '[ ! -e "$PIDF" ]'

# --- a lease file that does not read cleanly is kept as PATH~ ---
LEASES=$SCRATCH/k.leases
printf '%s\n' 'lease 198.18.0.161 {' '  starts 0 2026/11/29 00:00:00;' \
  '  ends 0 2036/11/29 00:00:00;' '  binding state active;' \
  '  hardware ethernet 02:00:00:00:00:61;' '}' 'garbage here {{ ;' \
  'lease 198.18.0.162 {' '  starts 0 2026/11/29 00:00:00;' >"$LEASES"
cp "$LEASES" "$SCRATCH/k.orig"
start_dhcpd "$SCRATCH/k.log" -i dhs0 --lease-file "$LEASES" \
  --subnet 198.18.0.0/24 --range 198.18.0.160-198.18.0.169 || { finish; exit 1; }
# The sockets are bound before the file is rewritten: wait for the word.
wait_until 10 'grep -q "kept as" "$SCRATCH/k.log"'
check "corrupt lease file: kept as PATH~, byte for byte" 'cmp -s "$LEASES~" "$SCRATCH/k.orig"'
check "corrupt lease file: the log says where the old file is" \
  'grep -q "the file as read is kept as $LEASES~" "$SCRATCH/k.log"'
check "corrupt lease file: the good lease survives the rewrite" \
  'grep -q "^lease 198.18.0.161 {" "$LEASES" && ! grep -q garbage "$LEASES"'
stop_dhcpd

# --- a SIGHUP while the server starts is a reload, not its end: sent as
# soon as the lease lock exists (taken once SIGHUP is blocked) ---
LEASES=$SCRATCH/h.leases
CONF=$SCRATCH/h.conf
printf 'subnet 198.18.0.0 netmask 255.255.255.0 { range 198.18.0.170 198.18.0.179; }\n' >"$CONF"
# 40,000 leases to read keep the start busy long enough for the signal to
# land in it.
awk 'BEGIN { for (i = 0; i < 40000; i++)
  printf "lease 10.%d.%d.%d {\n  starts 0 2026/11/29 00:00:00;\n  ends 0 2036/11/29 00:00:00;\n  binding state active;\n  hardware ethernet 02:01:00:%02x:%02x:%02x;\n}\n",
    int(i / 65536), int(i / 256) % 256, i % 256, int(i / 65536), int(i / 256) % 256, i % 256 }' >"$LEASES"
ip netns exec "$S" "$DHCPD" -c "$CONF" -i dhs0 --lease-file "$LEASES" >"$SCRATCH/h.log" 2>&1 &
DHCPD_PID=$!
BACKGROUND+=("$DHCPD_PID")
# Polled every 0.01 s (not wait_until's 0.05 s), to land early in the start.
for i in $(seq 2000); do [ -s "$LEASES.lock" ] && break; sleep 0.01; done
kill -HUP "$DHCPD_PID"
wait_until 30 'grep -q "configuration reloaded" "$SCRATCH/h.log"'
check "SIGHUP during start: the server lives and reloads" \
  'kill -0 "$DHCPD_PID" 2>/dev/null && grep -q "configuration reloaded" "$SCRATCH/h.log"'
stop_dhcpd

finish
