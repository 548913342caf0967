#!/usr/bin/env bash
# pxe-dhcpd with busybox udhcpc on a veth between two namespaces, flag mode:
# pool and reserved addresses, boot file by arch (0 BIOS, 7 UEFI) and for
# iPXE, renew, release, decline, a lease surviving kill -9 and a restart,
# and the privilege drop. The server runs only inside $S.

source "$PXEKIT_SRC/tests/support/testlib.sh"
source "$PXEKIT_SRC/tests/support/dhcp_wire.sh"
need_cmd busybox ss

dhcp_wire_setup "pxk-dh-s-$$" "pxk-dh-c-$$"
FLAGS=(-i dhs0 --lease-file "$LEASES" --subnet 198.18.0.0/24
  --range 198.18.0.100-198.18.0.103 --router 198.18.0.1 --dns 198.18.0.1
  --filename undionly.kpxe --efi-filename efi64/ipxe.efi
  --ipxe-script http://198.18.0.1/boot.ipxe
  --host 02:00:00:00:00:33=198.18.0.50,reserved1)
start_dhcpd "$LOG" "${FLAGS[@]}" || { finish; exit 1; }
OUT=$SCRATCH/udhcpc.out
# The binding state of the last record for address $1 in the lease file.
# The server logs an exchange before its lease reaches the file: the
# journal is written and synced up to GroupCommit's window later (longer
# under ASan), so a check of the file waits for it.
lease_state() {
  awk -v ip="$1" '$1 == "lease" && $2 == ip {b=1} b && /^  binding state/ {s=$3} /^}/ {b=0} END {print s}' "$LEASES"
}

# --- BIOS PXE client (arch 0): pool address, siaddr, file, 43 with 60 ---
udhcpc_once "$OUT" -V PXEClient:Arch:00000:UNDI:002001 -x 0x5d:0000 -O 43 -O 60 -O 66 -O 67; rc=$?
check "BIOS: udhcpc bound" '[ $rc = 0 ] && grep -q "^event=bound" "$OUT"'
check "BIOS: first pool address" '[ "$(field "$OUT" ip)" = 198.18.0.100 ]'
check "BIOS: server identifier" '[ "$(field "$OUT" serverid)" = 198.18.0.1 ]'
check "BIOS: siaddr is the server" '[ "$(field "$OUT" siaddr)" = 198.18.0.1 ]'
check "BIOS: file field" '[ "$(field "$OUT" boot_file)" = undionly.kpxe ]'
check "BIOS: router" '[ "$(field "$OUT" router)" = 198.18.0.1 ]'
check "BIOS: option 60 PXEClient comes with option 43" \
  '[ "$(field "$OUT" vendor)" = PXEClient ] && [ "$(field "$OUT" opt43)" = 060108ff ]'
check "BIOS: log line names arch, class, address, file and why" \
  'grep -q "DHCPREQUEST from 02:00:00:00:00:22 via dhs0 arch 0 (x86 BIOS) vendor \"PXEClient:Arch:00000:UNDI:002001\": DHCPACK 198.18.0.100 (SELECTING) file \"undionly.kpxe\" (arch 0 (x86 BIOS): --filename)" "$LOG"'
check "BIOS: OFFER/ACK unicast to yiaddr through an injected neighbour entry" \
  'ip -n "$S" neigh show 198.18.0.100 dev dhs0 | grep -q "lladdr 02:00:00:00:00:22" && ! grep -q "cannot add neighbour" "$LOG"'
check "BIOS: the lease is in the file" \
  'grep -q "^lease 198.18.0.100 {" "$LEASES" && grep -q "hardware ethernet 02:00:00:00:00:22;" "$LEASES"'

# --- UEFI (arch 7): same client, same address, the EFI file ---
udhcpc_once "$OUT" -V PXEClient:Arch:00007:UNDI:003016 -x 0x5d:0007 -O 43 -O 66 -O 67; rc=$?
check "UEFI: returning client gets its address back" '[ $rc = 0 ] && [ "$(field "$OUT" ip)" = 198.18.0.100 ]'
check "UEFI: file is the EFI loader" '[ "$(field "$OUT" boot_file)" = efi64/ipxe.efi ]'
check "UEFI: option 43 present" '[ "$(field "$OUT" opt43)" = 060108ff ]'

