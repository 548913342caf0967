#!/usr/bin/env bash
# Why pxe-mkcfg grub --server exists: boot_uefi_proxy.sh's setup (a foreign
# dnsmasq gives the address, pxe-dhcpd --proxy the boot file) with
# grub-mknetdir's image. GRUB takes its TFTP server from the foreign ACK and
# stops at `grub rescue>`; the test asserts that. A ctest entry of its own:
# each boot takes minutes under TCG.
UEFI_PROXY_MODE=mknetdir source "$PXEKIT_SRC/tests/netns/boot_uefi_proxy.sh"
