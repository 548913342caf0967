# shellcheck shell=bash
# NFS-Ganesha (FSAL VFS) and rpcbind inside a network namespace of the
# caller's, in a private mount namespace: the virtual lab's NFS server
# (issue 12) and tests/netns/pxe-exports_ganesha.sh's; with `knfsd`, the
# kernel's NFS server instead (tests/support/knfsd.sh, sourced here).
# Source it (bash).
#
# The lab's root export, configured by pxekit itself:
#   lab_nfs_start NETNS ROOT_DIR CLIENTS LOG_DIR [ganesha|knfsd]
#       ganesha (the default): writes LOG_DIR/exports with `pxe-exports line
#       --ro --no-root-squash ROOT_DIR CLIENTS...` (CLIENTS: one or more
#       words, e.g. 10.99.0.0/24), turns it into Ganesha's EXPORT block with
#       `pxe-exports ganesha`, starts rpcbind and ganesha.nfsd (NFSv3 and v4)
#       in NETNS. knfsd: fails at once, saying why, where knfsd_probe does;
#       writes LOG_DIR/exports with `pxe-exports add --ro --no-root-squash
#       ROOT_DIR CLIENTS... --file LOG_DIR/exports` and starts knfsd
#       (knfsd_ns_start: NFSv3 over TCP) in NETNS with that file as its
#       /etc/exports. Either way it then waits (bounded: LAB_NFS_WAIT
#       seconds) until `nfs-ls nfs://SERVER/ROOT_DIR` from NETNS answers.
#       Sets LAB_NFS_SERVER (NETNS's first IPv4 address), LAB_NFS_PATH,
#       LAB_NFS_LOG (the server's log), LAB_NFS_KIND, LAB_NFS_FSID (knfsd
#       on a tmpfs: 1, the --fsid the export then needs). pxe-exports is taken
#       from PXEKIT_BIN (default build/bin).
#   lab_nfs_stop
#       stops the server by PID: Ganesha and rpcbind with SIGTERM, ~10 s,
#       then SIGKILL; knfsd with `rpc.nfsd 0` in its namespaces, then its
#       daemons (knfsd_ns_stop).
#
# The pieces, for other configurations:
#   ganesha_core_conf PROTOCOLS RECOVERY_DIR    NFS_CORE_PARAM etc. on stdout
#   ganesha_ns_start NETNS CONF LOG RUNDIR [v3] [SETUP]
#   ganesha_ns_wait_served CLIENT_NETNS URL OUT [SECONDS]
#   ganesha_ns_stop
#
# Nothing runs outside NETNS: /run and /var/lib/nfs are tmpfs in the private
# mount namespace, so neither the host's rpcbind socket nor its D-Bus is
# seen, and no state file of the host's is written. The caller removes
# NETNS; a process that outlived lab_nfs_stop dies with `ip netns pids`.

LAB_NFS_WAIT=${PXEKIT_LAB_NFS_WAIT:-60}

# shellcheck source=tests/support/knfsd.sh
source "$(dirname "${BASH_SOURCE[0]}")/knfsd.sh"

GANESHA_PID=""         # ganesha.nfsd itself (exec'd: kill it by this PID)
GANESHA_RPCBIND_PID="" # rpcbind, when started with v3
GANESHA_LOG=""
GANESHA_OUT=""         # its stdout and stderr

# ganesha_core_conf PROTOCOLS RECOVERY_DIR: the settings every run shares:
# NFS versions PROTOCOLS ("4" or "3, 4"), no NLM (klibc's nfsmount mounts
# with nolock) and no RQUOTA, a grace-less start (it serves at once),
# NFSv4 client recovery in RECOVERY_DIR, no Kerberos.
ganesha_core_conf() {
  cat <<EOF
NFS_CORE_PARAM {
	Protocols = $1;
	NFS_Port = 2049;
	Enable_NLM = false;
	Enable_RQUOTA = false;
}
NFSv4 {
	Graceless = true;
	RecoveryBackend = fs;
	RecoveryRoot = "$2";
}
NFS_KRB5 {
	Active_krb5 = false;
}
EOF
}

