#!/usr/bin/env bash
# Benchmark: pxe-tftpd against tftpd-hpa 5.2 and atftpd 0.8, run by hand
# (never under ctest: speed figures are not assertions).
#
#   sudo PXEKIT_BIN=build/bin bash tests/bench/tftp.sh [RUNS]
#
# To iterate on one thing, run a subset (space-separated lists; the
# defaults run everything):
#   BENCH_TOPOS="lo veth loss rush"  BENCH_CASES="lockstep w16 w64 w16x8192"
#   BENCH_SERVERS="pxe-tftpd tftpd-hpa atftpd"  BENCH_MB=64 (the big file)
# e.g. BENCH_TOPOS=veth BENCH_CASES="w16 w64" BENCH_SERVERS=pxe-tftpd BENCH_MB=16
#
# The same 64 MiB file and the same clients for every server; servers pinned
# to CPU 0 and clients to CPU 1 (taskset), runs alternating between servers,
# and the median of RUNS (default 5) per server and case, with the ratio to
# the best peer, and the median CPU time the server used per transfer (a
# figure that other load on the machine disturbs much less than MB/s: the
# two CPUs are shared, and anything else running on CPU 0 slows the server
# it is pinned to; the script measures how busy CPUs 0 and 1 are before
# each topology, reports it and warns above 20 %). Topologies:
#   lo    one namespace, everything on its loopback
#   veth  server and client namespaces joined by a veth pair shaped to
#         1 Gbit/s with tc tbf (line rate 125 MB/s)
#   loss  veth, plus 0.2 % of the server's packets dropped at random in the
#         client's namespace (nft numgen random); 8 MiB, LOSS_RUNS (3) runs,
#         because the peers wait seconds for every lost packet
# Cases: lockstep (curl, blksize 1468, curl's default options), windowsize
# 16 and 64 (atftp, blksize 1468; tftpd-hpa has no windowsize), and a stall
# check at blksize 8192 x windowsize 16 (where atftpd stalls).
# atftpd conflicts with tftpd-hpa as a package, so it is unpacked with
# `apt-get download atftpd` and `dpkg -x` into $BENCH_CACHE.
#   rush  the morning rush: RUSH_N (50) lockstep clients at once (curl,
#         blksize 1468, as boot loaders fetch), each fetching the same 8 MiB
#         file, on one namespace's loopback; pxe-tftpd against tftpd-hpa
#         and dnsmasq (in.tftpd and dnsmasq run by hand in the namespace,
#         never as host services). Nothing is pinned here: tftpd-hpa forks
#         a child per transfer and uses every CPU, and pxe-tftpd's
#         --workers (default: one per CPU) is what this case measures. The
#         time is from the first client's start to the last one's end;
#         RUSH_RUNS (5) alternating runs, medians, every file checked.
#         RUSH_BEFORE=/path/to/an/older/pxe-tftpd adds that build to the
#         same runs (row "pxe-before"); RUSH_WORKERS sets --workers.
#   cost  what a DATA block costs each server, in counts that load on the
#         machine does not change: system calls (strace -f -c) and
#         user-space instructions (valgrind --tool=callgrind) per block,
#         COST_N (20) lockstep clients x 8 MiB, one server at a time, plus
#         the server's and the clients' CPU seconds (their cgroups) in
#         COST_RUNS (3) untraced runs, servers alternating, medians.
#         BENCH_TOPOS=cost runs it alone; RUSH_BEFORE adds that build;
#         COST_TRACE=0 skips the two traced runs (CPU seconds only).
# Everything stays inside the namespaces this script makes and removes.

set -u
RUNS=${1:-5}
LOSS_RUNS=${LOSS_RUNS:-3}
PXEKIT_BIN=${PXEKIT_BIN:-$(dirname "$0")/../../build/bin}
PXEKIT_BIN=$(cd "$PXEKIT_BIN" && pwd)
BENCH_CACHE=${BENCH_CACHE:-/var/tmp/pxekit-bench}
TIMEOUT=${TIMEOUT:-120}
BENCH_TOPOS=" ${BENCH_TOPOS:-lo veth loss rush} "
RUSH_N=${RUSH_N:-50}
RUSH_RUNS=${RUSH_RUNS:-5}
RUSH_BEFORE=${RUSH_BEFORE:-}
RUSH_WORKERS=${RUSH_WORKERS:-}
BENCH_CASES=" ${BENCH_CASES:-lockstep w16 w64 w16x8192} "
BENCH_SERVERS=" ${BENCH_SERVERS:-pxe-tftpd tftpd-hpa atftpd} "
BENCH_MB=${BENCH_MB:-64}

