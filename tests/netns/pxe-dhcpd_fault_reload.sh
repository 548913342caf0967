#!/usr/bin/env bash
# Fault: SIGHUP reloads under load with a broken configuration file. While
# perfdhcp runs, the file is replaced by one with an error and pxe-dhcpd
# gets five SIGHUPs: each is refused with the error's file:line:col, the old
# configuration keeps serving, and no request goes unanswered (perfdhcp's
# counters; a run without reloads first gives the baseline). Then a valid
# file with another lease time is reloaded under load: new leases get it,
# and again no request is lost.
# Everything on the loopback of one namespace the test creates.

source "$PXEKIT_SRC/tests/support/testlib.sh"
source "$PXEKIT_SRC/tests/support/dhcp_wire.sh"
need_netns
need_cmd perfdhcp ss

N="pxk-fr-$$"
netns_add "$N"
ip -n "$N" addr add 127.0.0.2/8 dev lo
S=$N
LOG=$SCRATCH/dhcpd.log
LEASES=$SCRATCH/dhcpd.leases
CONF=$SCRATCH/dhcpd.conf
conf() { # conf RANGE_PREFIX [EXTRA]: the configuration file
  printf 'subnet 127.0.0.0 netmask 255.0.0.0 {\n  range %s.0.1 %s.255.254;\n%s}\n' \
    "$1" "$1" "${2-}" >"$CONF"
}
conf 127.1

received() {
  awk -v x="$2" '/^\*\*\*Statistics for: /{cur=$0} cur ~ x && /^received packets:/{print $3}' "$1"
}
sent() {
  awk -v x="$2" '/^\*\*\*Statistics for: /{cur=$0} cur ~ x && /^sent packets:/{print $3}' "$1"
}
# unanswered OUT: REQUESTs sent minus ACKs received, DISCOVERs minus OFFERs.
unanswered() {
  echo $(($(sent "$1" REQUEST-ACK) - $(received "$1" REQUEST-ACK))) \
    $(($(sent "$1" DISCOVER-OFFER) - $(received "$1" DISCOVER-OFFER)))
}
perf() { # perf OUT SECONDS: perfdhcp as a relay from 127.0.0.2
  ip netns exec "$N" perfdhcp -4 -l 127.0.0.2 -r 300 -R 1000000 -p "$2" 127.0.0.1 >"$1" 2>&1
}

start_dhcpd "$LOG" --listen 127.0.0.1 -c "$CONF" --lease-file "$LEASES" -q || { finish; exit 1; }

# --- baseline: the same load without reloads ---
perf "$SCRATCH/base.out" 4
read -r BASE_REQ BASE_DISC < <(unanswered "$SCRATCH/base.out")
BASE_ACKS=$(received "$SCRATCH/base.out" REQUEST-ACK)
check "baseline: perfdhcp got ACKs (${BASE_ACKS:-0})" '[ "${BASE_ACKS:-0}" -gt 300 ]'

# --- five SIGHUPs with a broken file, under load ---
perf "$SCRATCH/broken.out" 5 &
PERF=$!
BACKGROUND+=("$PERF")
sleep 1
conf 127.9 $'  default-lease-time ten;\n'
for i in $(seq 5); do
  kill -HUP "$DHCPD_PID"
  sleep 0.5
done
wait "$PERF"
read -r REQ DISC < <(unanswered "$SCRATCH/broken.out")
ACKS=$(received "$SCRATCH/broken.out" REQUEST-ACK)
REFUSED=$(grep -c "pxe-dhcpd: reload failed, keeping the old configuration: $CONF:3:22: expected default-lease-time (a number), found 'ten'" "$LOG")
check "broken file: each of the 5 SIGHUPs refused, naming file:line:col ($REFUSED)" '[ "$REFUSED" = 5 ]' ||
  cat "$LOG" >&2
check "broken file: the server is still running" 'kill -0 "$DHCPD_PID"'
check "broken file: perfdhcp got ACKs throughout (${ACKS:-0})" '[ "${ACKS:-0}" -gt 300 ]'
check "broken file: no more requests unanswered than without reloads (REQUEST $REQ vs $BASE_REQ, DISCOVER $DISC vs $BASE_DISC; 2 may be in flight)" \
  '[ "$REQ" -le "$((BASE_REQ > 2 ? BASE_REQ : 2))" ] && [ "$DISC" -le "$((BASE_DISC > 2 ? BASE_DISC : 2))" ]'
check "broken file: the old range kept serving (no lease from the broken file's range)" \
  '! grep -q "^lease 127\.9\." "$LEASES" && grep -q "^lease 127\.1\." "$LEASES"'

# --- the file repaired, with another lease time: reloaded under load ---
perf "$SCRATCH/fixed.out" 4 &
PERF=$!
BACKGROUND+=("$PERF")
sleep 1
conf 127.1 $'  default-lease-time 1800;\n'
kill -HUP "$DHCPD_PID"
wait "$PERF"
read -r REQ DISC < <(unanswered "$SCRATCH/fixed.out")
# The last block's ends - starts: the new lease time.
LAST=$(awk '/^  starts /{s=$3" "$4} /^  ends /{e=$3" "$4} END{print s"|"e}' "$LEASES" | tr -d ';')
TIME=$(( $(date -u -d "${LAST#*|}" +%s) - $(date -u -d "${LAST%|*}" +%s) ))
check "valid file: new leases get the new lease time ($TIME s)" '[ "$TIME" = 1800 ]'
check "valid file: no more requests unanswered than without reloads (REQUEST $REQ, DISCOVER $DISC)" \
  '[ "$REQ" -le "$((BASE_REQ > 2 ? BASE_REQ : 2))" ] && [ "$DISC" -le "$((BASE_DISC > 2 ? BASE_DISC : 2))" ]'
stop_dhcpd
check "SIGTERM: exit 0" '[ "$DHCPD_STATUS" = 0 ]'
echo "reload under perfdhcp: baseline $BASE_ACKS ACKs, $BASE_REQ REQUESTs unanswered; with 5 broken reloads $ACKS ACKs"
finish
