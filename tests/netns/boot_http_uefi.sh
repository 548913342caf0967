#!/usr/bin/env bash
# UEFI HTTP boot (issue 13, row 3): OVMF's own HTTP boot client, no TFTP and
# no iPXE anywhere. The firmware's DHCP carries vendor class
# "HTTPClient:Arch:00016" (x64 UEFI HTTP); pxe-dhcpd answers it with an
# http:// boot URL (--http-url) and echoes HTTPClient, without which the
# firmware ignores the offer; nginx, started by this test on its own config
# inside the test's namespace, serves a GRUB image (grub-mkimage, built here),
# the grub.cfg written by `pxe-mkcfg grub`, and the kernel and initrd, which
# GRUB loads over HTTP too ((http)/vmlinuz: the server DHCP named).
# Asserts what the firmware printed (the HTTPv4 boot option and the URL),
# the banner, the kernel command line, the lease, pxe-dhcpd's answer, and
# nginx's access log: image, config, kernel and initrd fetched whole.
#
# How OVMF is made to boot over HTTP (Debian 12's ovmf 2022.11 builds
# HttpBootDxe in; its boot menu lists "UEFI HTTPv4 (MAC:...)" after the PXE
# entries): the PXE entries are switched off through fw_cfg
# (opt/org.tianocore/IPv4PXESupport and IPv6PXESupport = n), which leaves
# HTTPv4 first; and the virtio NIC gets no option ROM (romfile=), so that
# OVMF's own VirtioNetDxe drives it instead of iPXE's EFI ROM, which would
# first try to boot by itself. Without these the firmware walks iPXE, PXEv4
# and PXEv6 (each waiting for its timeout) before HTTPv4: a minute more.
# TCG takes one to two minutes.
source "$PXEKIT_SRC/tests/support/testlib.sh"
source "$PXEKIT_SRC/tests/support/pxeboot.sh"
source "$PXEKIT_SRC/tests/support/nginx.sh"

# GRUB 2.06's (http,SERVER) takes no port: nginx listens on 80, on the
# namespace's own address (nothing else in the namespace uses it).
HTTP_PORT=80
IMAGE=boot/grub/x86_64-efi/core.efi
GRUB_MODULES=(efinet http net normal linux configfile echo test boot)

http_boot_needs
command -v grub-mkimage >/dev/null || skip "grub-mkimage is missing (grub-common)"

PXEBOOT_TIMEOUT=${PXEKIT_BOOT_TIMEOUT:-240}
pxeboot_init || fail_now "setting up the boot harness (see above)"
pxeboot_accel || fail_now "choosing QEMU's accelerator (see above)"
pxeboot_kernel || fail_now "getting the Debian kernel ($PXEBOOT_KERNEL_META; see above)"
pxeboot_initrd || fail_now "building the initrd (see above)"
pxeboot_netns_up "pxk-http-uefi-$$" || fail_now "setting up the namespace (see above)"

# The tree nginx serves: GRUB's image with its prefix on the web server, the
# config pxe-mkcfg writes under it, the kernel and the initrd.
root=$PXEBOOT_WORK/www
mkdir -p "$root/${IMAGE%/*}" || fail_now "mkdir $root"
cp "$PXEBOOT_KERNEL" "$root/$PXEBOOT_KERNEL_NAME" && cp "$PXEBOOT_INITRD" "$root/$PXEBOOT_INITRD_NAME" ||
  fail_now "copying the kernel and initrd"
# An HTTP-booted image has no PXE protocol to read its address from, so the
# embedded config asks DHCP itself before normal mode reads the prefix.
cat >"$PXEBOOT_WORK/early.cfg" <<'EOF'
net_bootp
echo "pxekit-grub: prefix $prefix address $net_default_ip server $net_default_server"
EOF
grub-mkimage -O x86_64-efi -o "$root/$IMAGE" -p "(http,$PXEBOOT_SERVER_IP)/boot/grub" \
  -c "$PXEBOOT_WORK/early.cfg" "${GRUB_MODULES[@]}" >"$PXEBOOT_WORK/mkimage.log" 2>&1 ||
  { cat "$PXEBOOT_WORK/mkimage.log" >&2; fail_now "grub-mkimage failed"; }
