#!/usr/bin/env bash
# Two pxe-dhcpd on one PostgreSQL lease store (issue 14) under load from
# two perfdhcp (one per server, distinct clients) on a pool far smaller than
# the clients (400 addresses, 1200 clients), so both servers race for the
# same free addresses, while two real clients (busybox udhcpc) hold leases.
# A sniffer on the servers' bridge ports records every DHCPACK that left
# (address, MAC). Checked: each server ACKed a real share (at least 20 %:
# a server that keeps offering addresses the other already holds starves),
# no address was ACKed to two clients (sniffer and SQL), and every ACK is a
# lease4 row for that MAC. Then kill -9 of each server in turn: every lease4
# row is still there, and the real client bound by the killed server
# rebinds (broadcast, at T2 of the 20 s lease it asks for) with the other server and
# keeps its address; the killed server is restarted on the same store.
# Last, PostgreSQL itself is killed (pg_ctl stop -m immediate) and
# restarted: every committed lease is still there, and both servers
# reconnect by themselves.
#
#   ns $S1 dhs0 198.18.0.1 --+           +-- ns $P1 198.18.0.201 (perfdhcp -> .1)
#   ns $S2 dhs0 198.18.0.2 --+-- br0 ----+-- ns $P2 198.18.0.202 (perfdhcp -> .2)
#              (ns $C: bridge, sniffer)  +-- ns $R1, $R2 (udhcpc)

source "$PXEKIT_SRC/tests/support/testlib.sh"
source "$PXEKIT_SRC/tests/support/pg_cluster.sh"
need_netns
need_cmd busybox perfdhcp ss psql python3
need_pg_cluster
DHCPD=$PXEKIT_BIN/pxe-dhcpd

pg_test_store pxekit
"$DHCPD" --init-store --lease-store "$STORE" >/dev/null ||
  { fail "init-store"; finish; exit 1; }
DOTTED="(address >> 24) || '.' || (address >> 16 & 255) || '.' ||
  (address >> 8 & 255) || '.' || (address & 255)"

# --- the wire ---
S1=pxk-pl-s1-$$ S2=pxk-pl-s2-$$ C=pxk-pl-c-$$
P1=pxk-pl-p1-$$ P2=pxk-pl-p2-$$ R1=pxk-pl-r1-$$ R2=pxk-pl-r2-$$
for ns in "$S1" "$S2" "$C" "$P1" "$P2" "$R1" "$R2"; do netns_add "$ns"; done
ip -n "$C" link add br0 type bridge
ip -n "$C" link set br0 up
# port NS IFACE PEER [ADDRESS]: a veth from NS to the bridge.
port() {
  ip -n "$1" link add name "$2" type veth peer name "$3" netns "$C"
  [ -n "${4:-}" ] && ip -n "$1" addr add "$4/16" dev "$2"
  ip -n "$1" link set "$2" up
  ip -n "$C" link set "$3" master br0 up
}
port "$S1" dhs0 ps1 198.18.0.1
port "$S2" dhs0 ps2 198.18.0.2
port "$P1" pf0 pp1 198.18.0.201
port "$P2" pf0 pp2 198.18.0.202
port "$R1" cl0 pr1
port "$R2" cl0 pr2
ip -n "$R1" link set cl0 address 02:00:00:00:01:01
ip -n "$R2" link set cl0 address 02:00:00:00:02:02

ip netns exec "$C" python3 "$PXEKIT_SRC/tests/support/dhcp_ack_sniff.py" 240 "$SCRATCH/acks" ps1 ps2 \
  2>"$SCRATCH/sniff.err" &
SNIFF=$!
BACKGROUND+=("$SNIFF")
# It opens its output once its sockets are bound.
wait_until 30 '[ -e "$SCRATCH/acks" ] || ! running $SNIFF' && [ -e "$SCRATCH/acks" ] ||
  { fail "the ACK sniffer did not start" "$(cat "$SCRATCH/sniff.err")"; finish; exit 1; }

# server NS LOG: pxe-dhcpd on the shared store in NS; pid in $PID.
server() {
  ip netns exec "$1" "$DHCPD" -i dhs0 --lease-store "$STORE" \
    --subnet 198.18.0.0/16 --range 198.18.1.1-198.18.2.144 \
    --lease-time 600 >>"$2" 2>&1 &
  PID=$!
  daemon_started "$1" 67 "$PID" "pxe-dhcpd in $1" "$2"
}
server "$S1" "$SCRATCH/s1.log" && PID1=$PID || { finish; exit 1; }
server "$S2" "$SCRATCH/s2.log" && PID2=$PID || { finish; exit 1; }

