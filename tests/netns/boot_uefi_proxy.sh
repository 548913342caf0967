#!/usr/bin/env bash
# UEFI + GRUB behind a foreign DHCP server (issue 13, row 2): a QEMU VM with
# OVMF and a virtio NIC gets its address from a dnsmasq in a namespace of its
# own (the "router", which knows nothing of PXE), its boot file from
# pxe-dhcpd --proxy, and everything else from pxe-tftpd serving the tree that
# `pxe-mkcfg grub --server` wrote. Asserts the banner, the command line, that
# the lease came from the foreign server (and none from pxe-dhcpd), that the
# proxy answered on 4011, and that pxe-tftpd served the image, its config, the
# kernel and the initrd.
# With UEFI_PROXY_MODE=mknetdir (boot_uefi_proxy_mknetdir.sh, a ctest entry of
# its own, since each boot takes minutes under TCG): the reason for --server.
# The same setup with grub-mknetdir's image, which takes its TFTP server from
# the foreign ACK, asks pxe-tftpd for no module and no config, and stops at
# `grub rescue>`.
source "$PXEKIT_SRC/tests/support/testlib.sh"
source "$PXEKIT_SRC/tests/support/pxeboot.sh"

MODE=${UEFI_PROXY_MODE:-server}
FOREIGN_IP=10.99.0.2
FOREIGN_IF=fdh0
# The proxy's boot file: grub-mknetdir's path, which --server writes too.
EFI_FILE=$PXEBOOT_EFI_FILE

fail_now() {
  fail "$1"
  finish
  exit 1
}

need_netns
need_cmd dnsmasq
[ -c /dev/net/tun ] || skip "/dev/net/tun is missing: QEMU needs a tap device"
pxeboot_check_packages install >"$SCRATCH/packages.log" 2>&1 ||
  skip "the Debian packages for the boot cannot be installed here: $(tr '\n' ' ' <"$SCRATCH/packages.log")"
not_built=$(pxeboot_missing_tools "$PXEKIT_BIN")
[ -z "$not_built" ] || fail_now "not built in $PXEKIT_BIN: $not_built (run make)"

# OVMF's network driver for virtio is iPXE's EFI ROM (efi-virtio.rom).
PXEBOOT_NIC=${PXEKIT_BOOT_NIC:-virtio-net-pci}
# Under ctest's own 300 s limit, with the setup's time to spare (the
# negative boot waits for `grub rescue>`, which comes sooner than a banner).
if [ "$MODE" = server ]; then
  PXEBOOT_TIMEOUT=${PXEKIT_BOOT_TIMEOUT:-240}
else
  PXEBOOT_TIMEOUT=${PXEKIT_BOOT_TIMEOUT:-200}
fi
pxeboot_init || fail_now "setting up the boot harness (see above)"
pxeboot_accel || fail_now "choosing QEMU's accelerator (see above)"
pxeboot_kernel || fail_now "getting the Debian kernel (see above)"
pxeboot_initrd || fail_now "building the initrd (see above)"
pxeboot_netns_up "pxk-bup-$$" || fail_now "setting up the namespace (see above)"

# The foreign DHCP server's namespace, joined to the boot bridge by a veth.
FNS=pxk-bupf-$$
netns_add "$FNS"
ip -n "$PXEBOOT_NETNS" link add fbr0 type veth peer name "$FOREIGN_IF" netns "$FNS" &&
  ip -n "$PXEBOOT_NETNS" link set fbr0 master "$PXEBOOT_BRIDGE" &&
  ip -n "$PXEBOOT_NETNS" link set fbr0 up &&
  ip -n "$FNS" addr add "$FOREIGN_IP/$PXEBOOT_PREFIX_LEN" dev "$FOREIGN_IF" &&
  ip -n "$FNS" link set "$FOREIGN_IF" up || fail_now "linking the foreign server's namespace"

root=$PXEBOOT_WORK/tftp
mkdir -p "$root"
cp "$PXEBOOT_KERNEL" "$root/$PXEBOOT_KERNEL_NAME" && cp "$PXEBOOT_INITRD" "$root/$PXEBOOT_INITRD_NAME" ||
  fail_now "copying the kernel and initrd"
