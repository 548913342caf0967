#!/usr/bin/env bash
# The two senders under load (issue 15, Load), in namespaces made here and
# removed on exit; nothing leaves them.
#
# 1. wakeonlan with 10,000 distinct MACs on standard input, to 127.0.0.1 in
#    the namespace $W. A receiver with a 64 MiB socket buffer (so that a slow
#    receiver cannot lose what the sender sent) checks that every MAC arrived
#    once, as a well-formed magic packet.
# 2. pxe-poweroff with 1,000 hosts in one run, against 200 agents on --exec
#    (each answering for 5 addresses on its own macvlan, all in the
#    namespace $A; see below why not 1,000): every host acked, each host's
#    request accepted once by its own agent, each command run once.
#
# Bounded time: every sender runs under timeout(1), and its wall time is
# printed. Bounded memory: its peak RSS (GNU time's %M) stays under a stated
# bound and within a stated margin of a run with few targets.

source "$PXEKIT_SRC/tests/support/testlib.sh"
need_netns
need_cmd python3
[ -x /usr/bin/time ] || skip "GNU time (/usr/bin/time) is not installed"

WOL=$PXEKIT_BIN/wakeonlan
PO=$PXEKIT_BIN/pxe-poweroff
[ -x "$WOL" ] && [ -x "$PO" ] || { fail "wakeonlan and pxe-poweroff are built"; finish; exit 1; }

NMACS=10000
WOL_PORT=40009
WOL_MAX_KIB=$((24 * 1024))   # peak RSS bound of wakeonlan with 10,000 MACs
WOL_GROWTH_KIB=$((8 * 1024)) # at most this much above its RSS with 10 MACs
AGENTS=200
PER_AGENT=5
NHOSTS=$((AGENTS * PER_AGENT))
PO_MAX_KIB=$((32 * 1024))    # peak RSS bound of the sender with 1,000 hosts
PO_GROWTH_KIB=$((8 * 1024))  # at most this much above its RSS with 1 host
PO_WAIT=60
# Sanitized (make check-asan): ASan's quarantine and shadow on top of each
# bound (asan_slack_kib), as pxe-tftpd_load allows; the unsanitized run
# holds the tight ones.
WOL_MAX_KIB=$((WOL_MAX_KIB + $(asan_slack_kib "$WOL" "$WOL_MAX_KIB")))
WOL_GROWTH_KIB=$((WOL_GROWTH_KIB + $(asan_slack_kib "$WOL")))
PO_MAX_KIB=$((PO_MAX_KIB + $(asan_slack_kib "$PO" "$PO_MAX_KIB")))
PO_GROWTH_KIB=$((PO_GROWTH_KIB + $(asan_slack_kib "$PO")))

now_ms() { date +%s%3N; }
# peak_kib FILE: the %M that GNU time wrote (its last line)
peak_kib() { tail -n 1 "$1"; }

# ===================== 1. wakeonlan, 10,000 MACs =====================
W=pxk-bulk-w-$$
netns_add "$W"
ip -n "$W" link set lo up

# 02:00:00:XX:YY:ZZ for i = 1..10000: distinct, deterministic.
for ((i = 1; i <= NMACS; i++)); do
  printf '02:00:00:%02x:%02x:%02x\n' $((i >> 16)) $(((i >> 8) & 255)) $((i & 255))
done >"$SCRATCH/macs.txt"
check "the list holds $NMACS distinct MACs" '[ "$(sort -u "$SCRATCH/macs.txt" | wc -l)" = $NMACS ]'

# wol_receiver COUNT OUT: in $W, on 127.0.0.1:$WOL_PORT, one line per
# datagram: the MAC of a well-formed magic packet, else "bad HEX"; it stops
# after COUNT datagrams or 20 s without one (a sender slow to start on a
# loaded machine). The buffer (SO_RCVBUFFORCE, as
# root) holds every datagram even if the receiver is not scheduled at all.
wol_receiver() {
  rm -f "$SCRATCH/wol.ready"
  ip netns exec "$W" timeout 120 python3 -c '
import socket, sys
count, port, out, ready = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, 33, 64 << 20)  # SO_RCVBUFFORCE
s.bind(("127.0.0.1", port))
open(ready, "w").close()
s.settimeout(20.0)
with open(out, "w") as f:
    for _ in range(count):
        try:
            p = s.recv(2048)
        except socket.timeout:
            break
        mac = p[6:12]
        if len(p) == 102 and p[:6] == b"\xff" * 6 and p[6:] == mac * 16:
            f.write(":".join("%02x" % b for b in mac) + "\n")
        else:
            f.write("bad " + p.hex() + "\n")