# --- two real clients, each bound by one server alone ---
cat >"$SCRATCH/udhcpc.sh" <<'SCRIPT'
#!/bin/sh
case $1 in
  bound | renew)
    ip addr replace "$ip/$mask" dev "$interface"
    echo "$1 ip=$ip serverid=$serverid" >>"$OUT"
    ;;
esac
exit 0
SCRIPT
chmod +x "$SCRATCH/udhcpc.sh"
# real_client NS OUT: udhcpc stays in the background (pid in $PID) once bound.
real_client() {
  : >"$2"
  OUT=$2 timeout 280 ip netns exec "$1" busybox udhcpc -i cl0 -f -t 5 -T 2 -x lease:20 \
    -p "$2.pid" -s "$SCRATCH/udhcpc.sh" >"$2.log" 2>&1 &
  PID=$!
  BACKGROUND+=("$PID")
  local out=$2
  wait_until 15 'grep -q "^bound " "$out"'
}
ip -n "$C" link set ps2 nomaster
real_client "$R1" "$SCRATCH/r1.out"
CL1=$PID
ip -n "$C" link set ps2 master br0
ip -n "$C" link set ps1 nomaster
real_client "$R2" "$SCRATCH/r2.out"
CL2=$PID
ip -n "$C" link set ps1 master br0
R1_IP=$(sed -n 's/^bound ip=\([^ ]*\) .*/\1/p' "$SCRATCH/r1.out")
R2_IP=$(sed -n 's/^bound ip=\([^ ]*\) .*/\1/p' "$SCRATCH/r2.out")
check "real client 1 bound by server 1" \
  'grep -q "^bound ip=198.18.1.* serverid=198.18.0.1$" "$SCRATCH/r1.out"' ||
  cat "$SCRATCH/r1.out" "$SCRATCH/s1.log" >&2
check "real client 2 bound by server 2, another address" \
  'grep -q "^bound ip=198.18.1.* serverid=198.18.0.2$" "$SCRATCH/r2.out" &&
   [ "$R1_IP" != "$R2_IP" ]' || cat "$SCRATCH/r2.out" "$SCRATCH/s2.log" >&2

# --- perfdhcp against both servers at once: 1200 clients, 400 addresses ---
acked() { # ACKs seen leaving server port $1
  awk -v p="$1" '$1 == p' "$SCRATCH/acks" | wc -l
}
# One round of 4 s serves the whole pool on an idle host. On a busy one (each
# ACK waits for a PostgreSQL commit, and every wake-up for a CPU) most of the
# 1200 clients do not finish, and their OFFERs hold the whole pool for
# offer_hold (60 s, lib/dhcpd/policy.h): then a second round, with new
# clients, starts when those offers have lapsed, and a third likewise, until
# more than 100 ACKs show the two servers racing.
for round in 1 2 3; do
  [ "$round" = 1 ] || sleep 61
  ip netns exec "$P1" timeout 30 perfdhcp -4 -l 198.18.0.201 -b "mac=02:11:0$round:00:00:00" \
    -r 150 -R 600 -p 4 198.18.0.1 >"$SCRATCH/perf1.out" 2>&1 &
  PF1=$!
  ip netns exec "$P2" timeout 30 perfdhcp -4 -l 198.18.0.202 -b "mac=02:22:0$round:00:00:00" \
    -r 150 -R 600 -p 4 198.18.0.2 >"$SCRATCH/perf2.out" 2>&1 &
  PF2=$!
  BACKGROUND+=("$PF1" "$PF2")
  wait "$PF1"
  wait "$PF2"
  wait_until 10 'caught_up $SNIFF' # the sniffer writes the last ACKs
  A1=$(acked ps1) A2=$(acked ps2)
  ALL=$((A1 + A2))
  echo "# ACKs seen after perfdhcp round $round: server 1 $A1, server 2 $A2"
  [ "$ALL" -le 100 ] || break
done
# Both servers race for the same addresses; each must get a real share.
check "perfdhcp clients got ACKs ($ALL in all)" '[ "$ALL" -gt 100 ]' ||
  { tail -n 3 "$SCRATCH/perf1.out" "$SCRATCH/perf2.out"; cat "$SCRATCH/sniff.err"; } >&2
check "server 1 ACKed at least 20 % ($A1 of $ALL)" '[ $((A1 * 5)) -ge "$ALL" ]'
check "server 2 ACKed at least 20 % ($A2 of $ALL)" '[ $((A2 * 5)) -ge "$ALL" ]'
TWICE=$(awk '{print $2, $3}' "$SCRATCH/acks" | sort -u | awk '{n[$1]++} n[$1] == 2 {print $1}')
check "no address ACKed to two clients" '[ -z "$TWICE" ]' ||
  { echo "$TWICE" | head; grep -F -f <(echo "$TWICE") "$SCRATCH/acks" | head -20; } >&2
