#!/usr/bin/env bash
# UEFI Secure Boot with Debian's signed chain (issue 13, row 1): OVMF with
# Secure Boot enforced and Microsoft's keys (OVMF_CODE_4M.secboot.fd,
# OVMF_VARS_4M.ms.fd, q35 with SMM) PXE-boots from pxe-dhcpd and pxe-tftpd
# the tree `pxe-mkcfg grub --secure-boot` lays out: shim (shim-signed) as the
# boot file, Debian's signed GRUB netboot image (grub-efi-amd64-signed) as
# grubx64.efi beside it, grub/grub.cfg where that GRUB looks, and Debian's
# signed kernel with the harness's initrd. Asserts the banner, the command
# line, the lease, the files served in order, that the signed GRUB never
# asks for grub/x86_64-efi/grub.cfg (a decoy put there), and that the guest
# kernel reports Secure Boot enabled. Under TCG on a loaded host: minutes.
source "$PXEKIT_SRC/tests/support/testlib.sh"
source "$PXEKIT_SRC/tests/support/pxeboot.sh"
source "$PXEKIT_SRC/tests/support/secureboot.sh"

secureboot_setup
root=$PXEBOOT_WORK/tftp
append="$SECUREBOOT_KERNEL_ARGS pxekit.test=secureboot-$$"
secureboot_tree "$root" "$append" || fail_now "laying out the Secure Boot tree (see above)"
check "the config passes --append through" '[[ "$SECUREBOOT_WRITTEN" == *"$append" ]]'
check "pxe-mkcfg check finds nothing wrong in the tree" \
  '"$PXEKIT_BIN/pxe-mkcfg" check "$root" >"$SCRATCH/check.out" 2>&1' || cat "$SCRATCH/check.out" >&2
# The config the signed GRUB's built-in one would prefer, if `[ -e ]` could
# see it over TFTP: it never asks for it.
mkdir -p "$root/grub/x86_64-efi"
printf 'menuentry decoy {\n  linux /%s pxekit.decoy\n}\n' "$PXEBOOT_KERNEL_NAME" >"$root/grub/x86_64-efi/grub.cfg"
chmod -R a+rX "$root"

pxeboot_servers_start pxekit "$root" || fail_now "pxe-dhcpd and pxe-tftpd start"
pxeboot_run uefi
echo "Secure Boot chain to the banner: ${PXEBOOT_SECONDS:-no banner}s ($(pxeboot_accel_name))"
check "the VM printed the banner${PXEBOOT_FAILURE:+ ($PXEBOOT_FAILURE)}" '[ -n "$PXEBOOT_BANNER_LINE" ]'
check "the kernel's command line is the one pxe-mkcfg wrote" \
  '[ "$(pxeboot_cmdline_args "$PXEBOOT_CMDLINE")" = "$SECUREBOOT_WRITTEN" ]'
check "the VM powered itself off" '[ -n "$PXEBOOT_POWERED_OFF" ]'
check "the guest kernel reports Secure Boot enabled" \
  'grep -aqF "$SECUREBOOT_KERNEL_SAYS" "$PXEBOOT_WORK/serial.log"'
check "the kernel's EFI stub saw Secure Boot on" \
  'grep -aqF "EFI stub: UEFI Secure Boot is enabled." "$PXEBOOT_WORK/serial.log"'
check "pxe-dhcpd wrote the VM's lease" \
  'grep -qi "hardware ethernet $PXEBOOT_VM_MAC" "$PXEBOOT_WORK/dhcpd.leases"'
check "pxe-dhcpd gave shim as the UEFI boot file" \
  'grep -qE "DHCPACK .* file \"shimx64\.efi\"" "$PXEBOOT_WORK/pxe-dhcpd.log"'
served=$(secureboot_served)
expected="shimx64.efi grubx64.efi grub/grub.cfg $PXEBOOT_KERNEL_NAME $PXEBOOT_INITRD_NAME"
check "pxe-tftpd served shim, GRUB, its config, the kernel and the initrd, in that order (served: $served)" \
  '[ "$served" = "$expected" ]'
check "the signed GRUB never asked for grub/x86_64-efi/grub.cfg" '! secureboot_asked "grub/x86_64-efi/grub\.cfg"'
finish
