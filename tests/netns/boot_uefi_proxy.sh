#!/usr/bin/env bash
# UEFI + GRUB behind a foreign DHCP server (issue 13, row 2): a QEMU VM with
# OVMF and a virtio NIC gets its address from a dnsmasq in a namespace of its
# own (the "router", which knows nothing of PXE), its boot file from
# pxe-dhcpd --proxy, and everything else from pxe-tftpd serving the tree that
# `pxe-mkcfg grub --server` wrote. Asserts the banner, the command line, that
# the lease came from the foreign server (and none from pxe-dhcpd), that the
# proxy answered on 4011, and that pxe-tftpd served the image, its config, the
# kernel and the initrd.
# With UEFI_PROXY_MODE=mknetdir (boot_uefi_proxy_mknetdir.sh, a ctest entry of
# its own, since each boot takes minutes under TCG): the reason for --server.
# The same setup with grub-mknetdir's image, which takes its TFTP server from
# the foreign ACK, asks pxe-tftpd for no module and no config, and stops at
# `grub rescue>`.
source "$PXEKIT_SRC/tests/support/testlib.sh"
source "$PXEKIT_SRC/tests/support/pxeboot.sh"
source "$PXEKIT_SRC/tests/support/foreign_dhcp.sh"

MODE=${UEFI_PROXY_MODE:-server}
# The proxy's boot file: grub-mknetdir's path, which --server writes too.
EFI_FILE=$PXEBOOT_EFI_FILE

pxeboot_need_boot
need_cmd dnsmasq
not_built=$(pxeboot_missing_tools "$PXEKIT_BIN")
[ -z "$not_built" ] || fail_now "not built in $PXEKIT_BIN: $not_built (run make)"

# OVMF's network driver for virtio is iPXE's EFI ROM (efi-virtio.rom).
PXEBOOT_NIC=${PXEKIT_BOOT_NIC:-virtio-net-pci}
# Under ctest's own 300 s limit, with the setup's time to spare (the
# negative boot waits for `grub rescue>`, which comes sooner than a banner).
if [ "$MODE" = server ]; then
  PXEBOOT_TIMEOUT=${PXEKIT_BOOT_TIMEOUT:-240}
else
  PXEBOOT_TIMEOUT=${PXEKIT_BOOT_TIMEOUT:-200}
fi
pxeboot_init || fail_now "setting up the boot harness (see above)"
pxeboot_accel || fail_now "choosing QEMU's accelerator (see above)"
pxeboot_kernel || fail_now "getting the Debian kernel (see above)"
pxeboot_initrd || fail_now "building the initrd (see above)"
pxeboot_netns_up "pxk-bup-$$" || fail_now "setting up the namespace (see above)"

foreign_dhcp_up || fail_now "linking the foreign server's namespace"

root=$PXEBOOT_WORK/tftp
mkdir -p "$root"
cp "$PXEBOOT_KERNEL" "$root/$PXEBOOT_KERNEL_NAME" && cp "$PXEBOOT_INITRD" "$root/$PXEBOOT_INITRD_NAME" ||
  fail_now "copying the kernel and initrd"
