#!/usr/bin/env bash
# pxe-mkcfg's bash completion completes for real: subcommands first, then
# each subcommand's own options, directories for --root and check.
source "$PXEKIT_SRC/tests/support/testlib.sh"
need_bash_completion

complete_words() { bash_complete pxe-mkcfg "$@"; }  # what TAB offers after WORD...

mkdir -p "$SCRATCH/tftp/boot" "$SCRATCH/tftp2"
touch "$SCRATCH/tftpfile"
check "the subcommands come first" \
  '[ "$(complete_words "")" = "$(printf "check\ndhcpd-hosts\ngrub\nipxe\nlookup\npxelinux")" ]'
check "after a common option, still the subcommands" \
  '[ "$(complete_words -v l)" = "lookup" ]'
check "pxelinux --n offers --nfsroot only" '[ "$(complete_words pxelinux --n)" = "--nfsroot" ]'
check "grub --g offers --grub-prefix" '[ "$(complete_words grub --g)" = "--grub-prefix" ]'
check "pxelinux --g offers nothing" '[ -z "$(complete_words pxelinux --g)" ]'
check "dhcpd-hosts --ne offers --next-server" '[ "$(complete_words dhcpd-hosts --ne)" = "--next-server" ]'
check "lookup --flavor offers the loaders" '[ "$(complete_words lookup --flavor "")" = "$(printf "grub\npxelinux")" ]'
check "--root offers directories only" '[ "$(complete_words pxelinux --root tft)" = "$(printf "tftp\ntftp2")" ]'
check "check DIR offers directories" '[ "$(complete_words check tftp/)" = "tftp/boot" ]'
finish