' "$1" "$WOL_PORT" "$2" "$SCRATCH/wol.ready" &
  RECV_PID=$!
  BACKGROUND+=("$RECV_PID")
  wait_until 20 '[ -e "$SCRATCH/wol.ready" ]' || fail "the receiver did not start"
}
# wol_send LIST OUT: wakeonlan reads LIST on stdin; its peak RSS to OUT.time
wol_send() {
  ip netns exec "$W" timeout 60 /usr/bin/time -f %M -o "$2.time" \
    "$WOL" -i 127.0.0.1 -p "$WOL_PORT" <"$1" >"$2" 2>"$2.err"
}

# A small run first: the baseline RSS for 10 MACs.
head -n 10 "$SCRATCH/macs.txt" >"$SCRATCH/macs10.txt"
wol_receiver 10 "$SCRATCH/got10.txt"
wol_send "$SCRATCH/macs10.txt" "$SCRATCH/wol10.out"; rc=$?
wait "$RECV_PID"
check "wakeonlan, 10 MACs: exit 0, all received" \
  '[ $rc = 0 ] && cmp -s "$SCRATCH/macs10.txt" "$SCRATCH/got10.txt"' || cat "$SCRATCH/wol10.out.err" >&2
rss10=$(peak_kib "$SCRATCH/wol10.out.time")

drops_before=$(udp_counter "$W" RcvbufErrors)
wol_receiver "$NMACS" "$SCRATCH/got.txt"
t0=$(now_ms)
wol_send "$SCRATCH/macs.txt" "$SCRATCH/wol.out"; rc=$?
wol_ms=$(($(now_ms) - t0))
wait "$RECV_PID"
drops=$(($(udp_counter "$W" RcvbufErrors) - ${drops_before:-0}))
rss=$(peak_kib "$SCRATCH/wol.out.time")
sent=$(grep -c "^Sending magic packet to 127.0.0.1:$WOL_PORT with " "$SCRATCH/wol.out")
got=$(wc -l <"$SCRATCH/got.txt")
echo "wakeonlan: $NMACS MACs from stdin in $wol_ms ms; sent $sent, received $got, receive-buffer drops $drops;" \
  "peak RSS $rss KiB (10 MACs: $rss10 KiB)"
check "wakeonlan, $NMACS MACs: exit 0 within the timeout" '[ $rc = 0 ]' || cat "$SCRATCH/wol.out.err" >&2
check "wakeonlan, $NMACS MACs: it says it sent each one ($sent)" '[ "$sent" = $NMACS ]'
check "wakeonlan, $NMACS MACs: no datagram dropped by the receiver's buffer ($drops)" '[ "$drops" = 0 ]'
check "wakeonlan, $NMACS MACs: every packet well formed" '! grep -q "^bad" "$SCRATCH/got.txt"'
check "wakeonlan, $NMACS MACs: every MAC arrived exactly once ($got packets)" \
  'diff <(sort "$SCRATCH/macs.txt") <(sort "$SCRATCH/got.txt") >/dev/null'
check "wakeonlan, $NMACS MACs: sent in list order" 'cmp -s "$SCRATCH/macs.txt" "$SCRATCH/got.txt"'
check "wakeonlan, $NMACS MACs: peak RSS $rss KiB under $WOL_MAX_KIB KiB" '[ "$rss" -lt $WOL_MAX_KIB ]'
check "wakeonlan, $NMACS MACs: peak RSS within $WOL_GROWTH_KIB KiB of 10 MACs' ($rss10 KiB)" \
  '[ $((rss - rss10)) -lt $WOL_GROWTH_KIB ]'

# The same lab by name: /etc/ethers maps $NMACS names (in reverse order, so
# each look-up lands anywhere in the file) to the MACs, and the list on
# stdin holds the names. wakeonlan reads the file once (before, each name
# cost a pass over it: 14 s for this run). /etc is a scratch directory in a
# mount namespace of its own; the host's /etc is not touched.
mkdir -p "$SCRATCH/etc"
awk '{printf "%s pc%05d.lab.example\n", $1, NR}' "$SCRATCH/macs.txt" | tac >"$SCRATCH/etc/ethers"
awk '{printf "PC%05d.lab.example\n", NR}' "$SCRATCH/macs.txt" >"$SCRATCH/names.txt"
wol_receiver "$NMACS" "$SCRATCH/got-names.txt"
t0=$(now_ms)
netns_etc "$W" "$SCRATCH/etc" timeout 60 "$WOL" -i 127.0.0.1 -p "$WOL_PORT" <"$SCRATCH/names.txt" \
  >"$SCRATCH/wol-names.out" 2>"$SCRATCH/wol-names.err"; rc=$?
names_ms=$(($(now_ms) - t0))
wait "$RECV_PID"
echo "wakeonlan: $NMACS names through a $NMACS-line /etc/ethers in $names_ms ms"
check "wakeonlan, $NMACS names via /etc/ethers: exit 0 within the timeout" '[ $rc = 0 ]' ||
  head -n 5 "$SCRATCH/wol-names.err" >&2
