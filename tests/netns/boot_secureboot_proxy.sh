#!/usr/bin/env bash
# The Secure Boot chain of boot_secureboot.sh behind a foreign DHCP server
# (issue 13, row 2 with shim): a dnsmasq in its own namespace gives the
# address (its ACK names itself, 10.99.0.2, as next server), pxe-dhcpd
# --proxy the boot file (shim), pxe-tftpd the tree `pxe-mkcfg grub
# --secure-boot` laid out. What really happens, and what this test asserts:
#   - OVMF (Secure Boot, Microsoft's keys) takes the proxy's answer (port
#     4011) and loads shim from pxe-tftpd;
#   - shim takes the proxy's offer too (its ACK names no boot file) and
#     fetches grubx64.efi from pxe-tftpd;
#   - the signed GRUB does not: its prefix's device is (tftp,SERVER) with
#     SERVER from the DHCP ACK, the router's, so it asks the router for
#     /grub/grub.cfg (a witness pxe-tftpd with an empty root there logs it),
#     never pxe-tftpd, and stops at its `grub>` command line.
# The unsigned chain gets round this with `pxe-mkcfg grub --server`, which
# builds an image whose prefix names the server (boot_uefi_proxy.sh); the
# signed image's prefix cannot be changed without breaking its signature.
source "$PXEKIT_SRC/tests/support/testlib.sh"
source "$PXEKIT_SRC/tests/support/pxeboot.sh"
source "$PXEKIT_SRC/tests/support/secureboot.sh"
source "$PXEKIT_SRC/tests/support/foreign_dhcp.sh"

need_cmd dnsmasq
secureboot_setup
foreign_dhcp_up || fail_now "linking the foreign server's namespace"
root=$PXEBOOT_WORK/tftp
secureboot_tree "$root" "$SECUREBOOT_KERNEL_ARGS pxekit.test=secureboot-proxy-$$" ||
  fail_now "laying out the Secure Boot tree (see above)"
foreign_dhcp_servers_start "$root" "$PXEBOOT_EFI_FILE" ||
  fail_now "dnsmasq, pxe-dhcpd --proxy and pxe-tftpd are not listening after 20 s"
# The witness: a TFTP server on the router with nothing to serve.
mkdir -p "$PXEBOOT_WORK/empty"
witness=$PXEBOOT_WORK/router-tftpd.log
ip netns exec "$FOREIGN_NETNS" "$PXEKIT_BIN/pxe-tftpd" -a "$FOREIGN_IP:69" "$PXEBOOT_WORK/empty" \
  </dev/null >"$witness" 2>&1 &
PXEBOOT_SERVER_PIDS+=($!)
PXEBOOT_SOURCES+=("router-tftp:$witness")

# GRUB's command line waits for ever: the VM is stopped once it shows.
start=$EPOCHREALTIME
if pxeboot_vm_start uefi "Welcome to GRUB!" && secureboot_wait_console "grub>" 120; then
  echo "behind a foreign DHCP server the signed GRUB stopped at 'grub>' after $(_pxeboot_elapsed "$start")s ($(pxeboot_accel_name))"
fi
pxeboot_vm_stop
serial=$PXEBOOT_WORK/serial.log
tftp_log=$PXEBOOT_WORK/pxe-tftpd.log
check "the signed GRUB started (shim verified it)" 'grep -aqF "Welcome to GRUB!" "$serial"'
check "and ended at its command line, grub> (no config)" 'grep -aqF "grub>" "$serial"'
check "no banner" '! grep -aqF "$PXEBOOT_BANNER" "$serial"'
foreign_dhcp_checks "$PXEBOOT_EFI_FILE" 4011
check "shim fetched grubx64.efi from pxe-tftpd, the proxy's server" \
  'grep -qE "RRQ '"'"'grubx64\.efi'"'"' .*: ok$" "$tftp_log"'
check "the router's ACK named itself as next server" \
  'grep -qE "next server: $FOREIGN_IP\$" "$PXEBOOT_WORK/dnsmasq.log"'
check "the signed GRUB asked the router's TFTP server for /grub/grub.cfg" \
  'grep -qE "RRQ '"'"'/?grub/grub\.cfg'"'"'" "$witness"' || cat "$witness" >&2
check "and never asked pxe-tftpd for it" '! grep -qE "RRQ '"'"'/?grub/grub\.cfg'"'"'" "$tftp_log"'
check "nobody was asked for the kernel" \
  '! grep -qF "$PXEBOOT_KERNEL_NAME" "$tftp_log" && ! grep -qF "$PXEBOOT_KERNEL_NAME" "$witness"'
finish
