#!/usr/bin/env bash
# Load: perfdhcp for 60 s against a pool of 50 addresses, which runs out in
# the first second and stays empty for the rest of the minute. RFC 2131
# says what the server may do then: no OFFER for a DISCOVER it has no
# address for (4.3.1), a NAK for a REQUEST of an address it will not give
# (4.3.2), silence for an INIT-REBOOT it has no record of; never an ACK.
# Checked: every ACK on the wire (a sniffer) is for an address of the pool,
# and no address is ACKed to two MACs; the lease file holds only pool
# addresses; probes sent mid-run as another relay get no OFFER, a NAK or
# silence; the server logs one line per request (as ISC dhcpd does: no
# amplification, no flood beyond the traffic); its RSS does not grow once
# the pool is empty; it is alive at the end and exits 0 on SIGTERM.
# Everything on the loopback of one namespace the test creates.

source "$PXEKIT_SRC/tests/support/testlib.sh"
source "$PXEKIT_SRC/tests/support/dhcp_wire.sh"
need_netns
need_cmd perfdhcp ss python3

# The clean rate: 150 requests/s is well under what pxe-dhcpd answers
# without loss on this loopback (the perfdhcp test runs 2000/s), so that
# on a loaded 2-core host every request is still read and a silence is the
# server's choice, not a full socket buffer. -R 1000000 clients: each
# DISCOVER comes from a new MAC, 9000 clients for 50 addresses.
RATE=150
SECONDS_RUN=60
POOL=50
dhcp_loopback_setup "pxk-ex-$$"
ip -n "$N" addr add 127.0.0.3/8 dev lo # the probes' relay
RANGE_RE='^127\.1\.0\.([1-9]|[1-4][0-9]|50)$'

# Every ACK on the namespace's loopback: "lo YIADDR CHADDR".
ACKS=$SCRATCH/acks
ip netns exec "$N" python3 "$PXEKIT_SRC/tests/support/dhcp_ack_sniff.py" 120 "$ACKS" lo \
  2>"$SCRATCH/sniff.err" &
BACKGROUND+=("$!")
SNIFF=$!
# It opens its output once its socket is bound.
wait_until 30 '[ -e "$ACKS" ] || ! running $SNIFF' && [ -e "$ACKS" ] ||
  { fail "the ACK sniffer did not start" "$(cat "$SCRATCH/sniff.err")"; finish; exit 1; }

start_dhcpd "$LOG" --listen 127.0.0.1 --subnet 127.0.0.0/8 --range 127.1.0.1-127.1.0.50 \
  --lease-time 3600 --lease-file "$LEASES" || { finish; exit 1; }
rss() { sed -n "s/^$2:[[:space:]]*\([0-9]*\) kB/\1/p" "/proc/$1/status"; }

timeout $((SECONDS_RUN + 60)) ip netns exec "$N" perfdhcp -4 -l 127.0.0.2 -r "$RATE" \
  -R 1000000 -p "$SECONDS_RUN" 127.0.0.1 >"$SCRATCH/perf.out" 2>&1 &
PERF=$!
BACKGROUND+=("$PERF")

# VmRSS every 5 s while perfdhcp runs (at most 20 samples: 100 s).
SAMPLES=()
PROBED=
TAKEN=
for i in $(seq 20); do
  running "$PERF" || break
  SAMPLES+=("$(rss "$DHCPD_PID" VmRSS)")
  if [ "$i" = 6 ]; then
    # Mid-run (25 s), the pool long empty: probes from a second relay.
    # A leased address, taken from the lease file, and a new MAC.
    TAKEN=$(sed -n 's/^lease \(127\.1\.0\.[0-9]*\) {/\1/p' "$LEASES" | head -1)
    timeout 30 ip netns exec "$N" python3 "$PXEKIT_SRC/tests/support/dhcp_probe.py" \
      127.0.0.3 127.0.0.1 127.0.0.1 \
      "discover,02:00:00:ee:00:01,-" \
      "discover,02:00:00:ee:00:02,127.1.0.7" \
      "select,02:00:00:ee:00:03,$TAKEN" \
      "select,02:00:00:ee:00:04,127.1.0.51" \
      "reboot,02:00:00:ee:00:05,$TAKEN" \
      "reboot,02:00:00:ee:00:06,127.1.0.51" \
      >"$SCRATCH/probe.out" 2>&1
    PROBED=1
    sleep 1 # a fixed time on purpose: about 5 s between samples, the probes included
  else
    sleep 5 # a fixed time on purpose: the sampling interval
  fi