check "wakeonlan, $NMACS names via /etc/ethers: each name's MAC arrived, in list order" \
  'cmp -s "$SCRATCH/macs.txt" "$SCRATCH/got-names.txt"'

# ===================== 2. pxe-poweroff, 1,000 hosts =====================
# An agent acts on every accepted request but runs at most 8 commands at
# once (the rest are acked, not run): one agent answering for 1,000 hosts
# could not show that each host's command ran. One agent a host is 1,000
# processes (some 3 MiB of memory each, 50 s to start here). So $AGENTS agents
# share the namespace $A, each answering for $PER_AGENT hosts: agent K listens
# on its own macvlan mK (--interface, SO_BINDTODEVICE), whose MAC
# 02:82:00:00:00:KK is its id, and which holds the hosts' addresses
# 10.83.K.1-$PER_AGENT (the agent answers from the address it was asked at). The
# sender runs in $A too: its datagrams to those local addresses reach the
# socket bound to the address's device, from the address itself, so the
# agent's log names the host; and no ARP is needed for 1,000 neighbours.
A=pxk-bulk-a-$$
netns_add "$A"
ip -n "$A" link set lo up
ip -n "$A" link add name v0 type veth peer name v0p
ip -n "$A" link set v0 up
ip -n "$A" link set v0p up
: >"$SCRATCH/hosts.txt"
for ((k = 1; k <= AGENTS; k++)); do
  mac=$(printf '02:82:00:00:%02x:%02x' $((k >> 8)) $((k & 255)))
  echo "link add name m$k link v0 address $mac type macvlan mode bridge" >>"$SCRATCH/links.batch"
  echo "link set m$k up" >>"$SCRATCH/addrs.batch"
  for ((i = 1; i <= PER_AGENT; i++)); do
    echo "addr add 10.83.$k.$i/32 dev m$k" >>"$SCRATCH/addrs.batch"
    echo "10.83.$k.$i $mac" >>"$SCRATCH/hosts.txt"
  done
done
ip -n "$A" -batch "$SCRATCH/links.batch" && ip -n "$A" -batch "$SCRATCH/addrs.batch" ||
  { fail "$AGENTS macvlan interfaces in $A"; finish; exit 1; }
check "the host list holds $NHOSTS distinct hosts" \
  '[ "$(cut -d" " -f1 "$SCRATCH/hosts.txt" | sort -u | wc -l)" = $NHOSTS ]'

"$PO" keygen --out "$SCRATCH/admin.key" >/dev/null || fail "keygen"
KEY=$SCRATCH/admin.key
mkdir -p "$SCRATCH/agents"
AGENT_PIDS=()
t0=$(now_ms)
for ((k = 1; k <= AGENTS; k++)); do
  # timeout: even a test killed by a signal leaves no agent behind long.
  ip netns exec "$A" timeout 300 "$PO" listen -k "$KEY.pub" --interface "m$k" \
    --exec "echo \"\$PXEKIT_ACTION\" >> '$SCRATCH/agents/$k.marker'" \
    2>"$SCRATCH/agents/$k.log" &
  AGENT_PIDS+=("$!")
  BACKGROUND+=("$!")
