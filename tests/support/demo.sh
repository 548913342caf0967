#!/usr/bin/env bash
# make demo: a day in a diskless lab, in a box (issue 12). N QEMU machines
# (default 3: BIOS + pxelinux on e1000e, UEFI + GRUB on virtio-net, BIOS
# through an iPXE script on virtio-net) sit dark on a bridge in a private
# network namespace. Then:
#   1. morning: `wakeonlan -I pxbr0 -f lab-macs.txt`; the power switch
#      (tests/support/power_switch) starts a machine's QEMU only when a magic
#      packet for its MAC arrives;
#   2. each boots, one line per stage as it happens: DHCP, the boot loader
#      and the kernel and initrd over TFTP, the kernel, its own DHCP, the
#      root over NFS (NFS-Ganesha, configured by pxe-exports; or the
#      kernel's nfsd with --nfs knfsd), the agent;
#   3. evening: `pxe-poweroff -f lab-hosts.txt`; each agent reports what the
#      NIC answered to Wake-on-LAN, acknowledges and powers off; each QEMU
#      exits by itself, and the demo says why ("reboot: Power down");
#   4. next morning (the servers restarted overnight, their leases on disk):
#      wakeonlan again, the same machines boot with the same addresses;
#   5. a table: per machine, firmware, NIC, each stage's time, the result.
# Needs root. Installs what is missing, caches the kernel and the image,
# and removes the namespace and every process it started on exit, Ctrl-C
# included.
#
#   demo.sh [--machines N] [--servers pxekit|dnsmasq] [--nfs ganesha|knfsd]
#           [--one-day]
#
# --servers dnsmasq runs the same day with dnsmasq for DHCP and TFTP in
# place of pxe-dhcpd and pxe-tftpd. --nfs knfsd serves the root with the
# kernel's NFS server instead of NFS-Ganesha: the export written into an
# exports file by `pxe-exports add`, and nfsd, rpc.mountd and rpcbind
# started inside the lab's namespace only (NFSv3 over TCP), never
# host-wide. It needs nfsd in the host's kernel (in /proc/filesystems, or
# `modprobe nfsd` loads it) and nfs-kernel-server's tools (exportfs,
# rpc.nfsd, rpc.mountd) and rpcbind; where they are missing the demo stops
# at once, exit 69, saying what is missing (it never falls back to
# Ganesha).
#
# QEMU's accelerator is probed once (KVM only with hardware virtualization
# and a QEMU run that works; TCG otherwise); PXEKIT_ACCEL=kvm or tcg
# overrides the probe.
set -u
source "$(dirname "${BASH_SOURCE[0]}")/lab.sh"
source "$(dirname "${BASH_SOURCE[0]}")/script_help.sh"

machines=3
servers=pxekit
nfs=ganesha
days=2
script_options \
  --machines=machines \
  -n=machines \
  --servers=servers \
  --nfs=nfs \
  --one-day=days=1 \
  -- "$@"
case $servers in pxekit | dnsmasq) ;; *) script_usage ;; esac
case $nfs in ganesha | knfsd) ;; *) script_usage ;; esac
[[ $machines =~ ^[1-9][0-9]?$ ]] || script_usage

if [ "$(id -u)" != 0 ]; then
  echo "demo: needs root (it creates a network namespace and tap devices): sudo make demo" >&2
  exit 77
fi
# Before anything is installed or built: can this host's kernel serve NFS?
if [ "$nfs" = knfsd ] && ! knfsd_probe; then
  echo "demo: knfsd: $KNFSD_WHY" >&2
  exit 69
fi
missing=$(lab_missing)
if [ -n "$missing" ]; then
  echo "demo: not built: $missing; run make first." >&2
  exit 69
fi

# Seconds allowed: a boot under TCG on a busy host (three machines on two
# shared cores took up to 7 minutes here), and the power-off.
BOOT_TIMEOUT=${PXEKIT_BOOT_TIMEOUT:-$((480 + 40 * machines))}
OFF_TIMEOUT=${PXEKIT_OFF_TIMEOUT:-120}

echo "== pxekit lab demo: $machines machines, servers: $servers, NFS: $nfs"
pxeboot_check_packages install || exit 69
# shellcheck disable=SC2046 # one package a word
"$LAB_SRC/tests/support/packages.sh" install $(sed -e 's/#.*//' "$LAB_SRC/tests/packages/lab.txt") || exit 69
lab_plan "$machines" || exit 64
lab_up "$servers" "$nfs" || exit 1
echo "== the lab is dark: $LAB_N machines off"
for ((i = 0; i < LAB_N; i++)); do
  printf '  %-3s %-4s %-10s %-8s %s\n' "${LAB_NAME[i]}" "${LAB_FW[i]}" "$(lab_nic_name "${LAB_NIC[i]}")" \
    "${LAB_LOADER[i]}" "${LAB_MAC[i]}"
done

status=0
for ((day = 1; day <= days; day++)); do
  if [ "$day" = 1 ]; then echo "== morning: wakeonlan wakes every machine"; else
    echo "== overnight: the servers restart; their leases stay on disk"
    lab_overnight || exit 1
    echo "== next morning: wakeonlan again"
  fi
  lab_morning "$day" "$BOOT_TIMEOUT" || status=1
  echo "== evening: pxe-poweroff -f lab-hosts.txt"
  if ! lab_night "$day" "$OFF_TIMEOUT"; then
    status=1
    # A machine still on cannot be woken: there is no next morning.
    echo "== not every machine powered off: the day ends here"
    break
  fi
done

echo "== summary (kernel: $LAB_KERNEL_PKG, root: NFS from $nfs, servers: $servers, QEMU: $(pxeboot_accel_name))"
lab_summary
exit $status
