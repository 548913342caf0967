#!/usr/bin/env bash
# The lab's day (issue 12), as `make demo` runs it, with two machines: m1
# BIOS + pxelinux on e1000e, m2 UEFI (OVMF) + GRUB on virtio-net, both dark
# on a bridge in this test's own namespace (tests/support/lab.sh).
#   morning: wakeonlan -I pxbr0 -f lab-macs.txt; the power switch must start
#     each QEMU because of that magic packet, and nothing before it; each
#     boots from pxe-dhcpd and pxe-tftpd (configs by pxe-mkcfg --nfsroot) to
#     its root, mounted read-only over NFS from NFS-Ganesha (exports by
#     pxe-exports), and its agent;
#   evening: pxe-poweroff -f lab-hosts.txt (signed requests); each agent
#     reports its NIC's Wake-on-LAN answer, acknowledges, and the guest
#     powers off: each QEMU exits 0 by itself after "reboot: Power down";
#   next morning: the servers restarted overnight, wakeonlan again, and each
#     machine gets the address it had.
# Both machines boot at once. Skipped, with the reason, only where
# namespaces, tap devices or the Debian packages are missing.
source "$PXEKIT_SRC/tests/support/testlib.sh"
source "$PXEKIT_SRC/tests/support/lab.sh"

# The whole test stays within ctest's limit for it (tests/CMakeLists.txt),
# cleaning up, whatever the boots take: under TCG on a busy host a boot of
# the generic kernel takes minutes.
BUDGET=${PXEKIT_LAB_BUDGET:-840}
OFF_TIMEOUT=90

left() {  # seconds left of BUDGET, less RESERVE ($1)
  local n=$((BUDGET - SECONDS - ${1:-0}))
  [ "$n" -ge 1 ] || n=1
  echo "$n"
}

need_netns
[ -c /dev/net/tun ] || skip "/dev/net/tun is missing: QEMU needs tap devices"
# shellcheck disable=SC2046
"$PXEKIT_SRC/tests/support/packages.sh" install $(pxeboot_packages) \
  $(sed -e 's/#.*//' "$PXEKIT_SRC/tests/packages/lab.txt") >"$SCRATCH/packages.log" 2>&1 ||
  skip "the Debian packages for the lab cannot be installed here: $(tr '\n' ' ' <"$SCRATCH/packages.log")"
absent=$(lab_missing)
[ -z "$absent" ] || fail_now "not built: $absent (run make); the lab runs on them"

lab_plan 2
lab_up pxekit || fail_now "setting up the lab (see above)"
W=$PXEBOOT_WORK
SWITCH_OUT=$W/switch.out

console() {  # console I DAY: machine I's console of that day, without CRs
  local f=$W/${LAB_NAME[$1]}/serial.log
  [ -n "${2:-}" ] && [ -f "$W/${LAB_NAME[$1]}/serial.day$2.log" ] && f=$W/${LAB_NAME[$1]}/serial.day$2.log
  tr -d '\r' <"$f" 2>/dev/null
}

# --- dark ---
sleep 1 # a fixed time on purpose: a machine started unasked would show by now
check "dark lab: the power switch started no machine before the magic packets" \
  '! grep -q "^wake" "$SWITCH_OUT" && [ -z "$(ls "$W"/m*/serial.log 2>/dev/null)" ]' || cat "$SWITCH_OUT" >&2

# --- morning ---
echo "=== morning: wakeonlan"
lab_morning 1 "$(left $((OFF_TIMEOUT + 150)))"
check "wakeonlan -I $PXEBOOT_BRIDGE -f lab-macs.txt sent one packet a machine" \
  '[ "$(grep -c "Sending magic packet" <<<"$LAB_WAKE_OUT")" = 2 ]' || echo "$LAB_WAKE_OUT" >&2