append="$PXEBOOT_KERNEL_ARGS pxekit.test=uefi-proxy-$MODE-$$"
cfg=$root/$PXEBOOT_GRUB_PREFIX/grub.cfg
mac=$PXEBOOT_VM_MAC
case $MODE in
  server)
    # pxe-mkcfg grub --server builds the image, the modules and the config.
    "$PXEKIT_BIN/pxe-mkcfg" grub --root "$root" --server "$PXEBOOT_SERVER_IP" --label pxekit \
      --kernel "$PXEBOOT_KERNEL_NAME" --initrd "$PXEBOOT_INITRD_NAME" --append "$append" -v ||
      fail_now "pxe-mkcfg grub --server failed"
    check "pxe-mkcfg grub --server wrote the image" '[ -s "$root/$EFI_FILE" ]'
    check "its config loads the kernel relative to \$root" \
      'grep -qE "^\s+linux /$PXEBOOT_KERNEL_NAME " "$cfg"'
    ;;
  mknetdir)
    # What works when pxekit is the only DHCP server: grub-mknetdir's image
    # and pxe-mkcfg grub's (tftp) paths.
    grub-mknetdir --net-directory="$root" --subdir="$PXEBOOT_GRUB_PREFIX" \
      -d /usr/lib/grub/x86_64-efi >"$PXEBOOT_WORK/mknetdir.log" 2>&1 ||
      { cat "$PXEBOOT_WORK/mknetdir.log" >&2; fail_now "grub-mknetdir failed"; }
    "$PXEKIT_BIN/pxe-mkcfg" grub --root "$root" --label pxekit --kernel "$PXEBOOT_KERNEL_NAME" \
      --initrd "$PXEBOOT_INITRD_NAME" --append "$append" || fail_now "pxe-mkcfg grub failed"
    ;;
  *) fail_now "UEFI_PROXY_MODE: '$MODE' is neither server nor mknetdir" ;;
esac
chmod -R a+rX "$root"
written=$(pxeboot_cfg_append uefi "$root")
check "the config passes --append through" '[[ "$written" == *"$append" ]]'

# start_servers: the foreign dnsmasq (addresses only: no boot file, no
# next-server, no TFTP), pxe-dhcpd --proxy and pxe-tftpd; fresh logs.
start_servers() {
  rm -f "$PXEBOOT_WORK"/{dnsmasq.log,dnsmasq.leases,pxe-dhcpd.log,pxe-tftpd.log,dhcpd.leases}
  ip netns exec "$FNS" dnsmasq --conf-file=/dev/null --keep-in-foreground --log-facility=- \
    --log-dhcp --port=0 --no-resolv --no-hosts --no-ping \
    --interface="$FOREIGN_IF" --bind-interfaces \
    --pid-file="$PXEBOOT_WORK/dnsmasq.pid" --dhcp-leasefile="$PXEBOOT_WORK/dnsmasq.leases" \
    --dhcp-authoritative \
    --dhcp-range="$PXEBOOT_RANGE_LO,$PXEBOOT_RANGE_HI,255.255.255.0,1h" \
    </dev/null >"$PXEBOOT_WORK/dnsmasq.log" 2>&1 &
  PXEBOOT_SERVER_PIDS+=($!)
  ip netns exec "$PXEBOOT_NETNS" "$PXEKIT_BIN/pxe-dhcpd" -v --proxy \
    --interface "$PXEBOOT_BRIDGE" \
    --filename "$PXEBOOT_BIOS_FILE" --efi-filename "$EFI_FILE" \
    --lease-file "$PXEBOOT_WORK/dhcpd.leases" \
    </dev/null >"$PXEBOOT_WORK/pxe-dhcpd.log" 2>&1 &
  PXEBOOT_SERVER_PIDS+=($!)
  ip netns exec "$PXEBOOT_NETNS" "$PXEKIT_BIN/pxe-tftpd" -a "$PXEBOOT_SERVER_IP:69" "$root" \
    </dev/null >"$PXEBOOT_WORK/pxe-tftpd.log" 2>&1 &
  PXEBOOT_SERVER_PIDS+=($!)
  PXEBOOT_SOURCES=("dhcp:$PXEBOOT_WORK/dnsmasq.log" "proxy:$PXEBOOT_WORK/pxe-dhcpd.log"
    "tftp:$PXEBOOT_WORK/pxe-tftpd.log")
  PXEBOOT_TFTP_ROOT=$root
  local i
  for i in $(seq 200); do
    ip netns exec "$FNS" ss -Hlun 'sport = :67' | grep -q . &&
      pxeboot_in_ns ss -Hlun 'sport = :4011' | grep -q . &&
      pxeboot_in_ns ss -Hlun 'sport = :69' | grep -q . && return 0
    sleep 0.1
  done
  return 1
}