# --- iPXE (user class "iPXE") gets the script, breaking the loop ---
udhcpc_once "$OUT" -V PXEClient:Arch:00007:UNDI:003016 -x 0x5d:0007 -x 77:69505845; rc=$?
check "iPXE: script URL" '[ $rc = 0 ] && [ "$(field "$OUT" boot_file)" = http://198.18.0.1/boot.ipxe ]'

# --- a reserved host (--host MAC=IP,NAME) ---
ip -n "$C" link set dhc0 address 02:00:00:00:00:33
udhcpc_once "$OUT"; rc=$?
check "host: reserved address" '[ $rc = 0 ] && [ "$(field "$OUT" ip)" = 198.18.0.50 ]'
check "host: its name as option 12" '[ "$(field "$OUT" hostname)" = reserved1 ]'
check "host: not written to the lease file (as ISC)" '! grep -q "^lease 198.18.0.50 " "$LEASES"'

# --- renew (SIGUSR1) and release (SIGUSR2) of a running udhcpc ---
ip -n "$C" link set dhc0 address 02:00:00:00:00:44
: >"$OUT"
DUMP_OUT=$OUT ip netns exec "$C" busybox udhcpc -i dhc0 -f -t 3 -T 2 -s "$SCRATCH/dump.sh" >/dev/null 2>&1 &
UPID=$!
BACKGROUND+=("$UPID")
wait_until 10 'grep -q "^event=bound" "$OUT"'
check "renew: bound first" 'grep -q "^event=bound" "$OUT"'
BOUND_IP=$(field "$OUT" ip)
kill -USR1 "$UPID"
wait_until 10 'grep -q "^event=renew" "$OUT"'
check "renew: udhcpc renewed" 'grep -q "^event=renew" "$OUT" && [ "$(field "$OUT" ip)" = "$BOUND_IP" ]'
check "renew: server saw RENEWING (unicast from ciaddr)" 'grep -q "DHCPACK $BOUND_IP (RENEWING)" "$LOG"'
kill -USR2 "$UPID"
wait_until 10 'grep -q "$BOUND_IP released" "$LOG"'
wait_until 10 '[ "$(lease_state "$BOUND_IP")" = "released;" ]'
check "release: the server freed it" 'grep -q "DHCPRELEASE from 02:00:00:00:00:44 via dhs0: $BOUND_IP released" "$LOG"'
check "release: recorded as released" '[ "$(lease_state "$BOUND_IP")" = "released;" ]'
kill "$UPID" 2>/dev/null; wait "$UPID" 2>/dev/null

# --- decline: the pool's next new address (.102) answers ARP, so udhcpc -a
#     declines it and asks again ---
ip -n "$C" link set dhc0 address 02:00:00:00:00:55
# The conflicting host sits in a third namespace, on a macvlan of dhs0.
X="pxk-dh-x-$$"
netns_add "$X"
ip -n "$S" link add link dhs0 name dhx0 type macvlan mode bridge
ip -n "$S" link set dhx0 netns "$X"
ip -n "$X" addr add 198.18.0.102/24 dev dhx0
ip -n "$X" link set dhx0 up
udhcpc_once "$OUT" -a500; rc=$?
check "decline: logged and quarantined" \
  'grep -q "DHCPDECLINE from 02:00:00:00:00:55 via dhs0: 198.18.0.102 abandoned" "$LOG"'
wait_until 10 '[ "$(lease_state 198.18.0.102)" = "abandoned;" ]'
check "decline: recorded as abandoned" '[ "$(lease_state 198.18.0.102)" = "abandoned;" ]'
# udhcpc waits 10 s after a DECLINE; its next run stands for the retry.
udhcpc_once "$OUT"; rc=$?
check "decline: the client then gets another address" \
  '[ $rc = 0 ] && [ -n "$(field "$OUT" ip)" ] && [ "$(field "$OUT" ip)" != 198.18.0.102 ]'
ip netns del "$X"

