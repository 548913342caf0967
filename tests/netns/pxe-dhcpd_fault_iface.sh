#!/usr/bin/env bash
# Fault: the interface pxe-dhcpd serves comes and goes. pxe-dhcpd follows
# it through netlink (RTM_NEWLINK, RTM_NEWADDR, RTM_DELADDR) and serves
# again without a restart, also after dropping root (--user nobody: the
# sockets are reopened with the capabilities it keeps); a real client
# (busybox udhcpc) checks each step:
#   1. started with --wait-interfaces on a down interface: no socket; set
#      up: listening, a client gets a lease;
#   2. its address removed: the socket closes; another address added: served
#      again, the new address as server identifier;
#   3. down and up again: served again;
#   4. deleted and created again (RTM_DELLINK, a new ifindex): served again.
# Without --wait-interfaces a down interface still stops the start (69).
# The server runs only in the namespace $S the test creates.

source "$PXEKIT_SRC/tests/support/testlib.sh"
source "$PXEKIT_SRC/tests/support/dhcp_wire.sh"
need_cmd busybox ss

dhcp_wire_setup "pxk-fi-s-$$" "pxk-fi-c-$$" 02:00:00:00:00:c1
OUT=$SCRATCH/udhcpc.out
FLAGS=(-i dhs0 --lease-file "$LEASES" --subnet 198.18.0.0/24
  --range 198.18.0.100-198.18.0.150)
: >"$LOG"

listening() { ip netns exec "$S" ss -H -uln "sport = :67" | grep -q .; }
# wait_log TEXT [N]: until the log holds TEXT (fixed string) N times
# (default 1); 20 s at most.
wait_log() {
  wait_grep "${2:-1}" 200 "$LOG" -F -e "$1"
}
carrier() { # until the client side sees the link up again
  wait_until 10 '[ "$(ip netns exec "$C" cat /sys/class/net/dhc0/operstate)" = up ]'
}

ip -n "$S" link set dhs0 down
timeout 10 ip netns exec "$S" "$DHCPD" "${FLAGS[@]}" >"$SCRATCH/strict.log" 2>&1
rc=$?
check "without --wait-interfaces: a down interface stops the start ($rc)" \
  '[ $rc = 69 ] && grep -q "interface '\''dhs0'\'': interface is down" "$SCRATCH/strict.log"'

# --- 1. start on a down interface, then set it up ---
ip netns exec "$S" "$DHCPD" "${FLAGS[@]}" --wait-interfaces --user nobody -v >>"$LOG" 2>&1 &
DHCPD_PID=$!
BACKGROUND+=("$DHCPD_PID")
wait_log "pxe-dhcpd: ready:"
check "down at start: waiting, running, no socket" \
  'grep -q "interface '\''dhs0'\'': interface is down: waiting for it (--wait-interfaces)" "$LOG" &&
   kill -0 "$DHCPD_PID" && ! listening'
ip -n "$S" link set dhs0 up
carrier
wait_log "interface 'dhs0': listening on 0.0.0.0:67 (server address 198.18.0.1)"
check "set up: listening without a restart" 'listening' || cat "$LOG" >&2
udhcpc_once "$OUT"; rc=$?
check "set up: a client gets a lease" '[ $rc = 0 ] && [ "$(field "$OUT" ip)" = 198.18.0.100 ]'
check "set up: server identifier is the interface's address" '[ "$(field "$OUT" serverid)" = 198.18.0.1 ]'

# --- 2. address removed, another one added ---
ip -n "$S" addr del 198.18.0.1/24 dev dhs0
wait_log "interface 'dhs0' (no IPv4 address): no declared subnet holds its address; declare one (--subnet or a subnet block): stopped listening on port 67"
check "address removed: the socket is closed" '! listening' || cat "$LOG" >&2
ip -n "$S" addr add 198.18.0.2/24 dev dhs0
wait_log "interface 'dhs0': listening on 0.0.0.0:67 (server address 198.18.0.2)"
check "address added: listening again" 'listening' || cat "$LOG" >&2
ip -n "$C" link set dhc0 address 02:00:00:00:00:c2
udhcpc_once "$OUT"; rc=$?
check "address added: a client gets a lease" '[ $rc = 0 ] && [ -n "$(field "$OUT" ip)" ]'
check "address added: the new address is the server identifier" '[ "$(field "$OUT" serverid)" = 198.18.0.2 ]'

# --- 3. down and up again ---
ip -n "$S" link set dhs0 down
wait_log "interface 'dhs0': interface is down: stopped listening on port 67"
check "down: the socket is closed" '! listening'
ip -n "$S" link set dhs0 up
carrier
wait_log "interface 'dhs0': listening on 0.0.0.0:67 (server address 198.18.0.2)" 2
check "up again: listening" 'listening'
ip -n "$C" link set dhc0 address 02:00:00:00:00:c3
udhcpc_once "$OUT"; rc=$?
check "up again: a client gets a lease" '[ $rc = 0 ] && [ -n "$(field "$OUT" ip)" ] && [ "$(field "$OUT" serverid)" = 198.18.0.2 ]'
# --- 4. deleted and created again (a new ifindex: a new socket) ---
ip -n "$S" link del dhs0
wait_log "interface 'dhs0': no such interface: stopped listening on port 67"
check "deleted: the socket is closed" '! listening'
ip -n "$S" link add name dhs0 type veth peer name dhc0 netns "$C"
ip -n "$C" link set dhc0 address 02:00:00:00:00:c4
ip -n "$S" addr add 198.18.0.1/24 dev dhs0
ip -n "$S" link set dhs0 up
ip -n "$C" link set dhc0 up
carrier
wait_log "interface 'dhs0': listening on 0.0.0.0:67 (server address 198.18.0.1)" 2
check "created again: listening" 'listening' || tail -n 5 "$LOG" >&2
udhcpc_once "$OUT"; rc=$?
check "created again: a client gets a lease" '[ $rc = 0 ] && [ -n "$(field "$OUT" ip)" ] && [ "$(field "$OUT" serverid)" = 198.18.0.1 ]'
check "one server all along (never restarted)" 'kill -0 "$DHCPD_PID" && [ "$(grep -c "pxe-dhcpd: ready:" "$LOG")" = 1 ]'
stop_dhcpd
check "SIGTERM: exit 0" '[ "$DHCPD_STATUS" = 0 ]'
finish
