#!/usr/bin/env bash
# pxe-dhcpd under perfdhcp (Kea's load generator), which always acts as a
# relay: giaddr set, replies to giaddr:67. Everything on the loopback of one
# namespace: pxe-dhcpd --listen 127.0.0.1, perfdhcp -l 127.0.0.2. Then crash
# safety: kill -9 under load, and every ACK perfdhcp received has its lease
# block in the file; a restart reads them all back.

source "$PXEKIT_SRC/tests/support/testlib.sh"
source "$PXEKIT_SRC/tests/support/dhcp_wire.sh"
need_netns
need_cmd perfdhcp ss

dhcp_loopback_setup "pxk-pf-$$"
FLAGS=(--listen 127.0.0.1 --subnet 127.0.0.0/8 --range 127.1.0.1-127.1.255.254
  --lease-time 3600 --lease-file "$LEASES")


# --- relay mode at a gentle rate: everything is answered ---
start_dhcpd "$LOG" "${FLAGS[@]}" -q || { finish; exit 1; }
ip netns exec "$N" perfdhcp -4 -l 127.0.0.2 -r 100 -R 100000 -p 3 127.0.0.1 >"$SCRATCH/perf1.out" 2>&1
ACKS=$(received "$SCRATCH/perf1.out" REQUEST-ACK)
REQS=$(sent "$SCRATCH/perf1.out" REQUEST-ACK)
OFFERS=$(received "$SCRATCH/perf1.out" DISCOVER-OFFER)
check "relay: perfdhcp got OFFERs and ACKs" '[ "${OFFERS:-0}" -gt 100 ] && [ "${ACKS:-0}" -gt 100 ]'
# The last exchange may still be in flight when perfdhcp stops counting.
check "relay: at most 2 REQUESTs unanswered" '[ $((REQS - ACKS)) -le 2 ]'
check "relay: no address handed out twice" 'grep -q "^non unique addresses: 0" "$SCRATCH/perf1.out"'
check "relay: one lease block per ACK" '[ "$(grep -c "^lease 127\.1\." "$LEASES")" -ge "$ACKS" ]'
stop_dhcpd
check "relay: SIGTERM exit 0" '[ "$DHCPD_STATUS" = 0 ]'

# --- kill -9 under load ---
start_dhcpd "$LOG" "${FLAGS[@]}" -q
# The start compacts the file to one block per address, maybe after port
# 67 is bound (with -q it says nothing): count what it holds once compacted.
BEFORE=$(sed -n 's/^lease \([0-9.]*\) {/\1/p' "$LEASES" | sort -u | wc -l)
ip netns exec "$N" perfdhcp -4 -l 127.0.0.2 -r 2000 -R 1000000 -p 4 127.0.0.1 >"$SCRATCH/perf2.out" 2>&1 &
PERF=$!
BACKGROUND+=("$PERF")
sleep 2 # a fixed time on purpose: the kill lands mid-run, under load
kill -KILL "$DHCPD_PID"
wait "$DHCPD_PID" 2>/dev/null
wait "$PERF"
ACKS=$(received "$SCRATCH/perf2.out" REQUEST-ACK)
BLOCKS=$(( $(grep -c "^lease " "$LEASES") - BEFORE ))
check "kill -9: perfdhcp saw ACKs before the kill" '[ "${ACKS:-0}" -gt 0 ]'
check "kill -9: every ACK perfdhcp saw has its block in the file ($BLOCKS >= $ACKS)" \
  '[ "$BLOCKS" -ge "$ACKS" ]'
ACTIVE=$(awk '/^lease /{a=$2} /^  binding state active;/{s[a]=1} END{print length(s)}' "$LEASES")

start_dhcpd "$LOG" "${FLAGS[@]}" -v
# The sockets are bound before the file is read: wait for the word.
wait_until 10 'grep -q "leases read from" "$LOG"'
READ=$(sed -n 's/.*pxe-dhcpd: \([0-9]*\) leases read from.*/\1/p' "$LOG" | tail -n 1)
check "restart: every address in the file read back ($READ = $ACTIVE)" '[ "$READ" = "$ACTIVE" ]'
check "restart: compacted to one block per address" \
  '[ "$(grep -c "^lease " "$LEASES")" = "$ACTIVE" ]'
stop_dhcpd
finish
