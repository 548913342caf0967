#!/usr/bin/env bash
# The negative case of Secure Boot (issue 13, row 1): the same firmware as
# boot_secureboot.sh (OVMF, Secure Boot enforced, Microsoft's keys) refuses
# GRUB's unsigned netboot image (grub-efi-amd64-bin's monolithic
# grubnetx64.efi, the image grub-mknetdir's modules come with), twice:
#   1. behind Debian's signed shim, as grubx64.efi: shim fetches it and
#      refuses it ("Verification failed: (0x1A) Security Violation");
#   2. as the boot file itself: the firmware refuses to start it.
# Each time the refusal is read on the console, and no config, no kernel and
# no initrd was ever asked for. `pxe-mkcfg check` reports the unsigned image.
source "$PXEKIT_SRC/tests/support/testlib.sh"
source "$PXEKIT_SRC/tests/support/pxeboot.sh"
source "$PXEKIT_SRC/tests/support/secureboot.sh"

secureboot_setup
[ -s "$SECUREBOOT_UNSIGNED_GRUB" ] || fail_now "$SECUREBOOT_UNSIGNED_GRUB is missing (grub-efi-amd64-bin)"
# Refusals come sooner than a banner.
PXEBOOT_TIMEOUT=${PXEKIT_BOOT_TIMEOUT:-400}
root=$PXEBOOT_WORK/tftp
secureboot_tree "$root" "$SECUREBOOT_KERNEL_ARGS pxekit.test=unsigned-$$" ||
  fail_now "laying out the Secure Boot tree (see above)"
cp "$SECUREBOOT_UNSIGNED_GRUB" "$root/grubx64.efi" && chmod a+r "$root/grubx64.efi"
"$PXEKIT_BIN/pxe-mkcfg" check "$root" >"$SCRATCH/check.out" 2>&1
status=$?
check "pxe-mkcfg check fails (65) on the unsigned grubx64.efi (status $status)" '[ "$status" = 65 ]'
check "and names it" 'grep -qF "$root/grubx64.efi: EFI loader: unsigned" "$SCRATCH/check.out"' ||
  cat "$SCRATCH/check.out" >&2

# refused CASE BOOTFILE PATTERN: boots with BOOTFILE as pxe-dhcpd's UEFI
# boot file until the console shows PATTERN (bounded), then stops the VM.
refused() {
  local case=$1 bootfile=$2 pattern=$3 file start
  PXEBOOT_EFI_FILE=$bootfile
  pxeboot_servers_start pxekit "$root" || fail_now "pxe-dhcpd and pxe-tftpd start"
  # The firmware's line once it has the boot file, then the refusal, which
  # shim draws in a box without a newline after it.
  start=$EPOCHREALTIME
  if pxeboot_vm_start uefi "BdsDxe: loading Boot" && secureboot_wait_console "$pattern" 300; then
    echo "$case: refused after $(_pxeboot_elapsed "$start")s ($(pxeboot_accel_name)): $pattern"
  fi
  pxeboot_vm_stop
  check "$case: the console shows '$pattern'" 'grep -aqF "$pattern" "$PXEBOOT_WORK/serial.log"'
  check "$case: no banner" '! grep -aqF "$PXEBOOT_BANNER" "$PXEBOOT_WORK/serial.log"'
  check "$case: pxe-tftpd served $bootfile" 'secureboot_asked "$bootfile"'
  for file in grub/grub.cfg "$PXEBOOT_KERNEL_NAME" "$PXEBOOT_INITRD_NAME"; do
    check "$case: nobody asked for $file" '! secureboot_asked "$file"'
  done
  pxeboot_servers_stop
  cp "$PXEBOOT_WORK/serial.log" "$PXEBOOT_WORK/serial-$case.log"
}

refused "unsigned GRUB behind shim" shimx64.efi "$SECUREBOOT_SHIM_REFUSES: (0x1A) Security Violation"
check "shim fetched the unsigned grubx64.efi before it refused it" 'secureboot_asked grubx64.efi'
cp "$SECUREBOOT_UNSIGNED_GRUB" "$root/unsigned.efi" && chmod a+r "$root/unsigned.efi"
refused "unsigned GRUB as the boot file" unsigned.efi "$SECUREBOOT_FIRMWARE_REFUSES"
check "it was OVMF's boot manager that refused to load it" \
  'grep -aqE "BdsDxe: failed to load Boot[0-9A-F]+ \"UEFI PXEv4 .*: Access Denied" "$PXEBOOT_WORK/serial-unsigned GRUB as the boot file.log"'
finish
