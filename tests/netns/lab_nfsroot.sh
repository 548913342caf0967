#!/usr/bin/env bash
# One machine of the virtual lab (issue 12), for real: a QEMU VM (BIOS,
# pxelinux, e1000e NIC) in this test's own namespace, PXE-booted by
# pxe-dhcpd and pxe-tftpd, boots Debian's stock generic kernel with an
# initramfs-tools initrd (tests/support/lab_image.sh) that takes a second
# DHCP lease itself and mounts the root read-only over NFSv3 from
# NFS-Ganesha, configured by pxe-exports (tests/support/lab_nfs.sh). The
# root's busybox init starts `pxe-poweroff listen`; pxe-poweroff from the
# server's side, signed with the private key, powers the VM off: the agent
# reports the NIC's Wake-on-LAN answer and QEMU exits by itself, status 0,
# after the kernel's "reboot: Power down" (not a timeout, not a kill).
#
# Under TCG one boot to the agent takes 40-120 s (more under load); the
# kernel and initrd are cached (PXEKIT_CACHE/lab), built on the first run
# (~1.5 min more). Every wait is bounded and cut to what is left of BUDGET,
# so that the test cleans up before ctest's 300 s limit. Skipped (77) only
# where namespaces, a tap device, QEMU or the packages are unavailable.
source "$PXEKIT_SRC/tests/support/testlib.sh"
source "$PXEKIT_SRC/tests/support/pxeboot.sh"
source "$PXEKIT_SRC/tests/support/lab_image.sh"
source "$PXEKIT_SRC/tests/support/lab_nfs.sh"

# The lab's other machine types, for a run by hand: PXEKIT_LAB_FIRMWARE=uefi
# (OVMF, GRUB from grub-mknetdir) and PXEKIT_LAB_NIC=virtio-net-pci.
# PXEKIT_LAB_NFS=knfsd: the kernel's NFS server instead of Ganesha
# (tests/netns/lab_knfsd.sh; skipped where the host's kernel has no nfsd).
FIRMWARE=${PXEKIT_LAB_FIRMWARE:-bios}
NIC=${PXEKIT_LAB_NIC:-e1000e}
NFS=${PXEKIT_LAB_NFS:-ganesha}
BOOT_TIMEOUT=${PXEKIT_BOOT_TIMEOUT:-240}
POWEROFF_BOUND=60
SENDER_WAIT=20
BUDGET=${PXEKIT_BOOT_BUDGET:-285}

need_netns
[ -c /dev/net/tun ] || skip "/dev/net/tun is missing: QEMU needs a tap device"
# shellcheck disable=SC2046
"$PXEKIT_SRC/tests/support/packages.sh" install $(sed -e 's/#.*//' "$PXEKIT_SRC/tests/packages/lab.txt") \
  $(pxeboot_packages) >"$SCRATCH/packages.log" 2>&1 ||
  skip "the Debian packages for the lab cannot be installed here: $(tr '\n' ' ' <"$SCRATCH/packages.log")"
need_cmd qemu-system-x86_64 rpcbind nfs-ls mkinitramfs depmod unshare flock
case $NFS in
  ganesha) need_cmd ganesha.nfsd ;;
  knfsd) knfsd_probe || skip "knfsd: $KNFSD_WHY" ;;
  *) fail_now "PXEKIT_LAB_NFS=$NFS: ganesha or knfsd" ;;
esac
absent=$(pxeboot_missing_tools "$PXEKIT_BIN")
for tool in pxe-poweroff pxe-exports; do
  [ -x "$PXEKIT_BIN/$tool" ] || absent+=" $tool"
done
[ -z "${absent// /}" ] || fail_now "not built in $PXEKIT_BIN: ${absent# } (run make)"
probe=$(unshare --mount --propagation private sh -c 'mount -t tmpfs tmpfs /boot && echo ok' 2>&1)
[ "$probe" = ok ] || skip "cannot make a private mount namespace here (mkinitramfs, Ganesha need one): $probe"

pxeboot_init || fail_now "setting up the boot harness (see above)"
pxeboot_accel || fail_now "choosing QEMU's accelerator (see above)"
t0=$SECONDS
lab_image_build "$PXEBOOT_CACHE/lab" || fail_now "building the lab's kernel and initrd (see above)"
image_seconds=$((SECONDS - t0))
KEY=$PXEBOOT_WORK/admin.key
"$PXEKIT_BIN/pxe-poweroff" keygen --out "$KEY" >/dev/null || fail_now "pxe-poweroff keygen --out $KEY"
NFSROOT=$PXEBOOT_WORK/nfsroot
lab_root_build "$NFSROOT" "$PXEKIT_BIN" "$KEY.pub" || fail_now "building the NFS root (see above)"