morning_checks() {  # morning_checks DAY
  local d=$1 i name mac ip tftp
  for i in 0 1; do
    name="day $d ${LAB_NAME[i]} (${LAB_FW[i]}, ${LAB_NIC[i]})"
    mac=${LAB_MAC[i]}
    ip=${LAB_IP[$d,$i]-}
    check "$name: woken by the magic packet: the power switch's wake line for $mac" \
      '[ "$(grep -cE "^wake $mac pid [0-9]+ via udp$" "$SWITCH_OUT")" = "$d" ]' || cat "$SWITCH_OUT" >&2
    check "$name: pxe-dhcpd ACKed its firmware's request with ${LAB_LOADER[i]}'s boot file" \
      '[ -n "$ip" ] && grep "DHCPACK $ip " "$W/pxe-dhcpd.day$d.log" | grep -qi "$mac.*PXEClient"'
    tftp=$W/pxe-tftpd.day$d.log
    check "$name: pxe-tftpd sent it the kernel and the initrd" \
      'grep -q "^pxe-tftpd: $ip:[0-9]* RRQ .vmlinuz. .*: ok$" "$tftp" &&
       grep -q "^pxe-tftpd: $ip:[0-9]* RRQ .initrd.img. .*: ok$" "$tftp"'
    check "$name: the kernel's own DHCP (initramfs) got the same address" '[ -n "${LAB_AT[$d,$i,ip]-}" ] && [ -z "${LAB_FAIL[$d,$i]-}" ]'
    # The root's /proc/mounts entry: SOURCE MODE FSTYPE OPTIONS.
    check "$name: the root is $PXEBOOT_SERVER_IP:$LAB_ROOT_PATH over NFS, mounted read-only" \
      '[[ "${LAB_ROOTLINE[$d,$i]-}" == "$PXEBOOT_SERVER_IP:$LAB_ROOT_PATH ro nfs "* ]]' ||
      echo "root line: ${LAB_ROOTLINE[$d,$i]-none}" >&2
    check "$name: the NFS server itself refused a write to the root" \
      '[[ "${LAB_SERVER_RO[$d,$i]-}" == yes* ]]' || echo "server-ro: ${LAB_SERVER_RO[$d,$i]-none}" >&2
    check "$name: the agent is ready on $ip with its MAC" \
      'console "$i" | grep -qx "pxekit-lab: ready $ip $mac"' || console "$i" | tail -n 20 >&2
  done
  # The NFS server the roots are mounted from is Ganesha (there is no other
  # in the namespace): it holds each machine's connection, a new one each
  # morning (the connections of a machine powered off linger).
  local conns line
  conns=$(ip netns exec "$PXEBOOT_NETNS" ss -Htnp state established '( sport = :2049 )' 2>/dev/null)
  for i in 0 1; do
    # Peer ($4) [::ffff:IP]:PORT, not one seen the morning before.
    line=$(awk -v ip="[::ffff:${LAB_IP[$d,$i]-none}]" -v seen=" ${NFS_SEEN[*]} " \
      'index($4, ip ":") == 1 && index(seen, " " $4 " ") == 0' <<<"$conns")
    check "day $d ${LAB_NAME[i]}: its NFS connection (new today) is ganesha.nfsd's" \
      'grep -q "ganesha.nfsd" <<<"$line"' || echo "$conns" >&2
  done
  read -r -a NFS_SEEN <<<"$(awk '{ printf "%s ", $4 }' <<<"$conns")"
}
NFS_SEEN=("no connection yet")
morning_checks 1

# --- evening ---
echo "=== evening: pxe-poweroff"
lab_night 1 "$(left 120)"
night=$?
check "pxe-poweroff -f lab-hosts.txt: both acked, exit 0" \
  '[ "$LAB_POWEROFF_RC" = 0 ] && [ "$(grep -c ": acked$" "$W/pxe-poweroff.1.out")" = 2 ]' ||
  cat "$W/pxe-poweroff.1.out" "$W/pxe-poweroff.1.err" >&2
for i in 0 1; do
  name="${LAB_NAME[i]} (${LAB_FW[i]}, ${LAB_NIC[i]})"
  mac=${LAB_MAC[i]}
  c=$(console "$i" 1)
  check "$name: the agent accepted a signed request from the server" \
    'grep -q "accepted poweroff request from $PXEBOOT_SERVER_IP:" <<<"$c"'
  # QEMU's NICs cannot wake: e1000e answers "Supports Wake-on: d",
  # virtio-net has no Wake-on-LAN at all (EOPNOTSUPP).
  case ${LAB_NIC[i]} in
    e1000e) want="supports: d" ;;
    *) want="Operation not supported" ;;
  esac
  check "$name: the agent reported the NIC's Wake-on-LAN answer ($want), before the power went" \
    '[[ "${LAB_WOL[1,$i]-}" == eth0\ *"not armed"*"$want"* ]] &&
     awk "/pxekit-lab: wol /{w=1} /reboot: Power down/{exit !w}" <<<"$c"' ||
    echo "wol line: ${LAB_WOL[1,$i]-none}" >&2
  check "$name: QEMU exited by itself, status 0 (the switch's exit line)" \
    'grep -qE "^exited $mac pid [0-9]+ status 0$" "$SWITCH_OUT"' || cat "$SWITCH_OUT" >&2
  check "$name: the guest powered off ('reboot: Power down'), neither rebooted, halted nor panicked" \
    'grep -q "reboot: Power down" <<<"$c" && ! grep -qE "Restarting system|System halted|Kernel panic" <<<"$c"'
  check "$name: exit reason: ${LAB_EXIT[1,$i]-none}" '[[ "${LAB_EXIT[1,$i]-}" == "powered off by the guest"* ]]'
done

# A machine still on cannot be woken: no second morning.
[ "$night" = 0 ] || { lab_summary; finish; exit 1; }

# --- next morning ---
echo "=== overnight: the servers restart; next morning: wakeonlan"
lab_overnight || fail "pxe-dhcpd and pxe-tftpd restart"
lab_morning 2 "$(left 20)"
morning_checks 2
for i in 0 1; do
  check "${LAB_NAME[i]}: the same address on the second morning (${LAB_IP[1,$i]-none}, ${LAB_IP[2,$i]-none})" \
    '[ -n "${LAB_IP[1,$i]-}" ] && [ "${LAB_IP[1,$i]}" = "${LAB_IP[2,$i]-}" ]'
done
lab_summary
finish
