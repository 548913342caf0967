#!/usr/bin/env bash
# The lab's `--nfs knfsd` (tests/support/knfsd.sh, lab_nfs.sh) without QEMU.
#
#  1. knfsd_probe agrees with the host, checked here on its own: nfsd in
#     /proc/filesystems (or `modprobe nfsd` loads it), exportfs, rpc.nfsd,
#     rpc.mountd, rpcbind installed, /etc/exports present; where the kernel
#     has no nfsd, the reason says why: it loads no modules, it was built
#     without nfsd, or modprobe's own words.
#  2. Where the probe says no: `demo.sh --nfs knfsd` and the morning-rush
#     benchmark stop at once with exit 69 and "demo: knfsd: WHY", having
#     started nothing (no namespace, no output on stdout), and
#     lab_nfs_start ... knfsd fails with the same reason and starts nothing
#     (no fallback to Ganesha). The set-up itself runs as far as the kernel
#     allows: knfsd_ns_start mounts its tmpfs and then fails at the nfsd
#     file system, saying so, with nothing left running in the namespace.
#     Then the test is skipped (77) with the probe's reason.
#  3. Where knfsd runs: the export written by `pxe-exports add`, knfsd in a
#     server namespace (10.77.0.1), and from a client namespace (10.77.0.2,
#     the only client in the export) libnfs's nfs-ls and nfs-cat read it
#     over NFSv3, nfs-cp cannot write (a read-only export), and the kernel's
#     NFS client (where it loads) mounts it and gets "Read-only file
#     system"; the server's own address is refused (MNT3ERR_ACCES). nfsd
#     listens on 2049 in the server namespace and not on the host. After
#     lab_nfs_stop: no thread left (/proc/fs/nfsd/threads 0 in that
#     namespace), no process in it, and nothing answers any more.
# Either way the host's /etc/exports and /var/lib/nfs/etab stay as they were.
source "$PXEKIT_SRC/tests/support/testlib.sh"
source "$PXEKIT_SRC/tests/support/lab_nfs.sh"

need_netns
need_cmd unshare nsenter timeout
[ -x "$PXEKIT_BIN/pxe-exports" ] || skip "pxe-exports is not built in this tree"

host_state() {  # what of the host's NFS state must not change
  cksum /etc/exports /var/lib/nfs/etab 2>&1
  ls /etc/exports.d 2>&1
}
HOST_BEFORE=$(host_state)
host_2049() { ss -Htln 'sport = :2049' 2>/dev/null; }
HOST_2049_BEFORE=$(host_2049)

# --- 1. the probe ---------------------------------------------------------------
knfsd_probe
probe_rc=$?
echo "knfsd_probe: exit $probe_rc${KNFSD_WHY:+: $KNFSD_WHY}"
kernel_ok=no
grep -qw nfsd /proc/filesystems && kernel_ok=yes
tools_ok=yes
for tool in exportfs rpc.nfsd rpc.mountd rpcbind; do
  command -v "$tool" >/dev/null || tools_ok=no
done
want_rc=1
[ "$kernel_ok$tools_ok" = yesyes ] && [ -f /etc/exports ] && want_rc=0
check "the probe's verdict (exit $probe_rc) is the host's: nfsd in the kernel $kernel_ok, tools $tools_ok" \
  '[ "$probe_rc" = "$want_rc" ]'
if [ "$kernel_ok" = no ] && [ ! -e /proc/modules ]; then
  check "the reason says the kernel loads no modules (no modprobe can help)" \
    '[[ "$KNFSD_WHY" == "the kernel'"'"'s nfsd: the running kernel ($(uname -r)) has no nfsd built in and loads no modules"* ]]'
elif [ "$kernel_ok" = no ] && zcat /proc/config.gz 2>/dev/null | grep -qx '# CONFIG_NFSD is not set'; then
  check "the reason says the kernel was built without nfsd" \
    '[[ "$KNFSD_WHY" == *"was built without nfsd (CONFIG_NFSD is not set)"* ]]'
elif [ "$kernel_ok" = no ]; then
  modprobe_says=$(modprobe nfsd 2>&1)
  check "the reason quotes modprobe ($modprobe_says)" \
    '[ -n "$modprobe_says" ] && [[ "$KNFSD_WHY" == *"the kernel'"'"'s nfsd: $modprobe_says"* ]]'
fi
[ "$tools_ok" = yes ] ||
  check "the reason names the missing tools" '[[ "$KNFSD_WHY" == *"not installed"* ]]'
check "a reason exactly when the probe says no" '[ "$probe_rc" = 0 ] && [ -z "$KNFSD_WHY" ] ||
  { [ "$probe_rc" = 1 ] && [ -n "$KNFSD_WHY" ]; }'

SRV=pxk-knfsd-srv-$$
CLI=pxk-knfsd-cli-$$
netns_add "$SRV"
netns_add "$CLI"
ip link add kn-srv-$$ netns "$SRV" type veth peer name kn-cli-$$ netns "$CLI" &&
  ip -n "$SRV" addr add 10.77.0.1/24 dev "kn-srv-$$" && ip -n "$SRV" link set "kn-srv-$$" up &&
  ip -n "$CLI" addr add 10.77.0.2/24 dev "kn-cli-$$" && ip -n "$CLI" link set "kn-cli-$$" up ||
  { fail "the two namespaces and their veth pair"; finish; exit 1; }