append="$PXEBOOT_KERNEL_ARGS pxekit.test=http-uefi-$$"
"$PXEKIT_BIN/pxe-mkcfg" grub --root "$root" --kernel "(http)/$PXEBOOT_KERNEL_NAME" \
  --initrd "(http)/$PXEBOOT_INITRD_NAME" --append "$append" || fail_now "pxe-mkcfg grub failed"
check "grub.cfg loads the kernel over HTTP" \
  'grep -qE "^[[:space:]]*linux \(http\)/$PXEBOOT_KERNEL_NAME " "$root/boot/grub/grub.cfg"'
chmod -R a+rX "$root"

nginx_start "$PXEBOOT_NETNS" "$PXEBOOT_SERVER_IP" "$HTTP_PORT" "$root" "$PXEBOOT_WORK/nginx" ||
  fail_now "nginx starts in the namespace on $PXEBOOT_SERVER_IP:$HTTP_PORT"
url=http://$PXEBOOT_SERVER_IP/$IMAGE
log_dhcp=$PXEBOOT_WORK/pxe-dhcpd.log
# No --filename or --efi-filename: the only boot file is the URL.
pxeboot_serve "$log_dhcp" pxe-dhcpd -v \
  --interface "$PXEBOOT_BRIDGE" \
  --subnet "$PXEBOOT_SUBNET" --range "$PXEBOOT_RANGE_LO-$PXEBOOT_RANGE_HI" \
  --next-server "$PXEBOOT_SERVER_IP" --http-url "$url" \
  --lease-file "$PXEBOOT_WORK/dhcpd.leases"
PXEBOOT_SOURCES=("dhcp:$log_dhcp" "http:$NGINX_ACCESS_LOG")
listening=""
for _ in $(seq 100); do
  listening=$(pxeboot_in_ns ss -Hlun 2>/dev/null | awk '{ print $4 }')
  grep -qE ':67$' <<<"$listening" && break
  sleep 0.1
done
check "pxe-dhcpd listens in the namespace" 'grep -qE ":67\$" <<<"$listening"' || fail_now "pxe-dhcpd did not start"

# QEMU here, not pxeboot_run: the HTTP boot needs the fw_cfg switches and a
# NIC without option ROM. Same accelerator decision, same bounded wait.
serial=$PXEBOOT_WORK/serial.log
cp /usr/share/OVMF/OVMF_VARS_4M.fd "$PXEBOOT_WORK/OVMF_VARS.fd" || fail_now "copying OVMF's variables"
mapfile -t accel < <(pxeboot_accel_args)
: >"$serial"
pxeboot_say qemu "UEFI HTTP boot, $(pxeboot_accel_name), virtio-net (OVMF's driver) $PXEBOOT_VM_MAC, timeout ${PXEBOOT_TIMEOUT}s"
start=$SECONDS
ip netns exec "$PXEBOOT_NETNS" qemu-system-x86_64 -machine q35 "${accel[@]}" -m 512 -smp 1 \
  -drive if=pflash,format=raw,unit=0,readonly=on,file=/usr/share/OVMF/OVMF_CODE_4M.fd \
  -drive "if=pflash,format=raw,unit=1,file=$PXEBOOT_WORK/OVMF_VARS.fd" \
  -fw_cfg name=opt/org.tianocore/IPv4PXESupport,string=n \
  -fw_cfg name=opt/org.tianocore/IPv6PXESupport,string=n \
  -nodefaults -no-user-config -display none -vga none -monitor none \
  -serial "file:$serial" -no-reboot -boot n \
  -netdev "tap,id=net0,ifname=$PXEBOOT_TAP,script=no,downscript=no" \
  -device "virtio-net-pci,netdev=net0,mac=$PXEBOOT_VM_MAC,bootindex=0,romfile=" \
  </dev/null >"$PXEBOOT_WORK/qemu.log" 2>&1 &