# ganesha_ns_start NETNS CONF LOG RUNDIR [v3] [SETUP]: ganesha.nfsd -F with
# CONF, logging to LOG (its stdout/stderr in RUNDIR/ganesha.out), in NETNS
# and a private mount namespace with tmpfs on /run and /var/lib/nfs. SETUP,
# a sh command line, runs there first (e.g. more mounts; its failure stops
# the start). With v3, rpcbind -f -w is started there first and Ganesha
# registers with it (NFSv3 and MOUNT need it). Sets GANESHA_PID and
# GANESHA_RPCBIND_PID; returns at once (ganesha_ns_wait_served waits).
ganesha_ns_start() {
  local ns=$1 conf=$2 log=$3 run=$4 v3=${5-} setup=${6-} i
  [ -z "$GANESHA_PID" ] || { echo "ganesha: already running (pid $GANESHA_PID)" >&2; return 1; }
  mkdir -p "$run" || return 1
  rm -f "$run/rpcbind.pid"
  GANESHA_LOG=$log GANESHA_OUT=$run/ganesha.out GANESHA_RPCBIND_PID=""
  # exec at each step, so that $! is ganesha.nfsd itself.
  ip netns exec "$ns" unshare --mount --propagation private sh -c '
    conf=$1 log=$2 run=$3 v3=$4 setup=$5
    mount -t tmpfs tmpfs /run && mount -t tmpfs tmpfs /var/lib/nfs || exit 71
    [ "$(findmnt -no FSTYPE /run)" = tmpfs ] || { echo "/run is not the tmpfs" >&2; exit 71; }
    if [ -n "$setup" ]; then sh -c "$setup" || exit 71; fi
    if [ "$v3" = v3 ]; then
      rpcbind -f -w &
      echo $! >"$run/rpcbind.pid"
      for i in $(seq 50); do [ -S /run/rpcbind.sock ] && break; sleep 0.1; done
    fi
    exec ganesha.nfsd -F -f "$conf" -L "$log" -p "$run/ganesha.pid" -N NIV_EVENT
  ' sh "$conf" "$log" "$run" "$v3" "$setup" </dev/null >"$GANESHA_OUT" 2>&1 &
  GANESHA_PID=$!
  if [ "$v3" = v3 ]; then
    for i in $(seq 50); do
      [ -s "$run/rpcbind.pid" ] && break
      kill -0 "$GANESHA_PID" 2>/dev/null || break
      sleep 0.1
    done
    GANESHA_RPCBIND_PID=$(cat "$run/rpcbind.pid" 2>/dev/null)
  fi
  # Under testlib.sh, its exit trap kills them too.
  if declare -p BACKGROUND >/dev/null 2>&1; then
    BACKGROUND+=("$GANESHA_PID")
    [ -n "$GANESHA_RPCBIND_PID" ] && BACKGROUND+=("$GANESHA_RPCBIND_PID")
  fi
  return 0
}

# ganesha_ns_wait_served CLIENT_NETNS URL OUT [SECONDS [ANSWER_RE]]: until
# `nfs-ls URL` run in CLIENT_NETNS lists it (bounded: SECONDS, default 30),
# or its output matches the extended regex ANSWER_RE (a refusal that proves
# the server up); the output in OUT. On failure (timeout, or ganesha.nfsd
# exited), the end of Ganesha's log and OUT go to stderr. URL may carry
# ?version=3.
ganesha_ns_wait_served() {
  _nfs_ns_wait_served "$GANESHA_PID" ganesha.nfsd "$GANESHA_LOG $GANESHA_OUT" "$@"
}

# _nfs_ns_wait_served PID NAME LOGS CLIENT_NETNS URL OUT [SECONDS [ANSWER_RE]]:
# the wait of ganesha_ns_wait_served for a server whose process PID (NAME)
# must stay alive; on failure the end of each of LOGS (space-separated)
# and OUT go to stderr.
_nfs_ns_wait_served() {
  local pid=$1 name=$2 logs=$3 ns=$4 url=$5 out=$6 seconds=${7:-30} answer=${8-} start=$SECONDS
  while [ $((SECONDS - start)) -lt "$seconds" ]; do
    kill -0 "$pid" 2>/dev/null || break
    timeout 15 ip netns exec "$ns" nfs-ls "$url" >"$out" 2>&1 && return 0
    [ -n "$answer" ] && grep -Eq "$answer" "$out" && return 0
    sleep 0.5
  done
  kill -0 "$pid" 2>/dev/null || echo "nfs: $name exited" >&2
  # shellcheck disable=SC2086 # LOGS is one or more file names
  tail -n 30 $logs "$out" >&2 2>/dev/null
  return 1
}

# _ganesha_kill PID SECONDS: SIGTERM, up to SECONDS, then SIGKILL.
_ganesha_kill() {
  local pid=$1
  [ -n "$pid" ] || return 0
  kill -TERM "$pid" 2>/dev/null
  for _ in $(seq $(($2 * 5))); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.2
  done
  kill -KILL "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  return 0
}

# ganesha_ns_stop: ganesha.nfsd (it takes a few seconds to stop: 10 s
# before SIGKILL), then rpcbind (5 s), by PID.
ganesha_ns_stop() {
  _ganesha_kill "$GANESHA_PID" 10
  _ganesha_kill "$GANESHA_RPCBIND_PID" 5
  GANESHA_PID="" GANESHA_RPCBIND_PID=""
}

# --- the lab's root export -------------------------------------------------

LAB_NFS_SERVER=""
LAB_NFS_PATH=""
LAB_NFS_LOG=""
LAB_NFS_KIND=""        # the server lab_nfs_start started: ganesha or knfsd
LAB_NFS_FSID=""        # knfsd: the export's fsid= (only on a tmpfs)