PXEBOOT_NIC=$NIC
case $FIRMWARE in
  bios) loader=pxelinux initrd_arg="initrd=initrd.img " ;;
  uefi) loader=grub initrd_arg="" ;;  # GRUB loads it with its own initrd command
  *) fail_now "PXEKIT_LAB_FIRMWARE=$FIRMWARE: bios or uefi" ;;
esac
pxeboot_netns_up "pxk-labnfs-$$" || fail_now "setting up the namespace (see above)"
# The TFTP root: pxelinux, the lab's kernel and initrd; the config by
# pxe-mkcfg --nfsroot.
TFTP=$PXEBOOT_WORK/tftp
PXEBOOT_KERNEL=$LAB_KERNEL PXEBOOT_INITRD=$LAB_INITRD PXEBOOT_INITRD_NAME=initrd.img
pxeboot_tftproot "$FIRMWARE" "$TFTP" || fail_now "building the TFTP root (see above)"
"$PXEKIT_BIN/pxe-mkcfg" "$loader" --root "$TFTP" --label lab --kernel vmlinuz --initrd initrd.img \
  --nfsroot "$(lab_nfsroot "$PXEBOOT_SERVER_IP" "$NFSROOT")" --append "$LAB_KERNEL_EXTRA_ARGS" ||
  fail_now "pxe-mkcfg $loader --nfsroot"
chmod -R a+rX "$TFTP"
want=$(lab_kernel_args "$PXEBOOT_SERVER_IP" "$NFSROOT")
check "pxe-mkcfg wrote the Debian NFS-root command line" \
  '[ "$(pxeboot_cfg_append "$FIRMWARE" "$TFTP")" = "$initrd_arg$want" ]' ||
  cat "$(pxeboot_cfg_file "$FIRMWARE" "$TFTP")" >&2

pxeboot_servers_start pxekit "$TFTP" || fail_now "pxe-dhcpd and pxe-tftpd start"
lab_nfs_start "$PXEBOOT_NETNS" "$NFSROOT" "$PXEBOOT_SUBNET" "$PXEBOOT_WORK/nfs" "$NFS" ||
  fail_now "$NFS serving $NFSROOT (see above)"
check "the export pxe-exports wrote is read-only, for the lab's subnet" \
  'sed "s/ # pxe-exports\$//" "$PXEBOOT_WORK/nfs/exports" |
   grep -qx "$NFSROOT $PXEBOOT_SUBNET(ro,no_root_squash${LAB_NFS_FSID:+,fsid=$LAB_NFS_FSID},sync,no_subtree_check)"' ||
  cat "$PXEBOOT_WORK/nfs/exports" >&2

CONSOLE=$PXEBOOT_WORK/serial.log
console_has() { tr -d '\r' <"$CONSOLE" | grep -qF -- "$1"; }
console_line() { tr -d '\r' <"$CONSOLE" | grep -m1 -F -- "$1"; }

# --- the boot ----------------------------------------------------------------
PXEBOOT_TIMEOUT=$(boot_budget "$BOOT_TIMEOUT" $((SENDER_WAIT + POWEROFF_BOUND / 2))) ||
  fail_now "no time left of the test's ${BUDGET}s for the boot (the image took ${image_seconds}s)"
if ! pxeboot_vm_start "$FIRMWARE" "$LAB_TAG ready"; then
  fail "the VM booted over NFS and its agent listens ($PXEBOOT_FAILURE)"
  tail -n 40 "$LAB_NFS_LOG" >&2
  finish
  exit 1
fi
read -r AGENT_IP AGENT_MAC <<<"$PXEBOOT_VM_LINE"
boot_seconds=$PXEBOOT_SECONDS
check "the agent is ready on the VM's NIC ($AGENT_IP $AGENT_MAC) after ${boot_seconds}s" \
  '[ "$AGENT_MAC" = "$PXEBOOT_VM_MAC" ] && [[ $AGENT_IP == 10.99.0.* ]]'
check "the kernel is Debian's generic one ($LAB_KVER)" \
  '[[ "$PXEBOOT_BANNER_LINE" == *"Linux $LAB_KVER booted"* ]]'
check "the kernel got the NFS-root command line" \
  '[ "$(pxeboot_cmdline_args "$PXEBOOT_CMDLINE")" = "$initrd_arg$want" ]'
