# shellcheck shell=bash
# The kernel's NFS server (knfsd) inside a network namespace of the
# caller's: the virtual lab's `--nfs knfsd` (issue 12), where the host's
# kernel has nfsd. Sourced by tests/support/lab_nfs.sh (lab_nfs_start
# ... knfsd); source that one.
#
#   knfsd_probe
#       0 when this host can run knfsd: nfsd is in /proc/filesystems or
#       `modprobe nfsd` loads it (a kernel that loads no modules, or was
#       built without nfsd, is said to be so: no package fixes that), the nfs-kernel-server and rpcbind tools
#       are installed, and /etc/exports exists (the lab's file is bind-mounted
#       over it). Otherwise 1, with KNFSD_WHY set to "WHAT: WHY" for each
#       thing missing, "; " between them (e.g. "the kernel's nfsd:
#       modprobe: FATAL: Module nfsd not found in directory ...").
#   knfsd_ns_start NETNS EXPORTS RUNDIR [THREADS]
#       in NETNS and a private mount namespace: tmpfs on /run and
#       /var/lib/nfs, the nfsd file system on /proc/fs/nfsd (nfsd keeps a
#       server per network namespace), EXPORTS bind-mounted over
#       /etc/exports and an empty directory over /etc/exports.d (when the
#       host has one), then rpcbind, `exportfs -ra`, rpc.mountd and
#       `rpc.nfsd THREADS` (default 8): NFSv3 over TCP, no NFSv4 (no client
#       tracking, no grace period) and no UDP. Waits (bounded) until
#       rpc.nfsd has started the threads. Every program's output goes to
#       RUNDIR/knfsd.log (KNFSD_LOG). Sets KNFSD_PID (the shell that holds
#       the namespaces), KNFSD_RPCBIND_PID, KNFSD_MOUNTD_PID.
#   knfsd_ns_wait_served CLIENT_NETNS URL OUT [SECONDS [ANSWER_RE]]
#       as ganesha_ns_wait_served (lab_nfs.sh), for knfsd.
#   knfsd_ns_stop (also run on exit, before the EXIT trap that was set)
#       in the same namespaces (nsenter by KNFSD_PID): `rpc.nfsd 0` (the
#       threads stop) and `exportfs -au`; then rpc.mountd, rpcbind and the
#       holder by PID (SIGTERM, then SIGKILL).
#
# Nothing is started host-wide and no file of the host's is written: the
# mounts exist only in the private mount namespace, nfsd's threads and
# sockets only in NETNS, rpcbind's socket in the private /run.

KNFSD_PID=""
KNFSD_RPCBIND_PID=""
KNFSD_MOUNTD_PID=""
KNFSD_LOG=""
KNFSD_NS=""
KNFSD_WHY=""
KNFSD_WAIT=${PXEKIT_KNFSD_WAIT:-30}