start_servers || fail_now "dnsmasq, pxe-dhcpd --proxy and pxe-tftpd are not listening after 20 s"
tftp_log=$PXEBOOT_WORK/pxe-tftpd.log
served() { grep -qE "RRQ '/?$1'" "$tftp_log"; }

if [ "$MODE" = server ]; then
  pxeboot_run uefi
  echo "boot behind a foreign DHCP server, pxe-mkcfg grub --server: ${PXEBOOT_SECONDS:-no banner}s ($(pxeboot_accel_name))"
  check "the VM printed the banner${PXEBOOT_FAILURE:+ ($PXEBOOT_FAILURE)}" '[ -n "$PXEBOOT_BANNER_LINE" ]'
  check "the kernel's command line is the one pxe-mkcfg wrote" \
    '[ "$(pxeboot_cmdline_args "$PXEBOOT_CMDLINE")" = "$written" ]'
  for file in "$PXEBOOT_GRUB_PREFIX/grub.cfg" "$PXEBOOT_KERNEL_NAME" "$PXEBOOT_INITRD_NAME"; do
    check "pxe-tftpd served $file" 'served "$file"'
  done
else
  # GRUB's rescue prompt waits for ever: the VM is stopped once it shows,
  # or after the bound.
  serial=$PXEBOOT_WORK/serial.log
  pxeboot_say qemu "uefi boot, $(pxeboot_accel_name), $PXEBOOT_NIC NIC $mac, until 'grub rescue>', timeout ${PXEBOOT_TIMEOUT}s"
  _pxeboot_qemu_launch uefi || fail_now "starting QEMU"
  t0=$SECONDS
  while [ $((SECONDS - t0)) -lt "$PXEBOOT_TIMEOUT" ] && pxeboot_vm_running; do
    grep -aq "grub rescue>" "$serial" && break
    grep -aq "$PXEBOOT_BANNER" "$serial" && break
    sleep 1
  done
  echo "without --server: stopped after $((SECONDS - t0))s; last console line: $(_pxeboot_last_line "$serial" nothing)"
  pxeboot_vm_stop
  check "GRUB ended at grub rescue>" 'grep -aq "grub rescue>" "$serial"'
  check "no banner" '! grep -aq "$PXEBOOT_BANNER" "$serial"'
  check "GRUB asked pxe-tftpd for no module and no config (it asked the foreign server)" \
    '! grep -qE "RRQ '"'"'/?$PXEBOOT_GRUB_PREFIX/(grub\.cfg|x86_64-efi/[^'"'"']*\.(mod|lst))'"'"'" "$tftp_log"'
fi

# Both ways: the address came from the foreign server, the boot file from
# the proxy, the image from pxe-tftpd.
check "the foreign dnsmasq leased the VM its address" \
  'grep -qi " $mac 10\.99\.0\.1[0-5][0-9] " "$PXEBOOT_WORK/dnsmasq.leases"'
check "dnsmasq ACKed it on its own interface" \
  'grep -qiE "DHCPACK\($FOREIGN_IF\) 10\.99\.0\.1[0-5][0-9] $mac" "$PXEBOOT_WORK/dnsmasq.log"'
check "pxe-dhcpd --proxy gave the UEFI boot file on port 4011" \
  'grep -qiE "from $mac .*port 4011 .*proxy DHCPACK \(port 4011\) file \"$EFI_FILE\"" "$PXEBOOT_WORK/pxe-dhcpd.log"'
check "pxe-dhcpd leased nothing" '! grep -q "^lease " "$PXEBOOT_WORK/dhcpd.leases" 2>/dev/null'
client_ip=$(sed -nE "s/^pxe-tftpd: ([0-9.]+):[0-9]+ RRQ .*/\1/p" "$tftp_log" | head -n1)
check "the TFTP client is the address dnsmasq leased" \
  '[ -n "$client_ip" ] && grep -qi " $mac $client_ip " "$PXEBOOT_WORK/dnsmasq.leases"'
check "pxe-tftpd served $EFI_FILE" 'served "$EFI_FILE"'
finish
