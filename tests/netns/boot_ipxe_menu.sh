#!/usr/bin/env bash
# A real boot through `pxe-mkcfg ipxe --menu`: QEMU's own iPXE ROM (ipxe-qemu,
# BIOS) asks pxe-dhcpd, which answers iPXE's user class with default.ipxe
# (--ipxe-script); pxe-tftpd serves it. There is no per-host script, so the
# chain fails and default.ipxe must go on to its menu (it used to jump past
# it to the entry). Asserts on the serial console that the menu was drawn
# with its entry, that nothing was chosen by hand, and that the default entry
# booted the kernel to the banner after the menu's timeout. Everything runs in
# this test's own namespace, removed at exit. TCG takes about a minute.
source "$PXEKIT_SRC/tests/support/testlib.sh"
source "$PXEKIT_SRC/tests/support/pxeboot.sh"

MENU_SECONDS=3
LABEL=pxekit-menu-entry

need_netns
missing=$(pxeboot_missing_tools "$PXEKIT_BIN")
[ -z "$missing" ] ||
  skip "not built in $PXEKIT_BIN: $missing (run make); this boot is served by them alone"
pxeboot_check_packages check >/dev/null 2>&1 ||
  skip "missing Debian packages for the boot: $(pxeboot_check_packages check 2>&1 | head -n1)"
[ -c /dev/net/tun ] || skip "/dev/net/tun is missing: QEMU needs a tap device"

# Under ctest's own 300 s limit, so that a hung boot still cleans up.
PXEBOOT_TIMEOUT=${PXEKIT_BOOT_TIMEOUT:-200}
pxeboot_init || exit 1
pxeboot_kernel || { fail "get the Debian kernel package ($PXEBOOT_KERNEL_META)"; finish; exit 1; }
pxeboot_initrd || exit 1
pxeboot_netns_up "pxk-ipxe-$$" || exit 1

root=$PXEBOOT_WORK/tftp
pxeboot_tftproot bios "$root" || exit 1
append="console=ttyS0 quiet panic=-1 pxekit.test=ipxe-menu-$$"
"$PXEKIT_BIN/pxe-mkcfg" ipxe --root "$root" --menu --timeout "$MENU_SECONDS" \
  --label "$LABEL" --kernel "$PXEBOOT_KERNEL_NAME" --initrd "$PXEBOOT_INITRD_NAME" \
  --append "$append"
check "pxe-mkcfg ipxe --menu wrote default.ipxe" '[ -s "$root/default.ipxe" ]'
check "default.ipxe waits ${MENU_SECONDS}s at the menu (milliseconds)" \
  'grep -q -- "--timeout $((MENU_SECONDS * 1000)) " "$root/default.ipxe"'
check "pxe-mkcfg check accepts the tree" '"$PXEKIT_BIN/pxe-mkcfg" check "$root"'
check "there is no per-host script: the chain must fail over to the menu" \
  '[ ! -e "$root/mac-${PXEBOOT_VM_MAC//:/}.ipxe" ]'
chmod -R a+rX "$root"
[ -s "$root/default.ipxe" ] || { finish; exit 1; }

# The harness's server start has no --ipxe-script: start them here, the same
# way (inside the namespace, on the bridge only).
log_dhcp=$PXEBOOT_WORK/pxe-dhcpd.log
log_tftp=$PXEBOOT_WORK/pxe-tftpd.log
ip netns exec "$PXEBOOT_NETNS" "$PXEKIT_BIN/pxe-dhcpd" -v \
  --interface "$PXEBOOT_BRIDGE" \
  --subnet "$PXEBOOT_SUBNET" --range "$PXEBOOT_RANGE_LO-$PXEBOOT_RANGE_HI" \
  --next-server "$PXEBOOT_SERVER_IP" --filename "$PXEBOOT_BIOS_FILE" \
  --ipxe-script "tftp://$PXEBOOT_SERVER_IP/default.ipxe" \
  --lease-file "$PXEBOOT_WORK/dhcpd.leases" </dev/null >"$log_dhcp" 2>&1 &
PXEBOOT_SERVER_PIDS+=($!)
ip netns exec "$PXEBOOT_NETNS" "$PXEKIT_BIN/pxe-tftpd" -a "$PXEBOOT_SERVER_IP:69" "$root" \
  </dev/null >"$log_tftp" 2>&1 &
PXEBOOT_SERVER_PIDS+=($!)
PXEBOOT_TFTP_ROOT=$root
PXEBOOT_SOURCES=("dhcp:$log_dhcp" "tftp:$log_tftp")
listening=""
for _ in $(seq 100); do
  listening=$(pxeboot_in_ns ss -Hlun 2>/dev/null | awk '{ print $4 }')
  grep -qE ':67$' <<<"$listening" && grep -qE ':69$' <<<"$listening" && break
  sleep 0.1
done
check "pxe-dhcpd and pxe-tftpd listen in the namespace" \
  'grep -qE ":67\$" <<<"$listening" && grep -qE ":69\$" <<<"$listening"'

pxeboot_run bios
serial=$(tr -d '\r' <"$PXEBOOT_WORK/serial.log" | sed -E 's/\x1b\[[0-9;?]*[A-Za-z]//g')
check "the serial console shows the menu's title" 'grep -q "Boot menu" <<<"$serial"'
check "the serial console shows the menu's entry" 'grep -q "$LABEL" <<<"$serial"'
check "the menu was drawn before the kernel started" \
  '[ "$(grep -n "Boot menu" <<<"$serial" | head -n1 | cut -d: -f1)" -lt "$(grep -n "$PXEBOOT_BANNER" <<<"$serial" | head -n1 | cut -d: -f1)" ]'
check "iPXE fetched default.ipxe and tried the per-host script first" \
  'grep -qF "default.ipxe" "$log_tftp" && grep -qF "mac-${PXEBOOT_VM_MAC//:/}.ipxe" "$log_tftp"'
check "the default entry booted the kernel to the banner" '[ -n "$PXEBOOT_BANNER_LINE" ]'
check "the kernel's command line is the one pxe-mkcfg wrote" \
  '[[ "$(pxeboot_cmdline_args "$PXEBOOT_CMDLINE")" == *"$append" ]]'
check "the VM powered itself off" '[ -n "$PXEBOOT_POWERED_OFF" ]'
if [ "$FAILED" -gt 0 ]; then
  echo "--- serial console (escapes removed), last 40 lines" >&2
  tail -n 40 <<<"$serial" >&2
fi
finish
