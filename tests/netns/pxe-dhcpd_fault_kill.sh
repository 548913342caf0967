#!/usr/bin/env bash
# Fault: kill -9 of pxe-dhcpd under load, four times in a row, each time
# restarted on the same lease file while perfdhcp keeps sending. A sniffer
# records every DHCPACK that left the server (on the wire, not perfdhcp's
# own counters). Checked after each kill and after the last restart: every
# ACKed address is in the lease file, held by the MAC it was ACKed to
# (fsync before ACK), and a restart reads every address back.
# Everything runs on the loopback of one namespace the test creates:
# pxe-dhcpd --listen 127.0.0.1, perfdhcp as a relay from 127.0.0.2.

source "$PXEKIT_SRC/tests/support/testlib.sh"
source "$PXEKIT_SRC/tests/support/dhcp_wire.sh"
need_netns
need_cmd perfdhcp ss python3

dhcp_loopback_setup "pxk-fk-$$"
ACKS=$SCRATCH/acks
FLAGS=(--listen 127.0.0.1 --subnet 127.0.0.0/8 --range 127.1.0.1-127.1.255.254
  --lease-time 3600 --lease-file "$LEASES" -q)
ROUNDS=4

ip netns exec "$N" python3 "$PXEKIT_SRC/tests/support/dhcp_ack_sniff.py" 60 "$ACKS" lo \
  2>"$SCRATCH/sniff.err" &
SNIFF=$!
BACKGROUND+=("$SNIFF")
# It opens its output once its socket is bound.
wait_until 30 '[ -e "$ACKS" ] || ! running $SNIFF' && [ -e "$ACKS" ] ||
  { fail "the ACK sniffer did not start" "$(cat "$SCRATCH/sniff.err")"; finish; exit 1; }

# missing: the ACKed "address mac" pairs whose address the lease file does
# not give to that MAC (the last block of an address wins, as in ISC's file).
missing() {
  awk 'NR == FNR { if (/^lease /) a = $2
                   if (/^  hardware ethernet /) { m = $3; sub(/;$/, "", m); gsub(/:/, "", m); mac[a] = m }
                   next }
       mac[$2] != $3 { print $2, $3 }' "$LEASES" "$ACKS" | sort -u
}
wait_acks() { # wait_acks N: until the sniffer has seen more than N ACKs (30 s)
  local n=$1
  wait_until 30 '[ "$(wc -l <"$ACKS")" -gt "$n" ] || ! running $PERF'
}

start_dhcpd "$LOG" "${FLAGS[@]}" || { finish; exit 1; }
# One run of perfdhcp across every kill and restart: new clients all along.
ip netns exec "$N" perfdhcp -4 -l 127.0.0.2 -r 400 -R 1000000 -p 16 127.0.0.1 \
  >"$SCRATCH/perf.out" 2>&1 &
PERF=$!
BACKGROUND+=("$PERF")
for round in $(seq "$ROUNDS"); do
  [ "$round" = 1 ] || start_dhcpd "$LOG" "${FLAGS[@]}" || break
  SEEN=$(wc -l <"$ACKS")
  wait_acks "$((SEEN + 200))"
  kill -KILL "$DHCPD_PID"
  wait "$DHCPD_PID" 2>/dev/null
  wait_until 10 'caught_up $SNIFF' # the sniffer writes the last ACKs of this round
  NOW=$(wc -l <"$ACKS")
  check "round $round: the server ACKed under load ($((NOW - SEEN)) ACKs)" '[ "$NOW" -gt "$((SEEN + 100))" ]'
  LOST=$(missing)
  check "round $round: after kill -9 every ACKed lease is in the file ($NOW ACKs so far)" \
    '[ -z "$LOST" ]' || { echo "$LOST" | head; } >&2
done

# The last restart, still under load: it reads every address back.
ACTIVE=$(awk '/^lease /{a=$2} /^  binding state active;/{s[a]=1} END{print length(s)}' "$LEASES")
start_dhcpd "$LOG" "${FLAGS[@]/-q/-v}"
# The sockets are bound before the file is read: wait for the word.
wait_until 10 'grep -q "leases read from" "$LOG"'
READ=$(sed -n 's/.*pxe-dhcpd: \([0-9]*\) leases read from.*/\1/p' "$LOG" | tail -n 1)
check "restart: every address in the file read back ($READ = $ACTIVE)" '[ "$READ" = "$ACTIVE" ]'
check "restart: the file read cleanly after $ROUNDS kills (no torn block)" \
  '! grep -q "is kept as" "$LOG"'
wait "$PERF"
stop_dhcpd
wait_until 10 'caught_up $SNIFF' # the sniffer writes the last ACKs
kill "$SNIFF" 2>/dev/null
wait "$SNIFF" 2>/dev/null
TOTAL=$(awk '{print $2}' "$ACKS" | sort -u | wc -l)
LOST=$(missing)
check "after $ROUNDS kills and restarts: all $TOTAL ACKed addresses in the file with their MAC" \
  '[ -z "$LOST" ] && [ "$TOTAL" -gt 400 ]' || { echo "$LOST" | head; cat "$SCRATCH/sniff.err"; } >&2
check "SIGTERM after the restarts: exit 0" '[ "$DHCPD_STATUS" = 0 ]'
echo "kill -9 x$ROUNDS under perfdhcp: $TOTAL addresses ACKed on the wire, $(echo -n "$LOST" | grep -c .) missing from the lease file"
finish