# --- a flood of junk: logged with a rate limit, every datagram counted ---
# 500 malformed datagrams from one address: a burst of 20 lines, then one a
# second; the rest reported as one count once the flood is over. The kernel
# may drop some when the socket's buffer is full: those are counted by the
# namespace's RcvbufErrors and subtracted.
ip -n "$C" addr add 198.18.0.250/24 dev dhc0
BEFORE_LINES=$(wc -l <"$LOG")
DROPS_BEFORE=$(udp_counter "$S" RcvbufErrors)
ip netns exec "$C" python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("198.18.0.250", 68))
for i in range(500):
    s.sendto(b"\xff" * (20 + i % 200), ("198.18.0.1", 67))'
tally() {
  flood_tally 500 "malformed packet from 198.18.0.250:68 via dhs0" "malformed or anonymous datagrams" \
    $(($(udp_counter "$S" RcvbufErrors) - DROPS_BEFORE)) < <(tail -n +$((BEFORE_LINES + 1)) "$LOG")
}
wait_until 15 tally
tally
echo "flood: $LOGGED lines, $REPORTED reported as held back, $DROPPED dropped by the kernel" >&2
check "flood: a burst of 20 lines, not 500" '[ "$LOGGED" -ge 20 ] && [ "$LOGGED" -le 30 ]'
check "flood: every datagram logged or counted" '[ $((LOGGED + REPORTED + DROPPED)) = 500 ]'
ip -n "$C" addr del 198.18.0.250/24 dev dhc0
udhcpc_once "$OUT"; rc=$?
check "flood: the server still answers" '[ $rc = 0 ] && [ -n "$(field "$OUT" ip)" ]'

# --- kill -9 and restart: the lease survives, the client gets it back ---
ip -n "$C" link set dhc0 address 02:00:00:00:00:22
kill -KILL "$DHCPD_PID"; wait "$DHCPD_PID" 2>/dev/null
start_dhcpd "$LOG" "${FLAGS[@]}"
udhcpc_once "$OUT"; rc=$?
check "restart: leases read back" 'grep -q "^lease 198.18.0.100 {" "$LEASES"'
check "restart: 02:..:22 has 198.18.0.100 again after kill -9" \
  '[ $rc = 0 ] && [ "$(field "$OUT" ip)" = 198.18.0.100 ]'
stop_dhcpd
check "SIGTERM: clean exit 0" '[ "$DHCPD_STATUS" = 0 ]'

# --- --user: drops root, keeps only the network capabilities ---
chmod 755 "$SCRATCH"
start_dhcpd "$LOG" "${FLAGS[@]}" --user nobody
wait_until 10 'grep -qE "^Uid:\s+65534\s" /proc/"$DHCPD_PID"/status || ! running "$DHCPD_PID"'
STATUS=$(cat /proc/"$DHCPD_PID"/status)
check "--user: runs as nobody" 'echo "$STATUS" | grep -qE "^Uid:\s+65534\s+65534\s+65534"'
check "--user: CAP_NET_BIND_SERVICE, CAP_NET_ADMIN, CAP_NET_RAW only" \
  'echo "$STATUS" | grep -qE "^CapEff:\s+0000000000003400$"'
ip -n "$C" link set dhc0 address 02:00:00:00:00:66
udhcpc_once "$OUT"; rc=$?
check "--user: still serves (and writes leases) unprivileged" '[ $rc = 0 ] && [ -n "$(field "$OUT" ip)" ] && grep -q "hardware ethernet 02:00:00:00:00:66;" "$LEASES"'
stop_dhcpd

# --- --daemon: the parent exits once the sockets are bound ---
ip netns exec "$S" "$DHCPD" "${FLAGS[@]}" --daemon >>"$LOG" 2>&1; rc=$?
DPID=$(ip netns exec "$S" ss -H -ulnp 'sport = :67' | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2)
[ -n "$DPID" ] && BACKGROUND+=("$DPID")
check "--daemon: the parent exits 0" '[ $rc = 0 ] && [ -n "$DPID" ]'
ip -n "$C" link set dhc0 address 02:00:00:00:00:22
udhcpc_once "$OUT"; rc=$?
check "--daemon: the background server answers" '[ $rc = 0 ] && [ "$(field "$OUT" ip)" = 198.18.0.100 ]'
[ -n "$DPID" ] && kill "$DPID"

finish