PXEBOOT_QEMU_PID=$!
while kill -0 "$PXEBOOT_QEMU_PID" 2>/dev/null && [ $((SECONDS - start)) -lt "$PXEBOOT_TIMEOUT" ]; do
  grep -q "$PXEBOOT_CMDLINE_TAG" "$serial" && break
  sleep 0.5
done
seconds=$((SECONDS - start))
for _ in $(seq 20); do  # the VM powers itself off right after the banner
  kill -0 "$PXEBOOT_QEMU_PID" 2>/dev/null || break
  sleep 0.5
done
powered_off=""
if kill -0 "$PXEBOOT_QEMU_PID" 2>/dev/null; then
  pxeboot_reap "$PXEBOOT_QEMU_PID" QEMU
else
  wait "$PXEBOOT_QEMU_PID" 2>/dev/null && powered_off=yes
fi
PXEBOOT_QEMU_PID=""
# The console without ANSI escapes and the firmware's progress counter.
console=$(tr -d '\r' <"$serial" | sed -E 's/\x1b\[[0-9;?]*[A-Za-z]//g; s/(  Downloading\.\.\.[0-9]+%)+/ [download]\n/g')
banner=$(sed -nE "s/.*$PXEBOOT_BANNER (.*)/\1/p" <<<"$console" | head -n1)
cmdline=$(sed -nE "s/.*$PXEBOOT_CMDLINE_TAG (.*)/\1/p" <<<"$console" | head -n1)
if [ -n "$banner" ]; then
  pxeboot_say result "banner after ${seconds}s: $banner"
else
  pxeboot_say result "no banner after ${seconds}s; last console line: $(sed '/^[[:space:]]*$/d' <<<"$console" | tail -n1)"
fi

check "OVMF booted its HTTPv4 entry" 'grep -qE "(loading|starting) Boot[0-9A-F]+ \"UEFI HTTPv4 \(MAC:${PXEBOOT_VM_MAC//:/}\)\"" <<<"$console"'
check "OVMF fetched the URL pxe-dhcpd gave" 'grep -qF "URI: $url" <<<"$console"'
check "OVMF tried no PXE entry first" '! grep -q "PXE over IPv" <<<"$console"'
check "GRUB ran and configured the network by DHCP" \
  'grep -qF "pxekit-grub: prefix (http,$PXEBOOT_SERVER_IP)/boot/grub address $PXEBOOT_RANGE_LO" <<<"$console"'
check "the VM printed the banner" '[ -n "$banner" ]'
check "the kernel's command line is the one pxe-mkcfg wrote" '[ "$(pxeboot_cmdline_args "$cmdline")" = "$append" ]'
check "the VM powered itself off" '[ -n "$powered_off" ]'
check "pxe-dhcpd wrote the VM's lease" \
  'grep -qi "hardware ethernet $PXEBOOT_VM_MAC" "$PXEBOOT_WORK/dhcpd.leases"'
check "pxe-dhcpd gave the firmware (arch 16, HTTPClient) the URL" \
  'grep -F "DHCPACK" "$log_dhcp" | grep -F "arch 16 " | grep -F "file \"$url\"" | grep -qF "HTTPClient vendor class: --http-url"'
check "nginx served the GRUB image" '[ "$(nginx_sent "/$IMAGE")" = "$(stat -c %s "$root/$IMAGE")" ]'
check "nginx served grub.cfg" '[ -n "$(nginx_fetched /boot/grub/grub.cfg)" ]'
for file in "$PXEBOOT_KERNEL_NAME" "$PXEBOOT_INITRD_NAME"; do
  size=$(stat -c %s "$root/$file")
  check "nginx served /$file whole over HTTP ($size bytes)" '[ "$(nginx_sent "/$file")" = "$size" ]'
done
if [ "$FAILED" -gt 0 ]; then
  echo "--- console (escapes removed), last 30 lines" >&2
  tail -n 30 <<<"$console" >&2
  echo "--- nginx access log" >&2
  cat "$NGINX_ACCESS_LOG" >&2
fi
finish
