#!/usr/bin/env bash
# pxe-exports ganesha against the real NFS-Ganesha 4.3 (ganesha.nfsd, FSAL
# VFS) and a real userspace client (libnfs-utils: nfs-ls, nfs-cat, nfs-cp).
#
# How it runs: three network namespaces of the test's own, joined by veth
# pairs created inside them (no interface on the host):
#   server  10.91.1.1/24 <-> client "in"  10.91.1.2  (the allowed network)
#           10.91.2.1/24 <-> client "out" 10.91.2.2  (any other network)
# ganesha.nfsd runs in the server namespace in the foreground (-F), in a
# private mount namespace with tmpfs on /run (so it finds neither the host's
# D-Bus nor its rpcbind socket), on /var/lib/nfs and on the exported
# directory's sub/ (a file system below the export, for crossmnt); its
# config, log, pid file and NFSv4 recovery directory are in the scratch
# directory. Its EXPORT blocks are exactly what `pxe-exports ganesha` wrote
# for an exports file that exports a directory to 10.91.1.0/24 only, with
# exportfs's default "secure" (PrivilegedPort = true: libnfs run as root
# binds a reserved port). Three runs:
#   1. NFSv4 only (NFS_CORE_PARAM Protocols = 4, no NLM, no RQUOTA), which
#      needs no rpcbind; the clients use nfs://...?version=4 URLs;
#   2. the directory exported with fsid=0, which the config makes Ganesha's
#      NFSv4 pseudo root;
#   3. the first config with NFSv3 too, registered with an rpcbind started
#      in the same namespaces (diskless kernels mount with vers=3).
# Every wait is bounded; ganesha.nfsd and rpcbind are killed by PID and the
# namespaces removed on exit (testlib.sh).

source "$PXEKIT_SRC/tests/support/testlib.sh"
source "$PXEKIT_SRC/tests/support/lab_nfs.sh"
need_netns
need_cmd ganesha.nfsd rpcbind nfs-ls nfs-cat nfs-cp unshare timeout cmp
[ -x "$PXEKIT_BIN/pxe-exports" ] || skip "pxe-exports is not built in this tree"

echo "ganesha.nfsd ($(dpkg-query -W -f '${Version}' nfs-ganesha 2>/dev/null || echo '?'), FSAL VFS) runs in a network namespace of its own and a private mount namespace, NFSv4-only, then NFSv3 too with an rpcbind there; clients: libnfs-utils from two other namespaces"

S="pxk-gan-s-$$" IN="pxk-gan-i-$$" OUT="pxk-gan-o-$$"
netns_add "$S"
netns_add "$IN"
netns_add "$OUT"
ip -n "$S" link add gin type veth peer name eth0 netns "$IN"
ip -n "$S" link add gout type veth peer name eth0 netns "$OUT"
ip -n "$S" addr add 10.91.1.1/24 dev gin
ip -n "$S" addr add 10.91.2.1/24 dev gout
ip -n "$IN" addr add 10.91.1.2/24 dev eth0
ip -n "$OUT" addr add 10.91.2.2/24 dev eth0
for link in "$S gin" "$S gout" "$IN eth0" "$OUT eth0"; do
  set -- $link
  ip -n "$1" link set "$2" up
done