EXPORT=$SCRATCH/export
mkdir -p "$EXPORT"
echo "hello from knfsd" >"$EXPORT/hello"
chmod -R a+rX "$SCRATCH"

# --- 2. where knfsd cannot run ---------------------------------------------------
if [ "$probe_rc" != 0 ]; then
  ns_before=$(ip netns list | grep -v -e "$SRV" -e "$CLI" | sort)
  start=$SECONDS
  timeout 60 bash "$PXEKIT_SRC/tests/support/demo.sh" --nfs knfsd --one-day \
    >"$SCRATCH/demo.out" 2>"$SCRATCH/demo.err"
  rc=$?
  check "demo.sh --nfs knfsd: exit 69 (rc $rc) within seconds ($((SECONDS - start))s)" \
    '[ "$rc" = 69 ] && [ $((SECONDS - start)) -lt 30 ]'
  check "demo.sh --nfs knfsd: one line, 'demo: knfsd: $KNFSD_WHY'" \
    '[ "$(cat "$SCRATCH/demo.err")" = "demo: knfsd: $KNFSD_WHY" ]' || cat "$SCRATCH/demo.err" >&2
  check "demo.sh --nfs knfsd: started nothing (no output, no namespace)" \
    '[ ! -s "$SCRATCH/demo.out" ] && [ "$(ip netns list | grep -v -e "$SRV" -e "$CLI" | sort)" = "$ns_before" ]' ||
    cat "$SCRATCH/demo.out" >&2
  help=$(bash "$PXEKIT_SRC/tests/support/demo.sh" --nfs ganesha --help)
  rc=$?
  check "demo.sh --nfs ganesha is accepted, and --help explains --nfs knfsd (rc $rc)" \
    '[ "$rc" = 0 ] && [[ "$help" == *"--nfs ganesha|knfsd"*"modprobe nfsd"* ]]'
  bash "$PXEKIT_SRC/tests/support/demo.sh" --nfs nfs3 2>"$SCRATCH/usage.err"
  rc=$?
  check "demo.sh --nfs nfs3: a usage error (rc $rc)" \
    '[ "$rc" = 64 ] && grep -q "^usage: demo.sh .*--nfs ganesha|knfsd" "$SCRATCH/usage.err"'
  timeout 60 bash "$PXEKIT_SRC/tests/bench/lab.sh" --nfs knfsd --runs 1 >"$SCRATCH/bench.out" 2>"$SCRATCH/bench.err"
  rc=$?
  check "tests/bench/lab.sh --nfs knfsd: exit 69 (rc $rc), 'lab.sh: knfsd: $KNFSD_WHY'" \
    '[ "$rc" = 69 ] && [ "$(cat "$SCRATCH/bench.err")" = "lab.sh: knfsd: $KNFSD_WHY" ] && [ ! -s "$SCRATCH/bench.out" ]' ||
    cat "$SCRATCH/bench.err" >&2

  lab_nfs_start "$SRV" "$EXPORT" 10.77.0.2 "$SCRATCH/nfs" knfsd >"$SCRATCH/start.out" 2>"$SCRATCH/start.err"
  rc=$?
  check "lab_nfs_start ... knfsd fails (rc $rc) with the probe's reason, no Ganesha in its place" \
    '[ "$rc" != 0 ] && [ "$(cat "$SCRATCH/start.err")" = "lab: knfsd: $KNFSD_WHY" ] &&
     [ -z "$GANESHA_PID" ] && [ -z "$KNFSD_PID" ] && [ -z "$(ip netns pids "$SRV")" ]' ||
    cat "$SCRATCH/start.out" "$SCRATCH/start.err" >&2

  # The set-up as far as this kernel goes.
  "$PXEKIT_BIN/pxe-exports" add --ro --no-root-squash --fsid 1 "$EXPORT" 10.77.0.2 \
    --file "$SCRATCH/exports" 2>"$SCRATCH/add.err"
  check "pxe-exports add wrote the export" \
    'grep -qx "$EXPORT 10.77.0.2(ro,no_root_squash,fsid=1,sync,no_subtree_check) # pxe-exports" "$SCRATCH/exports"' ||
    cat "$SCRATCH/exports" "$SCRATCH/add.err" >&2
  KNFSD_WAIT=20 knfsd_ns_start "$SRV" "$SCRATCH/exports" "$SCRATCH/run" 2>"$SCRATCH/ns_start.err"
  rc=$?
  log=$(cat "$SCRATCH/run/knfsd.log" 2>/dev/null)
  check "knfsd_ns_start fails where the kernel has no nfsd file system (rc $rc)" \
    '[ "$rc" != 0 ] && [ ! -e "$SCRATCH/run/knfsd.ready" ]'
  if [ "$kernel_ok" = no ]; then
    check "... at the nfsd mount, saying so, before rpcbind or exportfs ran" \
      '[[ "$log" == *"nfsd"*"mount -t nfsd nfsd /proc/fs/nfsd failed"* ]] && [[ "$log" != *rpcbind* ]] &&
       [ ! -e "$SCRATCH/run/rpcbind.pid" ]' || echo "$log" >&2
  fi
  check "knfsd_ns_start left nothing running in the namespace" \
    '[ -z "$KNFSD_PID" ] && [ -z "$(ip netns pids "$SRV")" ]' || ip netns pids "$SRV" >&2
  check "the host's /etc/exports, /etc/exports.d and etab are unchanged" '[ "$(host_state)" = "$HOST_BEFORE" ]'
  [ "$FAILED" = 0 ] || { finish; exit 1; }
  echo "${PASSED} passed, 0 failed"
  skip "knfsd: $KNFSD_WHY"
