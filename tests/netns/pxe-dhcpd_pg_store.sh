#!/usr/bin/env bash
# Two pxe-dhcpd sharing one PostgreSQL lease store (issue 14): a throwaway
# cluster (tests/support/pg_cluster.sh), --init-store run twice, then two
# servers in namespaces of their own on one bridge with a client namespace.
# Client A gets an address from server 1 while server 2's port is off the
# bridge, so server 2 has not seen it; then client B asks server 2
# alone (server 1's port off the bridge), asking for A's address. Server 2
# has read A's lease from the store, or offers the address, is refused at
# commit and sends no ACK; B gets another address. Checked in SQL: every
# address is leased once, to its client.
# Then client C (ISC dhclient) binds with server 1 alone and reboots with
# server 2 alone: server 2 learns the lease from the store and ACKs the
# INIT-REBOOT, so C keeps its address. Last, PostgreSQL is killed
# (pg_ctl stop -m immediate): each server notices within a second and logs
# one line; a new client gets no OFFER, a renewing client (F, udhcpc) no
# ACK and no NAK, so it keeps its address; after a restart the servers
# reconnect by themselves (the reconnect never blocks: pg_store_check),
# log the end of the outage, F renews, and every lease is kept.
#
#   ns $S1 dhs0 198.18.0.1 --+
#   ns $S2 dhs0 198.18.0.2 --+-- br0 in ns $C -- cl0 (the client)

source "$PXEKIT_SRC/tests/support/testlib.sh"
source "$PXEKIT_SRC/tests/support/pg_cluster.sh"
need_netns
need_cmd busybox dhclient ss psql
need_pg_cluster
DHCPD=$PXEKIT_BIN/pxe-dhcpd

pg_test_store pxekit

# --- init-store: created, then already current ---
out=$("$DHCPD" --init-store --lease-store "$STORE" 2>&1)
check "init-store creates the schema" \
  '[ "$out" = "lease store: schema version 1 (created)" ]' || echo "$out" >&2
out=$("$DHCPD" --init-store --lease-store "$STORE" 2>&1)
check "init-store again changes nothing" \
  '[ "$out" = "lease store: schema version 1 (already current)" ]' ||
  echo "$out" >&2
check "one schema_version row" '[ "$(sql "SELECT count(*) FROM schema_version")" = 1 ]'

# --- the wire ---
S1=pxk-pg-s1-$$ S2=pxk-pg-s2-$$ C=pxk-pg-c-$$
netns_add "$S1"
netns_add "$S2"
netns_add "$C"
ip -n "$C" link add br0 type bridge
ip -n "$C" link set br0 up
n=1
for ns in "$S1" "$S2"; do
  ip -n "$ns" link add name dhs0 type veth peer name p$n netns "$C"
  ip -n "$ns" addr add 198.18.0.$n/24 dev dhs0
  ip -n "$ns" link set dhs0 up
  ip -n "$C" link set p$n master br0 up
  n=$((n + 1))
done
ip -n "$C" link add cl0 type veth peer name p9
ip -n "$C" link set p9 master br0 up
cat >"$SCRATCH/dump.sh" <<'DUMP'
#!/bin/sh
[ "$1" = bound ] && { echo "ip=$ip"; echo "serverid=$serverid"; } >>"$DUMP_OUT"
exit 0
DUMP
chmod +x "$SCRATCH/dump.sh"

# wire_up: cl0 has its carrier and every port of br0 forwards.
wire_up() {
  [ "$(ip netns exec "$C" cat /sys/class/net/cl0/operstate)" = up ] &&
    ! bridge -n "$C" link show | grep -v "state forwarding" | grep -q .
}
# client MAC OUT: one udhcpc run on cl0 with that MAC (bounded: 4 tries).
client() {
  ip -n "$C" link set cl0 down
  ip -n "$C" link set cl0 address "$1"
  ip -n "$C" link set cl0 up
  wait_until 10 wire_up
  : >"$2"
  DUMP_OUT=$2 timeout 30 ip netns exec "$C" busybox udhcpc -i cl0 -f -q -n \
    -t 4 -T 2 -s "$SCRATCH/dump.sh" "${@:3}" >/dev/null 2>&1
}