die() { echo "tftp.sh: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "needs root (namespaces, tc, nft, port 69-style servers)"
# The peers, installed as tests/packages does it (policy-rc.d denies every
# service start: they run here by hand, inside the namespaces, never as
# host services).
bash "$(dirname "$0")/../support/packages.sh" install tftpd-hpa dnsmasq-base atftp curl nftables ||
  die "cannot install the peers"
for cmd in ip tc nft taskset curl atftp in.tftpd dnsmasq sha256sum python3; do
  command -v "$cmd" >/dev/null || die "'$cmd' is missing (apt-get install iproute2 nftables util-linux curl atftp tftpd-hpa dnsmasq)"
done
[ -x "$PXEKIT_BIN/pxe-tftpd" ] || die "no $PXEKIT_BIN/pxe-tftpd; build first"
[ "$(nproc)" -ge 2 ] || die "needs two CPUs to pin servers and clients apart"

ATFTPD=$BENCH_CACHE/atftpd/usr/sbin/atftpd
if [ ! -x "$ATFTPD" ]; then
  mkdir -p "$BENCH_CACHE"
  (cd "$BENCH_CACHE" && apt-get download atftpd >/dev/null 2>&1) || die "apt-get download atftpd failed"
  dpkg -x "$BENCH_CACHE"/atftpd_*.deb "$BENCH_CACHE/atftpd" || die "dpkg -x failed"
fi
ldd "$ATFTPD" | grep -q "not found" && die "atftpd needs libraries: $(ldd "$ATFTPD" | grep 'not found')"

WORK=$(mktemp -d /tmp/pxekit-bench.XXXXXX)
chmod 755 "$WORK"
NSS=()
PIDS=()
CGS=()
cleanup() {
  local pid ns cg
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null; done
  sleep 0.2
  for ns in "${NSS[@]}"; do ip netns del "$ns" 2>/dev/null; done
  for cg in "${CGS[@]}"; do rmdir "$cg" 2>/dev/null; done
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

ROOT=$WORK/root
OUT=$WORK/out
mkdir -p "$ROOT" "$OUT"
chmod 755 "$ROOT"
chmod 777 "$OUT"
head -c $((BENCH_MB << 20)) /dev/urandom >"$ROOT/big"
head -c $((8 << 20)) /dev/urandom >"$ROOT/loss"
chmod 644 "$ROOT"/*
declare -A SUM=([big]=$(sha256sum <"$ROOT/big") [loss]=$(sha256sum <"$ROOT/loss"))

SERVERS=(pxe-tftpd tftpd-hpa atftpd)
declare -A PORT=([pxe-tftpd]=6901 [tftpd-hpa]=6902 [atftpd]=6903)
declare -A SPID=()
CLK_TCK=$(getconf CLK_TCK)

# CPU ticks a server used so far, its reaped children included.
cpu_ticks() { awk '{print $14 + $15 + $16 + $17}' "/proc/$1/stat" 2>/dev/null || echo 0; }

# How busy CPUs 0 and 1 are (percent, over one second) with the servers idle:
# anything else running there slows the pinned servers and clients.
cpu_busy() {
  local before after
  before=$(grep -E '^cpu[01] ' /proc/stat)
  sleep 1
  after=$(grep -E '^cpu[01] ' /proc/stat)
  printf '%s\n%s\n' "$before" "$after" | awk '
    { idle = $5 + $6; total = 0; for (i = 2; i <= NF; i++) total += $i }
    NR <= 2 { i0[$1] = idle; t0[$1] = total; next }
    { printf "%s %.0f%% ", $1, 100 * (1 - (idle - i0[$1]) / (total - t0[$1])) }'
}

warn_if_busy() {
  local busy
  busy=$(cpu_busy)
  if echo "$busy" | grep -qE '([2-9][0-9]|100)%'; then
    echo "tftp.sh: warning: before '$1', other work keeps the CPUs busy ($busy): MB/s will be low" >&2
  fi
  LOADS+="$1: $busy; "
}
LOADS=""

# loopback_ns NS: a namespace for servers and clients on its loopback.
# tftpd-hpa resolves -a with AI_ADDRCONFIG, which fails (exit 66) in a
# namespace that has no address besides loopback: give it one.
loopback_ns() {
  ip netns add "$1" && NSS+=("$1")
  ip -n "$1" link set lo up
  ip -n "$1" link add bench-v0 type veth peer name bench-v1
  ip -n "$1" addr add 10.98.0.1/24 dev bench-v0
  ip -n "$1" link set bench-v0 up
  ip -n "$1" link set bench-v1 up
}

start_servers() {  # start_servers NS ADDR
  local ns=$1 addr=$2
  taskset -c 0 ip netns exec "$ns" "$PXEKIT_BIN/pxe-tftpd" -q -B 8192 -a "$addr:6901" "$ROOT" &
  PIDS+=("$!")
  SPID[pxe-tftpd]=$!
  taskset -c 0 ip netns exec "$ns" in.tftpd -l -L -a "$addr:6902" -u nobody -B 8192 -s "$ROOT" &
  PIDS+=("$!")
  SPID[tftpd-hpa]=$!
  taskset -c 0 ip netns exec "$ns" "$ATFTPD" --daemon --no-fork --port 6903 --bind-address "$addr" \
    --user nobody.nogroup --logfile /dev/null "$ROOT" &
  PIDS+=("$!")
  SPID[atftpd]=$!
  sleep 1
  local port
  for port in 6901 6902 6903; do
    ip netns exec "$ns" ss -Hlun "sport = :$port" | grep -q . || die "no server on port $port"
  done
}

stop_servers() {
  local pid
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null; done
  sleep 0.5
  PIDS=()
}

# fetch NS ADDR SERVER CASE FILE: one transfer; prints seconds, or "fail",
# and the server's CPU seconds for it into $OUT/cpu.
fetch() {
  local ns=$1 addr=$2 server=$3 case=$4 file=$5 port=${PORT[$3]} out=$OUT/got
  rm -f "$out"
  local start end ok=1 cpu0 cpu1
  cpu0=$(cpu_ticks "${SPID[$server]}")
  start=$(date +%s.%N)
  case $case in
    lockstep)
      timeout "$TIMEOUT" taskset -c 1 ip netns exec "$ns" curl -s --tftp-blksize 1468 \
        -o "$out" "tftp://$addr:$port/$file" || ok=0 ;;
    w16 | w64 | w16x8192)
      local window=${case#w} blksize=1468
      [ "$case" = w16x8192 ] && window=16 blksize=8192
      timeout "$TIMEOUT" taskset -c 1 ip netns exec "$ns" atftp -g -r "$file" -l "$out" \
        --option "blksize $blksize" --option "windowsize $window" "$addr" "$port" \
        >/dev/null 2>&1 || ok=0 ;;
  esac
  end=$(date +%s.%N)
  sleep 0.05  # let tftpd-hpa's child exit and be reaped
  cpu1=$(cpu_ticks "${SPID[$server]}")
  # tftpd-hpa serves each transfer in a forked child whose CPU time never
  # shows in the parent's (0 every run): left out rather than shown as 0.
  if [ "$server" = tftpd-hpa ]; then
    echo - >"$OUT/cpu"
  else
    echo "$cpu0 $cpu1" | awk -v hz="$CLK_TCK" '{printf "%.2f\n", ($2 - $1) / hz}' >"$OUT/cpu"
  fi
  if [ $ok = 1 ] && [ "$(sha256sum <"$out")" = "${SUM[$file]}" ]; then
    python3 -c "print(f'{$end - $start:.3f}')"
  else
    echo fail
  fi
}

median() { printf '%s\n' "$@" | grep -v fail | sort -n | awk '{a[NR]=$1} END {if (NR) print a[int((NR+1)/2)]; else print "fail"}'; }
failures() { printf '%s\n' "$@" | grep -c fail; }

RESULTS=$WORK/results
: >"$RESULTS"

# bench TOPOLOGY NS ADDR CASE FILE RUNS SERVER...
bench() {
  local topo=$1 ns=$2 addr=$3 case=$4 file=$5 runs=$6
  shift 6
  [[ $BENCH_CASES == *" $case "* ]] || return 0
  local servers=() server i
  for server in "$@"; do
    [[ $BENCH_SERVERS == *" $server "* ]] && servers+=("$server")
  done
  [ ${#servers[@]} -gt 0 ] || return 0
  declare -A times=() cpus=()
  for ((i = 0; i < runs; i++)); do
    # Alternate: rotate the order every run.
    local k n=${#servers[@]}
    for ((k = 0; k < n; k++)); do
      server=${servers[$(((i + k) % n))]}
      times[$server]+="$(fetch "$ns" "$addr" "$server" "$case" "$file") "
      cpus[$server]+="$(cat "$OUT/cpu") "
    done
  done
  local size
  size=$(stat -c %s "$ROOT/$file")
  for server in "${servers[@]}"; do
    # shellcheck disable=SC2086
    local med fails cpu
    med=$(median ${times[$server]})
    fails=$(failures ${times[$server]})
    cpu=$(median ${cpus[$server]})
    echo "$topo $case $server $med $fails $size $cpu ${times[$server]}" >>"$RESULTS"
  done
}

# --- loopback ---
if [[ $BENCH_TOPOS == *" lo "* ]]; then
NS_LO=pxk-bench-lo-$$
loopback_ns "$NS_LO"
start_servers "$NS_LO" 127.0.0.1
warn_if_busy loopback
echo "== loopback" >&2
bench lo "$NS_LO" 127.0.0.1 lockstep big "$RUNS" "${SERVERS[@]}"
bench lo "$NS_LO" 127.0.0.1 w16 big "$RUNS" pxe-tftpd atftpd
bench lo "$NS_LO" 127.0.0.1 w64 big "$RUNS" pxe-tftpd atftpd
bench lo "$NS_LO" 127.0.0.1 w16x8192 big 1 pxe-tftpd atftpd
stop_servers
fi

# --- two namespaces, veth shaped to 1 Gbit/s ---
if [[ $BENCH_TOPOS == *" veth "* || $BENCH_TOPOS == *" loss "* ]]; then
NS_S=pxk-bench-s-$$
NS_C=pxk-bench-c-$$
ip netns add "$NS_S" && NSS+=("$NS_S")
ip netns add "$NS_C" && NSS+=("$NS_C")
ip -n "$NS_S" link add bench-s type veth peer name bench-c netns "$NS_C"
ip -n "$NS_S" addr add 10.99.0.1/24 dev bench-s
ip -n "$NS_C" addr add 10.99.0.2/24 dev bench-c
ip -n "$NS_S" link set bench-s up
ip -n "$NS_C" link set bench-c up
ip -n "$NS_S" link set lo up
ip -n "$NS_C" link set lo up
tc -n "$NS_S" qdisc add dev bench-s root tbf rate 1gbit burst 256kb latency 50ms
tc -n "$NS_C" qdisc add dev bench-c root tbf rate 1gbit burst 256kb latency 50ms
start_servers "$NS_S" 10.99.0.1
if [[ $BENCH_TOPOS == *" veth "* ]]; then
warn_if_busy veth
echo "== veth 1 Gbit/s" >&2
bench veth "$NS_C" 10.99.0.1 lockstep big "$RUNS" "${SERVERS[@]}"
bench veth "$NS_C" 10.99.0.1 w16 big "$RUNS" pxe-tftpd atftpd
bench veth "$NS_C" 10.99.0.1 w64 big "$RUNS" pxe-tftpd atftpd
fi

# --- 0.2 % of the server's packets lost ---
if [[ $BENCH_TOPOS == *" loss "* ]]; then
ip netns exec "$NS_C" nft add table inet pxkbench
ip netns exec "$NS_C" nft add chain inet pxkbench c '{ type filter hook input priority 0; }'
ip netns exec "$NS_C" nft add rule inet pxkbench c meta l4proto udp numgen random mod 1000 '<' 2 drop
warn_if_busy loss
echo "== veth with 0.2 % loss" >&2
bench loss "$NS_C" 10.99.0.1 lockstep loss "$LOSS_RUNS" "${SERVERS[@]}"
bench loss "$NS_C" 10.99.0.1 w16 loss "$LOSS_RUNS" pxe-tftpd atftpd
fi
stop_servers
fi

# --- the morning rush: RUSH_N lockstep clients at once, every CPU ---
if [[ $BENCH_TOPOS == *" rush "* ]]; then
NS_R=pxk-bench-r-$$
loopback_ns "$NS_R"
head -c $((8 << 20)) /dev/urandom >"$ROOT/rush"
chmod 644 "$ROOT/rush"
RUSH_SUM=$(sha256sum <"$ROOT/rush" | cut -d' ' -f1)
RUSH_OUT=$(mktemp -d /dev/shm/pxekit-rush.XXXXXX)
chmod 777 "$RUSH_OUT"
workers=()
[ -n "$RUSH_WORKERS" ] && workers=(--workers "$RUSH_WORKERS")
declare -A RPORT=([pxe-tftpd]=6901 [tftpd-hpa]=6902 [dnsmasq]=69 [pxe-before]=6904)
RSERVERS=(pxe-tftpd tftpd-hpa dnsmasq)
ip netns exec "$NS_R" "$PXEKIT_BIN/pxe-tftpd" -q "${workers[@]}" --max-clients 1000 -a 127.0.0.1:6901 "$ROOT" &
PIDS+=("$!")
ip netns exec "$NS_R" in.tftpd -l -L -a 127.0.0.1:6902 -u nobody -s "$ROOT" &
PIDS+=("$!")
# dnsmasq: TFTP only (--port=0 turns DNS off), on 127.0.0.1:69, no pid
# file, no config file, up to 1000 transfers (its default is 50).
ip netns exec "$NS_R" dnsmasq --keep-in-foreground --conf-file=/dev/null --pid-file --port=0 \
  --listen-address=127.0.0.1 --bind-interfaces --enable-tftp --tftp-root="$ROOT" \
  --tftp-max=1000 --user=nobody --log-facility=/dev/null &
PIDS+=("$!")
if [ -n "$RUSH_BEFORE" ]; then
  ip netns exec "$NS_R" "$RUSH_BEFORE" -q --max-clients 1000 -a 127.0.0.1:6904 "$ROOT" &
  PIDS+=("$!")
  RSERVERS+=(pxe-before)
fi
sleep 1
for server in "${RSERVERS[@]}"; do
  ip netns exec "$NS_R" ss -Hlun "sport = :${RPORT[$server]}" | grep -q . || die "no $server on port ${RPORT[$server]}"
done
warn_if_busy rush
echo "== the morning rush: $RUSH_N clients" >&2
# rush_once SERVER: seconds for RUSH_N clients at once, or "fail".
rush_once() {
  local port=${RPORT[$1]} start end i bad=0
  rm -f "$RUSH_OUT"/*
  start=$(date +%s.%N)
  timeout "$TIMEOUT" ip netns exec "$NS_R" bash -c '
    for ((i = 0; i < $1; i++)); do
      curl -s --tftp-blksize 1468 -o "$2/$i" "tftp://127.0.0.1:$3/rush" &
    done
    wait' rush "$RUSH_N" "$RUSH_OUT" "$port"
  end=$(date +%s.%N)
  for ((i = 0; i < RUSH_N; i++)); do
    [ "$(sha256sum <"$RUSH_OUT/$i" 2>/dev/null | cut -d' ' -f1)" = "$RUSH_SUM" ] || bad=$((bad + 1))
  done
  rm -f "$RUSH_OUT"/*
  if [ $bad = 0 ]; then
    python3 -c "print(f'{$end - $start:.3f}')"
  else
    echo "tftp.sh: rush: $1: $bad of $RUSH_N files wrong or missing" >&2
    echo fail
  fi
}
declare -A rtimes=()
for ((i = 0; i < RUSH_RUNS; i++)); do
  n=${#RSERVERS[@]}
  for ((k = 0; k < n; k++)); do
    server=${RSERVERS[$(((i + k) % n))]}
    t=$(rush_once "$server")
    echo "rush run $i $server $t" >&2
    rtimes[$server]+="$t "
  done
done
for server in "${RSERVERS[@]}"; do
  # shellcheck disable=SC2086
  echo "rush x$RUSH_N $server $(median ${rtimes[$server]}) $(failures ${rtimes[$server]}) $((RUSH_N << 23)) - ${rtimes[$server]}" >>"$RESULTS"
done
stop_servers
rm -rf "$RUSH_OUT"
fi

# --- cost per block: system calls and instructions, load-independent ---
# COST_N (20) lockstep clients at once (curl, blksize 1468) fetch the 8 MiB
# file from one server at a time in a namespace's loopback, three times per
# server: under `strace -f -c` (system calls per DATA block), under
# valgrind's callgrind (user-space instructions per DATA block, forked
# children included) and plain (the server's CPU seconds from /proc, and the
# curl clients' from bash's `times`). The first two are counts, which other
# load on the machine does not change; the third is time and is disturbed.
if [[ $BENCH_TOPOS == *" cost "* ]]; then
COST_N=${COST_N:-20}
NS_K=pxk-bench-k-$$
loopback_ns "$NS_K"
[ -f "$ROOT/rush" ] || { head -c $((8 << 20)) /dev/urandom >"$ROOT/rush"; chmod 644 "$ROOT/rush"; }
COST_SUM=$(sha256sum <"$ROOT/rush" | cut -d' ' -f1)
COST_OUT=$(mktemp -d /dev/shm/pxekit-cost.XXXXXX)
chmod 777 "$COST_OUT"
# DATA blocks per transfer: 8 MiB / 1468, plus the last short one.
COST_BLOCKS=$(((8 << 20) / 1468 + 1))
# CPU time from a cgroup (v1 cpuacct, or v2 cpu.stat): every thread and
# forked child of the server, or of the clients, counted; tftpd-hpa ignores
# SIGCHLD, so its children's time never reaches its /proc/PID/stat.
if [ -d /sys/fs/cgroup/cpuacct ]; then CG_BASE=/sys/fs/cgroup/cpuacct; else CG_BASE=/sys/fs/cgroup; fi
CG_SRV=$CG_BASE/pxk-bench-srv-$$
CG_CLI=$CG_BASE/pxk-bench-cli-$$
mkdir "$CG_SRV" "$CG_CLI" || die "cannot make cgroups under $CG_BASE"
CGS+=("$CG_SRV" "$CG_CLI")
cg_usec() {  # microseconds of CPU the cgroup used so far
  if [ -f "$1/cpuacct.usage" ]; then echo $(($(cat "$1/cpuacct.usage") / 1000))
  else awk '$1 == "usage_usec" { print $2 }' "$1/cpu.stat"; fi
}
# valgrind 3.19 does not know openat2 (ENOSYS), which pxe-tftpd confines
# every open with: under callgrind only, a preloaded shim turns it into
# openat (one call per request, not per block).
cat >"$WORK/openat2_shim.c" <<'C'
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdarg.h>
#include <sys/syscall.h>
long syscall(long n, ...) {
  va_list ap;
  va_start(ap, n);
  long a[6];
  for (int i = 0; i < 6; i++) a[i] = va_arg(ap, long);
  va_end(ap);
  if (n == SYS_openat2) {
    const struct open_how *how = (const struct open_how *)a[2];
    return openat((int)a[0], (const char *)a[1], (int)how->flags, (mode_t)how->mode);
  }
  long r;
  register long r10 __asm__("r10") = a[3], r8 __asm__("r8") = a[4], r9 __asm__("r9") = a[5];
  __asm__ volatile("syscall" : "=a"(r) : "a"(n), "D"(a[0]), "S"(a[1]), "d"(a[2]), "r"(r10), "r"(r8), "r"(r9)
                   : "rcx", "r11", "memory");
  if (r < 0 && r > -4096) { errno = (int)-r; return -1; }
  return r;
}
C
sed -i '1a #include <errno.h>' "$WORK/openat2_shim.c"
cc -shared -fPIC -O2 -o "$WORK/openat2_shim.so" "$WORK/openat2_shim.c" || die "cannot build the openat2 shim"
chmod 755 "$WORK/openat2_shim.so"
declare -A KPORT=([pxe-tftpd]=6901 [tftpd-hpa]=6902 [dnsmasq]=69 [pxe-before]=6904)
KSERVERS=(pxe-tftpd tftpd-hpa dnsmasq)
[ -n "$RUSH_BEFORE" ] && KSERVERS+=(pxe-before)
# cost_server SERVER WRAPPER...: the server's command line, after WRAPPER.
cost_start() {
  local server=$1
  shift
  echo $$ >"$CG_SRV/cgroup.procs"  # the server inherits it
  case $server in
    pxe-tftpd) ip netns exec "$NS_K" "$@" "$PXEKIT_BIN/pxe-tftpd" -q --max-clients 1000 -a 127.0.0.1:6901 "$ROOT" & ;;
    pxe-before) ip netns exec "$NS_K" "$@" "$RUSH_BEFORE" -q --max-clients 1000 -a 127.0.0.1:6904 "$ROOT" & ;;
    tftpd-hpa) ip netns exec "$NS_K" "$@" in.tftpd -L -a 127.0.0.1:6902 -u nobody -s "$ROOT" & ;;
    dnsmasq) ip netns exec "$NS_K" "$@" dnsmasq --keep-in-foreground --conf-file=/dev/null --pid-file --port=0 \
      --listen-address=127.0.0.1 --bind-interfaces --enable-tftp --tftp-root="$ROOT" \
      --tftp-max=1000 --user=nobody --log-facility=/dev/null & ;;
  esac
  COST_PID=$!
  PIDS+=("$COST_PID")
  echo $$ >"$CG_BASE/cgroup.procs"
  local i
  for ((i = 0; i < 100; i++)); do  # valgrind takes a while to start
    ip netns exec "$NS_K" ss -Hlun "sport = :${KPORT[$server]}" | grep -q . && return 0
    sleep 0.2
  done
  die "cost: no $server on port ${KPORT[$server]}"
}
# cost_stop PID TRACED: SIGTERM to the server; under strace (TRACED=1) to
# strace's child, then wait for strace to write its summary.
cost_stop() {
  local pid=$1 target=$1
  [ "$2" = 1 ] && target=$(pgrep -P "$pid" | head -n 1)
  kill "${target:-$pid}" 2>/dev/null
  wait "$pid" 2>/dev/null
  PIDS=()
}
# cost_clients SERVER: COST_N clients at once; prints the clients' CPU
# seconds (their cgroup), or "fail" when a file is wrong.
cost_clients() {
  local port=${KPORT[$1]} i bad=0 c0 c1
  rm -f "$COST_OUT"/*
  c0=$(cg_usec "$CG_CLI")
  timeout $((TIMEOUT * 3)) bash -c '
    echo $$ >"$4/cgroup.procs"
    exec ip netns exec "$5" bash -c "for ((i = 0; i < \$1; i++)); do
      curl -s --tftp-blksize 1468 -o \"\$2/\$i\" \"tftp://127.0.0.1:\$3/rush\" &
    done
    wait" cost "$1" "$2" "$3"' cost "$COST_N" "$COST_OUT" "$port" "$CG_CLI" "$NS_K"
  c1=$(cg_usec "$CG_CLI")
  for ((i = 0; i < COST_N; i++)); do
    [ "$(sha256sum <"$COST_OUT/$i" 2>/dev/null | cut -d' ' -f1)" = "$COST_SUM" ] || bad=$((bad + 1))
  done
  rm -f "$COST_OUT"/*
  [ $bad = 0 ] && echo "$c0 $c1" | awk '{ printf "%.2f", ($2 - $1) / 1e6 }' || echo fail
}
echo "== cost per block: $COST_N clients x 8 MiB, $((COST_N * COST_BLOCKS)) DATA blocks per server" >&2
COST_REPORT=$WORK/cost
: >"$COST_REPORT"
blocks=$((COST_N * COST_BLOCKS))
for server in "${KSERVERS[@]}"; do
  [ "${COST_TRACE:-1}" = 1 ] || break
  # 1. system calls
  cost_start "$server" strace -f -c -o "$WORK/strace.$server"
  ok=$(cost_clients "$server")
  cost_stop "$COST_PID" 1
  calls=$(awk '$NF == "total" { print $4 }' "$WORK/strace.$server")
  top=$(awk '/^-/ { n++; next } n == 1 && NF >= 5 { printf "%s %.2f, ", $NF, $4 / '"$blocks"' }' "$WORK/strace.$server" | head -c 200)
  # 2. instructions (user space; every forked child has its own file).
  # The files live in ROOT/cg, reachable as /cg from tftpd-hpa's chroot
  # too; valgrind creates each as the user it starts as and rewrites it at
  # exit after the server dropped to nobody, so a bounded loop opens them up.
  rm -rf "$ROOT/cg" "${ROOT:?}/tmp" && mkdir -m 777 "$ROOT/cg"
  mkdir -p "$ROOT$ROOT" && ln -s /cg "$ROOT$ROOT/cg"
  cost_start "$server" env LD_PRELOAD="$WORK/openat2_shim.so" valgrind --tool=callgrind \
    --trace-children=yes --callgrind-out-file="$ROOT/cg/%p" -q
  (for ((j = 0; j < 6000; j++)); do chmod 666 "$ROOT"/cg/* 2>/dev/null; sleep 0.1; done) &
  chmodder=$!
  ok2=$(cost_clients "$server")
  sleep 0.5
  cost_stop "$COST_PID" 0
  sleep 1
  kill "$chmodder" 2>/dev/null
  wait "$chmodder" 2>/dev/null
  instr=$(cat "$ROOT"/cg/* 2>/dev/null | awk '/^summary:/ { s += $2 } END { printf "%.0f", s }')
  nfiles=$(find "$ROOT/cg" -type f -size +0 | wc -l)
  rm -rf "$ROOT/cg" "${ROOT:?}/tmp"
  printf '%s %s %s %s %s %s %s|%s\n' "$server" "$blocks" "${calls:-0}" "${instr:-0}" "$ok" "$ok2" "$nfiles" "$top" >>"$COST_REPORT"
  echo "cost $server: $(tail -n 1 "$COST_REPORT")" >&2
done
# 3. CPU seconds, no tracer: COST_RUNS (3) runs, the servers alternating,
# medians.
declare -A scpus=() ccpus=()
for ((r = 0; r < ${COST_RUNS:-3}; r++)); do
  n=${#KSERVERS[@]}
  for ((k = 0; k < n; k++)); do
    server=${KSERVERS[$(((r + k) % n))]}
    cost_start "$server"
    t0=$(cg_usec "$CG_SRV")
    ccpu=$(cost_clients "$server")
    sleep 0.3
    t1=$(cg_usec "$CG_SRV")
    cost_stop "$COST_PID" 0
    scpu=$(echo "$t0 $t1" | awk '{ printf "%.2f", ($2 - $1) / 1e6 }')
    [ "$ccpu" = fail ] && scpu=fail
    echo "cost cpu run $r $server: server $scpu s, clients $ccpu s" >&2
    scpus[$server]+="$scpu "
    ccpus[$server]+="$ccpu "
  done
done
: >"$COST_REPORT.cpu"
for server in "${KSERVERS[@]}"; do
  # shellcheck disable=SC2086
  echo "$server $(median ${scpus[$server]}) $(median ${ccpus[$server]})" >>"$COST_REPORT.cpu"
done
rm -rf "$COST_OUT"
python3 - "$COST_REPORT" "$blocks" <<'PY'
import sys
cpu = {l.split()[0]: l.split()[1:] for l in open(sys.argv[1] + ".cpu")}
traced = {}
for line in open(sys.argv[1]):
    head, top = line.rstrip("\n").split("|", 1)
    traced[head.split()[0]] = (head.split()[1:], top)
print(f"{'server':10} {'blocks':>7} {'calls/blk':>9} {'instr/blk':>9} {'srv cpu s':>9} {'curl cpu s':>10} {'cg files':>8}  calls per block (strace -c)")
for server, (scpu, ccpu) in cpu.items():
    b = int(sys.argv[2])
    calls = instr = "-"
    nfiles, top, bad = "-", "", ""
    if server in traced:
        (_, c, i, ok, ok2, nfiles), top = traced[server]
        calls, instr = f"{int(c) / b:.2f}", f"{int(i) / b:.0f}"
        bad = "" if "fail" not in (ok, ok2) else "  (a traced run had a wrong file)"
    print(f"{server:10} {b:7d} {calls:>9} {instr:>9} {scpu:>9} {ccpu:>10} {nfiles:>8}  {top.rstrip(', ')}{bad}")
PY
fi

# --- report: median seconds, MB/s, ratio of pxe-tftpd to the best peer ---
echo "CPU use by other work before each topology: $LOADS"
python3 - "$RESULTS" <<'PY'
import sys
rows = [line.split() for line in open(sys.argv[1])]
print(f"{'topology':8} {'case':9} {'server':10} {'median s':>9} {'MB/s':>8} {'cpu s':>6} {'fails':>5}  {'pxe/best peer':>13}  runs (s)")
groups = {}
for topo, case, server, med, fails, size, cpu, *runs in rows:
    groups.setdefault((topo, case), []).append((server, med, int(fails), int(size), cpu, runs))
for (topo, case), entries in groups.items():
    rates = {s: (size / float(m) / 1e6 if m != "fail" else 0.0) for s, m, f, size, c, r in entries}
    peers = [r for s, r in rates.items() if not s.startswith("pxe-")]
    best = max(peers) if peers else 0.0
    for server, med, fails, size, cpu, runs in entries:
        rate = rates[server]
        ratio = f"{rates['pxe-tftpd'] / best:.2f}x" if server == "pxe-tftpd" and best > 0 else ""
        if topo == "rush" and server == "pxe-tftpd" and best > 0:
            # The issue's yardstick: pxe-tftpd's time over the best peer's.
            ratio = f"time {best / rate:.2f}x" if rate > 0 else "fail"
        if topo == "veth" and server == "pxe-tftpd":
            ratio += f" ({rate / 125 * 100:.0f}% line)"
        print(f"{topo:8} {case:9} {server:10} {med:>9} {rate:8.1f} {cpu:>6} {fails:5d}  {ratio:>13}  {' '.join(runs)}")
PY
