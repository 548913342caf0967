# The wire that pxe-dhcpd's namespace tests share. Source after testlib.sh.
#
#   server ns $S  dhs0 198.18.0.1/24  <--- veth --->  dhc0 (no address)  client ns $C
#
# pxe-dhcpd runs only in $S, bound to dhs0 (or to loopback inside $S);
# nothing leaves these namespaces, which are removed on exit.

DHCPD=$PXEKIT_BIN/pxe-dhcpd

# dhcp_wire_setup S C [CLIENT_MAC]: the wire (or a skip where there can be
# no namespaces); LOG and LEASES name the server's log and lease file.
dhcp_wire_setup() {
  need_netns
  S=$1
  C=$2
  netns_add "$S"
  netns_add "$C"
  veth_link "$S" dhs0 198.18.0.1/24 "$C" dhc0 "" "${3:-02:00:00:00:00:22}"
  # A client's first DISCOVER must not go out before the carrier is up.
  wait_until 10 '[ "$(ip netns exec "$C" cat /sys/class/net/dhc0/operstate)" = up ]'
  # The script every client calls: one "KEY=VALUE" line per variable. For
  # udhcpc it also configures the address, as its default script does, so
  # that unicast renew and release can leave from it.
  # dhclient runs scripts with a clean environment: DUMP_OUT falls back to
  # $SCRATCH/client.out.
  { echo '#!/bin/sh'; echo "DUMP_OUT=\${DUMP_OUT:-$SCRATCH/client.out}"; } >"$SCRATCH/dump.sh"
  cat >>"$SCRATCH/dump.sh" <<'DUMP'
case "$1" in
  deconfig) ip -4 addr flush dev "$interface" 2>/dev/null ;;
  bound|renew) ip -4 addr flush dev "$interface"; ip addr add "$ip/${mask:-24}" dev "$interface" ;;
esac
# One write per record, so that a reader that sees "event=" sees it all.
record=$(echo "event=${1:-$reason}"; env | sort | grep -E '^(ip|mask|router|serverid|lease|siaddr|boot_file|sname|vendor|opt43|opt60|opt66|opt67|hostname|new_[a-z_]+)=')
printf '%s\n\n' "$record" >>"$DUMP_OUT"
exit 0
DUMP
  chmod +x "$SCRATCH/dump.sh"
  LOG=$SCRATCH/dhcpd.log
  LEASES=$SCRATCH/dhcpd.leases
}

# dhcp_loopback_setup NS: namespace NS (removed on exit) where pxe-dhcpd
# listens on 127.0.0.1 and perfdhcp plays a relay from 127.0.0.2; sets S,
# LOG and LEASES.
dhcp_loopback_setup() {
  N=$1
  netns_add "$N"
  ip -n "$N" addr add 127.0.0.2/8 dev lo
  S=$N
  LOG=$SCRATCH/dhcpd.log
  LEASES=$SCRATCH/dhcpd.leases
}

# received OUT EXCHANGE, sent OUT EXCHANGE, orphans OUT EXCHANGE: perfdhcp's
# packet counts in its output OUT for EXCHANGE (DISCOVER-OFFER or
# REQUEST-ACK). An orphan is a reply that came after perfdhcp had given its
# request up (its drop time, 1 s): answered, but not counted as received.
received() {
  awk -v x="$2" '/^\*\*\*Statistics for: /{cur=$0} cur ~ x && /^received packets:/{print $3}' "$1"
}
sent() {
  awk -v x="$2" '/^\*\*\*Statistics for: /{cur=$0} cur ~ x && /^sent packets:/{print $3}' "$1"
}
orphans() {
  awk -v x="$2" '/^\*\*\*Statistics for: /{cur=$0} cur ~ x && /^orphans:/{print $2}' "$1"
}

# start_dhcpd LOG ARGS...: pxe-dhcpd in $S; returns once port 67 is bound
# (or fails the test). Its pid is in $DHCPD_PID.
start_dhcpd() {
  local log=$1
  shift
  ip netns exec "$S" "$DHCPD" "$@" >>"$log" 2>&1 &
  DHCPD_PID=$!
  daemon_started "$S" 67 "$DHCPD_PID" pxe-dhcpd "$log"
}

stop_dhcpd() { stop_daemon "$DHCPD_PID" DHCPD_STATUS; }

# udhcpc_once OUT ARGS...: one busybox udhcpc run in $C (bounded: 3 tries,
# 2 s apart); its script's output goes to OUT.
udhcpc_once() {
  local out=$1
  shift
  : >"$out"
  DUMP_OUT=$out timeout 20 ip netns exec "$C" busybox udhcpc -i dhc0 -f -q -n \
    -t 3 -T 2 -s "$SCRATCH/dump.sh" "$@" >/dev/null 2>&1
}

# field FILE KEY: the last value of KEY in a dump.
field() {
  grep "^$2=" "$1" | tail -n 1 | cut -d= -f2-
}
