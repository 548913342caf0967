# shellcheck shell=bash
# UEFI Secure Boot for the boot harness (tests/support/pxeboot.sh; source
# that first): OVMF with Secure Boot enforced and Microsoft's keys enrolled,
# and Debian's signed boot chain, shim (shim-signed) and the GRUB netboot
# image (grub-efi-amd64-signed), fetched with `apt-get download` and
# unpacked with `dpkg-deb -x` into the cache. They are never installed on the
# host: their maintainer scripts may run grub-install.
#
#   secureboot_firmware        # PXEBOOT_OVMF_* and QEMU's SMM for the VM
#   secureboot_fetch           # SECUREBOOT_SHIM, SECUREBOOT_GRUB
#
# What Debian's signed grubnetx64 does (read from the image: its `mods`
# section holds the prefix "/grub" and the config "normal (memdisk)/grub.cfg",
# whose memdisk grub.cfg sources $prefix/x86_64-efi/grub.cfg if it exists,
# else $prefix/grub.cfg); the prefix's device is the TFTP server it was
# loaded from. shim loads grubx64.efi from its own directory.

SECUREBOOT_OVMF_CODE=/usr/share/OVMF/OVMF_CODE_4M.secboot.fd
SECUREBOOT_OVMF_VARS=/usr/share/OVMF/OVMF_VARS_4M.ms.fd
SECUREBOOT_PACKAGES=(shim-signed grub-efi-amd64-signed)
SECUREBOOT_SHIM_PATH=usr/lib/shim/shimx64.efi.signed
SECUREBOOT_GRUB_PATH=usr/lib/grub/x86_64-efi-signed/grubnetx64.efi.signed
# grub-efi-amd64-bin's own, unsigned build of the same image.
SECUREBOOT_UNSIGNED_GRUB=/usr/lib/grub/x86_64-efi/monolithic/grubnetx64.efi

# The console lines that tell what the chain did.
SECUREBOOT_KERNEL_SAYS="secureboot: Secure boot enabled"
SECUREBOOT_SHIM_REFUSES="Verification failed"
# OVMF's boot manager, for an unsigned boot file (the whole line reads
# 'BdsDxe: failed to load Boot0001 "UEFI PXEv4 (MAC:...)" from ...: Access
# Denied').
SECUREBOOT_FIRMWARE_REFUSES="Access Denied"

SECUREBOOT_SHIM=""  # filled by secureboot_fetch
SECUREBOOT_GRUB=""
SECUREBOOT_VERSIONS=""

# secureboot_firmware: the next UEFI VM of the harness runs OVMF's Secure Boot
# build (SMM-protected variable store) with Microsoft's keys enrolled.
secureboot_firmware() {
  local file
  for file in "$SECUREBOOT_OVMF_CODE" "$SECUREBOOT_OVMF_VARS"; do
    [ -s "$file" ] || { pxeboot_die "$file is missing (ovmf)"; return 1; }
  done
  PXEBOOT_OVMF_CODE=$SECUREBOOT_OVMF_CODE
  PXEBOOT_OVMF_VARS=$SECUREBOOT_OVMF_VARS
  PXEBOOT_UEFI_MACHINE=q35,smm=on
  PXEBOOT_UEFI_QEMU_ARGS=(-global driver=cfi.pflash01,property=secure,value=on)
  pxeboot_say firmware "OVMF Secure Boot (${SECUREBOOT_OVMF_CODE##*/}, ${SECUREBOOT_OVMF_VARS##*/}: Microsoft's keys), q35 with SMM"
}

