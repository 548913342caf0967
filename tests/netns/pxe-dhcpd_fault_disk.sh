#!/usr/bin/env bash
# Fault: the disk under the lease file fills up. The lease file lives on a
# small tmpfs in a private mount namespace (unshare -m) the test creates;
# the server on a veth in a network namespace, real busybox udhcpc clients.
# Documented choice (pxe-dhcpd(8), LEASE FILE): a new lease is not ACKed
# while it cannot be written (one error line names the file and the
# errno); a renewal of a lease the file holds is ACKed without a write,
# for the time the file already promises; nothing on disk is lost; service
# resumes when space returns. The disk is filled to leave 100 bytes, less
# than a lease block, so that the failing write is cut short (ENOSPC after
# a partial write) and the file must be cut back to its last whole block.

if [ -z "${PXK_MOUNT_NS:-}" ] && [ "$(id -u)" = 0 ] && unshare -m true 2>/dev/null; then
  PXK_MOUNT_NS=1 exec unshare -m --propagation private bash "$0" "$@"
fi
source "$PXEKIT_SRC/tests/support/testlib.sh"
source "$PXEKIT_SRC/tests/support/dhcp_wire.sh"
need_netns
need_cmd busybox ss
[ -n "${PXK_MOUNT_NS:-}" ] || skip "cannot create a private mount namespace (unshare -m)"

DISK=$SCRATCH/disk
mkdir "$DISK"
mount -t tmpfs -o size=64k,mode=0755 pxk-lease-disk "$DISK" || skip "cannot mount a tmpfs"
trap 'umount -l "$DISK" 2>/dev/null; cleanup' EXIT

dhcp_wire_setup "pxk-fd-s-$$" "pxk-fd-c-$$" 02:00:00:00:00:a1
LEASES=$DISK/dhcpd.leases
FLAGS=(-i dhs0 --lease-file "$LEASES" --subnet 198.18.0.0/24
  --range 198.18.0.100-198.18.0.150 --lease-time 600)
start_dhcpd "$LOG" "${FLAGS[@]}" || { finish; exit 1; }

# Client A: bound before the disk fills; its udhcpc stays to renew.
OUT_A=$SCRATCH/a.out
: >"$OUT_A"
DUMP_OUT=$OUT_A ip netns exec "$C" busybox udhcpc -i dhc0 -f -t 3 -T 2 -s "$SCRATCH/dump.sh" >/dev/null 2>&1 &
UPID=$!
BACKGROUND+=("$UPID")
wait_until 10 'grep -q "^event=bound" "$OUT_A"'
IP_A=$(field "$OUT_A" ip)
check "before: client A bound" '[ -n "$IP_A" ]'
check "before: A's lease in the file" 'grep -q "^lease $IP_A {" "$LEASES"'

# Fill the disk: every free page, then the last page of the lease file but
# 100 bytes (blank lines, which the lease file's syntax skips).
dd if=/dev/zero of="$DISK/filler" bs=4k 2>/dev/null
SIZE=$(stat -c %s "$LEASES")
SLACK=$(((4096 - SIZE % 4096) % 4096))
[ "$SLACK" -gt 100 ] && head -c "$((SLACK - 100))" /dev/zero | tr '\0' '\n' >>"$LEASES"
cp "$LEASES" "$SCRATCH/on-disk-before"
check "full: the disk is full" '! dd if=/dev/zero of="$DISK/probe" bs=4k count=1 2>/dev/null; rm -f "$DISK/probe"; true'

# Client A renews (SIGUSR1: unicast REQUEST): answered without a write.
kill -USR1 "$UPID"
wait_until 10 'grep -q "^event=renew" "$OUT_A"'
LEFT=$(field "$OUT_A" lease)
check "full: A's renewal is ACKed, same address" \
  'grep -q "^event=renew" "$OUT_A" && [ "$(field "$OUT_A" ip)" = "$IP_A" ]'
check "full: for no longer than the file promises (${LEFT:-none} s <= 600)" \
  '[ -n "$LEFT" ] && [ "$LEFT" -le 600 ] && [ "$LEFT" -gt 500 ]'
check "full: the log says the renewal came from the lease on disk" \
  'grep -q "DHCPACK $IP_A to 02:00:00:00:00:a1: lease file not writable, renewed from the lease on disk" "$LOG"'
check "full: one clear error: pxe-dhcpd: lease file: FILE: No space left on device" \
  '[ "$(grep -c "^pxe-dhcpd: lease file: $LEASES: No space left on device" "$LOG")" = 1 ]' || cat "$LOG" >&2

# Client B: a new MAC on a macvlan of the client's veth wants a new lease.
ip -n "$C" link add link dhc0 name dhc1 address 02:00:00:00:00:b2 type macvlan mode bridge
ip -n "$C" link set dhc1 up
OUT_B=$SCRATCH/b.out
udhcpc_b() { # one bounded udhcpc run for client B
  : >"$OUT_B"
  DUMP_OUT=$OUT_B timeout 20 ip netns exec "$C" busybox udhcpc -i dhc1 -f -q -n \
    -t 3 -T 1 -s "$SCRATCH/dump.sh" >/dev/null 2>&1
}
udhcpc_b; rc=$?
check "full: no ACK for B's new lease (udhcpc gave up, rc $rc)" '[ $rc != 0 ] && ! grep -q "^event=bound" "$OUT_B"'
check "full: the server offered (it is alive) but did not ACK" \
  'grep -q "DHCPDISCOVER from 02:00:00:00:00:b2 via dhs0.*DHCPOFFER" "$LOG"'
check "full: B's lease is not in the file" '! grep -q "hardware ethernet 02:00:00:00:00:b2;" "$LEASES"'
check "full: nothing on disk lost or torn (the file is as it was)" 'cmp -s "$LEASES" "$SCRATCH/on-disk-before"' ||
  { diff <(cat -A "$SCRATCH/on-disk-before" | grep -v '^\$$') <(cat -A "$LEASES" | grep -v '^\$$') | head; } >&2

# Space returns: B is served, the outage is reported as over.
rm -f "$DISK/filler"
udhcpc_b; rc=$?
IP_B=$(field "$OUT_B" ip)
check "space back: B bound ($IP_B)" '[ $rc = 0 ] && [ -n "$IP_B" ] && [ "$IP_B" != "$IP_A" ]'
check "space back: B's lease in the file" \
  'grep -q "^lease $IP_B {" "$LEASES" && grep -q "hardware ethernet 02:00:00:00:00:b2;" "$LEASES"'
check "space back: the end of the outage is logged" \
  'grep -q "^pxe-dhcpd: lease file: back after [0-9]* failed commits, [0-9]* ACKs not sent, 1 renewals answered from the leases on disk" "$LOG"'
kill "$UPID" 2>/dev/null
wait "$UPID" 2>/dev/null
stop_dhcpd

# A restart reads both leases, cleanly (no torn block kept as FILE~).
: >"$LOG.2"
start_dhcpd "$LOG.2" "${FLAGS[@]}" -v
# The sockets are bound before the file is read: wait for the word.
wait_until 10 'grep -q "leases read from" "$LOG.2"'
check "restart: both leases read back" 'grep -q "pxe-dhcpd: 2 leases read from $LEASES" "$LOG.2"' || cat "$LOG.2" >&2
check "restart: the file read cleanly" '! grep -q "kept as" "$LOG.2" && [ ! -e "$LEASES~" ]'
stop_dhcpd
echo "full disk: renewal ACKed from disk with $LEFT s of 600 left; new lease refused until space returned"
umount -l "$DISK"
finish
