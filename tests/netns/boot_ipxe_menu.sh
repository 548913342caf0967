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

log_tftp=$PXEBOOT_WORK/pxe-tftpd.log
check "pxe-dhcpd (--ipxe-script) and pxe-tftpd listen in the namespace" \
  'pxeboot_servers_start_ipxe "$root" "tftp://$PXEBOOT_SERVER_IP/default.ipxe"'

# The harness's pxeboot_run shows only the kernel's console: iPXE draws its
# menu through the BIOS (int 10h). SeaBIOS's serial console (etc/sercon-port,
# with no VGA) carries that to the serial port, so QEMU runs here. Always
# TCG: a small guest, about 15 s, and no dependence on a usable KVM.
serial_log=$PXEBOOT_WORK/serial.log
printf '\xf8\x03' >"$PXEBOOT_WORK/sercon-port"  # COM1, 0x3f8, little-endian
: >"$serial_log"
ip netns exec "$PXEBOOT_NETNS" qemu-system-x86_64 -machine pc -accel tcg -m 512 -smp 1 \
  -nodefaults -no-user-config -display none -vga none -monitor none \
  -fw_cfg "name=etc/sercon-port,file=$PXEBOOT_WORK/sercon-port" \
  -serial "file:$serial_log" -no-reboot -boot n \
  -netdev "tap,id=net0,ifname=$PXEBOOT_TAP,script=no,downscript=no" \
  -device "$PXEBOOT_NIC,netdev=net0,mac=$PXEBOOT_VM_MAC,bootindex=0" \
  </dev/null >"$PXEBOOT_WORK/qemu.log" 2>&1 &
PXEBOOT_QEMU_PID=$!
start=$SECONDS
while kill -0 "$PXEBOOT_QEMU_PID" 2>/dev/null && [ $((SECONDS - start)) -lt "$PXEBOOT_TIMEOUT" ]; do
  grep -q "$PXEBOOT_CMDLINE_TAG" "$serial_log" && break
  sleep 0.5
done
for _ in $(seq 20); do  # the VM powers itself off right after the banner
  kill -0 "$PXEBOOT_QEMU_PID" 2>/dev/null || break
  sleep 0.5
done
if kill -0 "$PXEBOOT_QEMU_PID" 2>/dev/null; then
  pxeboot_reap "$PXEBOOT_QEMU_PID" QEMU
  powered_off=""
else
  wait "$PXEBOOT_QEMU_PID" 2>/dev/null && powered_off=yes
fi
PXEBOOT_QEMU_PID=""
# The console with ANSI escapes (cursor moves, colours) taken out.
serial=$(tr -d '\r' <"$serial_log" | sed -E 's/\x1b\[[0-9;?]*[A-Za-z]//g')
cmdline=$(sed -nE "s/.*$PXEBOOT_CMDLINE_TAG (.*)/\1/p" <<<"$serial" | head -n1)
line_of() { grep -n -- "$1" <<<"$serial" | head -n1 | cut -d: -f1; }
check "the serial console shows the menu's title" 'grep -q "Boot menu" <<<"$serial"'
check "the serial console shows the menu's entry" 'grep -q -- "$LABEL" <<<"$serial"'
check "the menu counted down to its default (no key was pressed)" 'grep -qE -- "$LABEL +\(1\)" <<<"$serial"'
check "iPXE fetched default.ipxe and tried the per-host script first" \
  'grep -qF "RRQ '"'"'default.ipxe'"'"'" "$log_tftp" && grep -qF "mac-${PXEBOOT_VM_MAC//:/}.ipxe" "$log_tftp"'
check "the default entry booted the kernel to the banner" 'grep -q "$PXEBOOT_BANNER" <<<"$serial"'
check "the menu was drawn before the kernel started" \
  '[ -n "$(line_of "Boot menu")" ] && [ -n "$(line_of "$PXEBOOT_BANNER")" ] && [ "$(line_of "Boot menu")" -lt "$(line_of "$PXEBOOT_BANNER")" ]'
check "the kernel's command line is the one pxe-mkcfg wrote" '[[ "$cmdline" == *"$append" ]]'
check "the VM powered itself off" '[ -n "$powered_off" ]'
if [ "$FAILED" -gt 0 ]; then
  echo "--- serial console (escapes removed), last 40 lines" >&2
  tail -n 40 <<<"$serial" >&2
fi
finish