# secureboot_fetch: SECUREBOOT_SHIM and SECUREBOOT_GRUB, unpacked from the
# candidate versions of SECUREBOOT_PACKAGES into PXEBOOT_CACHE/secureboot/,
# once per version. Offline, the newest cached copy.
secureboot_fetch() {
  local pkg ver key="" dir tmp deb
  for pkg in "${SECUREBOOT_PACKAGES[@]}"; do
    ver=$(apt-cache policy "$pkg" 2>/dev/null | awk '/Candidate:/ { print $2 }')
    if [ -z "$ver" ] || [ "$ver" = "(none)" ]; then
      key=""
      break
    fi
    key+="${key:+_}${pkg}_$ver"
  done
  if [ -z "$key" ]; then
    dir=$(ls -1dt "$PXEBOOT_CACHE"/secureboot/*/ 2>/dev/null | head -n1)
    [ -n "$dir" ] || { pxeboot_die "apt-cache knows no ${SECUREBOOT_PACKAGES[*]}, and none is cached"; return 1; }
    dir=${dir%/}
  else
    dir=$PXEBOOT_CACHE/secureboot/${key//[~+:]/-}
  fi
  if [ ! -s "$dir/$SECUREBOOT_SHIM_PATH" ] || [ ! -s "$dir/$SECUREBOOT_GRUB_PATH" ]; then
    mkdir -p "$PXEBOOT_CACHE/secureboot" || return 1
    tmp=$(mktemp -d "$PXEBOOT_CACHE/secureboot/.download.XXXXXX") || return 1
    pxeboot_say fetch "downloading ${SECUREBOOT_PACKAGES[*]} (apt-get download)"
    pxeboot_apt_download "$tmp" "${SECUREBOOT_PACKAGES[@]}" ||
      { pxeboot_die "apt-get download ${SECUREBOOT_PACKAGES[*]} failed"; return 1; }
    for deb in "$tmp"/*.deb; do
      dpkg-deb -x "$deb" "$tmp/root" || { rm -rf "$tmp"; pxeboot_die "dpkg-deb -x $deb failed"; return 1; }
      dpkg-deb -f "$deb" Package Version | paste -sd' ' >>"$tmp/root/versions"
    done
    if [ ! -s "$tmp/root/$SECUREBOOT_SHIM_PATH" ] || [ ! -s "$tmp/root/$SECUREBOOT_GRUB_PATH" ]; then
      rm -rf "$tmp"
      pxeboot_die "the packages hold no $SECUREBOOT_SHIM_PATH or $SECUREBOOT_GRUB_PATH"
      return 1
    fi
    chmod -R a+rX "$tmp/root"
    mv -T "$tmp/root" "$dir" 2>/dev/null
    rm -rf "$tmp"
  fi
  SECUREBOOT_SHIM=$dir/$SECUREBOOT_SHIM_PATH
  SECUREBOOT_GRUB=$dir/$SECUREBOOT_GRUB_PATH
  SECUREBOOT_VERSIONS=$(sed -E 's/(Package|Version): //g' "$dir/versions" | paste -sd',' | sed 's/,/, /g')
  pxeboot_say fetch "$SECUREBOOT_VERSIONS (cached in $dir)"
}

# --- the boot tests (tests/netns/boot_secureboot*.sh) ------------------------
#
# OVMF's own network stack boots them: the NIC is virtio without its option
# ROM (romfile=), so that OVMF's VirtioNetDxe and PxeBcDxe load shim, and
# shim fetches grubx64.efi through OVMF's EFI_PXE_BASE_CODE_PROTOCOL. With
# the iPXE ROM of ipxe-qemu (1.0.0+git-20190125) iPXE loads shim and answers
# its Mtftp() with the buffer's size (4194304) instead of the file's, and
# shim, hashing 4 MiB for a 3843520-byte GRUB, stops with "Malformed binary
# after Attribute Certificate Table" and "Verification failed: (0x2) Invalid
# Parameter" (seen here; with Secure Boot off shim does not hash and boots).
SECUREBOOT_NIC=virtio-net-pci,romfile=
# Without "quiet": the kernel's "secureboot: Secure boot enabled" is an
# info line.
SECUREBOOT_KERNEL_ARGS="console=ttyS0 panic=-1 no_timer_check"

# secureboot_setup: what every Secure Boot boot test does first: skips when
# the machine cannot run it, fails when a step breaks; then the harness,
# the kernel and initrd, the signed chain, the firmware and the namespace.
secureboot_setup() {
  pxeboot_need_boot
  local missing
  missing=$(pxeboot_missing_tools "$PXEKIT_BIN")
  [ -z "$missing" ] || fail_now "not built in $PXEKIT_BIN: $missing (run make)"
  PXEBOOT_NIC=${PXEKIT_BOOT_NIC:-$SECUREBOOT_NIC}
  # OVMF with SMM under TCG, shim and GRUB hashing megabytes: minutes.
  PXEBOOT_TIMEOUT=${PXEKIT_BOOT_TIMEOUT:-600}
  pxeboot_init || fail_now "setting up the boot harness (see above)"
  pxeboot_accel || fail_now "choosing QEMU's accelerator (see above)"
  pxeboot_kernel || fail_now "getting the Debian kernel (see above)"
  pxeboot_initrd || fail_now "building the initrd (see above)"
  secureboot_fetch || fail_now "fetching Debian's signed shim and GRUB (see above)"
  secureboot_firmware || fail_now "OVMF's Secure Boot build (see above)"
  pxeboot_netns_up "pxk-sb-$$" || fail_now "setting up the namespace (see above)"
}

# secureboot_tree ROOT APPEND: the tree `pxe-mkcfg grub --secure-boot` lays
# out with the fetched shim and GRUB, the kernel and the initrd; sets
# PXEBOOT_EFI_FILE to shim and SECUREBOOT_WRITTEN to the config's kernel
# arguments.
SECUREBOOT_WRITTEN=""
secureboot_tree() {
  local root=$1 append=$2
  mkdir -p "$root" &&
    cp "$PXEBOOT_KERNEL" "$root/$PXEBOOT_KERNEL_NAME" &&
    cp "$PXEBOOT_INITRD" "$root/$PXEBOOT_INITRD_NAME" || return 1
  "$PXEBOOT_BIN/pxe-mkcfg" grub --secure-boot --root "$root" \
    --shim "$SECUREBOOT_SHIM" --signed-grub "$SECUREBOOT_GRUB" --label pxekit \
    --kernel "$PXEBOOT_KERNEL_NAME" --initrd "$PXEBOOT_INITRD_NAME" --append "$append" -v ||
    { pxeboot_die "pxe-mkcfg grub --secure-boot failed"; return 1; }
  chmod -R a+rX "$root"
  PXEBOOT_EFI_FILE=shimx64.efi
  PXEBOOT_GRUB_PREFIX=grub
  SECUREBOOT_WRITTEN=$(pxeboot_cfg_append uefi "$root")
  pxeboot_say config "pxe-mkcfg grub --secure-boot: shimx64.efi, grubx64.efi, grub/grub.cfg"
}

# secureboot_served: the files pxe-tftpd sent whole, in order, each once,
# space-separated.
secureboot_served() {
  sed -nE "s/^pxe-tftpd: [0-9.]+:[0-9]+ RRQ '\/?([^']*)' .*: ok$/\1/p" \
    "$PXEBOOT_WORK/pxe-tftpd.log" | awk '!seen[$0]++' | paste -sd' '
}

secureboot_asked() {  # secureboot_asked FILE: a client asked pxe-tftpd for it
  grep -qE "RRQ '/?$1'" "$PXEBOOT_WORK/pxe-tftpd.log"
}

# secureboot_wait_console TEXT SECONDS: until the console shows TEXT, QEMU
# exits or SECONDS pass; then whether it showed. Greps the whole file, since
# a prompt ("grub>") is a last line without its newline, which the
# harness's line reader does not see yet.
secureboot_wait_console() {
  local end=$((SECONDS + $2))
  until grep -aqF "$1" "$PXEBOOT_WORK/serial.log" || ! pxeboot_vm_running || [ "$SECONDS" -ge "$end" ]; do
    sleep 1
  done
  grep -aqF "$1" "$PXEBOOT_WORK/serial.log"
}