# server NS LOG: pxe-dhcpd on the shared store in NS; pid in $PID.
server() {
  ip netns exec "$1" "$DHCPD" -i dhs0 --lease-store "$STORE" \
    --lease-file "$SCRATCH/unused-$1.leases" --subnet 198.18.0.0/24 \
    --range 198.18.0.100-198.18.0.110 --lease-time 600 >"$2" 2>&1 &
  PID=$!
  daemon_started "$1" 67 "$PID" "pxe-dhcpd in $1" "$2"
}

server "$S1" "$SCRATCH/s1.log" && P1=$PID || { finish; exit 1; }
server "$S2" "$SCRATCH/s2.log" && P2=$PID || { finish; exit 1; }
check "no lease file written with --lease-store" \
  '[ ! -e "$SCRATCH/unused-$S1.leases" ]'

ip -n "$C" link set p2 nomaster
client 02:00:00:00:00:aa "$SCRATCH/a.out"
check "client A bound by server 1" \
  '[ "$(grep ^serverid= "$SCRATCH/a.out" | tail -n 1)" = serverid=198.18.0.1 ]' ||
  cat "$SCRATCH/a.out" "$SCRATCH/s1.log" >&2
A_IP=$(grep ^ip= "$SCRATCH/a.out" | tail -n 1 | cut -d= -f2)
ip -n "$C" link set p2 master br0
ip -n "$C" link set p1 nomaster
# B asks for A's address, which server 2 does not know is taken.
client 02:00:00:00:00:bb "$SCRATCH/b.out" -r "$A_IP"
ip -n "$C" link set p1 master br0
B_IP=$(grep ^ip= "$SCRATCH/b.out" | tail -n 1 | cut -d= -f2)
check "client B bound by server 2" \
  '[ "$(grep ^serverid= "$SCRATCH/b.out" | tail -n 1)" = serverid=198.18.0.2 ]' ||
  cat "$SCRATCH/b.out" "$SCRATCH/s2.log" >&2
check "A and B have different addresses" \
  '[ -n "$A_IP" ] && [ -n "$B_IP" ] && [ "$A_IP" != "$B_IP" ]' ||
  echo "A=$A_IP B=$B_IP" >&2
# Server 2 learned A's lease from the store (it rereads every 10 s), or
# offered A's address and was refused at commit ("taken by another
# server"): either way B got another address.
check "server 2 sent B no ACK for A's address" \
  '! grep -q "DHCPREQUEST from 02:00:00:00:00:bb.*DHCPACK $A_IP " "$SCRATCH/s2.log" ||
   grep -q "$A_IP: taken by another server sharing the lease store: ACK not sent" "$SCRATCH/s2.log"' ||
  grep 00:bb "$SCRATCH/s2.log" >&2