done
wait "$PERF"
PERF_RC=$?
running "$DHCPD_PID" && ALIVE=1 || ALIVE=0
HWM=$(rss "$DHCPD_PID" VmHWM)
# The sniffer writes the last ACKs: until it has read all it was given.
wait_until 10 'caught_up $SNIFF'
kill "$SNIFF" 2>/dev/null
wait "$SNIFF" 2>/dev/null
stop_dhcpd

check "perfdhcp ran its $SECONDS_RUN s (status $PERF_RC; 3 means drops, expected here)" \
  '[ "$PERF_RC" = 0 ] || [ "$PERF_RC" = 3 ]' || cat "$SCRATCH/perf.out" >&2
check "the server was alive at the end" '[ "$ALIVE" = 1 ]' || tail "$LOG" >&2
check "SIGTERM: exit 0" '[ "$DHCPD_STATUS" = 0 ]'

# --- perfdhcp's view ---
DISC=$(sent "$SCRATCH/perf.out" DISCOVER-OFFER)
OFFERS=$(received "$SCRATCH/perf.out" DISCOVER-OFFER)
REQS=$(sent "$SCRATCH/perf.out" REQUEST-ACK)
PACKS=$(received "$SCRATCH/perf.out" REQUEST-ACK)
echo "# perfdhcp: $DISC DISCOVERs, $OFFERS OFFERs, $REQS REQUESTs, $PACKS ACKs at $RATE/s for $SECONDS_RUN s"
check "perfdhcp sent the load (${DISC:-0} DISCOVERs > $((RATE * SECONDS_RUN / 2)))" \
  '[ "${DISC:-0}" -gt $((RATE * SECONDS_RUN / 2)) ]'
check "perfdhcp got ACKs (${PACKS:-0})" '[ "${PACKS:-0}" -gt 0 ]'
# An OFFER is only made with a free address: once the 50 are ACKed, none.
check "at most $POOL OFFERs for ${DISC:-0} DISCOVERs (${OFFERS:-0})" '[ "${OFFERS:-0}" -le "$POOL" ]'

# --- the wire: every ACK the server sent ---
NACK=$(wc -l <"$ACKS")
ADDRS=$(awk '{print $2}' "$ACKS" | sort -u | wc -l)
OUTSIDE=$(awk '{print $2}' "$ACKS" | grep -Evc "$RANGE_RE")
TWICE=$(awk '{print $2, $3}' "$ACKS" | sort -u | awk '{print $1}' | uniq -d)
echo "# wire: $NACK ACKs, $ADDRS distinct addresses"
check "the sniffer saw every ACK perfdhcp counted ($NACK >= ${PACKS:-0})" '[ "$NACK" -ge "${PACKS:-0}" ]' ||
  cat "$SCRATCH/sniff.err" >&2
check "ACKs: at most $POOL distinct addresses ($ADDRS)" '[ "$ADDRS" -le "$POOL" ] && [ "$ADDRS" -gt 0 ]'
check "ACKs: none for an address outside the pool ($OUTSIDE)" '[ "$OUTSIDE" = 0 ]'
check "ACKs: no address ACKed to two MACs" '[ -z "$TWICE" ]' || echo "$TWICE" | head >&2

# --- the lease file ---
FILE_ADDRS=$(sed -n 's/^lease \([0-9.]*\) {/\1/p' "$LEASES" | sort -u)
check "lease file: $POOL addresses at most, all in the pool ($(echo "$FILE_ADDRS" | grep -c .))" \
  '[ "$(echo "$FILE_ADDRS" | grep -c .)" -le "$POOL" ] && ! echo "$FILE_ADDRS" | grep -Eqv "$RANGE_RE"'
HOLDERS=$(awk '/^lease /{a=$2} /^  hardware ethernet /{m[a]=$3} END{for (a in m) print a, m[a]}' "$LEASES" |
  tr -d ';' | sort)
ACKED=$(awk '{m=$3; print $2, substr(m,1,2)":"substr(m,3,2)":"substr(m,5,2)":"substr(m,7,2)":"substr(m,9,2)":"substr(m,11,2)}' \
  "$ACKS" | sort -u)
