#!/usr/bin/env bash
# Fault: SIGHUP reloads under load with a broken configuration file. While
# perfdhcp runs, the file is replaced by one with an error and pxe-dhcpd
# gets five SIGHUPs: each is refused with the error's file:line:col, the old
# configuration keeps serving, and no request is lost: the server's socket
# drops none, and each request perfdhcp counts as unanswered is one whose
# reply perfdhcp's own socket dropped, as on a loaded host (perfdhcp's
# counters, with the replies in flight waited for; drops per socket; a run
# without reloads first, for comparison). Then a valid file with another lease
# time is reloaded under load: new leases get it, and again no request is
# lost.
# Everything on the loopback of one namespace the test creates.

source "$PXEKIT_SRC/tests/support/testlib.sh"
source "$PXEKIT_SRC/tests/support/dhcp_wire.sh"
need_netns
need_cmd perfdhcp ss

dhcp_loopback_setup "pxk-fr-$$"
CONF=$SCRATCH/dhcpd.conf
conf() { # conf RANGE_PREFIX [EXTRA]: the configuration file
  printf 'subnet 127.0.0.0 netmask 255.0.0.0 {\n  range %s.0.1 %s.255.254;\n%s}\n' \
    "$1" "$1" "${2-}" >"$CONF"
}
conf 127.1

# unanswered OUT: REQUESTs sent minus ACKs received, DISCOVERs minus OFFERs.
unanswered() {
  echo $(($(sent "$1" REQUEST-ACK) - $(received "$1" REQUEST-ACK))) \
    $(($(sent "$1" DISCOVER-OFFER) - $(received "$1" DISCOVER-OFFER)))
}
perf() { # perf OUT SECONDS: perfdhcp as a relay from 127.0.0.2; it waits
  # 1 s at the end for the replies in flight (-W), so that each is counted
  ip netns exec "$N" perfdhcp -4 -l 127.0.0.2 -r 300 -R 1000000 -p "$2" -W 1000000 \
    127.0.0.1 >"$1" 2>&1
}

# Where a request perfdhcp counts as unanswered went. The server's socket
# (127.0.0.1:67) may drop it for a full buffer: the last column of
# /proc/net/udp, which must stay 0. perfdhcp, a relay, has its own socket
# on 127.0.0.2:67; on a loaded host it falls behind, and its buffer drops
# replies (RcvbufErrors, less the server's drops), or a reply comes after
# it gave its request up (an orphan) or after it exited (NoPorts). Each
# unanswered request must be one of those: the test waits until the counts
# match, as late replies may still be arriving.
server_drops() {
  ip netns exec "$N" awk 'NR > 1 && $2 == "0100007F:0043" {n += $NF} END {print n + 0}' /proc/net/udp
}
counters_before() {
  DROPS_BEFORE=$(udp_counter "$N" RcvbufErrors)
  SERVER_DROPS_BEFORE=$(server_drops)
  NO_PORTS_BEFORE=$(udp_counter "$N" NoPorts)
}
# accounted OUT: sets REQ and DISC (unanswered), SERVER_DROPS and
# LOST_AT_PERFDHCP; true when the unanswered requests of perfdhcp's run
# (output OUT) are all replies perfdhcp lost.
accounted() {
  read -r REQ DISC < <(unanswered "$1")
  SERVER_DROPS=$(($(server_drops) - SERVER_DROPS_BEFORE))
  LOST_AT_PERFDHCP=$(($(udp_counter "$N" RcvbufErrors) - DROPS_BEFORE - SERVER_DROPS +
    $(udp_counter "$N" NoPorts) - NO_PORTS_BEFORE + $(orphans "$1" REQUEST-ACK) + $(orphans "$1" DISCOVER-OFFER)))
  [ $((REQ + DISC)) = "$LOST_AT_PERFDHCP" ]
}

start_dhcpd "$LOG" --listen 127.0.0.1 -c "$CONF" --lease-file "$LEASES" -q || { finish; exit 1; }