# The export: a directory with a file in it, and a second directory whose
# name needs Ganesha's string escapes (a blank, a double quote and a
# backslash; written in octal in the exports file, as exportfs reads it).
DATA=$SCRATCH/data
ODD=$DATA/'odd "dir\ x'
FORMS=$SCRATCH/forms
mkdir -p "$DATA/sub" "$ODD" "$FORMS" "$SCRATCH/recovery" "$SCRATCH/run"
chmod 755 "$SCRATCH" "$DATA" "$ODD"
printf 'hello from ganesha %s\n' "$$" >"$DATA/greeting.txt"
printf 'odd but fine\n' >"$ODD/inner.txt"
chmod 644 "$DATA/greeting.txt" "$ODD/inner.txt"
# write_exports FILE OPTIONS: the exports file, the directory exported with
# OPTIONS, the odd one and the one with every client form; then
# `pxe-exports ganesha` on it into FILE.conf (stderr FILE.err, status rc).
write_exports() {
  cat >"$1" <<EOF
# made by $0
$DATA 10.91.1.0/24($2)
$DATA/odd\\040\\042dir\\134\\040x 10.91.1.0/24(ro,sync,no_subtree_check)
# Every client form Ganesha must take, none of them the test's clients.
$FORMS 10.93.0.7(rw,no_root_squash,sync,no_subtree_check) localhost(ro,sync,no_subtree_check) 10.94.0.0/255.255.0.0(ro,anonuid=1000,anongid=1000,all_squash,sync,no_subtree_check) 2001:db8::7(ro,sync,no_subtree_check) 2001:db8::/32(ro,insecure,sync,no_subtree_check) *.lab.example(ro,sync,no_subtree_check) @lab(ro,sec=krb5p:sys,sync,no_subtree_check)
EOF
  "$PXEKIT_BIN/pxe-exports" ganesha "$1" >"$1.conf" 2>"$1.err"
  rc=$?
}

write_exports "$SCRATCH/exports" ro,crossmnt,sync,no_subtree_check
check "pxe-exports ganesha writes the config (rc $rc)" \
  '[ "$rc" = 0 ] && grep -q "^EXPORT {" "$SCRATCH/exports.conf"' ||
  cat "$SCRATCH/exports.err" >&2
check "the config grants 10.91.1.0/24 read-only, the other forms, nobody else" \
  '[ "$(grep -c "Clients = 10.91.1.0/24;" "$SCRATCH/exports.conf")" = 2 ] &&
   grep -q "Clients = 10.94.0.0/16;" "$SCRATCH/exports.conf" &&
   [ "$(grep -c "Clients = " "$SCRATCH/exports.conf")" = 9 ] &&
   [ "$(grep -c "^	Access_Type = None;" "$SCRATCH/exports.conf")" = 3 ]' ||
  cat "$SCRATCH/exports.conf" >&2

in_ns() {  # in_ns NS CMD...: bounded
  local ns=$1
  shift
  timeout 15 ip netns exec "$ns" "$@"
}

# ns_check NS OUT WHAT COND CMD...: CMD in NS (in_ns), its output in
# $SCRATCH/OUT and its status in rc; then check "WHAT (rc N)" COND, showing
# OUT when it fails.
ns_check() {
  local ns=$1 out=$SCRATCH/$2 what=$3 cond=$4
  shift 4
  in_ns "$ns" "$@" >"$out" 2>&1
  rc=$?
  check "$what (rc $rc)" "$cond" || cat "$out" >&2
}

# ns_reads NS OUT WHAT URL FILE: nfs-cat of URL in NS succeeds and gives
# the bytes of FILE, byte for byte (ns_check).
ns_reads() {
  local reads_out=$2 reads_file=$5
  ns_check "$1" "$reads_out" "$3" \
    '[ "$rc" = 0 ] && cmp -s "$SCRATCH/$reads_out" "$reads_file"' \
    nfs-cat "$4"
}

# start_ganesha NAME EXPORTS-CONF [v3]: ganesha.nfsd with the core settings
# (lab_nfs.sh: ganesha_core_conf) and the EXPORT blocks of EXPORTS-CONF,
# logging to $SCRATCH/NAME.log (LOG); also a tmpfs on the exported
# directory's sub/, in its mount namespace only. With v3 it also serves
# NFSv3, registered with an rpcbind started first in the same namespaces.
# lab_nfs.sh's ganesha_ns_start keeps both PIDs (GANESHA_PID,
# GANESHA_RPCBIND_PID) and has testlib.sh kill them on exit too.
start_ganesha() {
  local name=$1 protocols=4
  [ "${3-}" = v3 ] && protocols="3, 4"
  { ganesha_core_conf "$protocols" "$SCRATCH/recovery"; cat "$2"; } >"$SCRATCH/$name.conf"
  LOG=$SCRATCH/$name.log
  ganesha_ns_start "$S" "$SCRATCH/$name.conf" "$LOG" "$SCRATCH/run-$name" "${3-}" \
    "mount -t tmpfs -o mode=755 tmpfs '$DATA/sub' &&
     echo 'on a file system of its own' >'$DATA/sub/mounted.txt'"
}

