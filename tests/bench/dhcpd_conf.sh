#!/usr/bin/env bash
# How long pxe-dhcpd takes to load a large host registry: `-t -c FILE` (parse
# and check) and a SIGHUP reload of a running server, for dhcpd.conf files of
# N host blocks (one subnet, one range, N `host` blocks with hardware
# ethernet and fixed-address, ~80 bytes each: 130,000 hosts is ~10 MB).
# The server runs in a private network namespace on its loopback
# (--listen 127.0.0.1 --port 1067); nothing leaves it.
#
# Run by hand as root (not part of `make check`: no timed assertions there):
#   tests/bench/dhcpd_conf.sh [HOSTS...]     default: 16000 130000
# Prints one line per size: hosts, file MB, -t seconds, reload seconds.

set -u
SRC=$(cd "$(dirname "$0")/../.." && pwd)
BIN=${PXEKIT_BIN:-$SRC/build/bin}
SIZES=("$@")
[ ${#SIZES[@]} = 0 ] && SIZES=(16000 130000)
[ -x "$BIN/pxe-dhcpd" ] || { echo "dhcpd_conf.sh: no $BIN/pxe-dhcpd (make build)" >&2; exit 77; }
[ "$(id -u)" = 0 ] || { echo "dhcpd_conf.sh: needs root (network namespace)" >&2; exit 77; }
command -v ip >/dev/null || { echo "dhcpd_conf.sh: ip (iproute2) is not installed" >&2; exit 77; }

source "$SRC/tests/bench/benchlib.sh"
SERVER_PID=
bench_netns "pxk-bench-conf-$$" SERVER_PID

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

# make_conf N FILE: N hosts in 10.0.0.0/8, MACs 02:xx:xx:xx:xx:xx.
make_conf() {
  awk -v n="$1" 'BEGIN {
    print "subnet 127.0.0.0 netmask 255.0.0.0 { }"
    print "subnet 10.0.0.0 netmask 255.0.0.0 {"
    print "  range 10.255.0.1 10.255.0.200;"
    print "  option routers 10.0.0.1;"
    print "}"
    for (i = 1; i <= n; i++) {
      a = int(i / 65536) % 256; b = int(i / 256) % 256; c = i % 256
      printf "host pc%d {\n  hardware ethernet 02:00:00:%02x:%02x:%02x;\n", i, a, b, c
      printf "  fixed-address 10.%d.%d.%d;\n}\n", a, b, c
    }
  }' >"$2"
}

printf '%8s %8s %10s %10s\n' hosts MB "-t (s)" "reload (s)"
for n in "${SIZES[@]}"; do
  conf=$WORK/hosts-$n.conf
  make_conf "$n" "$conf"
  mb=$(awk -v s="$(stat -c %s "$conf")" 'BEGIN { printf "%.1f", s / 1e6 }')

  t0=$(now)
  "$BIN/pxe-dhcpd" -t -c "$conf" 2>"$WORK/t.err" || { echo "-t failed:"; cat "$WORK/t.err"; exit 1; }
  t1=$(now)
  check=$(elapsed "$t0" "$t1")

  log=$WORK/server-$n.log
  : >"$log"
  # -v for its "ready" line (no request arrives, so nothing else is logged).
  ip netns exec "$NS" "$BIN/pxe-dhcpd" -v -c "$conf" --listen 127.0.0.1 --port 1067 \
    --lease-file "$WORK/leases-$n" >"$log" 2>&1 &
  SERVER_PID=$!
  # Up to 120 s for the first load (the old parser was quadratic).
  for _ in $(seq 1200); do
    grep -q 'ready: ' "$log" && break
    kill -0 "$SERVER_PID" 2>/dev/null || { echo "server died:"; cat "$log"; exit 1; }
    sleep 0.1
  done
  t0=$(now)
  kill -HUP "$SERVER_PID"
  reload=timeout
  for _ in $(seq 12000); do
    if grep -q 'configuration reloaded' "$log"; then reload=$(elapsed "$t0" "$(now)"); break; fi
    sleep 0.01
  done
  kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null; SERVER_PID=
  printf '%8s %8s %10s %10s\n' "$n" "$mb" "$check" "$reload"
done