knfsd_probe() {
  local why=() out tool missing=()
  # KNFSD_PROC and KNFSD_MODPROBE stand in for /proc and modprobe in
  # tests/lint/run_tests.sh, which checks that CI allows exactly the
  # reasons no package can fix.
  local proc=${KNFSD_PROC:-/proc} modprobe=${KNFSD_MODPROBE:-modprobe}
  if ! grep -qw nfsd "$proc/filesystems" 2>/dev/null; then
    if [ ! -e "$proc/modules" ]; then
      # No package can change that: the kernel itself would have to differ.
      why+=("the kernel's nfsd: the running kernel ($(uname -r)) has no nfsd built in and loads no modules (no /proc/modules)")
    elif zcat "$proc/config.gz" 2>/dev/null | grep -qx '# CONFIG_NFSD is not set'; then
      why+=("the kernel's nfsd: the running kernel ($(uname -r)) was built without nfsd (CONFIG_NFSD is not set)")
    elif ! command -v "$modprobe" >/dev/null 2>&1; then
      why+=("the kernel's nfsd: not in /proc/filesystems, and no modprobe to load it")
    elif ! out=$("$modprobe" nfsd 2>&1); then
      why+=("the kernel's nfsd: ${out:-modprobe nfsd failed}")
    elif ! grep -qw nfsd "$proc/filesystems"; then
      why+=("the kernel's nfsd: modprobe nfsd succeeded but nfsd is not in /proc/filesystems")
    fi
  fi
  for tool in exportfs rpc.nfsd rpc.mountd rpcbind nsenter unshare; do
    command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
  done
  [ ${#missing[@]} = 0 ] ||
    why+=("${missing[*]}: not installed (apt-get install nfs-kernel-server rpcbind util-linux)")
  [ -f /etc/exports ] ||
    why+=("/etc/exports: missing (nfs-kernel-server installs it; the lab's exports are bind-mounted over it)")
  KNFSD_WHY=""
  local w
  for w in "${why[@]}"; do KNFSD_WHY+="${KNFSD_WHY:+; }$w"; done
  [ -z "$KNFSD_WHY" ]
}

knfsd_ns_start() {
  local ns=$1 exports=$2 run=$3 threads=${4:-8}
  [ -z "$KNFSD_PID" ] || { echo "knfsd: already running (holder pid $KNFSD_PID)" >&2; return 1; }
  [ -f "$exports" ] || { echo "knfsd: $exports: no such file" >&2; return 1; }
  mkdir -p "$run/exports.d.empty" || return 1
  rm -f "$run/rpcbind.pid" "$run/mountd.pid" "$run/knfsd.ready"
  KNFSD_LOG=$run/knfsd.log KNFSD_NS=$ns KNFSD_RPCBIND_PID="" KNFSD_MOUNTD_PID=""
  # Each mount is checked before the next step, so that exportfs never
  # reads the host's exports and nothing writes the host's /var/lib/nfs.
  ip netns exec "$ns" unshare --mount --propagation private sh -c '
    exports=$1 run=$2 threads=$3
    step() { echo "knfsd: $*" >&2; }
    mount -t tmpfs tmpfs /run && mount -t tmpfs tmpfs /var/lib/nfs || exit 71
    [ "$(findmnt -no FSTYPE /var/lib/nfs)" = tmpfs ] || { step "/var/lib/nfs is not the tmpfs"; exit 71; }
    mount -t nfsd nfsd /proc/fs/nfsd || { step "mount -t nfsd nfsd /proc/fs/nfsd failed"; exit 71; }
    mount --bind "$exports" /etc/exports || { step "bind-mounting $exports on /etc/exports failed"; exit 71; }
    cmp -s "$exports" /etc/exports || { step "/etc/exports is not $exports"; exit 71; }
    if [ -d /etc/exports.d ]; then
      mount --bind "$run/exports.d.empty" /etc/exports.d || { step "hiding /etc/exports.d failed"; exit 71; }
    fi
    : >/var/lib/nfs/etab
    : >/var/lib/nfs/rmtab
    step "rpcbind -f -w"
    rpcbind -f -w &
    echo $! >"$run/rpcbind.pid"
    i=0
    while [ ! -S /run/rpcbind.sock ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
    [ -S /run/rpcbind.sock ] || { step "rpcbind did not start"; exit 69; }
    step "exportfs -rav"
    exportfs -rav || { step "exportfs -ra failed"; exit 65; }
    step "rpc.mountd -F -N 4"
    rpc.mountd -F -N 4 &
    echo $! >"$run/mountd.pid"
    step "rpc.nfsd -N 4 --no-udp $threads"
    rpc.nfsd -N 4 --no-udp "$threads" || { step "rpc.nfsd $threads failed"; exit 71; }
    step "threads: $(cat /proc/fs/nfsd/threads), versions: $(cat /proc/fs/nfsd/versions)"
    echo ok >"$run/knfsd.ready"
    # Hold the namespaces (knfsd_ns_stop enters them) while the daemons run.
    wait
  ' sh "$exports" "$run" "$threads" </dev/null >"$KNFSD_LOG" 2>&1 &
  KNFSD_PID=$!
  # nfsd's threads are the kernel's: killing the daemons (testlib.sh,
  # pxeboot.sh) would leave them serving, and the namespace alive, after an
  # early exit. So knfsd_ns_stop runs first on exit, whoever exits.
  if [ -z "${_knfsd_trapped-}" ]; then
    _knfsd_trapped=yes
    _knfsd_prev_exit_trap=$(trap -p EXIT | sed -E "s/^trap -- '(.*)' EXIT$/\1/")
    # shellcheck disable=SC2016
    trap 'knfsd_ns_stop; eval "$_knfsd_prev_exit_trap"' EXIT
  fi
  for _ in $(seq $((KNFSD_WAIT * 10))); do
    [ -s "$run/knfsd.ready" ] && break
    kill -0 "$KNFSD_PID" 2>/dev/null || break
    sleep 0.1
  done
  KNFSD_RPCBIND_PID=$(cat "$run/rpcbind.pid" 2>/dev/null)
  KNFSD_MOUNTD_PID=$(cat "$run/mountd.pid" 2>/dev/null)
  # Under testlib.sh, its exit trap kills them too.
  if declare -p BACKGROUND >/dev/null 2>&1; then
    BACKGROUND+=("$KNFSD_PID")
    [ -n "$KNFSD_RPCBIND_PID" ] && BACKGROUND+=("$KNFSD_RPCBIND_PID")
    [ -n "$KNFSD_MOUNTD_PID" ] && BACKGROUND+=("$KNFSD_MOUNTD_PID")
  fi
  if [ ! -s "$run/knfsd.ready" ]; then
    if kill -0 "$KNFSD_PID" 2>/dev/null; then
      echo "knfsd: the server did not start in $ns within ${KNFSD_WAIT}s:" >&2
    else
      wait "$KNFSD_PID"
      echo "knfsd: setting up the server in $ns failed (exit $?):" >&2
    fi
    tail -n 30 "$KNFSD_LOG" >&2
    knfsd_ns_stop
    return 1
  fi
  return 0
}

knfsd_ns_wait_served() {
  _nfs_ns_wait_served "$KNFSD_PID" "knfsd's holder shell" "$KNFSD_LOG" "$@"
}

knfsd_ns_stop() {
  [ -n "$KNFSD_PID" ] || return 0
  if kill -0 "$KNFSD_PID" 2>/dev/null; then
    timeout 30 nsenter -t "$KNFSD_PID" -m -n sh -c \
      '[ -f /proc/fs/nfsd/threads ] && rpc.nfsd 0; exportfs -au' >>"$KNFSD_LOG" 2>&1
  elif grep -q '^knfsd: rpc.nfsd ' "$KNFSD_LOG" 2>/dev/null; then
    # The holder is gone (killed): threads it started would still run in
    # NETNS's nfsd and keep the namespace alive. A new private mount
    # namespace there, with an empty /run (never the host's rpcbind).
    echo "knfsd: the holder (pid $KNFSD_PID) had exited; rpc.nfsd 0 from a new mount namespace" >>"$KNFSD_LOG"
    timeout 30 ip netns exec "$KNFSD_NS" unshare --mount --propagation private sh -c \
      'mount -t tmpfs tmpfs /run && mount -t nfsd nfsd /proc/fs/nfsd && rpc.nfsd 0' >>"$KNFSD_LOG" 2>&1
  fi
  _ganesha_kill "$KNFSD_MOUNTD_PID" 5
  _ganesha_kill "$KNFSD_RPCBIND_PID" 5
  _ganesha_kill "$KNFSD_PID" 5
  KNFSD_PID="" KNFSD_RPCBIND_PID="" KNFSD_MOUNTD_PID=""
}
