# The real exportfs (nfs-utils 2.6), sandboxed. Source after testlib.sh.
#
#   exportfs_ns_setup     check that the sandbox can be made here (root,
#                         unshare, overlayfs), else skip (exit 77) saying why
#   in_exportfs_ns SCRIPT [ARGS...]
#                         run the bash SCRIPT (with ARGS as $1...) as root in
#                         a private mount and network namespace where /etc is
#                         an overlay whose writes land in $SCRATCH/etc-upper
#                         (so /etc/exports and /etc/exports.d are the test's
#                         and the host's are never written), /var/lib/nfs is
#                         a tmpfs (etab, rmtab) and /proc/fs/nfsd, when the
#                         kernel has it, is hidden under a tmpfs. Bounded by
#                         `timeout`. SCRIPT starts with /etc/exports empty and
#                         /etc/exports.d empty.
#
# How exportfs runs there: with no nfsd file system and no
# /proc/net/rpc/*/channel in the new network namespace, `exportfs -ra`
# parses /etc/exports and /etc/exports.d/*.exports, prints its complaints on
# stderr, exits 1 on an error, and writes what it exported to
# /var/lib/nfs/etab; it cannot reach a kernel export table, so nothing
# outside the namespaces changes. `exportfs -s` prints that table back in
# exports syntax.

exportfs_ns_setup() {
  [ "$(id -u)" = 0 ] || skip "exportfs sandboxing needs root (mount namespaces)"
  need_cmd exportfs unshare timeout
  EXPORTFS_UPPER=$SCRATCH/etc-upper
  EXPORTFS_WORK=$SCRATCH/etc-work
  mkdir -p "$EXPORTFS_UPPER" "$EXPORTFS_WORK"
  local probe
  probe=$(in_exportfs_ns 'echo sandbox-ok' 2>&1)
  [ "$probe" = sandbox-ok ] ||
    skip "cannot make a private mount namespace with an overlay on /etc here: $probe"
  local nfsd=absent
  grep -qw nfsd /proc/filesystems && nfsd=present
  echo "exportfs (nfs-utils $(dpkg-query -W -f '${Version}' nfs-kernel-server 2>/dev/null || echo '?')) runs in a private mount+network namespace: /etc is an overlay, /var/lib/nfs a tmpfs; nfsd in this kernel: $nfsd (exportfs reaches no kernel export table either way)"
}

# The wrapper mounts first and refuses to run SCRIPT unless /etc is the
# overlay: a failed mount must never let SCRIPT write the host's /etc.
in_exportfs_ns() {
  local script=$1
  shift
  timeout 60 unshare --mount --net --propagation private bash -c '
    set -u
    upper=$1 work=$2 script=$3
    shift 3
    mount -t overlay overlay -o "lowerdir=/etc,upperdir=$upper,workdir=$work" /etc ||
      { echo "overlay mount on /etc failed" >&2; exit 71; }
    [ "$(findmnt -no FSTYPE /etc)" = overlay ] ||
      { echo "/etc is not the overlay" >&2; exit 71; }
    mount -t tmpfs tmpfs /var/lib/nfs || exit 71
    if [ -d /proc/fs/nfsd ]; then mount -t tmpfs tmpfs /proc/fs/nfsd || exit 71; fi
    : >/etc/exports
    rm -rf /etc/exports.d && mkdir /etc/exports.d
    : >/var/lib/nfs/etab
    : >/var/lib/nfs/rmtab
    bash -c "$script" bash "$@"
  ' bash "$EXPORTFS_UPPER" "$EXPORTFS_WORK" "$script" "$@"
}
