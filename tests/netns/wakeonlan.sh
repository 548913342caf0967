#!/usr/bin/env bash
# wakeonlan on the real wire: the two namespaces of tests/support/wol_wire.sh,
# plus d0 10.78.0.1/24 in the sender (a veth to d0p beside it) for
# --all-interfaces. A receiver (wol_sink) on the far end checks the exact
# payload. Nothing is sent outside these namespaces; they are removed on exit.

source "$PXEKIT_SRC/tests/support/testlib.sh"
source "$PXEKIT_SRC/tests/support/wol_wire.sh"
need_netns

WOL=$PXEKIT_BIN/wakeonlan
wol_wire_setup "pxk-wol-s-$$" "pxk-wol-r-$$"
ip -n "$S" link add name d0 type veth peer name d0p
ip -n "$S" addr add 10.78.0.1/24 dev d0
ip -n "$S" link set d0p up
ip -n "$S" link set d0 up
SENDER_MAC=$(ip netns exec "$S" cat /sys/class/net/wols0/address)
RECEIVER_MAC=$(ip netns exec "$R" cat /sys/class/net/wolr0/address)

send() {  # send ARGS...: wakeonlan in the sender namespace
  ip netns exec "$S" "$WOL" "$@"
}

M1=02:00:00:00:00:01
M2=02:00:00:00:00:02
M3=02:00:00:00:00:03

# --- default: 255.255.255.255:9 ---
start_sink udp 9 2 1000
out=$(send $M1); rc=$?
sink_output
check "default: exit 0" '[ $rc = 0 ]'
check "default: Debian's message" '[ "$out" = "Sending magic packet to 255.255.255.255:9 with $M1" ]'
check "default: one packet to 255.255.255.255" \
  '[ "$got" = "udp 10.77.0.1 255.255.255.255 $(magic_hex $M1)" ]'

# --- -I: the interface's directed broadcast ---
start_sink udp 9 2 1000
out=$(send -I wols0 $M2); rc=$?
sink_output
check "-I: exit 0" '[ $rc = 0 ]'
check "-I: message names the interface" \
  '[ "$out" = "Sending magic packet to 10.77.0.255:9 via wols0 with $M2" ]'
check "-I: directed broadcast 10.77.0.255" '[ "$got" = "udp 10.77.0.1 10.77.0.255 $(magic_hex $M2)" ]'

# --- a stdin list of three MACs with a bad line in the middle ---
start_sink udp 9 3 1000
printf '%s\n' "$M1" "02:00:00:zz:00:02" "$M3" | send -q >"$SCRATCH/out" 2>"$SCRATCH/err"; rc=$?
sink_output
check "stdin list: exit 65" '[ $rc = 65 ]'
check "stdin list: -q prints nothing on stdout" '[ ! -s "$SCRATCH/out" ]'
check "stdin list: the bad line is named with line and column" \
  'grep -qx "wakeonlan: <stdin>:2:10: invalid MAC address .02:00:00:zz:00:02.: .z. is not a hex digit.*" "$SCRATCH/err"'
check "stdin list: the good lines were sent, in order" \
  '[ "$got" = "$(printf "udp 10.77.0.1 255.255.255.255 %s\n" $(magic_hex $M1) $(magic_hex $M3))" ]'

# --- per-line IP and PORT from a file ---
printf '# lab\n%s 10.77.0.2 4000   # pc1, unicast\n' "$M1" >"$SCRATCH/macs.txt"
start_sink udp 4000 2 1000
send -f "$SCRATCH/macs.txt" >/dev/null; rc=$?
sink_output
check "file: per-line IP and port" '[ $rc = 0 ] && [ "$got" = "udp 10.77.0.1 10.77.0.2 $(magic_hex $M1)" ]'

# --- SecureOn passwords: 106 and 108 bytes ---
start_sink udp 9 2 1500
send -q -I wols0 -P 192.168.1.1 $M1; rc1=$?
send -q -I wols0 -P 00:22:44:66:88:aa $M2; rc2=$?
sink_output
check "password: exit 0" '[ $rc1 = 0 ] && [ $rc2 = 0 ]'
check "password: 4 and 6 bytes appended" \
  '[ "$got" = "$(printf "udp 10.77.0.1 10.77.0.255 %s\n" $(magic_hex $M1 c0a80101) $(magic_hex $M2 0022446688aa))" ]'

# --- repeats ---
start_sink udp 9 4 1500
send -q -I wols0 -c 3 --interval 20 $M3; rc=$?
sink_output
check "count: exit 0 and exactly 3 packets" '[ $rc = 0 ] && [ "$(echo "$got" | wc -l)" = 3 ]'

# --- --all-interfaces: every broadcast interface with IPv4, not lo ---
start_sink udp 9 2 1000
out=$(send --all-interfaces $M1); rc=$?
sink_output
check "all-interfaces: exit 0" '[ $rc = 0 ]'
check "all-interfaces: wols0 and d0, not lo" '[ "$out" = "$(printf "Sending magic packet to %s with $M1\n" "10.77.0.255:9 via wols0" "10.78.0.255:9 via d0")" ]'
check "all-interfaces: the veth peer got its copy" '[ "$got" = "udp 10.77.0.1 10.77.0.255 $(magic_hex $M1)" ]'