fi

# --- 3. knfsd in a namespace ------------------------------------------------------
need_cmd nfs-ls nfs-cat nfs-cp
lab_nfs_start "$SRV" "$EXPORT" 10.77.0.2 "$SCRATCH/nfs" knfsd ||
  { fail "knfsd serves $EXPORT in $SRV (see above)"; finish; exit 1; }
check "the export is pxe-exports add's line, read-only, for the client only" \
  'grep -qx "$EXPORT 10.77.0.2(ro,no_root_squash${LAB_NFS_FSID:+,fsid=$LAB_NFS_FSID},sync,no_subtree_check) # pxe-exports" \
     "$SCRATCH/nfs/exports"' || cat "$SCRATCH/nfs/exports" >&2
check "nfsd listens on 2049 in the server namespace" \
  '[ -n "$(ip netns exec "$SRV" ss -Htln "sport = :2049")" ]'
check "and not on the host" '[ "$(host_2049)" = "$HOST_2049_BEFORE" ]'
URL="nfs://10.77.0.1$EXPORT"
out=$(timeout 20 ip netns exec "$CLI" nfs-ls "$URL?version=3" 2>&1)
check "nfs-ls from the client lists the export over NFSv3" '[[ "$out" == *hello* ]]' || echo "$out" >&2
out=$(timeout 20 ip netns exec "$CLI" nfs-cat "$URL/hello?version=3" 2>&1)
check "nfs-cat reads the file" '[ "$out" = "hello from knfsd" ]' || echo "$out" >&2
echo new >"$SCRATCH/new"
out=$(timeout 20 ip netns exec "$CLI" nfs-cp "$SCRATCH/new" "$URL/new?version=3" 2>&1)
rc=$?
check "nfs-cp cannot write to the read-only export (rc $rc)" '[ "$rc" != 0 ] && [ ! -e "$EXPORT/new" ]' ||
  echo "$out" >&2
out=$(timeout 20 ip netns exec "$SRV" nfs-ls "$URL?version=3" 2>&1)
check "a host outside the export (the server's own address) is refused" '[[ "$out" == *MNT3ERR_ACCES* ]]' ||
  echo "$out" >&2
if grep -qw nfs /proc/filesystems || modprobe nfs 2>/dev/null; then
  mkdir -p "$SCRATCH/mnt"
  out=$(timeout 60 ip netns exec "$CLI" unshare --mount --propagation private sh -c '
    mount -t nfs -o vers=3,tcp,nolock "10.77.0.1:$1" "$2" || exit 1
    cat "$2/hello"
    touch "$2/new" 2>&1
    umount "$2"' sh "$EXPORT" "$SCRATCH/mnt" 2>&1)
  check "the kernel's NFS client mounts it, reads, and gets 'Read-only file system' on a write" \
    '[[ "$out" == "hello from knfsd"*"Read-only file system"* ]] && [ ! -e "$EXPORT/new" ]' || echo "$out" >&2
else
  echo "the kernel's NFS client is not available here: libnfs's checks only"
fi

holder=$KNFSD_PID mountd=$KNFSD_MOUNTD_PID rpcbind=$KNFSD_RPCBIND_PID
lab_nfs_stop
check "rpc.mountd, rpcbind and the holder are gone" \
  '! kill -0 "$holder" 2>/dev/null && ! kill -0 "$mountd" 2>/dev/null && ! kill -0 "$rpcbind" 2>/dev/null'
check "no process left in the server namespace" '[ -z "$(ip netns pids "$SRV")" ]' || ip netns pids "$SRV" >&2
threads=$(ip netns exec "$SRV" unshare --mount --propagation private sh -c \
  'mount -t nfsd nfsd /proc/fs/nfsd && cat /proc/fs/nfsd/threads' 2>&1)
check "rpc.nfsd 0 stopped the threads in the namespace (threads: $threads)" '[ "$threads" = 0 ]'
out=$(timeout 20 ip netns exec "$CLI" nfs-ls "$URL?version=3" 2>&1)
check "nothing answers any more" '[[ "$out" != *hello* ]]'
check "the host's /etc/exports, /etc/exports.d and etab are unchanged" '[ "$(host_state)" = "$HOST_BEFORE" ]'
finish
