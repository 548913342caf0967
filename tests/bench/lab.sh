#!/usr/bin/env bash
# The morning rush (issue 12): N machines of the virtual lab
# (tests/support/lab.sh; default 8: BIOS + pxelinux on e1000e, UEFI + GRUB on
# virtio-net, BIOS through an iPXE script, in turn) woken at once by one
# `wakeonlan -f`, and the time from it until every agent is ready (each
# machine: DHCP, TFTP, kernel, its own DHCP, root over NFS, agent). pxekit
# (pxe-dhcpd + pxe-tftpd) against dnsmasq (DHCP + TFTP) on the same lab:
# the same namespace, image, NFS server and configs, fresh leases each run,
# runs alternating (pxekit first on odd runs, dnsmasq first on even ones),
# every machine powered off by pxe-poweroff between runs. Prints every run,
# the medians and the ratio. Run by hand, as root, on a quiet machine (it
# prints the load average before and after); not part of `make check`.
#
#   tests/bench/lab.sh [--machines N] [--runs N] [--only pxekit|dnsmasq]
#                      [--nfs ganesha|knfsd]
#
# --nfs knfsd serves the root from the kernel's nfsd in the lab's namespace
# (as `make demo DEMO_ARGS="--nfs knfsd"`; exit 69 where the host cannot).
#
# QEMU's accelerator is the harness's probe (PXEKIT_ACCEL=kvm or tcg
# overrides it). Under TCG the guests' CPU (the kernel's decompressor, udev)
# dominates; the servers differ in DHCP and TFTP.
set -u
source "$(dirname "${BASH_SOURCE[0]}")/../support/lab.sh"
source "$(dirname "${BASH_SOURCE[0]}")/../support/script_help.sh"

machines=8
runs=3
nfs=ganesha
unset only
script_options \
  --machines=machines \
  --runs=runs \
  --only=only \
  --nfs=nfs \
  -- "$@"
kinds=(pxekit dnsmasq)
[ -z "${only+set}" ] || kinds=("$only")
[[ $runs =~ ^[1-9][0-9]?$ ]] && [[ $machines =~ ^[1-9][0-9]?$ ]] || script_usage
for kind in "${kinds[@]}"; do
  case $kind in pxekit | dnsmasq) ;; *) script_usage ;; esac
done

case $nfs in ganesha | knfsd) ;; *) script_usage ;; esac

[ "$(id -u)" = 0 ] || { echo "lab.sh: needs root (network namespace, tap devices)" >&2; exit 77; }
if [ "$nfs" = knfsd ] && ! knfsd_probe; then
  echo "lab.sh: knfsd: $KNFSD_WHY" >&2
  exit 69
fi
missing=$(lab_missing)
[ -z "$missing" ] || { echo "lab.sh: not built: $missing (make)" >&2; exit 69; }

BOOT_TIMEOUT=${PXEKIT_BOOT_TIMEOUT:-$((600 + 60 * machines))}
OFF_TIMEOUT=120

pxeboot_check_packages install >/dev/null || exit 69
# shellcheck disable=SC2046
"$LAB_SRC/tests/support/packages.sh" install $(sed -e 's/#.*//' "$LAB_SRC/tests/packages/lab.txt") >/dev/null || exit 69
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
lab_plan "$machines" || exit 64
lab_up "${kinds[0]}" "$nfs" || exit 1
pxeboot_servers_stop
echo "== $machines machines, $runs runs each of ${kinds[*]}; NFS: $nfs; QEMU $(pxeboot_accel_name); load average $load_before"

declare -A times=()
status=0
day=0
for ((run = 1; run <= runs; run++)); do
  order=("${kinds[@]}")
  if [ $((run % 2)) = 0 ] && [ ${#kinds[@]} = 2 ]; then order=("${kinds[1]}" "${kinds[0]}"); fi
  for kind in "${order[@]}"; do
    day=$((day + 1))
    LAB_SERVERS=$kind
    # Every run hands out fresh leases.
    rm -f "$PXEBOOT_WORK/dhcpd.leases" "$PXEBOOT_WORK/dhcpd.leases".* "$PXEBOOT_WORK/dnsmasq.leases"
    lab_servers_start "run$day" >/dev/null || { status=1; break 2; }
    LAB_QUIET=1
    if lab_morning "$day" "$BOOT_TIMEOUT"; then
      worst=0
      for ((i = 0; i < LAB_N; i++)); do
        worst=$(awk -v a="$worst" -v b="${LAB_AT[$day,$i,ready]}" 'BEGIN { print (b > a ? b : a) }')
      done
      times[$kind]+="$worst "
      printf 'run %d %-8s all %d agents ready after %6.1f s (first DHCP %s s)\n' "$run" "$kind" "$LAB_N" "$worst" \
        "$(for ((i = 0; i < LAB_N; i++)); do echo "${LAB_AT[$day,$i,dhcp]:-999}"; done | sort -n | head -n1)"
    else
      printf 'run %d %-8s FAILED: %s\n' "$run" "$kind" \
        "$(for ((i = 0; i < LAB_N; i++)); do [ -n "${LAB_FAIL[$day,$i]-}" ] && echo "${LAB_NAME[i]}: ${LAB_FAIL[$day,$i]}"; done | head -n1)"
      status=1
    fi
    if ! lab_night "$day" "$OFF_TIMEOUT"; then
      echo "lab.sh: not every machine powered off after run $run ($kind); stopping" >&2
      LAB_QUIET=""
      status=1
      break 2
    fi
    LAB_QUIET=""
    pxeboot_servers_stop
  done
done

median() {
  tr ' ' '\n' | sed '/^$/d' | sort -n | awk '{ v[NR] = $1 } END {
    if (NR == 0) { print "-"; exit }
    if (NR % 2) print v[(NR + 1) / 2]; else printf "%.1f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
echo "== medians (load average now $(cut -d' ' -f1-3 /proc/loadavg))"
for kind in "${kinds[@]}"; do
  printf '%-8s median %s s over: %s\n' "$kind" "$(median <<<"${times[$kind]-}")" "${times[$kind]:-no run}"
done
if [ ${#kinds[@]} = 2 ]; then
  a=$(median <<<"${times[pxekit]-}") b=$(median <<<"${times[dnsmasq]-}")
  [ "$a" != - ] && [ "$b" != - ] && awk -v a="$a" -v b="$b" 'BEGIN { printf "ratio pxekit/dnsmasq %.2f\n", a / b }'
fi
exit $status
