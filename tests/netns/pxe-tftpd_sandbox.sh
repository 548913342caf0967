#!/usr/bin/env bash
# pxe-tftpd started with the command line of tools/pxe-tftpd/pxe-tftpd.service
# (ExecStart=, its Environment= expanded: --secure /srv/tftp) under the
# unit's restrictions, emulated with unshare and setpriv
# (tests/support/unit_sandbox.sh: PID 1 here is not systemd), in a network
# namespace of its own; curl in a second namespace fetches a file over a veth.
# Then the daemon's /proc/PID/status: after dropping to nobody it holds
# exactly the capabilities pxe-tftpd(8) lists under CAPABILITIES (none), its
# bounding set is the unit's CapabilityBoundingSet=, no-new-privs is set.

source "$PXEKIT_SRC/tests/support/testlib.sh"
source "$PXEKIT_SRC/tests/support/unit_sandbox.sh"
need_sandbox --nobody curl sha256sum

UNIT=$PXEKIT_SRC/tools/pxe-tftpd/pxe-tftpd.service
MAN=$PXEKIT_SRC/man/pxe-tftpd.8
S=pxk-sbx-ts-$$
C=pxk-sbx-tc-$$
netns_add "$S"
netns_add "$C"
veth_link "$S" sbt0 10.215.1.1/24 "$C" sbt1 10.215.1.2/24

# The test's directory stands in for the unit's /srv/tftp; nobody must be
# able to search it (the scratch directory is 0700).
ROOT=$SCRATCH/srv-tftp
mkdir -p "$ROOT"
chmod 755 "$SCRATCH" "$ROOT"
head -c 300000 /dev/urandom >"$ROOT/boot.img"
chmod 644 "$ROOT/boot.img"
LOG=$SCRATCH/tftpd.log
MAPS=("/usr/local/bin=$PXEKIT_BIN" "/srv/tftp=$ROOT")

mapfile -t ARGV < <(unit_sandbox_argv "$UNIT" "${MAPS[@]}")
check "the unit's ExecStart is pxe-tftpd --secure ROOT" \
  '[ "${ARGV[*]}" = "$PXEKIT_BIN/pxe-tftpd --secure $ROOT" ]' || printf '%s\n' "${ARGV[@]}"

unit_sandbox_serve 69 "pxe-tftpd" "$UNIT" "$S" "$LOG" "${MAPS[@]}" -- "${ARGV[@]}"

OUT=$SCRATCH/out
mkdir -p "$OUT"
timeout 60 ip netns exec "$C" curl -s --tftp-blksize 1468 -o "$OUT/boot.img" \
  tftp://10.215.1.1/boot.img
rc=$?
check "curl fetches a file from the sandboxed daemon (rc $rc)" \
  '[ $rc = 0 ] && cmp -s "$OUT/boot.img" "$ROOT/boot.img"' || cat "$LOG"

# --- what the running daemon holds ---
sandbox_check_caps pxe-tftpd "$PID" "$MAN" "$UNIT"
check "the man page has a CAPABILITIES section" 'grep -qx ".Sh CAPABILITIES" "$MAN"'
NOBODY=$(id -u nobody)
check "runs as nobody (real, effective, saved, fs uid)" \
  '[ "$(status_field "$PID" Uid | tr -s "\t " " ")" = "$NOBODY $NOBODY $NOBODY $NOBODY" ]'
check "chrooted into ROOT (--secure)" '[ -f "/proc/$PID/root/boot.img" ] && [ ! -e "/proc/$PID/root/srv-tftp" ]'
check "its mount namespace is not the host's (ProtectSystem=, PrivateTmp=)" \
  '[ "$(readlink "/proc/$PID/ns/mnt")" != "$(readlink /proc/self/ns/mnt)" ]'
sandbox_check_mounts "$PID" "$ROOT"

stop_daemon "$PID" rc
check "SIGTERM: clean exit (status $rc)" '[ $rc = 0 ]' || cat "$LOG"
finish