done
listening() { grep -l '^pxe-poweroff: listening' "$SCRATCH"/agents/*.log 2>/dev/null | wc -l; }
wait_until 60 '[ "$(listening)" = $AGENTS ]'
check "$AGENTS agents listening ($(listening), started in $(($(now_ms) - t0)) ms)" '[ "$(listening)" = $AGENTS ]' ||
  for ((k = 1; k <= AGENTS; k++)); do
    grep -q '^pxe-poweroff: listening' "$SCRATCH/agents/$k.log" || { echo "agent $k:"; cat "$SCRATCH/agents/$k.log"; }
  done | head -20 >&2
# The agents' memory, for the record: the sum of their proportional sets.
agents_pss=0
for pid in $(ip netns pids "$A"); do
  [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = pxe-poweroff ] || continue
  kib=$(awk '$1 == "Pss:" { print $2 }' "/proc/$pid/smaps_rollup" 2>/dev/null)
  agents_pss=$((agents_pss + ${kib:-0}))
done

# po_send LIST OUT: one sender run in $A; its peak RSS to OUT.time
po_send() {
  ip netns exec "$A" timeout $((PO_WAIT + 30)) /usr/bin/time -f %M -o "$2.time" \
    "$PO" -k "$KEY" --wait "$PO_WAIT" -f "$1" >"$2" 2>"$2.err"
}
marker_total() { cat "$SCRATCH"/agents/*.marker 2>/dev/null | wc -l; }

# The baseline: the last host alone (its agent then has run once).
tail -n 1 "$SCRATCH/hosts.txt" >"$SCRATCH/hosts1.txt"
last=$(cut -d" " -f1 "$SCRATCH/hosts1.txt")
po_send "$SCRATCH/hosts1.txt" "$SCRATCH/po1.out"; rc=$?
check "pxe-poweroff, 1 host: acked" '[ $rc = 0 ] && [ "$(cat "$SCRATCH/po1.out")" = "$last: acked" ]' ||
  cat "$SCRATCH/po1.out" "$SCRATCH/po1.out.err" >&2
rss1=$(peak_kib "$SCRATCH/po1.out.time")
wait_until 5 '[ "$(marker_total)" = 1 ]'
rm -f "$SCRATCH"/agents/*.marker
base_lines=$(wc -l <"$SCRATCH/agents/$AGENTS.log")
# run_log K: agent K's log lines since the baseline run
run_log() { tail -n +$(($1 == AGENTS ? base_lines + 1 : 1)) "$SCRATCH/agents/$1.log"; }

t0=$(now_ms)
po_send "$SCRATCH/hosts.txt" "$SCRATCH/po.out"; rc=$?
po_ms=$(($(now_ms) - t0))
rss=$(peak_kib "$SCRATCH/po.out.time")
acked=$(grep -c ': acked$' "$SCRATCH/po.out")
wait_until 30 '[ "$(marker_total)" -ge $NHOSTS ]'
sleep 0.5 # a command run twice would show by now
echo "pxe-poweroff: $NHOSTS hosts, $AGENTS agents (their PSS in all $agents_pss KiB), in $po_ms ms (--wait $PO_WAIT);" \
  "acked $acked, commands run $(marker_total); sender's peak RSS $rss KiB (1 host: $rss1 KiB)"
check "pxe-poweroff, $NHOSTS hosts: exit 0 within --wait" '[ $rc = 0 ] && [ "$po_ms" -le $((PO_WAIT * 1000)) ]' ||
  { grep -v ': acked$' "$SCRATCH/po.out" | head; head "$SCRATCH/po.out.err"; } >&2
check "pxe-poweroff, $NHOSTS hosts: one 'acked' line each, in list order" \
  '[ "$(cat "$SCRATCH/po.out")" = "$(cut -d" " -f1 "$SCRATCH/hosts.txt" | sed "s/\$/: acked/")" ]'
# Host 10.83.K.I: agent K logged one accepted request from it (the sender
# sends from the host's own address), and ran its command once for each.
five=$(printf 'poweroff%.0s\n' $(seq $PER_AGENT))
ran_ok=0
for ((k = 1; k <= AGENTS; k++)); do
  run_log $k | sed -n "s/^pxe-poweroff: accepted poweroff request from \(10\.83\.[0-9]*\.[0-9]*\):.*/\1 $k/p"
  [ "$(run_log $k | grep -c '^pxe-poweroff: running: /bin/sh -c ')" = $PER_AGENT ] &&
    [ "$(cat "$SCRATCH/agents/$k.marker" 2>/dev/null)" = "$five" ] && ran_ok=$((ran_ok + 1))
done >"$SCRATCH/accepted.txt"
sed 's/^\(10\.83\.\([0-9]*\)\.[0-9]*\) .*/\1 \2/' "$SCRATCH/hosts.txt" | sort >"$SCRATCH/expected.txt"
check "pxe-poweroff, $NHOSTS hosts: each one's request accepted once, by its own agent" \
  'sort "$SCRATCH/accepted.txt" | cmp -s - "$SCRATCH/expected.txt"' ||
  diff <(sort "$SCRATCH/accepted.txt") "$SCRATCH/expected.txt" | head >&2
check "pxe-poweroff, $NHOSTS hosts: every agent ran its command once per host, $PER_AGENT times ($ran_ok of $AGENTS agents)" \
  '[ "$ran_ok" = $AGENTS ] && [ "$(marker_total)" = $NHOSTS ]' || head -n 20 "$SCRATCH/agents/1.log" >&2
check "pxe-poweroff, $NHOSTS hosts: no refusal logged" '! grep -q refused "$SCRATCH"/agents/*.log'
check "pxe-poweroff, $NHOSTS hosts: peak RSS $rss KiB under $PO_MAX_KIB KiB" '[ "$rss" -lt $PO_MAX_KIB ]'
check "pxe-poweroff, $NHOSTS hosts: peak RSS within $PO_GROWTH_KIB KiB of 1 host's ($rss1 KiB)" \
  '[ $((rss - rss1)) -lt $PO_GROWTH_KIB ]'

for pid in "${AGENT_PIDS[@]}"; do kill "$pid" 2>/dev/null; done
for pid in "${AGENT_PIDS[@]}"; do wait "$pid" 2>/dev/null; done
check "every agent stopped" '[ -z "$(ip netns pids "$A")" ]'
finish