lab_nfs_start() {
  local ns=$1 root=$2 clients=$3 dir=$4 kind=${5:-ganesha} bin=${PXEKIT_BIN:-${PXEBOOT_BIN:-build/bin}} url
  [ $# = 4 ] || [ $# = 5 ] || { echo "lab: lab_nfs_start NETNS ROOT_DIR CLIENTS LOG_DIR [ganesha|knfsd]" >&2; return 1; }
  case $kind in ganesha | knfsd) ;; *) echo "lab: NFS server '$kind': ganesha or knfsd" >&2; return 1 ;; esac
  [ -x "$bin/pxe-exports" ] || { echo "lab: $bin/pxe-exports is missing (make)" >&2; return 1; }
  [ -d "$root" ] || { echo "lab: $root: no such directory" >&2; return 1; }
  mkdir -p "$dir/recovery" || return 1
  LAB_NFS_SERVER=$(ip -n "$ns" -o -4 addr show scope global 2>/dev/null | awk '{ sub(/\/.*/, "", $4); print $4; exit }')
  [ -n "$LAB_NFS_SERVER" ] || { echo "lab: namespace $ns has no IPv4 address to serve on" >&2; return 1; }
  LAB_NFS_PATH=$root
  LAB_NFS_KIND=$kind
  if [ "$kind" = knfsd ]; then
    knfsd_probe || { echo "lab: knfsd: $KNFSD_WHY" >&2; return 1; }
    rm -f "$dir/exports"
    # knfsd names a file system in its file handles by its device or UUID;
    # a tmpfs (/tmp on some hosts) has neither and needs an fsid.
    local fsid=()
    LAB_NFS_FSID=""
    [ "$(stat -f -c %T "$root")" = tmpfs ] && LAB_NFS_FSID=1 fsid=(--fsid 1)
    # The export as an admin adds it; this file is bind-mounted over
    # /etc/exports in the server's private mount namespace only.
    # shellcheck disable=SC2086 # CLIENTS is one or more words
    "$bin/pxe-exports" add --ro --no-root-squash "${fsid[@]}" "$root" $clients --file "$dir/exports" ||
      { echo "lab: pxe-exports add $root $clients --file $dir/exports failed" >&2; return 1; }
    LAB_NFS_LOG=$dir/knfsd.log
    knfsd_ns_start "$ns" "$dir/exports" "$dir" || return 1
    _lab_nfs_say "knfsd (Linux $(uname -r), nfs-utils $(dpkg-query -W -f '${Version}' nfs-kernel-server 2>/dev/null)) \
+ rpc.mountd + rpcbind in $ns: $(grep -v '^#' "$dir/exports" | head -n1)"
  else
    # shellcheck disable=SC2086 # CLIENTS is one or more words
    "$bin/pxe-exports" line --ro --no-root-squash "$root" $clients >"$dir/exports" ||
      { echo "lab: pxe-exports line $root $clients failed" >&2; return 1; }
    "$bin/pxe-exports" ganesha "$dir/exports" >"$dir/exports.conf" ||
      { echo "lab: pxe-exports ganesha $dir/exports failed" >&2; return 1; }
    { ganesha_core_conf "3, 4" "$dir/recovery"; cat "$dir/exports.conf"; } >"$dir/ganesha.conf"
    LAB_NFS_LOG=$dir/ganesha.log
    ganesha_ns_start "$ns" "$dir/ganesha.conf" "$LAB_NFS_LOG" "$dir" v3 || return 1
    _lab_nfs_say "ganesha.nfsd $(dpkg-query -W -f '${Version}' nfs-ganesha 2>/dev/null) + rpcbind in $ns: \
$(grep -v '^#' "$dir/exports" | head -n1)"
  fi
  url="nfs://$LAB_NFS_SERVER$root?version=3"
  # A refusal is an answer too: CLIENTS need not hold the server's own
  # address.
  if "${kind}_ns_wait_served" "$ns" "$url" "$dir/nfs-ls.out" "$LAB_NFS_WAIT" MNT3ERR_ACCES; then
    if grep -q MNT3ERR_ACCES "$dir/nfs-ls.out"; then
      _lab_nfs_say "$url answers, refusing $LAB_NFS_SERVER (not in $clients)"
    else
      _lab_nfs_say "$url answers (NFSv3, MOUNT through rpcbind)"
    fi
    return 0
  fi
  echo "lab: $kind does not serve $url after ${LAB_NFS_WAIT}s (see above)" >&2
  lab_nfs_stop
  return 1
}

_lab_nfs_say() {
  if declare -F pxeboot_say >/dev/null; then pxeboot_say nfs "$1"; else echo "nfs     $1"; fi
}

lab_nfs_stop() {
  case $LAB_NFS_KIND in
    knfsd) knfsd_ns_stop ;;
    *) ganesha_ns_stop ;;
  esac
}
