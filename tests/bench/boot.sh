#!/usr/bin/env bash
# Boot to banner: pxekit (pxe-dhcpd + pxe-tftpd, config by pxe-mkcfg) against
# dnsmasq (DHCP+TFTP), the same VM, the same TFTP root and the same config
# file, in one private namespace. Runs alternate (pxekit first on odd runs,
# dnsmasq first on even ones); prints every run, the medians and the ratio.
# Run by hand, as root; not part of `make check` (timings are not assertions).
#
#   tests/bench/boot.sh [--runs N] [--bios | --uefi] [--only pxekit|dnsmasq]
#
# The pxekit side needs build/bin/pxe-dhcpd, pxe-tftpd and pxe-mkcfg (make);
# `--only dnsmasq` runs without them. The time is from
# QEMU's start to the initrd's banner: firmware, DHCP, TFTP, kernel start.
# QEMU's accelerator is the harness's probe (printed first; PXEKIT_ACCEL=kvm
# or tcg overrides it). Under TCG firmware and the kernel's start dominate; the TFTP
# of the kernel and initrd is where the servers differ. build/tests/bin/
# ra_beacon (built by make) spares both sides iPXE's ~13 s IPv6 wait; set
# PXEKIT_BOOT_RA=0 to measure without it.
set -u
source "$(dirname "${BASH_SOURCE[0]}")/../support/pxeboot.sh"
source "$(dirname "${BASH_SOURCE[0]}")/../support/script_help.sh"

runs=5
firmware=bios
unset only
script_options \
  --runs=runs \
  --bios=firmware=bios \
  --uefi=firmware=uefi \
  --only=only \
  -- "$@"
kinds=(pxekit dnsmasq)
[ -z "${only+set}" ] || kinds=("$only")
[[ $runs =~ ^[1-9][0-9]?$ ]] || script_usage
for kind in "${kinds[@]}"; do
  case $kind in pxekit | dnsmasq) ;; *) script_usage ;; esac
done

[ "$(id -u)" = 0 ] || { echo "boot.sh: needs root (network namespace, tap device)" >&2; exit 77; }
if [[ " ${kinds[*]} " == *" pxekit "* ]]; then
  missing=$(pxeboot_missing_tools "$PXEBOOT_BIN")
  if [ -n "$missing" ]; then
    echo "boot.sh: the pxekit side is not built in $PXEBOOT_BIN: $missing (run make first)." >&2
    echo "boot.sh: run 'tests/bench/boot.sh --only dnsmasq' for the peer alone." >&2
    exit 69
  fi
fi

pxeboot_check_packages install || exit 69
pxeboot_init || exit 71
pxeboot_kernel >/dev/null || exit 69
pxeboot_initrd >/dev/null || exit 71
pxeboot_netns_up "pxk-bench-$$" >/dev/null || exit 71

root=$PXEBOOT_WORK/tftp
pxeboot_tftproot "$firmware" "$root" || exit 71
append=$PXEBOOT_KERNEL_ARGS
# One config for every server: pxe-mkcfg's when pxekit is measured.
if [[ " ${kinds[*]} " == *" pxekit "* ]]; then
  pxeboot_cfg_pxekit "$firmware" "$root" "$append" >/dev/null || exit 1
else
  pxeboot_cfg_builtin "$firmware" "$root" "$append"
fi

pxeboot_accel || exit 78
echo "boot to banner, $firmware, $(pxeboot_accel_name), $PXEBOOT_NIC, kernel $PXEBOOT_KERNEL_PKG, $runs runs"
printf '%-4s %-8s %s\n' run server seconds

declare -A times=()
PXEBOOT_QUIET=1
for run in $(seq "$runs"); do
  order=("${kinds[@]}")
  if [ ${#kinds[@]} -eq 2 ] && [ $((run % 2)) -eq 0 ]; then order=("${kinds[1]}" "${kinds[0]}"); fi
  for kind in "${order[@]}"; do
    pxeboot_servers_start "$kind" "$root" || exit 1
    if pxeboot_run "$firmware"; then
      times[$kind]+="$PXEBOOT_SECONDS "
      printf '%-4s %-8s %s\n' "$run" "$kind" "$PXEBOOT_SECONDS${PXEBOOT_NOTE:+ ($PXEBOOT_NOTE)}"
    else
      printf '%-4s %-8s %s\n' "$run" "$kind" "FAILED: $PXEBOOT_FAILURE"
    fi
    pxeboot_servers_stop
    # Fresh leases for every run: each server sees a new client.
    rm -f "$PXEBOOT_WORK"/*.leases
  done
done

median() {
  tr ' ' '\n' | sed '/^$/d' | sort -n |
    awk '{ v[NR] = $1 } END { if (NR == 0) print "-"; else if (NR % 2) print v[(NR + 1) / 2];
      else printf "%.1f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

echo
declare -A medians=()
for kind in "${kinds[@]}"; do
  medians[$kind]=$(median <<<"${times[$kind]:-}")
  printf 'median %-8s %ss  (%s)\n' "$kind" "${medians[$kind]}" "${times[$kind]:-no successful run}"
done
if [ ${#kinds[@]} -eq 2 ] && [ "${medians[pxekit]}" != - ] && [ "${medians[dnsmasq]}" != - ]; then
  awk -v p="${medians[pxekit]}" -v d="${medians[dnsmasq]}" \
    'BEGIN { printf "ratio pxekit/dnsmasq: %.2f (below 1: pxekit boots faster)\n", p / d }'
fi
