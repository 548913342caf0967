#!/usr/bin/env bash
# pxe-dhcpd started with the command lines of tools/pxe-dhcpd/pxe-dhcpd.service
# (ExecStartPre= checks the configuration, ExecStart= serves it and drops to
# --user) under the unit's restrictions, emulated with unshare and setpriv
# (tests/support/unit_sandbox.sh: PID 1 here is not systemd), in a network
# namespace of its own; busybox udhcpc in a second namespace gets a lease
# over a veth. Then the daemon's /proc/PID/status: after the switch it holds
# exactly the capabilities pxe-dhcpd(8) lists under CAPABILITIES, its bounding
# set is the unit's CapabilityBoundingSet=, no-new-privs is set.
#
# The test's directories stand in for /etc/pxekit and /var/lib/pxekit, and
# nobody for the unit's dhcpd user (which this machine does not have).

source "$PXEKIT_SRC/tests/support/testlib.sh"
source "$PXEKIT_SRC/tests/support/dhcp_wire.sh"
source "$PXEKIT_SRC/tests/support/unit_sandbox.sh"
need_sandbox --nobody busybox ss

UNIT=$PXEKIT_SRC/tools/pxe-dhcpd/pxe-dhcpd.service
MAN=$PXEKIT_SRC/man/pxe-dhcpd.8
dhcp_wire_setup "pxk-sbx-ds-$$" "pxk-sbx-dc-$$" 02:00:00:00:00:5b
chmod 755 "$SCRATCH"
ETC=$SCRATCH/etc-pxekit
STATE=$SCRATCH/var-lib-pxekit
mkdir -p "$ETC" "$STATE"
# As systemd makes the unit's StateDirectory=: the service's user (root) and
# Group= (dhcpd, here nobody's group), mode StateDirectoryMode=.
NOGROUP=$(id -g nobody)
chown "root:$NOGROUP" "$STATE"
chmod "$(unit_value "$UNIT" StateDirectoryMode)" "$STATE"
cat >"$ETC/dhcpd.conf" <<'CONF'
authoritative;
subnet 198.18.0.0 netmask 255.255.255.0 {
  range 198.18.0.100 198.18.0.110;
  option routers 198.18.0.1;
  next-server 198.18.0.1;
  filename "pxelinux.0";
}
CONF
MAPS=("/usr/local/bin=$PXEKIT_BIN" "/etc/pxekit=$ETC" "/var/lib/pxekit=$STATE")

# unit_argv KEY: the unit's command line for KEY, mapped; --user's argument
# becomes nobody, and the lease file (whose default, /var/lib/pxekit, the
# test cannot map) is named.
unit_argv() {
  local key=$1 word prev=""
  ARGV=()
  while read -r word; do
    if [ "$prev" = --user ]; then word=nobody; fi
    ARGV+=("$(sandbox_map_path "$word" "${MAPS[@]}")")
    prev=$word
  done < <(unit_value "$UNIT" "$key" | tail -n1 | tr ' ' '\n' | grep .)
  ARGV+=(--lease-file "$STATE/dhcpd.leases")
}

unit_argv ExecStartPre
check "ExecStartPre is pxe-dhcpd -t -c /etc/pxekit/dhcpd.conf" \
  '[ "${ARGV[*]}" = "$PXEKIT_BIN/pxe-dhcpd -t -c $ETC/dhcpd.conf --lease-file $STATE/dhcpd.leases" ]' ||
  printf '%s\n' "${ARGV[@]}"
unit_sandbox_start "$UNIT" "$S" "$SCRATCH/check.log" "${MAPS[@]}" -- "${ARGV[@]}" || { finish; exit 1; }
wait "$SANDBOX_PID"
rc=$?
check "ExecStartPre in the sandbox: the configuration is good (status $rc)" '[ $rc = 0 ]' ||
  cat "$SCRATCH/check.log"

unit_argv ExecStart
check "ExecStart is pxe-dhcpd -c /etc/pxekit/dhcpd.conf --user USER" \
  '[ "${ARGV[*]}" = "$PXEKIT_BIN/pxe-dhcpd -c $ETC/dhcpd.conf --user nobody --lease-file $STATE/dhcpd.leases" ]' ||
  printf '%s\n' "${ARGV[@]}"
unit_sandbox_serve 67 "pxe-dhcpd" "$UNIT" "$S" "$LOG" "${MAPS[@]}" -- "${ARGV[@]}"
# The switch comes after the bind: wait for it (its log line needs -v).
NOBODY=$(id -u nobody)
wait_until 10 '[ "$(status_field "$PID" Uid | tr -s "\t " " ")" = "$NOBODY $NOBODY $NOBODY $NOBODY" ] || ! running "$PID"'

OUT=$SCRATCH/udhcpc.out
udhcpc_once "$OUT" -V PXEClient:Arch:00000:UNDI:002001
rc=$?
check "udhcpc gets a lease from the sandboxed daemon (rc $rc)" \
  '[ $rc = 0 ] && [ "$(field "$OUT" ip)" = 198.18.0.100 ] && [ "$(field "$OUT" boot_file)" = pxelinux.0 ]' ||
  cat "$LOG"
check "the lease is in the lease file (ReadWritePaths=/var/lib/pxekit)" \
  'grep -q "^lease 198.18.0.100 {" "$STATE/dhcpd.leases"'

# --- what the running daemon holds ---
sandbox_check_caps pxe-dhcpd "$PID" "$MAN" "$UNIT"
check "the man page names the capabilities kept" '[ -n "$MAN_CAPS" ]'
check "runs as the --user (real, effective, saved, fs uid)" \
  '[ "$(status_field "$PID" Uid | tr -s "\t " " ")" = "$NOBODY $NOBODY $NOBODY $NOBODY" ]'
check "its mount namespace is not the host's" \
  '[ "$(readlink "/proc/$PID/ns/mnt")" != "$(readlink /proc/self/ns/mnt)" ]'
sandbox_check_mounts "$PID" "$STATE"
check "the --user can write the lease directory (compactions after the switch)" \
  'timeout 10 nsenter -t "$PID" -m -- setpriv --reuid "$NOBODY" --regid "$NOGROUP" --clear-groups \
     sh -c "touch \"\$1/.pxk-sandbox\" && rm \"\$1/.pxk-sandbox\"" _ "$STATE"'
check "the configuration directory is read-only to it" \
  '! timeout 10 nsenter -t "$PID" -m -- touch "$ETC/.pxk-sandbox" 2>/dev/null'

stop_daemon "$PID" rc
check "SIGTERM: clean exit (status $rc)" '[ $rc = 0 ]' || cat "$LOG"
finish