check "lease file: each address's holder is the MAC it was ACKed to" '[ "$HOLDERS" = "$ACKED" ]' ||
  diff <(echo "$HOLDERS") <(echo "$ACKED") | head >&2

# --- the probes, mid-run ---
probe() { grep -c "^$1 $2 [^ ]* $3\$" "$SCRATCH/probe.out"; } # probe KIND MAC REPLY
sed 's/^/# probe: /' "$SCRATCH/probe.out"
check "probes ran mid-run" '[ -n "$PROBED" ] && [ "$(grep -c . "$SCRATCH/probe.out")" = 6 ]' ||
  cat "$SCRATCH/probe.out" >&2
check "probe: DISCOVER from a new MAC, pool empty: no OFFER (RFC 2131 4.3.1)" \
  '[ "$(probe discover 02:00:00:ee:00:01 none)" = 1 ]'
check "probe: DISCOVER asking for a leased address: no OFFER" \
  '[ "$(probe discover 02:00:00:ee:00:02 none)" = 1 ]'
check "probe: REQUEST (SELECTING) of another MAC's address $TAKEN: NAK (4.3.2)" \
  '[ "$(probe select 02:00:00:ee:00:03 "NAK 0.0.0.0")" = 1 ]'
check "probe: REQUEST (SELECTING) of an address outside the pool: NAK" \
  '[ "$(probe select 02:00:00:ee:00:04 "NAK 0.0.0.0")" = 1 ]'
# With flags (no -c) the server is authoritative, as dnsmasq with
# dhcp-authoritative (lib/dhcpd/configuration.cc): an address it
# knows is another client's is wrong for this one, NAK (as ISC dhcpd's
# "lease unavailable"); one it has no record of at all, silence (a MUST).
check "probe: INIT-REBOOT of another MAC's address: NAK" \
  '[ "$(probe reboot 02:00:00:ee:00:05 "NAK 0.0.0.0")" = 1 ]'
check "probe: INIT-REBOOT of an address with no record, unknown client: silence (4.3.2)" \
  '[ "$(probe reboot 02:00:00:ee:00:06 none)" = 1 ]'
check "probe: no ACK to any probe" '! grep -q " ACK " "$SCRATCH/probe.out"'
check "log: the DISCOVERs were refused for want of an address" \
  'grep -q "DHCPDISCOVER from 02:00:00:ee:00:01 .*no reply: no free leases" "$LOG"' || tail -n 3 "$LOG" >&2

# --- the log: one line per request, no more ---
LINES=$(wc -l <"$LOG")
NOFREE=$(grep -c "no reply: no free leases" "$LOG")
echo "# log: $LINES lines ($(($(wc -c <"$LOG") / 1024)) KiB), $NOFREE 'no free leases'"
check "log: about one 'no free leases' line per unanswered DISCOVER ($NOFREE, DISCOVERs $DISC - OFFERs $OFFERS)" \
  '[ "$NOFREE" -le $((DISC - OFFERS + 2)) ] && [ "$NOFREE" -ge $(((DISC - OFFERS) * 9 / 10)) ]'
check "log: no more lines than requests (+ start and stop)" \
  '[ "$LINES" -le $((DISC + REQS + 5 + 20)) ]'

# --- RSS ---
echo "# VmRSS every 5 s (kB): ${SAMPLES[*]}; VmHWM $HWM kB"
N_S=${#SAMPLES[@]}
BASE=${SAMPLES[2]:-0}
# The margin: 1 MiB, for allocator noise (a malloc arena trimmed or not, the
# log's stdio buffer); a leak per refused request would be 9000 x its size.
MARGIN=1024
if sanitized "$DHCPD"; then
  # ASan keeps freed blocks in a quarantine of up to 256 MiB: its RSS grows
  # with every request served, leak or not.
  echo "# RSS not bounded: a sanitized server (its quarantine grows)"
else
  LAST=$(printf '%s\n' "${SAMPLES[@]:$((N_S - 3))}" | sort -n | tail -n 1)
  check "RSS: the last 3 samples ($LAST kB) within $MARGIN kB of the one at 10 s ($BASE kB)" \
    '[ "$N_S" -ge 10 ] && [ "$LAST" -le $((BASE + MARGIN)) ]'
fi
finish
