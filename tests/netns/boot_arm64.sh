#!/usr/bin/env bash
# ARM64 UEFI (issue 13, row 4): qemu-system-aarch64 on the virt board with
# AAVMF network-boots from pxe-dhcpd (client arch 11 gets --arm64-filename)
# and pxe-tftpd in this test's own namespace: GRUB's arm64-efi netboot image
# (grub-mknetdir from grub-efi-arm64-bin), a config written by pxe-mkcfg
# grub, a Debian arm64 kernel and an initrd with arm64 busybox, all fetched
# with apt-get download in a private apt configuration (tests/support/arm64.sh).
# Asserts what the x86 boots assert: the banner, the command line pxe-mkcfg
# wrote, the lease, each file served and the order GRUB asked for its configs;
# and that pxe-dhcpd gave the arm64 file for arch 11. Always TCG: one to
# several minutes on a busy 2-core host.
# With ARM64_IMAGE=server (boot_arm64_server.sh, a ctest entry of its own):
# the image and config from `pxe-mkcfg grub --server --target arm64-efi
# --module-dir` instead, whose prefix names the TFTP server.
source "$PXEKIT_SRC/tests/support/testlib.sh"
source "$PXEKIT_SRC/tests/support/boot_test.sh"
source "$PXEKIT_SRC/tests/support/arm64.sh"

MODE=${ARM64_IMAGE:-mknetdir}

need_netns
[ -c /dev/net/tun ] || skip "/dev/net/tun is missing: QEMU needs a tap device"
# shellcheck disable=SC2046
{ pxeboot_check_packages install && "$PXEKIT_SRC/tests/support/packages.sh" install $(arm64_packages); } \
  >"$SCRATCH/packages.log" 2>&1 ||
  skip "the Debian packages for the boot cannot be installed here: $(tr '\n' ' ' <"$SCRATCH/packages.log")"
cat "$SCRATCH/packages.log" >&2
missing=$(pxeboot_missing_tools "$PXEKIT_BIN")
[ -z "$missing" ] || fail_now "not built in $PXEKIT_BIN: $missing (run make); this boot is served by them alone"

# Under ctest's TIMEOUT for this test (tests/CMakeLists.txt), with the
# downloads' and the setup's time to spare.
PXEBOOT_TIMEOUT=${PXEKIT_BOOT_TIMEOUT:-600}
PXEBOOT_NIC=$ARM64_NIC
PXEBOOT_ACCEL=tcg PXEBOOT_ACCEL_CPU="" PXEBOOT_ACCEL_WHY="an aarch64 guest on this host: no KVM for it"
pxeboot_init || fail_now "setting up the boot harness (see above)"
arm64_fetch
case $? in
  0) ;;
  2) skip "the arm64 packages cannot be fetched here without changing the host's apt configuration: $ARM64_WHY" ;;
  *) fail_now "getting the arm64 kernel, GRUB and busybox (see above)" ;;
esac
pxeboot_initrd "$ARM64_BUSYBOX" || fail_now "building the initrd with arm64 busybox (see above)"
pxeboot_netns_up "pxk-boot-arm64-$$" || fail_now "setting up the namespace (see above)"

root=$PXEBOOT_WORK/tftp
append="$ARM64_KERNEL_ARGS pxekit.test=arm64-$MODE-$$"
if [ "$MODE" = server ]; then
  # pxe-mkcfg builds the image (grub-mkimage -O arm64-efi from the unpacked
  # modules), copies the modules and writes the config, paths under $root.
  mkdir -p "$root" && cp "$ARM64_KERNEL" "$root/$PXEBOOT_KERNEL_NAME" &&
    cp "$PXEBOOT_INITRD" "$root/$PXEBOOT_INITRD_NAME" || fail_now "copying the kernel and initrd"
  "$PXEKIT_BIN/pxe-mkcfg" grub --root "$root" --server "$PXEBOOT_SERVER_IP" --target arm64-efi \
    --module-dir "$ARM64_GRUB_DIR" --label pxekit --kernel "$PXEBOOT_KERNEL_NAME" \
    --initrd "$PXEBOOT_INITRD_NAME" --append "$append" || fail_now "pxe-mkcfg grub --server --target arm64-efi failed"
  chmod -R a+rX "$root"
  check "pxe-mkcfg wrote an arm64 EFI image" \
    '[ "$(head -c2 "$root/$ARM64_EFI_FILE")" = MZ ] && grep -aq "(tftp,$PXEBOOT_SERVER_IP)/$PXEBOOT_GRUB_PREFIX" "$root/$ARM64_EFI_FILE"'
else
  arm64_tftproot "$root" || fail_now "building the TFTP root (see above)"
  # The arm64 tree's config is the same grub.cfg under boot/grub as the x86
  # UEFI boot's: pxe-mkcfg grub writes it.
  pxeboot_cfg_pxekit uefi "$root" "$append"
