#!/usr/bin/env bash
# make demo: PXE-boot a QEMU VM served only by pxekit, in a private network
# namespace, and show each stage as it happens: the DHCP exchange, the TFTP
# files, the kernel's banner with its command line. Needs root. Installs what
# is missing, caches the kernel and the initrd (a second run is faster), and
# removes the namespace and every process it started on exit, Ctrl-C included.
#
#   demo.sh [--bios | --uefi | --both] [--servers pxekit|dnsmasq]
#
# QEMU's accelerator is probed once (KVM only with hardware virtualization and
# a QEMU run that works; TCG otherwise) and the choice is printed with its
# reason; PXEKIT_ACCEL=kvm or tcg overrides the probe.
#
# --servers dnsmasq runs the same boot against dnsmasq (DHCP+TFTP, the
# benchmark's peer) with the harness's own configs: it checks the harness
# itself, without pxekit.
set -u
source "$(dirname "${BASH_SOURCE[0]}")/pxeboot.sh"

usage() {
  echo "usage: demo.sh [--bios | --uefi | --both] [--servers pxekit|dnsmasq]" >&2
  exit 64
}

firmwares=(bios)
servers=pxekit
while [ $# -gt 0 ]; do
  case $1 in
    --bios) firmwares=(bios) ;;
    --uefi) firmwares=(uefi) ;;
    --both) firmwares=(bios uefi) ;;
    --servers) [ $# -ge 2 ] || usage; servers=$2; shift ;;
    --servers=*) servers=${1#*=} ;;
    -h | --help) awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) usage ;;
  esac
  shift
done
case $servers in pxekit | dnsmasq) ;; *) usage ;; esac

if [ "$(id -u)" != 0 ]; then
  echo "demo: needs root (it creates a network namespace and a tap device): sudo make demo" >&2
  exit 77
fi

if [ "$servers" = pxekit ]; then
  missing=$(pxeboot_missing_tools "$PXEBOOT_BIN")
  if [ -n "$missing" ]; then
    echo "demo: not built in $PXEBOOT_BIN: $missing; run make first." >&2
    echo "demo: 'demo.sh --servers dnsmasq' runs the same boot against dnsmasq." >&2
    exit 69
  fi
fi

echo "== pxekit demo: ${firmwares[*]} PXE boot served by $servers"
pxeboot_check_packages install || exit 69
pxeboot_init || exit 71
pxeboot_accel || exit 78
pxeboot_kernel || exit 69
pxeboot_initrd || exit 71
pxeboot_netns_up || exit 71

status=0
summary=()
for firmware in "${firmwares[@]}"; do
  echo "== $firmware"
  root=$PXEBOOT_WORK/tftp-$firmware
  pxeboot_tftproot "$firmware" "$root" || exit 71
  append="$PXEBOOT_KERNEL_ARGS pxekit.demo=$firmware"
  if [ "$servers" = pxekit ]; then
    pxeboot_cfg_pxekit "$firmware" "$root" "$append" || exit 1
  else
    pxeboot_cfg_builtin "$firmware" "$root" "$append"
  fi
  written=$(pxeboot_cfg_append "$firmware" "$root")
  pxeboot_servers_start "$servers" "$root" || exit 1
  if pxeboot_run "$firmware"; then
    got=$(pxeboot_cmdline_args "$PXEBOOT_CMDLINE")
    if [ "$got" = "$written" ]; then
      summary+=("$firmware: banner after ${PXEBOOT_SECONDS}s; the kernel got the command line the config gave${PXEBOOT_NOTE:+ ($PXEBOOT_NOTE)}")
    else
      summary+=("$firmware: banner after ${PXEBOOT_SECONDS}s, but the command line differs: '$got' != '$written'")
      status=1
    fi
  else
    summary+=("$firmware: FAILED ($PXEBOOT_FAILURE)")
    status=1
  fi
  pxeboot_servers_stop
done

echo "== summary (kernel: $PXEBOOT_KERNEL_PKG; QEMU accelerator: $(pxeboot_accel_name))"
printf '  %s\n' "${summary[@]}"
exit $status
