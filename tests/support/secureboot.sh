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
    id _apt >/dev/null 2>&1 && chown _apt "$tmp"
    pxeboot_say fetch "downloading ${SECUREBOOT_PACKAGES[*]} (apt-get download)"
    if ! (cd "$tmp" && apt-get download -q "${SECUREBOOT_PACKAGES[@]}" >"$tmp/apt.log" 2>&1); then
      cat "$tmp/apt.log" >&2
      rm -rf "$tmp"
      pxeboot_die "apt-get download ${SECUREBOOT_PACKAGES[*]} failed"
      return 1
    fi
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
  SECUREBOOT_VERSIONS=$(paste -sd',' "$dir/versions" | sed 's/,/, /g')
  pxeboot_say fetch "$SECUREBOOT_VERSIONS (cached in $dir)"
}