fi
cfg=$(pxeboot_cfg_file uefi "$root")
check "pxe-mkcfg wrote ${cfg#"$root"/}" '[ -s "$cfg" ]'
written=$(pxeboot_cfg_append uefi "$root")
check "the config passes --append through" '[[ "$written" == *"$append" ]]'
[ -s "$cfg" ] || { finish; exit 1; }

PXEBOOT_DHCPD_ARGS=(--arm64-filename "$ARM64_EFI_FILE")
pxeboot_servers_start pxekit "$root" || { fail "pxe-dhcpd and pxe-tftpd start"; finish; exit 1; }
pxeboot_run arm64
check "the VM printed the banner${PXEBOOT_FAILURE:+ ($PXEBOOT_FAILURE)}" '[ -n "$PXEBOOT_BANNER_LINE" ]'
check "the banner is an arm64 kernel's" '[[ "$PXEBOOT_BANNER_LINE" == *-arm64* ]]'
check "the kernel's command line is the one pxe-mkcfg wrote" \
  '[ "$(pxeboot_cmdline_args "$PXEBOOT_CMDLINE")" = "$written" ]'
check "the VM powered itself off" '[ -n "$PXEBOOT_POWERED_OFF" ]'

check "pxe-dhcpd wrote the VM's lease" \
  'grep -qi "hardware ethernet $PXEBOOT_VM_MAC" "$PXEBOOT_WORK/dhcpd.leases"'
check "pxe-dhcpd gave arch 11 the --arm64-filename file" \
  'grep -q "$ARM64_EFI_FILE" "$PXEBOOT_WORK/pxe-dhcpd.log"'
check "pxe-tftpd served no x86 boot file" \
  '! grep -qE "RRQ .(pxelinux\.0|$PXEBOOT_EFI_FILE)" "$PXEBOOT_WORK/pxe-tftpd.log"'
# pxe-tftpd logs a transfer when it ends, after the client's last ACK: the
# initrd's can come after the banner (seen once: the kernel had booted and
# powered off before the line was written). A lost last ACK holds it until
# the retransmissions give up: 9 of at most 4 s each with the default -T.
# Wait for it, 45 s at most.
for i in $(seq 450); do
  grep -qF "RRQ '$PXEBOOT_INITRD_NAME'" "$PXEBOOT_WORK/pxe-tftpd.log" && break
  sleep 0.1
done
pxeboot_say tftp "$(grep -F "RRQ '$PXEBOOT_INITRD_NAME'" "$PXEBOOT_WORK/pxe-tftpd.log" || echo "no line for $PXEBOOT_INITRD_NAME after 45 s")"
for file in "$ARM64_EFI_FILE" "$PXEBOOT_GRUB_PREFIX/grub.cfg" "$PXEBOOT_KERNEL_NAME" "$PXEBOOT_INITRD_NAME"; do
  check "pxe-tftpd logged serving $file" 'grep -qF "$file" "$PXEBOOT_WORK/pxe-tftpd.log"'
done
# The config files GRUB asked for, in order, against pxe-mkcfg lookup's
# prediction. GRUB tries grub.cfg-UUID only when the DHCP packet it reads
# carries option 97 (net_IF_clientuuid). The x86 boots' NICs run iPXE's PXE
# stack, whose packet has it. AAVMF's own PXE client sends 97 and pxe-dhcpd
# echoes it in the ACK, yet GRUB on AAVMF has no UUID: a grub.cfg running
# `set` printed net_efinet0_{ip,mac,boot_file,next_server,dhcp_server_name}
# and no clientuuid. So the prediction is the one for a client without a
# UUID: grub.cfg-01-MAC first.
client_ip=$(sed -nE "s/^pxe-tftpd: ([0-9.]+):[0-9]+ RRQ .*/\1/p" "$PXEBOOT_WORK/pxe-tftpd.log" | head -n1)
predicted=$("$PXEKIT_BIN/pxe-mkcfg" lookup "$PXEBOOT_VM_MAC" "$client_ip" --flavor grub \
  --grub-prefix "$PXEBOOT_GRUB_PREFIX")
requested=$(grep -oE "RRQ '/?$PXEBOOT_GRUB_PREFIX/grub\.cfg[^']*'" "$PXEBOOT_WORK/pxe-tftpd.log" |
  sed -E "s/^RRQ '\/?(.*)'$/\1/")
check "GRUB asked for its config files in the order pxe-mkcfg lookup predicts" \
  '[ -n "$requested" ] && [ "$requested" = "$predicted" ]' ||
  printf '%s\n' "--- requested (pxe-tftpd log)" "$requested" "--- predicted (pxe-mkcfg lookup)" "$predicted" >&2
pxeboot_say result "${PXEBOOT_SECONDS:-no banner}${PXEBOOT_SECONDS:+ s to the banner} under TCG, $ARM64_KERNEL_PKG"
finish
