#!/usr/bin/env bash
# Clean DORA rate of pxe-dhcpd and of Kea (kea-dhcp4, memfile) side by side,
# measured the same way in the same run: perfdhcp in relay mode on the
# loopback of a private namespace (pxe-dhcpd/Kea on 127.0.0.1, perfdhcp on
# 127.0.0.2), /16 pool, rising target rates; the clean rate is the best
# achieved 4-way rate whose DISCOVER-OFFER and REQUEST-ACK drops both stay
# under 0.5 %. pxe-dhcpd fsyncs every lease before its ACK (group commit);
# Kea's memfile appends to its CSV without fsync.
#
# Run by hand as root (not part of `make check`: no timed assertions there):
#   build/bin must hold pxe-dhcpd; needs perfdhcp (kea-admin) and
#   kea-dhcp4-server. Usage: tests/bench/dhcp.sh [SECONDS_PER_STEP]

set -u
SRC=$(cd "$(dirname "$0")/../.." && pwd)
BIN=${PXEKIT_BIN:-$SRC/build/bin}
STEP_SECONDS=${1:-5}
RATES=(1000 2000 3000 4000 5000 6000 8000 10000 12000 14000 16000 20000)
# The peer is not a test package: installing kea-dhcp4-server is the
# benchmark's own business (its service listens on no interface by default).
"$SRC/tests/support/packages.sh" install kea-admin kea-dhcp4-server iproute2 || exit 77
for cmd in perfdhcp kea-dhcp4 ip; do
  command -v "$cmd" >/dev/null || { echo "dhcp.sh: $cmd is not installed" >&2; exit 77; }
done
[ "$(id -u)" = 0 ] || { echo "dhcp.sh: needs root (network namespaces)" >&2; exit 77; }

NS="pxk-bench-$$"
WORK=$(mktemp -d /tmp/pxekit-bench.XXXXXX)
SERVER_PID=
cleanup() {
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
  ip netns del "$NS" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT
ip netns add "$NS"
ip -n "$NS" link set lo up
ip -n "$NS" addr add 127.0.0.2/8 dev lo

wait_port() {
  local i
  for i in $(seq 100); do
    ip netns exec "$NS" ss -H -uln 'sport = :67' | grep -q 127.0.0.1 && return 0
    sleep 0.05
  done
  echo "dhcp.sh: server did not start" >&2
  return 1
}

start_pxe_dhcpd() {
  rm -f "$WORK/pxe.leases"
  ip netns exec "$NS" "$BIN/pxe-dhcpd" -q --listen 127.0.0.1 --subnet 127.0.0.0/8 \
    --range 127.1.0.1-127.1.255.254 --lease-time 3600 \
    --lease-file "$WORK/pxe.leases" 2>"$WORK/pxe.log" &
  SERVER_PID=$!
  wait_port
}

start_kea() {
  rm -f "$WORK/kea-leases4.csv"*
  cat >"$WORK/kea.json" <<JSON
{ "Dhcp4": {
  "interfaces-config": { "interfaces": [ "lo/127.0.0.1" ], "dhcp-socket-type": "udp" },
  "lease-database": { "type": "memfile", "persist": true, "lfc-interval": 0,
                      "name": "$WORK/kea-leases4.csv" },
  "valid-lifetime": 3600,
  "multi-threading": { "enable-multi-threading": false },
  "subnet4": [ { "id": 1, "subnet": "127.0.0.0/8",
                 "pools": [ { "pool": "127.1.0.1 - 127.1.255.254" } ] } ],
  "loggers": [ { "name": "kea-dhcp4", "severity": "ERROR",
                 "output_options": [ { "output": "$WORK/kea.log" } ] } ]
} }
JSON
  KEA_PIDFILE_DIR=$WORK KEA_LOCKFILE_DIR=$WORK ip netns exec "$NS" kea-dhcp4 -c "$WORK/kea.json" \
    >"$WORK/kea.out" 2>&1 &
  SERVER_PID=$!
  wait_port
}

stop_server() {
  kill "$SERVER_PID" 2>/dev/null
  wait "$SERVER_PID" 2>/dev/null
  SERVER_PID=
}

# run_rate RATE: prints "achieved drops_do% drops_ra%".
run_rate() {
  ip netns exec "$NS" perfdhcp -4 -l 127.0.0.2 -r "$1" -R 1000000 -p "$STEP_SECONDS" \
    127.0.0.1 >"$WORK/perf.out" 2>&1
  awk '
    /^Rate:/ { rate = $2 }
    /^\*\*\*Statistics for: DISCOVER-OFFER/ { x = "do" }
    /^\*\*\*Statistics for: REQUEST-ACK/ { x = "ra" }
    /^drops ratio:/ { d[x] = $3 }
    END { printf "%d %s %s\n", rate, d["do"] + 0, d["ra"] + 0 }' "$WORK/perf.out"
}

# The machine is shared and noisy, so the two servers take turns at each
# target rate (the same noise for both), and a server's clean rate is the
# best achieved rate among its clean steps; it stops climbing after two
# unclean steps in a row.
echo "perfdhcp relay mode on loopback in namespace $NS, ${STEP_SECONDS}s per step, $(nproc) CPUs"
printf '%8s | %10s %9s %9s | %10s %9s %9s\n' target "pxe/s" "DO drop%" "RA drop%" "kea/s" "DO drop%" "RA drop%"
declare -A CLEAN=([pxe]=0 [kea]=0) MISSES=([pxe]=0 [kea]=0)
for rate in "${RATES[@]}"; do
  line=$(printf '%8d' "$rate")
  for server in pxe kea; do
    if [ "${MISSES[$server]}" -ge 2 ]; then
      line+=$(printf ' | %10s %9s %9s' - - -)
      continue
    fi
    if [ $server = pxe ]; then start_pxe_dhcpd || exit 1; else start_kea || exit 1; fi
    read -r achieved do_drops ra_drops < <(run_rate "$rate")
    stop_server
    line+=$(printf ' | %10d %9s %9s' "$achieved" "$do_drops" "$ra_drops")
    if awk -v a="$do_drops" -v b="$ra_drops" 'BEGIN { exit !(a < 0.5 && b < 0.5) }'; then
      MISSES[$server]=0
      [ "$achieved" -gt "${CLEAN[$server]}" ] && CLEAN[$server]=$achieved
    else
      MISSES[$server]=$((MISSES[$server] + 1))
    fi
  done
  echo "$line"
  [ "${MISSES[pxe]}" -ge 2 ] && [ "${MISSES[kea]}" -ge 2 ] && break
done
PXE=${CLEAN[pxe]}
KEA=${CLEAN[kea]}
if [ "$KEA" -gt 0 ]; then
  RATIO=$(awk -v p="$PXE" -v k="$KEA" 'BEGIN { printf "%.2f", p / k }')
else
  RATIO=n/a
fi
echo
printf '%-28s %10s\n' server "clean/s"
printf '%-28s %10d\n' "pxe-dhcpd (fsync each ACK)" "$PXE" "kea-dhcp4 $(kea-dhcp4 -V | head -1) memfile" "$KEA"
echo "ratio pxe-dhcpd / kea: $RATIO"