# wait_served NAME URL OUT [VERSION]: until a client in 10.91.1.0/24 lists
# URL with NFS VERSION (default 4; bounded: 30 s), its listing in OUT.
wait_served() {
  ganesha_ns_wait_served "$IN" "$2?version=${4-4}" "$3" 30
}

# stop_ganesha: SIGTERM, wait (bounded), then SIGKILL; rpcbind too.
stop_ganesha() {
  ganesha_ns_stop
}

start_ganesha ganesha "$SCRATCH/exports.conf"
URL="nfs://10.91.1.1$DATA"
check "ganesha.nfsd serves the export within 30 s" \
  'wait_served ganesha "$URL" "$SCRATCH/ls.out"'
check "ganesha.nfsd took every block of the config (no CONFIG error)" \
  '! grep -E ":CONFIG :(CRIT|MAJ|FATAL)" "$LOG"' || grep ":CONFIG :" "$LOG" >&2
# The export with every client form is live: from the server's own
# loopback (127.0.0.1, the "localhost" client, resolved by Ganesha when it
# read the config) it lists; the first export, for 10.91.1.0/24 only, does
# not.
printf 'forms\n' >"$FORMS/forms.txt"
ns_check "$S" forms.out "the export with every client form serves its localhost client" \
  '[ "$rc" = 0 ] && grep -q forms.txt "$SCRATCH/forms.out"' \
  nfs-ls "nfs://127.0.0.1$FORMS?version=4"
ns_check "$S" lo-data.out "localhost is not in 10.91.1.0/24: the first export refuses it" \
  '[ "$rc" != 0 ] && grep -q NFS4ERR_ "$SCRATCH/lo-data.out"' \
  nfs-ls "nfs://127.0.0.1$DATA?version=4"

# Inside the allowed network: list and read.
check "a client in 10.91.1.0/24 lists the directory" \
  'grep -q "greeting.txt" "$SCRATCH/ls.out" && grep -q " sub$" "$SCRATCH/ls.out"' ||
  cat "$SCRATCH/ls.out" >&2
ns_reads "$IN" cat.out "a client in 10.91.1.0/24 reads the file, byte for byte" \
  "$URL/greeting.txt?version=4" "$DATA/greeting.txt"
ns_reads "$IN" odd.out "the path with a blank, a quote and a backslash is served as written" \
  "nfs://10.91.1.1$ODD/inner.txt?version=4" "$ODD/inner.txt"
# crossmnt: a file system mounted below the export (a tmpfs on sub/, in
# the server's mount namespace only) is served too; FSAL_VFS always does so.
ns_check "$IN" sub.out "crossmnt: a file system mounted below the export is served" \
  '[ "$rc" = 0 ] && [ "$(cat "$SCRATCH/sub.out")" = "on a file system of its own" ]' \
  nfs-cat "$URL/sub/mounted.txt?version=4"
# ro is Access_Type = RO: a write is refused and nothing appears.
printf 'intruder\n' >"$SCRATCH/local.txt"
ns_check "$IN" cp.out "the ro export refuses a write from the allowed network" \
  '[ "$rc" != 0 ] && [ ! -e "$DATA/new.txt" ] && grep -q NFS4ERR_ROFS "$SCRATCH/cp.out"' \
  nfs-cp "$SCRATCH/local.txt" "$URL/new.txt?version=4"