# Two DHCP exchanges with pxe-dhcpd: iPXE's (the PXE ROM; pxelinux reuses
# its lease) and the initramfs's own (klibc ipconfig, ip=dhcp).
# pxe-dhcpd -v names each client's vendor class: "PXEClient:..." for the
# ROM, "Linux ipconfig" for klibc's ipconfig.
acks=$(grep -E "DHCPREQUEST from $PXEBOOT_VM_MAC .*: DHCPACK " "$PXEBOOT_WORK/pxe-dhcpd.log")
check "pxe-dhcpd acknowledged the PXE ROM, then the initramfs's own DHCP client" \
  '[ "$(wc -l <<<"$acks")" = 2 ] && [[ "$(sed -n 1p <<<"$acks")" == *"vendor \"PXEClient:"* ]] &&
   [[ "$(sed -n 2p <<<"$acks")" == *"vendor \"Linux ipconfig\": DHCPACK $AGENT_IP "* ]]' ||
  echo "$acks" >&2
check "the initramfs configured eth0 by DHCP from pxe-dhcpd" \
  'console_has "IP-Config: eth0 complete (dhcp from $PXEBOOT_SERVER_IP)"' || grep -a 'IP-Config' "$CONSOLE" >&2
root_line=$(console_line "$LAB_TAG root ")
check "the root is $PXEBOOT_SERVER_IP:$NFSROOT over NFSv3, mounted read-only ($root_line)" \
  '[[ "$root_line" == *"$LAB_TAG root $PXEBOOT_SERVER_IP:$NFSROOT ro nfs ro,"*vers=3* ]]'
check "the server itself ($NFS) refuses writes to the root (a read-only export)" \
  'console_has "$LAB_TAG server-ro yes: Read-only file system"' || grep -a "$LAB_TAG" "$CONSOLE" >&2

# --- the power-off --------------------------------------------------------------
wait=$(boot_budget "$SENDER_WAIT") || wait=1
out=$(pxeboot_in_ns "$PXEKIT_BIN/pxe-poweroff" -k "$KEY" --wait "$wait" "$AGENT_IP" 2>"$SCRATCH/sender.err")
rc=$?
acked_at=$EPOCHREALTIME
pxeboot_say sender "pxe-poweroff -k admin.key $AGENT_IP: ${out:-nothing} (exit $rc)"
check "pxe-poweroff printed '$AGENT_IP: acked' and exited 0" '[ "$out" = "$AGENT_IP: acked" ] && [ "$rc" = 0 ]' ||
  cat "$SCRATCH/sender.err" >&2
if pxeboot_vm_wait_exit "$(boot_budget "$POWEROFF_BOUND" || echo 1)"; then
  took=$(awk -v a="$acked_at" -v b="$PXEBOOT_VM_EXIT_AT" 'BEGIN { printf "%.1f", b - a }')
  pass "QEMU exited by itself ${took}s after the acknowledgement"
  check "QEMU's exit status is 0 (a guest power-off, not a crash)" '[ "$PXEBOOT_VM_STATUS" = 0 ]'
else
  fail "QEMU exited by itself within ${POWEROFF_BOUND}s of the acknowledgement" \
    "--- last console lines" "$(tail -n 15 "$CONSOLE" | tr -d '\r')"
  pxeboot_vm_stop
fi
# QEMU's NICs cannot wake (e1000e: "Supports Wake-on: d"; virtio-net has no
# WoL): the agent says so and powers off anyway. The tagged line repeats the
# agent's own words, after the request was accepted.
wol_line=$(console_line "$LAB_TAG wol ")
wol_answer=${wol_line#*"$LAB_TAG wol eth0 "}
agent_said() {  # the agent printed the answer, after accepting the request
  tr -d '\r' <"$CONSOLE" | awk -v a="pxe-poweroff: accepted poweroff request" \
    -v w="Wake-on-LAN $wol_answer" 'index($0, a) { seen = 1 }
      seen && index($0, "pxe-poweroff: ") == 1 && index($0, w) { found = 1 }
      END { exit !found }'
}
check "the agent reported the NIC's Wake-on-LAN answer after accepting ($wol_line)" \
  '[[ "$wol_line" == *"$LAB_TAG wol eth0 "*armed* ]] && agent_said'
check "the kernel powered down" 'console_has "reboot: Power down"'
check "the kernel neither halted, restarted nor panicked" \
  '! console_has "System halted" && ! console_has "Restarting system" && ! console_has "Kernel panic"'
echo "lab_nfsroot: $FIRMWARE, $NIC, NFS from $NFS, $(pxeboot_accel_name); image ${image_seconds}s; agent ready ${boot_seconds}s after QEMU's start; powered off ${took:-?}s after the ack"
lab_nfs_stop
finish