# --- baseline: the same load without reloads ---
perf "$SCRATCH/base.out" 4
read -r BASE_REQ BASE_DISC < <(unanswered "$SCRATCH/base.out")
BASE_ACKS=$(received "$SCRATCH/base.out" REQUEST-ACK)
check "baseline: perfdhcp got ACKs (${BASE_ACKS:-0})" '[ "${BASE_ACKS:-0}" -gt 300 ]'

# --- five SIGHUPs with a broken file, under load ---
counters_before
perf "$SCRATCH/broken.out" 5 &
PERF=$!
BACKGROUND+=("$PERF")
sleep 1 # a fixed time on purpose: the reloads come with the load running
conf 127.9 $'  default-lease-time ten;\n'
# One SIGHUP at a time: one sent before the last is handled would merge
# with it. Spread over the run: a fixed 0.5 s between them, on purpose.
for i in $(seq 5); do
  kill -HUP "$DHCPD_PID"
  wait_until 10 '[ "$(grep -c "pxe-dhcpd: reload failed" "$LOG")" -ge "$i" ]'
  sleep 0.5
done
wait "$PERF"
# Replies to the last requests may still be on their way: wait for them.
wait_until 10 'accounted "$SCRATCH/broken.out"'
ACKS=$(received "$SCRATCH/broken.out" REQUEST-ACK)
REFUSED=$(grep -c "pxe-dhcpd: reload failed, keeping the old configuration: $CONF:3:22: expected default-lease-time (a number), found 'ten'" "$LOG")
check "broken file: each of the 5 SIGHUPs refused, naming file:line:col ($REFUSED)" '[ "$REFUSED" = 5 ]' ||
  cat "$LOG" >&2
check "broken file: the server is still running" 'kill -0 "$DHCPD_PID"'
check "broken file: perfdhcp got ACKs throughout (${ACKS:-0})" '[ "${ACKS:-0}" -gt 300 ]'
check "broken file: no request dropped at the server's socket ($SERVER_DROPS)" '[ "$SERVER_DROPS" = 0 ]'
check "broken file: every request answered, or its reply lost at perfdhcp (unanswered: REQUEST $REQ, DISCOVER $DISC; lost at perfdhcp $LOST_AT_PERFDHCP; without reloads $BASE_REQ, $BASE_DISC unanswered)" \
  'accounted "$SCRATCH/broken.out"'
check "broken file: the old range kept serving (no lease from the broken file's range)" \
  '! grep -q "^lease 127\.9\." "$LEASES" && grep -q "^lease 127\.1\." "$LEASES"'

# --- the file repaired, with another lease time: reloaded under load ---
counters_before
perf "$SCRATCH/fixed.out" 4 &
PERF=$!
BACKGROUND+=("$PERF")
sleep 1 # a fixed time on purpose: the reload comes with the load running
conf 127.1 $'  default-lease-time 1800;\n'
kill -HUP "$DHCPD_PID"
wait "$PERF"
# Replies to the last requests may still be on their way: wait for them.
wait_until 10 'accounted "$SCRATCH/fixed.out"'
# The last block's ends - starts: the new lease time.
LAST=$(awk '/^  starts /{s=$3" "$4} /^  ends /{e=$3" "$4} END{print s"|"e}' "$LEASES" | tr -d ';')
TIME=$(( $(date -u -d "${LAST#*|}" +%s) - $(date -u -d "${LAST%|*}" +%s) ))
check "valid file: new leases get the new lease time ($TIME s)" '[ "$TIME" = 1800 ]'
check "valid file: no request dropped at the server's socket ($SERVER_DROPS)" '[ "$SERVER_DROPS" = 0 ]'
check "valid file: every request answered, or its reply lost at perfdhcp (unanswered: REQUEST $REQ, DISCOVER $DISC; lost at perfdhcp $LOST_AT_PERFDHCP)" \
  'accounted "$SCRATCH/fixed.out"'
stop_dhcpd
check "SIGTERM: exit 0" '[ "$DHCPD_STATUS" = 0 ]'
echo "reload under perfdhcp: baseline $BASE_ACKS ACKs, $BASE_REQ REQUESTs unanswered; with 5 broken reloads $ACKS ACKs"
finish
