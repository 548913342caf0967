#!/usr/bin/env bash
# HTTP boot through iPXE (issue 13, row 3): QEMU's own iPXE ROM (ipxe-qemu,
# BIOS, e1000) asks pxe-dhcpd, which answers iPXE's user class with an
# http:// script URL (--ipxe-script); nginx, started by this test on its own
# config inside the test's namespace, serves the script that
# `pxe-mkcfg ipxe --http-base` wrote, the per-host script it chains, and the
# kernel and initrd. pxe-tftpd serves the same tree for TFTP clients and must
# not be asked for them. Asserts the banner, the kernel command line, the
# lease, what pxe-dhcpd answered, and nginx's access log: every file fetched
# whole over HTTP. TCG takes about a minute.
source "$PXEKIT_SRC/tests/support/testlib.sh"
source "$PXEKIT_SRC/tests/support/pxeboot.sh"
source "$PXEKIT_SRC/tests/support/nginx.sh"

HTTP_PORT=8080

http_boot_needs

# Under ctest's own 300 s limit, so that a hung boot still cleans up.
PXEBOOT_TIMEOUT=${PXEKIT_BOOT_TIMEOUT:-200}
pxeboot_init || fail_now "setting up the boot harness (see above)"
pxeboot_accel || fail_now "choosing QEMU's accelerator (see above)"
pxeboot_kernel || fail_now "getting the Debian kernel ($PXEBOOT_KERNEL_META; see above)"
pxeboot_initrd || fail_now "building the initrd (see above)"
pxeboot_netns_up "pxk-http-ipxe-$$" || fail_now "setting up the namespace (see above)"

root=$PXEBOOT_WORK/tftp
pxeboot_tftproot bios "$root" || fail_now "building the boot tree (see above)"
base=http://$PXEBOOT_SERVER_IP:$HTTP_PORT
append="$PXEBOOT_KERNEL_ARGS pxekit.test=http-ipxe-$$"
mac_script=mac-${PXEBOOT_VM_MAC//:/}.ipxe
"$PXEKIT_BIN/pxe-mkcfg" ipxe --root "$root" --kernel "/$PXEBOOT_KERNEL_NAME" \
  --initrd "$PXEBOOT_INITRD_NAME" --append "$append" --http-base "$base/" \
  --host "$PXEBOOT_VM_MAC" || fail_now "pxe-mkcfg ipxe --http-base failed"
chmod -R a+rX "$root"
for script in default.ipxe "$mac_script"; do
  check "$script loads the kernel from nginx" \
    'grep -qxF "kernel $base/$PXEBOOT_KERNEL_NAME $append || goto failed" "$root/$script"'
  check "$script loads the initrd from nginx" \
    'grep -qxF "initrd $base/$PXEBOOT_INITRD_NAME || goto failed" "$root/$script"'
done
check "pxe-mkcfg check accepts the tree" '"$PXEKIT_BIN/pxe-mkcfg" check "$root"'

nginx_start "$PXEBOOT_NETNS" "$PXEBOOT_SERVER_IP" "$HTTP_PORT" "$root" "$PXEBOOT_WORK/nginx" ||
  fail_now "nginx starts in the namespace on $PXEBOOT_SERVER_IP:$HTTP_PORT"
check "nginx listens on the namespace's address only" \
  '[ "$(pxeboot_in_ns ss -Hltn "sport = :$HTTP_PORT" | awk "{ print \$4 }")" = "$PXEBOOT_SERVER_IP:$HTTP_PORT" ]'

log_dhcp=$PXEBOOT_WORK/pxe-dhcpd.log
log_tftp=$PXEBOOT_WORK/pxe-tftpd.log
check "pxe-dhcpd (--ipxe-script $base/default.ipxe) and pxe-tftpd listen in the namespace" \
  'pxeboot_servers_start_ipxe "$root" "$base/default.ipxe"' || fail_now "servers did not start"
PXEBOOT_SOURCES+=("http:$NGINX_ACCESS_LOG")

pxeboot_run bios
check "the VM printed the banner${PXEBOOT_FAILURE:+ ($PXEBOOT_FAILURE)}" '[ -n "$PXEBOOT_BANNER_LINE" ]'
check "the kernel's command line is the one pxe-mkcfg wrote" \
  '[ "$(pxeboot_cmdline_args "$PXEBOOT_CMDLINE")" = "$append" ]'
check "the VM powered itself off" '[ -n "$PXEBOOT_POWERED_OFF" ]'
check "pxe-dhcpd wrote the VM's lease" \
  'grep -qi "hardware ethernet $PXEBOOT_VM_MAC" "$PXEBOOT_WORK/dhcpd.leases"'
check "pxe-dhcpd gave iPXE the http:// script (--ipxe-script)" \
  'grep -F "DHCPACK" "$log_dhcp" | grep -F "file \"$base/default.ipxe\"" | grep -qF "iPXE user class: --ipxe-script"'

# What nginx served: each file once, whole (its size in bytes).
check "nginx served default.ipxe" '[ -n "$(nginx_fetched /default.ipxe)" ]'
check "nginx served the per-host script default.ipxe chains ($mac_script)" \
  '[ -n "$(nginx_fetched "/$mac_script")" ]'
for file in "$PXEBOOT_KERNEL_NAME" "$PXEBOOT_INITRD_NAME"; do
  size=$(stat -c %s "$root/$file")
  check "nginx served /$file whole over HTTP ($size bytes)" '[ "$(nginx_sent "/$file")" = "$size" ]' ||
    cat "$NGINX_ACCESS_LOG" >&2
  check "pxe-tftpd was not asked for $file" '! grep -qF "RRQ '"'"'$file'"'"'" "$log_tftp" && ! grep -qF "RRQ '"'"'/$file'"'"'" "$log_tftp"'
done
check "pxe-tftpd served nothing at all (every file came over HTTP)" '! grep -q "RRQ" "$log_tftp"'
finish
