#!/usr/bin/env bash
# One machine of the virtual lab with the kernel's NFS server: the day of
# tests/netns/lab_nfsroot.sh (BIOS, pxelinux, e1000e; pxe-dhcpd, pxe-tftpd,
# the stock Debian kernel's initramfs mounting its root read-only over
# NFSv3, the pxe-poweroff agent, a guest power-off) with the root exported
# by knfsd in the test's namespace instead of NFS-Ganesha: the export line
# written by `pxe-exports add` into the file that is /etc/exports in the
# server's private mount namespace (tests/support/knfsd.sh), as
# `make demo DEMO_ARGS="--nfs knfsd"` does. Skipped (77), saying what is
# missing, where the host's kernel has no nfsd or nfs-kernel-server's tools
# are missing; never run with Ganesha in its place.
source "$PXEKIT_SRC/tests/support/testlib.sh"
source "$PXEKIT_SRC/tests/support/lab_nfs.sh"

knfsd_probe || skip "knfsd: $KNFSD_WHY"
# lab_nfsroot.sh makes its own scratch directory and namespace.
cleanup
trap - EXIT
PXEKIT_LAB_NFS=knfsd exec bash "$PXEKIT_SRC/tests/netns/lab_nfsroot.sh"
