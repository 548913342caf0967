#!/usr/bin/env bash
# The pxe-poweroff agent started with the command line of
# tools/pxe-poweroff/pxe-poweroff.service (listen -k
# /etc/pxekit/poweroff.key.pub) under the unit's restrictions, emulated with
# unshare and setpriv (tests/support/unit_sandbox.sh: PID 1 here is not
# systemd), in a network namespace of its own, plus --exec so that nothing
# powers off: the command writes the action to the agent's private /tmp. The
# real sender, in a second namespace, gets its ACK over a veth. Then the
# agent's /proc/PID/status: it holds exactly the capabilities pxe-poweroff(8)
# lists under CAPABILITIES, which are the unit's bounding set.

source "$PXEKIT_SRC/tests/support/testlib.sh"
source "$PXEKIT_SRC/tests/support/unit_sandbox.sh"
need_sandbox

UNIT=$PXEKIT_SRC/tools/pxe-poweroff/pxe-poweroff.service
MAN=$PXEKIT_SRC/man/pxe-poweroff.8
PO=$PXEKIT_BIN/pxe-poweroff
S=pxk-sbx-ps-$$
A=pxk-sbx-pa-$$
netns_add "$S"
netns_add "$A"
veth_link "$S" sbp0 10.215.2.1/24 "$A" eth0 10.215.2.2/24
ip -n "$A" route add default via 10.215.2.1

chmod 755 "$SCRATCH"
ETC=$SCRATCH/etc-pxekit
mkdir -p "$ETC"
"$PO" keygen --out "$SCRATCH/admin.key" >/dev/null || fail "keygen"
cp "$SCRATCH/admin.key.pub" "$ETC/poweroff.key.pub"
LOG=$SCRATCH/agent.log
MAPS=("/usr/local/bin=$PXEKIT_BIN" "/etc/pxekit=$ETC")

mapfile -t ARGV < <(unit_sandbox_argv "$UNIT" "${MAPS[@]}")
check "the unit's ExecStart is pxe-poweroff listen -k /etc/pxekit/poweroff.key.pub" \
  '[ "${ARGV[*]}" = "$PO listen -k $ETC/poweroff.key.pub" ]' || printf '%s\n' "${ARGV[@]}"
# Never a real power-off: --exec records the action instead.
ARGV+=(--exec 'echo "$PXEKIT_ACTION" >/tmp/pxk-action')

unit_sandbox_serve 7390 "the agent" "$UNIT" "$A" "$LOG" "${MAPS[@]}" -- "${ARGV[@]}"

out=$(timeout 30 ip netns exec "$S" "$PO" -k "$SCRATCH/admin.key" --wait 10 10.215.2.2 2>&1)
rc=$?
check "the sender's request is acknowledged by the sandboxed agent (rc $rc)" '[ $rc = 0 ]' ||
  { echo "$out"; cat "$LOG"; }
wait_until 10 'timeout 5 nsenter -t "$PID" -m -- test -s /tmp/pxk-action'
check "its --exec ran with PXEKIT_ACTION=poweroff" \
  '[ "$(timeout 5 nsenter -t "$PID" -m -- cat /tmp/pxk-action)" = poweroff ]' || cat "$LOG"
check "the command ran in the agent's private /tmp, not the host's" '[ ! -e /tmp/pxk-action ]'

# --- what the running agent holds ---
sandbox_check_caps pxe-poweroff "$PID" "$MAN" "$UNIT"
check "the man page names the capabilities it needs" '[ -n "$MAN_CAPS" ]'
check "its mount namespace is not the host's" \
  '[ "$(readlink "/proc/$PID/ns/mnt")" != "$(readlink /proc/self/ns/mnt)" ]'
# No ReadWritePaths=: the key's directory stands in for a writable path only
# to be found read-only.
IN=(timeout 10 nsenter -t "$PID" -m --)
check "sandbox: /usr is read-only (ProtectSystem=strict)" '! "${IN[@]}" touch /usr/.pxk-sandbox 2>/dev/null'
check "sandbox: the key's directory is read-only" '! "${IN[@]}" touch "$ETC/.pxk-sandbox" 2>/dev/null'
check "sandbox: /dev holds no disks (PrivateDevices=yes)" '[ -z "$("${IN[@]}" find /dev -type b)" ]'
check "sandbox: /home is empty (ProtectHome=yes)" '[ -z "$("${IN[@]}" ls -A /home)" ]'

stop_daemon "$PID" rc
check "SIGTERM: the agent exits (status $rc)" '[ $rc = 0 ] || [ $rc = 143 ]' || cat "$LOG"
finish