# --- raw 0x0842 frames, caught on an AF_PACKET socket ---
start_sink eth wolr0 2 1000
out=$(send -e -I wols0 $M1); rc=$?
sink_output
check "ethernet: exit 0" '[ $rc = 0 ]'
check "ethernet: message" '[ "$out" = "Sending magic packet to $M1 (ethertype 0x0842) via wols0 with $M1" ]'
check "ethernet: unicast to the target, from the interface's own MAC" \
  '[ "$got" = "eth $SENDER_MAC otherhost $(magic_hex $M1)" ]'

start_sink eth wolr0 2 1000
send -q -e -b -I wols0 -P 1.2.3.4 $M2; rc=$?
sink_output
check "ethernet -b: broadcast frame with password" \
  '[ $rc = 0 ] && [ "$got" = "eth $SENDER_MAC broadcast $(magic_hex $M2 01020304)" ]'

start_sink eth wolr0 2 1000
send -q -e $RECEIVER_MAC; rc=$?
sink_output
check "ethernet without -I: every Ethernet interface, the peer sees it as its own" \
  '[ $rc = 0 ] && [ "$got" = "eth $SENDER_MAC host $(magic_hex $RECEIVER_MAC)" ]'

out=$(ip netns exec "$S" setpriv --reuid=65534 --regid=65534 --clear-groups "$WOL" -e -I wols0 $M1 2>&1); rc=$?
check "ethernet without privilege: exit 77" '[ $rc = 77 ]'
check "ethernet without privilege: says why" '[[ "$out" == *"need CAP_NET_RAW"* ]]'

# --- names from /etc/ethers: a scratch /etc in a mount namespace ---
mkdir -p "$SCRATCH/etc" "$SCRATCH/etc-none" "$SCRATCH/etc-dir/ethers"
printf '# lab\n%s pc1.lab.example\n' "$M1" >"$SCRATCH/etc/ethers"
start_sink udp 9 2 1000
netns_etc "$S" "$SCRATCH/etc" "$WOL" -q PC1.lab.example; rc=$?
sink_output
check "ethers: a name is woken with its MAC" \
  '[ $rc = 0 ] && [ "$got" = "udp 10.77.0.1 255.255.255.255 $(magic_hex $M1)" ]'

# An /etc/ethers that cannot be read is named with why, not taken for a
# file without the name; the MAC beside the name still goes out.
chmod 600 "$SCRATCH/etc/ethers"
start_sink udp 9 2 1000
out=$(netns_etc "$S" "$SCRATCH/etc" setpriv --reuid=65534 --regid=65534 --clear-groups \
  "$WOL" -q pc1.lab.example $M2 2>&1); rc=$?
sink_output
check "ethers unreadable: exit 65" '[ $rc = 65 ]'
check "ethers unreadable: says why" '[ "$out" = "wakeonlan: argument 1: invalid MAC address '"'"'pc1.lab.example'"'"': '"'"'p'"'"' is not a hex digit (and /etc/ethers: Permission denied)" ]'
check "ethers unreadable: the MAC beside it was sent" \
  '[ "$got" = "udp 10.77.0.1 255.255.255.255 $(magic_hex $M2)" ]'
out=$(netns_etc "$S" "$SCRATCH/etc-none" "$WOL" -q pc1.lab.example 2>&1); rc=$?
check "no /etc/ethers: exit 65, no such name (most hosts have no such file)" \
  '[ $rc = 65 ] && [[ "$out" == *"digit (and no such name in /etc/ethers)" ]]'
out=$(netns_etc "$S" "$SCRATCH/etc-dir" "$WOL" -q pc1.lab.example 2>&1); rc=$?
check "/etc/ethers a directory: exit 65 and says so" \
  '[ $rc = 65 ] && [[ "$out" == *"(and /etc/ethers: Is a directory)" ]]'

# --- failures ---
out=$(send -I nosuch0 $M1 2>&1); rc=$?
check "no such interface: exit 69" '[ $rc = 69 ] && [ "$out" = "wakeonlan: interface '"'"'nosuch0'"'"': no such interface" ]'
ip -n "$S" link add name d1 type veth peer name d1p
out=$(send -I d1 $M1 2>&1); rc=$?
check "interface down: exit 69" '[ $rc = 69 ] && [ "$out" = "wakeonlan: interface '"'"'d1'"'"': interface is down" ]'

# A send that fails does not stop the next target: without a default route
# 255.255.255.255 is unreachable, while the on-link directed broadcast works.
ip -n "$S" route del default
start_sink udp 9 2 1000
printf '%s\n%s 10.77.0.255\n' "$M1" "$M2" | send -q 2>"$SCRATCH/err"; rc=$?
sink_output
check "send failure: exit 1" '[ $rc = 1 ]'
check "send failure: names the line, the destination and the reason" \
  'grep -qx "wakeonlan: <stdin>:1: send to 255.255.255.255:9: Network is unreachable" "$SCRATCH/err"'
check "send failure: the next target still went out" \
  '[ "$got" = "udp 10.77.0.1 10.77.0.255 $(magic_hex $M2)" ]'

finish