leases=$(sql "SELECT (address >> 24) || '.' || (address >> 16 & 255) || '.' ||
  (address >> 8 & 255) || '.' || (address & 255) || ' ' || encode(hwaddr, 'hex')
  FROM lease4 WHERE state = 0 ORDER BY address")
check "the store holds each address once, for its client" \
  '[ "$leases" = "$(printf "%s\n" "$A_IP 0200000000aa" "$B_IP 0200000000bb" | sort -V)" ]' ||
  echo "$leases" >&2

# --- a client keeps its address with the other server ---
cat >"$SCRATCH/dhclient.sh" <<DUMP
#!/bin/sh
echo "reason=\$reason ip=\$new_ip_address server=\$new_dhcp_server_identifier" >>"$SCRATCH/c.out"
exit 0
DUMP
chmod +x "$SCRATCH/dhclient.sh"
: >"$SCRATCH/c.out"
: >"$SCRATCH/dhclient.leases"
: >"$SCRATCH/dhclient.conf"
# dhclient_run REASON: dhclient on cl0 until it reports REASON (30 s).
dhclient_run() {
  timeout 30 ip netns exec "$C" dhclient -4 -1 -d -cf "$SCRATCH/dhclient.conf" \
    -sf "$SCRATCH/dhclient.sh" -lf "$SCRATCH/dhclient.leases" \
    -pf "$SCRATCH/dhclient.pid" cl0 >>"$SCRATCH/dhclient.log" 2>&1 &
  stop_when_seen $! "$SCRATCH/c.out" "^reason=$1 "
}
ip -n "$C" link set cl0 down
ip -n "$C" link set cl0 address 02:00:00:00:00:cc
ip -n "$C" link set cl0 up
ip -n "$C" link set p2 nomaster
dhclient_run BOUND
C_IP=$(grep "^reason=BOUND " "$SCRATCH/c.out" | tail -n 1 | sed 's/.* ip=//; s/ .*//')
check "client C bound by server 1" \
  'grep -q "^reason=BOUND ip=$C_IP server=198.18.0.1" "$SCRATCH/c.out"' ||
  cat "$SCRATCH/c.out" "$SCRATCH/dhclient.log" >&2
ip -n "$C" addr flush dev cl0
ip -n "$C" link set p2 master br0
ip -n "$C" link set p1 nomaster
dhclient_run REBOOT
ip -n "$C" link set p1 master br0
check "client C keeps its address with server 2 (INIT-REBOOT)" \
  'grep -q "^reason=REBOOT ip=$C_IP server=198.18.0.2" "$SCRATCH/c.out"' ||
  cat "$SCRATCH/c.out" "$SCRATCH/s2.log" >&2
check "server 2 ACKed it from the store" \
  'grep -q "DHCPACK $C_IP (INIT-REBOOT)" "$SCRATCH/s2.log"' ||
  cat "$SCRATCH/s2.log" >&2
check "the store holds C's renewed lease" \
  '[ "$(sql "SELECT count(*) FROM lease4 WHERE hwaddr = '"'"'\\x0200000000cc'"'"' AND state = 0")" = 1 ]'

# --- the database goes away, and comes back ---
# Client F (its own namespace) holds a lease and keeps udhcpc running.
F=pxk-pg-f-$$
netns_add "$F"
ip -n "$F" link add name cf0 type veth peer name p8 netns "$C"
ip -n "$F" link set cf0 address 02:00:00:00:00:ff
ip -n "$F" link set cf0 up
ip -n "$C" link set p8 master br0 up
cat >"$SCRATCH/events.sh" <<'EVENTS'
#!/bin/sh
echo "$1 ip=$ip serverid=$serverid" >>"$EVENTS_OUT"
[ "$1" = bound ] && ip addr replace "$ip/$mask" dev "$interface"
exit 0
EVENTS
chmod +x "$SCRATCH/events.sh"
: >"$SCRATCH/f.out"
# A 90 s lease (option 51): it renews at T1, 45 s, during the outage, and
# keeps asking until the lease ends, well after the database is back.
EVENTS_OUT=$SCRATCH/f.out timeout 250 ip netns exec "$F" busybox udhcpc -i cf0 -f -t 5 -T 2 \
  -x lease:90 -p "$SCRATCH/f.pid" -s "$SCRATCH/events.sh" >"$SCRATCH/f.log" 2>&1 &
FPID=$!
BACKGROUND+=("$FPID")
wait_until 15 'grep -q "^bound " "$SCRATCH/f.out"'
F_IP=$(sed -n 's/^bound ip=\([^ ]*\) .*/\1/p' "$SCRATCH/f.out" | tail -n 1)
F_SERVER=$(sed -n 's/^bound .* serverid=//p' "$SCRATCH/f.out" | tail -n 1)
check "client F bound ($F_IP from $F_SERVER)" '[ -n "$F_IP" ]' || cat "$SCRATCH/f.log" >&2
F_LOG=$SCRATCH/s${F_SERVER##*.}.log

pg_cluster_stop immediate
# Each server notices within a second, without a client asking.
wait_until 10 'grep -q "(until it is back)" "$SCRATCH/s1.log" && grep -q "(until it is back)" "$SCRATCH/s2.log"'
for n in 1 2; do
  check "database down: server $n says so at once, no new leases" \
    'grep -q "lease store: .*: no OFFER and no ACK for dynamic leases (until it is back)" "$SCRATCH/s$n.log"' ||
    tail -n 5 "$SCRATCH/s$n.log" >&2
done
client 02:00:00:00:00:dd "$SCRATCH/d.out"
check "database down: no lease for client D" '! grep -q "^ip=" "$SCRATCH/d.out"' ||
  cat "$SCRATCH/d.out" >&2
check "database down: no OFFER for a new client, and the log says why" \
  'grep -q "DHCPDISCOVER from 02:00:00:00:00:dd.*no reply: the lease store is unavailable" "$SCRATCH/s1.log" &&
   ! grep -q "DHCPDISCOVER from 02:00:00:00:00:dd.*DHCPOFFER" "$SCRATCH/s1.log" "$SCRATCH/s2.log"' ||
  grep 00:dd "$SCRATCH/s1.log" "$SCRATCH/s2.log" >&2
# F renews at T1: no ACK (nothing can be committed) and no NAK.
wait_grep 1 600 "$F_LOG" -e "DHCPREQUEST from 02:00:00:00:00:ff.*ignored (RENEWING)"
check "database down: a renewal is not answered (no ACK, no NAK)" \
  'grep -q "DHCPREQUEST from 02:00:00:00:00:ff.*ignored (RENEWING): the lease store is unavailable, $F_IP cannot be committed" "$F_LOG" &&
   ! grep "DHCPREQUEST from 02:00:00:00:00:ff" "$SCRATCH/s1.log" "$SCRATCH/s2.log" | grep -q DHCPNAK' ||
  grep 00:ff "$SCRATCH/s1.log" "$SCRATCH/s2.log" >&2

pg_cluster_restart
wait_until 30 'grep -q "lease store: back after" "$SCRATCH/s1.log" && grep -q "lease store: back after" "$SCRATCH/s2.log"'
client 02:00:00:00:00:dd "$SCRATCH/d.out"
client 02:00:00:00:00:ee "$SCRATCH/e.out"
check "database back: clients D and E bound without restarting a server" \
  'grep -q "^ip=198.18.0." "$SCRATCH/d.out" && grep -q "^ip=198.18.0." "$SCRATCH/e.out"' ||
  tail -n 8 "$SCRATCH/s1.log" "$SCRATCH/s2.log" >&2
# F keeps asking (RENEWING, then REBINDING broadcasts until 90 s): one is ACKed.
wait_grep 1 600 "$SCRATCH/f.out" -e "^renew ip=$F_IP "
check "database back: client F renewed and kept $F_IP through the outage" \
  'grep -q "^renew ip=$F_IP " "$SCRATCH/f.out" &&
   ! sed "1,/^bound /d" "$SCRATCH/f.out" | grep -q "^\(nak\|deconfig\|leasefail\)"' ||
  cat "$SCRATCH/f.out" "$SCRATCH/f.log" >&2
kill "$FPID" 2>/dev/null
check "database back: every lease survived the kill (A, B, C, D, E, F)" \
  '[ "$(sql "SELECT count(*) FROM lease4 WHERE state = 0")" = 6 ]' ||
  sql "SELECT address, encode(hwaddr, 'hex') FROM lease4" >&2
# The outage is logged once per server, and its end.
for n in 1 2; do
  log=$SCRATCH/s$n.log
  check "outage: server $n logged one 'until it is back' line" \
    '[ "$(grep -c "(until it is back)" "$log")" -eq 1 ]' ||
    grep "lease store" "$log" >&2
  check "outage: server $n logged its end" \
    'grep -q "lease store: back after [0-9]* failed commits, [0-9]* ACKs not sent" "$log"' ||
    tail -n 5 "$log" >&2
done

[ -n "${VERBOSE:-}" ] && cat "$SCRATCH/s1.log" "$SCRATCH/s2.log"
kill -TERM "$P1" "$P2"
wait "$P1"
check "server 1 exits 0" '[ $? -eq 0 ]'
wait "$P2"
check "server 2 exits 0" '[ $? -eq 0 ]'
finish
