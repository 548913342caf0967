#!/usr/bin/env bash
# A big initrd over TFTP and over HTTP: boot to the kernel's banner, the same
# BIOS VM (QEMU's iPXE ROM, e1000), the same kernel, the same 256 MiB initrd
# (the harness's busybox initrd padded with zeros, which the kernel skips
# between archives), the same iPXE script generator, in one private
# namespace. Only the transport differs:
#   tftp  pxe-dhcpd --ipxe-script tftp://.../default.ipxe; kernel and initrd
#         relative to it, from pxe-tftpd -B 1024 -W 1: blksize 1024 in
#         lockstep, as GRUB asks (iPXE would ask 1432; pxelinux goes
#         through the ROM's TFTP the same way, one block at a time)
#   http  pxe-dhcpd --ipxe-script http://...:8080/default.ipxe and
#         `pxe-mkcfg ipxe --http-base`: everything from nginx
#         (tests/support/nginx.sh)
# Runs alternate (tftp first on odd runs, http first on even ones); prints
# every run with the load average before and after it, the means and the
# ratio. Run by hand, as root, at normal priority (a nice'd QEMU measures the
# host's load, not the protocol); not part of `make check`.
#
#   tests/bench/http_boot.sh [--runs N] [--size MIB]
#
# The time is from QEMU's start to the initrd's banner. QEMU's accelerator is
# the harness's probe (PXEKIT_ACCEL=kvm or tcg overrides it).
set -u
source "$(dirname "${BASH_SOURCE[0]}")/../support/pxeboot.sh"
source "$(dirname "${BASH_SOURCE[0]}")/../support/nginx.sh"
source "$(dirname "${BASH_SOURCE[0]}")/../support/script_help.sh"

runs=2
size_mib=256
HTTP_PORT=8080
script_options --runs=runs --size=size_mib -- "$@"
[[ $runs =~ ^[1-9][0-9]?$ ]] || script_usage
[[ $size_mib =~ ^[1-9][0-9]{0,2}$ ]] && [ "$size_mib" -le 320 ] || {
  echo "http_boot.sh: --size is 1-320 MiB (the VM has 512 MiB)" >&2
  exit 64
}

[ "$(id -u)" = 0 ] || { echo "http_boot.sh: needs root (network namespace, tap device)" >&2; exit 77; }
missing=$(pxeboot_missing_tools "$PXEBOOT_BIN")
[ -z "$missing" ] || { echo "http_boot.sh: not built in $PXEBOOT_BIN: $missing (run make first)" >&2; exit 69; }
pxeboot_check_packages install || exit 69
# shellcheck disable=SC2046
"$PXEBOOT_SRC/tests/support/packages.sh" install $(sed -e 's/#.*//' "$PXEBOOT_SRC/tests/packages/http.txt") || exit 69

# A TFTP transfer of 256 MiB in lockstep takes minutes under TCG.
PXEBOOT_TIMEOUT=${PXEKIT_BOOT_TIMEOUT:-1200}
pxeboot_init || exit 71
pxeboot_kernel >/dev/null || exit 69
pxeboot_initrd >/dev/null || exit 71
pxeboot_netns_up "pxk-httpbench-$$" >/dev/null || exit 71

root=$PXEBOOT_WORK/tree
pxeboot_tftproot bios "$root" || exit 71
# The big initrd: the working one, then zeros up to the size.
initrd=$root/$PXEBOOT_INITRD_NAME
truncate -s "${size_mib}M" "$initrd" || exit 71
chmod 644 "$initrd"
base=http://$PXEBOOT_SERVER_IP:$HTTP_PORT

# bench_servers tftp|http: pxe-dhcpd, pxe-tftpd (blksize 1024, lockstep) and
# nginx for one run, and the script for that transport.
bench_servers() {
  local mode=$1 script_url http_base=()
  rm -f "$root"/*.ipxe
  if [ "$mode" = http ]; then
    script_url=$base/default.ipxe
    http_base=(--http-base "$base/")
  else
    script_url=tftp://$PXEBOOT_SERVER_IP/default.ipxe
  fi
  "$PXEBOOT_BIN/pxe-mkcfg" ipxe --root "$root" --kernel "$PXEBOOT_KERNEL_NAME" \
    --initrd "$PXEBOOT_INITRD_NAME" --append "$PXEBOOT_KERNEL_ARGS" "${http_base[@]}" >/dev/null || return 1
  chmod a+r "$root"/*.ipxe
  pxeboot_servers_start_ipxe "$root" "$script_url" -B 1024 -W 1 >/dev/null || return 1
  nginx_start "$PXEBOOT_NETNS" "$PXEBOOT_SERVER_IP" "$HTTP_PORT" "$root" "$PXEBOOT_WORK/nginx"
}

# The initrd's transfer as the server saw it, for the table.
bench_transfer() {
  if [ "$1" = http ]; then
    nginx_fetched "/$PXEBOOT_INITRD_NAME" | tail -n1 | awk '{ printf "HTTP %s bytes in %s s", $6, $7 }'
  else
    grep -F "RRQ '$PXEBOOT_INITRD_NAME'" "$PXEBOOT_WORK/pxe-tftpd.log" | tail -n1 |
      sed -E 's/.* ([0-9]+ bytes blksize [0-9]+ windowsize [0-9]+ [0-9.]+ s).*/TFTP \1/'
  fi
}

bench_stop() {
  nginx_stop
  pxeboot_servers_stop
  rm -f "$PXEBOOT_WORK"/*.leases
}

loadavg() { cut -d' ' -f1-3 /proc/loadavg; }

pxeboot_accel >/dev/null || exit 78
echo "boot to banner, bios iPXE ($PXEBOOT_NIC), $(pxeboot_accel_name), kernel $PXEBOOT_KERNEL_PKG, initrd ${size_mib} MiB, $runs runs each, $(nproc) CPUs"
printf '%-4s %-5s %-8s %-16s %-16s %s\n' run via seconds "load before" "load after" "initrd transfer"

declare -A times=()
PXEBOOT_QUIET=1
for run in $(seq "$runs"); do
  order=(tftp http)
  [ $((run % 2)) -eq 0 ] && order=(http tftp)
  for mode in "${order[@]}"; do
    bench_servers "$mode" || { bench_stop; exit 1; }
    before=$(loadavg)
    if pxeboot_run bios; then
      after=$(loadavg)
      times[$mode]+="$PXEBOOT_SECONDS "
      printf '%-4s %-5s %-8s %-16s %-16s %s\n' "$run" "$mode" "$PXEBOOT_SECONDS" "$before" "$after" "$(bench_transfer "$mode")"
    else
      printf '%-4s %-5s %s\n' "$run" "$mode" "FAILED: $PXEBOOT_FAILURE"
    fi
    bench_stop
  done
done

echo
declare -A means=()
for mode in tftp http; do
  means[$mode]=$(tr ' ' '\n' <<<"${times[$mode]:-}" | awk 'NF { s += $1; n++ } END { if (n) printf "%.1f", s / n; else print "-" }')
  printf 'mean %-5s %ss  (%s)\n' "$mode" "${means[$mode]}" "${times[$mode]:-no successful run}"
done
if [ "${means[tftp]}" != - ] && [ "${means[http]}" != - ]; then
  awk -v t="${means[tftp]}" -v h="${means[http]}" \
    'BEGIN { printf "ratio http/tftp: %.2f (HTTP takes %.0f%% of the TFTP boot time)\n", h / t, 100 * h / t }'
fi
