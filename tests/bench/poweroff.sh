#!/usr/bin/env bash
# How long pxe-poweroff takes to power a lab off: N agents, each in a
# network namespace of its own on one bridge (10.78.0.0/16), each with
# `listen --exec true` so that nothing is powered off. Measured, wall clock:
#   one      one host, one run
#   all      all N hosts in one run (one socket, one event loop)
#   loop     the same N hosts, one run per host, one after another: what a
#            `for h in $(cat hosts); do ssh $h poweroff; done` recipe does
#   5 off    all N hosts in one run while 5 of them are off (no agent): the
#            run waits --wait for those, once, not once per host
# Peers in the same run are the two shapes of the same tool (one run vs a
# loop); a ssh loop would add a TCP and key exchange per host on top.
#
# Run by hand as root (not part of `make check`: no timed assertions there):
#   tests/bench/poweroff.sh [N]        default N = 200
# Nothing leaves the namespaces made here; they are removed on exit.

set -u
SRC=$(cd "$(dirname "$0")/../.." && pwd)
BIN=${PXEKIT_BIN:-$SRC/build/bin}
N=${1:-200}
PO=$BIN/pxe-poweroff
[ -x "$PO" ] || { echo "poweroff.sh: no $PO (make build)" >&2; exit 77; }
[ "$(id -u)" = 0 ] || { echo "poweroff.sh: needs root (network namespaces)" >&2; exit 77; }
case $N in '' | *[!0-9]*) echo "poweroff.sh: N must be a number" >&2; exit 64 ;; esac
[ "$N" -ge 6 ] && [ "$N" -le 250 ] || { echo "poweroff.sh: N must be 6-250" >&2; exit 64; }

TAG=pxk-bpo-$$
S=$TAG-s
WORK=$(mktemp -d /tmp/pxekit-bench.XXXXXX)
PIDS=()
NSS=()
cleanup() {
  local pid ns
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null; done
  for ns in "${NSS[@]}"; do ip netns del "$ns" 2>/dev/null; done
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

ip netns add "$S" && NSS+=("$S")
ip -n "$S" link add name bpo0 type bridge stp_state 0 forward_delay 0
ip -n "$S" addr add 10.78.0.1/16 dev bpo0
ip -n "$S" link set bpo0 up
"$PO" keygen --out "$WORK/admin.key" >/dev/null || exit 1

echo "poweroff.sh: starting $N agents ..." >&2
: >"$WORK/hosts"
for i in $(seq "$N"); do
  ns=$TAG-$i
  ip netns add "$ns" && NSS+=("$ns")
  ip -n "$S" link add name bp$i type veth peer name eth0 netns "$ns"
  ip -n "$S" link set bp$i master bpo0 up
  ip -n "$ns" addr add "10.78.$((i / 200)).$((i % 200 + 10))/16" dev eth0
  ip -n "$ns" link set eth0 up
  ip -n "$ns" route add default via 10.78.0.1
  echo "10.78.$((i / 200)).$((i % 200 + 10))" >>"$WORK/hosts"
  # The first 5 stay off: they are used only by the "5 off" run.
  if [ "$i" -gt 5 ]; then
    ip netns exec "$ns" timeout 900 "$PO" listen -k "$WORK/admin.key.pub" \
      --exec true 2>"$WORK/agent$i.log" &
    PIDS+=("$!")
  fi
done
for i in $(seq 6 "$N"); do
  for _ in $(seq 100); do grep -q '^pxe-poweroff: listening' "$WORK/agent$i.log" && break; sleep 0.05; done
done
tail -n +6 "$WORK/hosts" >"$WORK/on"
ON=$((N - 5))

send() { ip netns exec "$S" "$PO" -k "$WORK/admin.key" "$@"; }
acked() { grep -c ': acked$' "$1"; }

t0=$(now); send --wait 10 "$(head -1 "$WORK/on")" >"$WORK/one.out"; t1=$(now)
echo "one host:             $(elapsed "$t0" "$t1") s ($(acked "$WORK/one.out") acked)"

t0=$(now); send --wait 10 -f "$WORK/on" >"$WORK/all.out"; t1=$(now)
echo "$ON hosts, one run:    $(elapsed "$t0" "$t1") s ($(acked "$WORK/all.out") acked)"

t0=$(now)
while read -r host; do send --wait 10 "$host"; done <"$WORK/on" >"$WORK/loop.out"
t1=$(now)
echo "$ON hosts, a loop:     $(elapsed "$t0" "$t1") s ($(acked "$WORK/loop.out") acked)"

t0=$(now); send --wait 3 -f "$WORK/hosts" >"$WORK/off.out"; t1=$(now)
echo "$N hosts, 5 off, --wait 3: $(elapsed "$t0" "$t1") s ($(acked "$WORK/off.out") acked," \
  "$(grep -c ': no answer$' "$WORK/off.out") no answer)"