append="$PXEBOOT_KERNEL_ARGS pxekit.test=uefi-proxy-$MODE-$$"
cfg=$root/$PXEBOOT_GRUB_PREFIX/grub.cfg
mac=$PXEBOOT_VM_MAC
case $MODE in
  server)
    # pxe-mkcfg grub --server builds the image, the modules and the config.
    "$PXEKIT_BIN/pxe-mkcfg" grub --root "$root" --server "$PXEBOOT_SERVER_IP" --label pxekit \
      --kernel "$PXEBOOT_KERNEL_NAME" --initrd "$PXEBOOT_INITRD_NAME" --append "$append" -v ||
      fail_now "pxe-mkcfg grub --server failed"
    check "pxe-mkcfg grub --server wrote the image" '[ -s "$root/$EFI_FILE" ]'
    check "its config loads the kernel relative to \$root" \
      'grep -qE "^\s+linux /$PXEBOOT_KERNEL_NAME " "$cfg"'
    ;;
  mknetdir)
    # What works when pxekit is the only DHCP server: grub-mknetdir's image
    # and pxe-mkcfg grub's (tftp) paths.
    grub-mknetdir --net-directory="$root" --subdir="$PXEBOOT_GRUB_PREFIX" \
      -d /usr/lib/grub/x86_64-efi >"$PXEBOOT_WORK/mknetdir.log" 2>&1 ||
      { cat "$PXEBOOT_WORK/mknetdir.log" >&2; fail_now "grub-mknetdir failed"; }
    "$PXEKIT_BIN/pxe-mkcfg" grub --root "$root" --label pxekit --kernel "$PXEBOOT_KERNEL_NAME" \
      --initrd "$PXEBOOT_INITRD_NAME" --append "$append" || fail_now "pxe-mkcfg grub failed"
    ;;
  *) fail_now "UEFI_PROXY_MODE: '$MODE' is neither server nor mknetdir" ;;
esac
chmod -R a+rX "$root"
written=$(pxeboot_cfg_append uefi "$root")
check "the config passes --append through" '[[ "$written" == *"$append" ]]'

foreign_dhcp_servers_start "$root" "$EFI_FILE" ||
  fail_now "dnsmasq, pxe-dhcpd --proxy and pxe-tftpd are not listening after 20 s"
tftp_log=$PXEBOOT_WORK/pxe-tftpd.log
served() { grep -qE "RRQ '/?$1'" "$tftp_log"; }

if [ "$MODE" = server ]; then
  pxeboot_run uefi
  echo "boot behind a foreign DHCP server, pxe-mkcfg grub --server: ${PXEBOOT_SECONDS:-no banner}s ($(pxeboot_accel_name))"
  check "the VM printed the banner${PXEBOOT_FAILURE:+ ($PXEBOOT_FAILURE)}" '[ -n "$PXEBOOT_BANNER_LINE" ]'
  check "the kernel's command line is the one pxe-mkcfg wrote" \
    '[ "$(pxeboot_cmdline_args "$PXEBOOT_CMDLINE")" = "$written" ]'
  for file in "$PXEBOOT_GRUB_PREFIX/grub.cfg" "$PXEBOOT_KERNEL_NAME" "$PXEBOOT_INITRD_NAME"; do
    check "pxe-tftpd served $file" 'served "$file"'
  done
else
  # GRUB's rescue prompt waits for ever: the VM is stopped once it shows,
  # or after the bound.
  serial=$PXEBOOT_WORK/serial.log
  pxeboot_say qemu "uefi boot, $(pxeboot_accel_name), $PXEBOOT_NIC NIC $mac, until 'grub rescue>', timeout ${PXEBOOT_TIMEOUT}s"
  _pxeboot_qemu_launch uefi || fail_now "starting QEMU"
  t0=$SECONDS
  while [ $((SECONDS - t0)) -lt "$PXEBOOT_TIMEOUT" ] && pxeboot_vm_running; do
    grep -aq "grub rescue>" "$serial" && break
    grep -aq "$PXEBOOT_BANNER" "$serial" && break
    sleep 1
  done
  echo "without --server: stopped after $((SECONDS - t0))s; last console line: $(_pxeboot_last_line "$serial" nothing)"
  pxeboot_vm_stop
  check "GRUB ended at grub rescue>" 'grep -aq "grub rescue>" "$serial"'
  check "no banner" '! grep -aq "$PXEBOOT_BANNER" "$serial"'
  check "GRUB asked pxe-tftpd for no module and no config (it asked the foreign server)" \
    '! grep -qE "RRQ '"'"'/?$PXEBOOT_GRUB_PREFIX/(grub\.cfg|x86_64-efi/[^'"'"']*\.(mod|lst))'"'"'" "$tftp_log"'
fi

# Both ways: the address came from the foreign server, the boot file from
# the proxy, the image from pxe-tftpd.
foreign_dhcp_checks "$EFI_FILE" 4011
finish
