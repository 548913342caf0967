#!/usr/bin/env bash
# A real BIOS PXE boot (SeaBIOS, iPXE ROM, pxelinux) of a
# QEMU VM, served only by pxekit inside this test's own namespace: asserts the
# kernel's banner and that its command line is the one pxe-mkcfg wrote.
# TCG (no /dev/kvm) takes about a minute.
source "$PXEKIT_SRC/tests/support/testlib.sh"
source "$PXEKIT_SRC/tests/support/boot_test.sh"
boot_test bios
