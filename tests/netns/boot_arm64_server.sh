#!/usr/bin/env bash
# The ARM64 UEFI boot (boot_arm64.sh) with the GRUB image `pxe-mkcfg grub
# --server --target arm64-efi --module-dir` builds, prefix (tftp,SERVER)/
# boot/grub, and its config with paths under $root: the image pxekit makes
# for arm64 clients behind a foreign DHCP server, proven on AAVMF. A ctest
# entry of its own: each boot takes a minute or more under TCG.
ARM64_IMAGE=server source "$PXEKIT_SRC/tests/netns/boot_arm64.sh"
