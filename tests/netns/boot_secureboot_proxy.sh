#!/usr/bin/env bash
# The Secure Boot chain of boot_secureboot.sh behind a foreign DHCP server
# (issue 13, row 2 with shim): a dnsmasq in its own namespace gives the
# address, pxe-dhcpd --proxy the boot file (shim), pxe-tftpd the tree that
# `pxe-mkcfg grub --secure-boot` laid out. OVMF (Secure Boot enforced,
# Microsoft's keys) loads shim from the proxy's server; shim takes the
# proxy's offer for its second stage when the ACK names no boot file.
source "$PXEKIT_SRC/tests/support/testlib.sh"
source "$PXEKIT_SRC/tests/support/pxeboot.sh"
source "$PXEKIT_SRC/tests/support/secureboot.sh"
source "$PXEKIT_SRC/tests/support/foreign_dhcp.sh"

need_cmd dnsmasq
secureboot_setup
foreign_dhcp_up || secureboot_fail "linking the foreign server's namespace"
root=$PXEBOOT_WORK/tftp
append="$SECUREBOOT_KERNEL_ARGS pxekit.test=secureboot-proxy-$$"
secureboot_tree "$root" "$append" || secureboot_fail "laying out the Secure Boot tree (see above)"
foreign_dhcp_servers_start "$root" "$PXEBOOT_EFI_FILE" ||
  secureboot_fail "dnsmasq, pxe-dhcpd --proxy and pxe-tftpd are not listening after 20 s"

pxeboot_run uefi
echo "Secure Boot chain behind a foreign DHCP server: ${PXEBOOT_SECONDS:-no banner}s ($(pxeboot_accel_name))"
check "the VM printed the banner${PXEBOOT_FAILURE:+ ($PXEBOOT_FAILURE)}" '[ -n "$PXEBOOT_BANNER_LINE" ]'
check "the kernel's command line is the one pxe-mkcfg wrote" \
  '[ "$(pxeboot_cmdline_args "$PXEBOOT_CMDLINE")" = "$SECUREBOOT_WRITTEN" ]'
check "the guest kernel reports Secure Boot enabled" \
  'grep -aqF "$SECUREBOOT_KERNEL_SAYS" "$PXEBOOT_WORK/serial.log"'
served=$(secureboot_served)
expected="shimx64.efi grubx64.efi grub/grub.cfg $PXEBOOT_KERNEL_NAME $PXEBOOT_INITRD_NAME"
check "pxe-tftpd served shim, GRUB, its config, the kernel and the initrd, in that order (served: $served)" \
  '[ "$served" = "$expected" ]'
foreign_dhcp_checks "$PXEBOOT_EFI_FILE"
finish