awk '{print $2, $3}' "$SCRATCH/acks" | sort -u >"$SCRATCH/acked"
sql "SELECT $DOTTED || ' ' || encode(hwaddr, 'hex') FROM lease4 WHERE state = 0" |
  sort -u >"$SCRATCH/rows"
MISSING=$(comm -23 "$SCRATCH/acked" "$SCRATCH/rows")
check "every ACK is a lease4 row for that client ($(wc -l <"$SCRATCH/acked") ACKed)" \
  '[ -z "$MISSING" ] && [ -s "$SCRATCH/acked" ]' || echo "$MISSING" | head >&2
check "lease4: each address once, within the pool" \
  '[ "$(sql "SELECT count(*) = count(DISTINCT address) AND count(*) <= 400 FROM lease4 WHERE state = 0")" = t ]'
RACES=$(cat "$SCRATCH/s1.log" "$SCRATCH/s2.log" | grep -c "taken by another server")
echo "# servers refused by the store (lost races): $RACES"
ROWS=$(wc -l <"$SCRATCH/rows")

# --- kill -9 each server; its client rebinds with the other one ---
# crash N PID OTHER CLIENT_OUT CLIENT_IP: kill -9 server N (pid PID); the
# udhcpc it bound (script output CLIENT_OUT) renews in vain at T1, then
# rebinds (broadcast) and server OTHER ACKs its address.
crash() {
  local n=$1 other=$3 out=$4 ip=$5
  kill -KILL "$2"
  wait "$2" 2>/dev/null
  local now
  now=$(sql "SELECT $DOTTED || ' ' || encode(hwaddr, 'hex') FROM lease4 WHERE state = 0" | sort -u)
  check "kill -9 server $n: every lease4 row still there ($ROWS)" \
    '[ "$now" = "$(cat "$SCRATCH/rows")" ]'
  : >"$out.after"
  # The 20 s lease's T2 is 17.5 s away at most.
  wait_until 40 'grep -q "^\(renew\|bound\) ip=.* serverid=198.18.0.$other$" "$out"'
  check "kill -9 server $n: its client rebinds with server $other, address kept" \
    'grep "^\(renew\|bound\) ip=.* serverid=198.18.0.$other$" "$out" | grep -q "ip=$ip "' ||
    cat "$out" "$out.log" >&2
}
crash 1 "$PID1" 2 "$SCRATCH/r1.out" "$R1_IP"
server "$S1" "$SCRATCH/s1.log" && PID1=$PID || { finish; exit 1; }
crash 2 "$PID2" 1 "$SCRATCH/r2.out" "$R2_IP"
server "$S2" "$SCRATCH/s2.log" && PID2=$PID || { finish; exit 1; }

# --- PostgreSQL killed and restarted under both servers ---
before=$(sql "SELECT $DOTTED || ' ' || encode(hwaddr, 'hex') || ' ' || expire FROM lease4" | sort)
down_lines() { grep -c "lease store: .*(until it is back)" "$SCRATCH/s$1.log"; } # down_lines N
DOWN1=$(down_lines 1) DOWN2=$(down_lines 2)
pg_cluster_stop immediate
# Each server notices within a second and says so: until both have.
wait_until 10 '[ "$(down_lines 1)" -gt "$DOWN1" ] && [ "$(down_lines 2)" -gt "$DOWN2" ]'
pg_cluster_restart
after=$(sql "SELECT $DOTTED || ' ' || encode(hwaddr, 'hex') || ' ' || expire FROM lease4" | sort)
check "pg_ctl stop -m immediate: every committed lease is still there" \
  '[ -n "$before" ] && [ "$before" = "$after" ]' ||
  diff <(echo "$before") <(echo "$after") | head >&2
for n in 1 2; do
  log=$SCRATCH/s$n.log
  wait_until 30 'grep -q "lease store: back after" "$log"'
  check "server $n noticed the database go and come back by itself" \
    'grep -q "lease store: .*(until it is back)" "$log" &&
     grep -q "lease store: back after" "$log"' || tail -n 5 "$log" >&2
done
TWICE=$(awk '{print $2, $3}' "$SCRATCH/acks" | sort -u | awk '{n[$1]++} n[$1] == 2 {print $1}')
check "still no address ACKed to two clients ($(wc -l <"$SCRATCH/acks") ACKs)" '[ -z "$TWICE" ]' ||
  echo "$TWICE" | head >&2

[ -n "${VERBOSE:-}" ] && cat "$SCRATCH/s1.log" "$SCRATCH/s2.log"
kill "$SNIFF" "$CL1" "$CL2" 2>/dev/null
kill -TERM "$PID1" "$PID2"
wait "$PID1"
check "server 1 exits 0" '[ $? -eq 0 ]'
wait "$PID2"
check "server 2 exits 0" '[ $? -eq 0 ]'
finish
