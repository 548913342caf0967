# shellcheck shell=bash
# The body of tests/netns/boot_bios.sh and boot_uefi.sh: one PXE boot of a
# QEMU VM served only by pxekit (pxe-dhcpd, pxe-tftpd, a config written by
# pxe-mkcfg) inside a namespace this test creates and removes. Source it after
# testlib.sh and call boot_test bios|uefi.

source "$PXEKIT_SRC/tests/support/pxeboot.sh"

boot_test() {
  local firmware=$1 missing root append written cfg file files

  # Only "cannot run here" is a skip (not root, no namespaces, no tap
  # device, packages that cannot be installed), always with its reason.
  # Everything else, fetching or unpacking the kernel included, is a failure.
  pxeboot_need_boot
  cat "$SCRATCH/packages.log" >&2
  missing=$(pxeboot_missing_tools "$PXEKIT_BIN")
  [ -z "$missing" ] ||
    fail_now "not built in $PXEKIT_BIN: $missing (run make); this boot is served by them alone"

  # Under ctest's own 300 s limit, so that a hung boot still cleans up.
  PXEBOOT_TIMEOUT=${PXEKIT_BOOT_TIMEOUT:-200}
  pxeboot_init || fail_now "setting up the boot harness (see above)"
  pxeboot_accel || fail_now "choosing QEMU's accelerator (see above)"
  pxeboot_kernel || fail_now "getting the Debian kernel ($PXEBOOT_KERNEL_META; see above)"
  pxeboot_initrd || fail_now "building the initrd (see above)"
  pxeboot_netns_up "pxk-boot-$firmware-$$" || fail_now "setting up the namespace (see above)"

  root=$PXEBOOT_WORK/tftp
  pxeboot_tftproot "$firmware" "$root" || fail_now "building the TFTP root (see above)"
  append="$PXEBOOT_KERNEL_ARGS pxekit.test=$firmware-$$"
  pxeboot_cfg_pxekit "$firmware" "$root" "$append"
  cfg=$(pxeboot_cfg_file "$firmware" "$root")
  check "pxe-mkcfg wrote ${cfg#"$root"/}" '[ -s "$cfg" ]'
  written=$(pxeboot_cfg_append "$firmware" "$root")
  # pxelinux configs carry the initrd as initrd= in front of the arguments.
  check "the config passes --append through" '[[ "$written" == *"$append" ]]'
  [ -s "$cfg" ] || { finish; exit 1; }

  pxeboot_servers_start pxekit "$root" || { fail "pxe-dhcpd and pxe-tftpd start"; finish; exit 1; }
  pxeboot_run "$firmware"
  check "the VM printed the banner${PXEBOOT_FAILURE:+ ($PXEBOOT_FAILURE)}" '[ -n "$PXEBOOT_BANNER_LINE" ]'
  check "the kernel's command line is the one pxe-mkcfg wrote" \
    '[ "$(pxeboot_cmdline_args "$PXEBOOT_CMDLINE")" = "$written" ]'
  check "the VM powered itself off" '[ -n "$PXEBOOT_POWERED_OFF" ]'

  # What the servers say they did: the lease, and each file the boot needs.
  check "pxe-dhcpd wrote the VM's lease" \
    'grep -qi "hardware ethernet $PXEBOOT_VM_MAC" "$PXEBOOT_WORK/dhcpd.leases"'
  case $firmware in
    bios) files=("$PXEBOOT_BIOS_FILE" ldlinux.c32 pxelinux.cfg/default) ;;
    uefi) files=("$PXEBOOT_EFI_FILE" "$PXEBOOT_GRUB_PREFIX/grub.cfg") ;;
  esac
  files+=("$PXEBOOT_KERNEL_NAME" "$PXEBOOT_INITRD_NAME")
  for file in "${files[@]}"; do
    check "pxe-tftpd logged serving $file" 'grep -qF "$file" "$PXEBOOT_WORK/pxe-tftpd.log"'
  done
  boot_test_lookup_order "$firmware"
  # A test built on this one adds its own checks here.
  if declare -F boot_test_more >/dev/null; then boot_test_more; fi
  finish
}

# The config files the boot loader really asked pxe-tftpd for, in order,
# must be exactly what `pxe-mkcfg lookup` predicts for this client.
boot_test_lookup_order() {
  local firmware=$1 log=$PXEBOOT_WORK/pxe-tftpd.log client_ip uuid wire_uuid
  local requested predicted pattern
  client_ip=$(sed -nE "s/^pxe-tftpd: ([0-9.]+):[0-9]+ RRQ .*/\1/p" "$log" | head -n1)
  # Boot loaders name the UUID file after DHCP option 97 as sent on the
  # wire. SMBIOS 2.6+ (QEMU's -uuid, dmidecode) stores the first three fields
  # little-endian, so on the wire they appear byte-swapped.
  uuid=${PXEBOOT_VM_UUID//-/}
  wire_uuid="${uuid:6:2}${uuid:4:2}${uuid:2:2}${uuid:0:2}-${uuid:10:2}${uuid:8:2}-${uuid:14:2}${uuid:12:2}-${uuid:16:4}-${uuid:20:12}"
  case $firmware in
    bios)
      predicted=$("$PXEKIT_BIN/pxe-mkcfg" lookup "$PXEBOOT_VM_MAC" "$client_ip" --uuid "$wire_uuid")
      pattern="pxelinux\.cfg/[^']*"
      ;;
    uefi)
      # GRUB asks for the UUID file too, and names the per-client files with
      # a leading / (pxe-tftpd serves them from ROOT all the same).
      predicted=$("$PXEKIT_BIN/pxe-mkcfg" lookup "$PXEBOOT_VM_MAC" "$client_ip" --flavor grub \
        --grub-prefix "$PXEBOOT_GRUB_PREFIX" --uuid "$wire_uuid")
      pattern="/?$PXEBOOT_GRUB_PREFIX/grub\.cfg[^']*"
      ;;
  esac
  requested=$(grep -oE "RRQ '$pattern'" "$log" | sed -E "s/^RRQ '\/?(.*)'$/\1/")
  local name="the boot loader asked for its config files in the order pxe-mkcfg lookup predicts"
  if [ -n "$requested" ] && [ "$requested" = "$predicted" ]; then
    pass "$name"
  else
    fail "$name" "--- requested (pxe-tftpd log)" "$requested" "--- predicted (pxe-mkcfg lookup)" "$predicted"
  fi
}