# Outside it: the server answers (the NFSv4 pseudo root is listable), but
# the export is refused by the server itself (an NFS4ERR_ status, not a
# timeout): Ganesha does not even show the export's junction to a client
# that no CLIENT block names, so the path is NFS4ERR_NOENT there.
top=${DATA#/}
top=${top%%/*}
ns_check "$OUT" out-root.out "the server is reachable from 10.91.2.2 at the pseudo root" \
  '[ "$rc" = 0 ] && grep -q " $top$" "$SCRATCH/out-root.out"' \
  nfs-ls "nfs://10.91.2.1/?version=4"
ns_check "$OUT" out-ls.out "a client outside 10.91.1.0/24 cannot list the export" \
  '[ "$rc" != 0 ] && ! grep -q greeting "$SCRATCH/out-ls.out" &&
   grep -Eq "NFS4ERR_(NOENT|ACCESS|PERM|WRONGSEC)" "$SCRATCH/out-ls.out"' \
  nfs-ls "nfs://10.91.2.1$DATA?version=4"
ns_check "$OUT" out-cat.out "a client outside 10.91.1.0/24 cannot read the file" \
  '[ "$rc" != 0 ] && ! grep -q "hello from ganesha" "$SCRATCH/out-cat.out" &&
   grep -q "Failed to open" "$SCRATCH/out-cat.out"' \
  nfs-cat "nfs://10.91.2.1$DATA/greeting.txt?version=4"

stop_ganesha

# fsid=0: the directory becomes the NFSv4 pseudo root ("/"), and the export
# below it is seen at its path relative to the root, as knfsd's NFSv4
# clients see them.
write_exports "$SCRATCH/exports-root" ro,fsid=0,sync,no_subtree_check
check "pxe-exports ganesha writes the fsid=0 config (rc $rc)" \
  '[ "$rc" = 0 ] && grep -q "Pseudo = \"/\";" "$SCRATCH/exports-root.conf"' ||
  cat "$SCRATCH/exports-root.err" "$SCRATCH/exports-root.conf" >&2
start_ganesha root "$SCRATCH/exports-root.conf"
check "with fsid=0, nfs://server/ is the exported directory" \
  'wait_served root "nfs://10.91.1.1/" "$SCRATCH/root-ls.out" &&
   grep -q "greeting.txt" "$SCRATCH/root-ls.out"' || cat "$SCRATCH/root-ls.out" >&2
# libnfs splits a URL into the export (up to the last '/') and the file, and
# refuses an empty export: "//" names the file at the root.
ns_reads "$IN" root-cat.out "with fsid=0, the file is read at /greeting.txt" \
  "nfs://10.91.1.1//greeting.txt?version=4" "$DATA/greeting.txt"
ns_reads "$IN" root-odd.out "with fsid=0, the export below it is at its relative path" \
  "nfs://10.91.1.1/${ODD##*/}/inner.txt?version=4" "$ODD/inner.txt"
ns_check "$OUT" root-out.out "with fsid=0, a client outside 10.91.1.0/24 cannot list the root" \
  '[ "$rc" != 0 ] && ! grep -q greeting "$SCRATCH/root-out.out"' \
  nfs-ls "nfs://10.91.2.1/?version=4"
stop_ganesha

# NFSv3, as diskless kernels mount their root (nfsroot=...,vers=3): the
# first config again, with rpcbind and Protocols = 3, 4 in NFS_CORE_PARAM.
start_ganesha v3 "$SCRATCH/exports.conf" v3
check "over NFSv3 (rpcbind, MOUNT), a client in 10.91.1.0/24 lists the export" \
  'wait_served v3 "$URL" "$SCRATCH/v3-ls.out" 3 && grep -q greeting.txt "$SCRATCH/v3-ls.out"'
ns_reads "$IN" v3-cat.out "over NFSv3, it reads the file" \
  "$URL/greeting.txt?version=3" "$DATA/greeting.txt"
ns_check "$OUT" v3-out.out "over NFSv3, MOUNT refuses a client outside 10.91.1.0/24" \
  '[ "$rc" != 0 ] && grep -q MNT3ERR_ACCES "$SCRATCH/v3-out.out"' \
  nfs-cat "nfs://10.91.2.1$DATA/greeting.txt?version=3"
stop_ganesha
finish
