# shellcheck shell=bash
# The ARM64 UEFI boot (issue 13, row 4): what an aarch64 client needs that an
# x86 host does not have. Source it after tests/support/pxeboot.sh, then:
#
#   arm64_fetch                     # ARM64_KERNEL, ARM64_GRUB_DIR, ARM64_BUSYBOX
#   pxeboot_initrd "$ARM64_BUSYBOX" # the harness's initrd, arm64 busybox
#   arm64_tftproot DIR              # grub-mknetdir's arm64-efi tree + kernel + initrd
#   PXEBOOT_DHCPD_ARGS=(--arm64-filename "$ARM64_EFI_FILE")
#   pxeboot_servers_start pxekit DIR
#   pxeboot_run arm64               # qemu-system-aarch64, AAVMF, TCG
#
# The arm64 packages (the kernel linux-image-arm64 depends on,
# grub-efi-arm64-bin, busybox-static) are fetched with `apt-get download` in
# a private apt configuration (ARM64_CACHE/apt: its own lists, cache and
# status, APT::Architecture arm64, the host's Debian sources and keyrings),
# so the host's apt configuration and dpkg architectures stay as they are;
# nothing is installed. Each package's files are unpacked once into
# ARM64_CACHE/PKG_VERSION/ and reused.
#
# Settings (environment, read at source time):
#   PXEKIT_ARM64_CACHE  where (PXEBOOT_CACHE/arm64)

ARM64_CACHE=${PXEKIT_ARM64_CACHE:-$PXEBOOT_CACHE/arm64}
ARM64_KERNEL_META=linux-image-arm64
# PL011 is the virt board's serial port; the rest as PXEBOOT_KERNEL_ARGS.
ARM64_KERNEL_ARGS="console=ttyAMA0 quiet panic=-1"
# grub-mknetdir's image for the platform, what --arm64-filename names.
ARM64_EFI_FILE=$PXEBOOT_GRUB_PREFIX/arm64-efi/core.efi
# No iPXE ROM: AAVMF has its own virtio-net driver and PXE client, and
# ipxe-qemu's ROMs are x86 code.
ARM64_NIC="virtio-net-pci,romfile="
ARM64_PACKAGES_FILE=$PXEBOOT_SRC/tests/packages/arm64.txt
# The lists are refreshed when older than this (minutes).
ARM64_LISTS_MAX_AGE=1440

ARM64_KERNEL=""     # the Image (Debian's vmlinuz-*-arm64)
ARM64_KERNEL_PKG="" # "package version"
ARM64_GRUB_DIR=""   # GRUB's arm64-efi module directory, for grub-mknetdir -d
ARM64_BUSYBOX=""    # static aarch64 busybox
ARM64_WHY=""        # after arm64_fetch returned 2: why the packages cannot be had

arm64_packages() {  # the host's Debian packages for the boot, one a line
  sed -e 's/#.*//' "$ARM64_PACKAGES_FILE" | tr -s ' \t' '\n\n' | sed '/^$/d'
}

# _arm64_apt_config DIR: the private apt configuration in DIR (apt.conf and
# the directories it names). Its sources are the host's Debian ones (the
# files of /etc/apt/sources.list{,.d} that name a debian.org archive, copied
# as they are); keyrings are read where the host keeps them.
_arm64_apt_config() {
  local dir=$1 file n=0
  mkdir -p "$dir/etc/sources.list.d" "$dir/etc/apt.conf.d" "$dir/etc/preferences.d" \
    "$dir/state/lists/partial" "$dir/cache/archives/partial" || return 1
  rm -f "$dir/etc/sources.list.d/"*
  : >"$dir/etc/sources.list"
  for file in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
    [ -f "$file" ] || continue
    grep -v '^[[:space:]]*#' "$file" | grep -q 'debian\.org' || continue
    # host-N-sources.list still ends in .list, which apt reads.
    cp "$file" "$dir/etc/sources.list.d/host-$n-${file##*/}" || return 1
    n=$((n + 1))
  done
  [ "$n" -gt 0 ] || { ARM64_WHY="no Debian (debian.org) source in /etc/apt/sources.list{,.d} to copy"; return 2; }
  : >"$dir/state/status"
  cat >"$dir/apt.conf" <<EOF
// pxekit's arm64 downloads (tests/support/arm64.sh): not the host's apt.
Dir::State "$dir/state";
Dir::State::status "$dir/state/status";
Dir::Cache "$dir/cache";
Dir::Etc::sourcelist "$dir/etc/sources.list";
Dir::Etc::sourceparts "$dir/etc/sources.list.d";
Dir::Etc::parts "$dir/etc/apt.conf.d";
Dir::Etc::preferencesparts "$dir/etc/preferences.d";
Dir::Etc::trusted "/etc/apt/trusted.gpg";
Dir::Etc::trustedparts "/etc/apt/trusted.gpg.d";
APT::Architecture "arm64";
APT::Architectures { "arm64"; };
Acquire::Languages "none";
EOF
}

_arm64_apt() {  # _arm64_apt PROGRAM ARGS...: apt-get/apt-cache in the private configuration
  APT_CONFIG=$ARM64_CACHE/apt/apt.conf "$@"
}

# _arm64_resolve: ARM64_RESOLVED="PKG=VER ..." for the kernel META depends on,
# grub-efi-arm64-bin and busybox-static; apt-get update first when the lists
# are missing or older than ARM64_LISTS_MAX_AGE. Returns 2 (ARM64_WHY) when
# the archive cannot give them.
ARM64_RESOLVED=""
_arm64_resolve() {
  local dir=$ARM64_CACHE/apt pkg ver kernel out rc
  ARM64_RESOLVED=""
  _arm64_apt_config "$dir" || return
  if [ -z "$(find "$dir/state/lists" -maxdepth 1 -name '*_Packages*' -mmin "-$ARM64_LISTS_MAX_AGE" 2>/dev/null)" ]; then
    pxeboot_say arm64 "apt-get update (arm64, private lists in $dir)"
    out=$(_arm64_apt timeout 300 apt-get update -q 2>&1)
    rc=$?
    if [ "$rc" != 0 ] || grep -q '^[EW]:' <<<"$out"; then
      echo "$out" >&2
      # Stale lists still resolve; none at all cannot.
      if [ -z "$(find "$dir/state/lists" -maxdepth 1 -name '*_Packages*' 2>/dev/null)" ]; then
        ARM64_WHY="apt-get update for arm64 failed (status $rc): $(grep -m1 '^[EW]:' <<<"$out")"
        return 2
      fi
    fi
  fi
  kernel=$(_arm64_apt apt-cache depends "$ARM64_KERNEL_META" 2>/dev/null |
    awk '/Depends: linux-image-/ { print $2; exit }')
  [ -n "$kernel" ] || { ARM64_WHY="the archive's arm64 lists have no $ARM64_KERNEL_META depending on a linux-image-*"; return 2; }
  for pkg in "$kernel" grub-efi-arm64-bin busybox-static; do
    ver=$(_arm64_apt apt-cache policy "$pkg" 2>/dev/null | awk '/Candidate:/ { print $2 }')
    [ -n "$ver" ] && [ "$ver" != "(none)" ] || { ARM64_WHY="no arm64 candidate for $pkg in the archive's lists"; return 2; }
    ARM64_RESOLVED+="$pkg=$ver "
  done
}

# _arm64_unpack PKG VER DIR WHAT...: downloads PKG=VER (arm64) and extracts
# the archive members WHAT... (tar patterns) into DIR, kept only if all came.
_arm64_unpack() {
  local pkg=$1 ver=$2 dir=$3 tmp
  shift 3
  tmp=$(mktemp -d "$ARM64_CACHE/.download.XXXXXX") || return 1
  # apt downloads as _apt when it can write there; otherwise it warns.
  id _apt >/dev/null 2>&1 && chown _apt "$tmp"
  pxeboot_say arm64 "downloading $pkg $ver (arm64, apt-get download)"
  if ! (cd "$tmp" && _arm64_apt timeout 600 apt-get download -q "$pkg=$ver" >"$tmp/apt.log" 2>&1); then
    cat "$tmp/apt.log" >&2
    rm -rf "$tmp"
    pxeboot_die "apt-get download $pkg=$ver (arm64) failed"
    return 1
  fi
  mkdir -p "$tmp/x" || return 1
  if ! dpkg-deb --fsys-tarfile "$tmp"/*.deb | tar -x -C "$tmp/x" --wildcards "$@"; then
    rm -rf "$tmp"
    pxeboot_die "$pkg $ver has no $*"
    return 1
  fi
  echo "$pkg $ver" >"$tmp/x/package"
  chmod -R a+rX "$tmp/x"
  # Another run may have won the race; either copy is the same.
  mv -T "$tmp/x" "$dir" 2>/dev/null
  rm -rf "$tmp"
  [ -s "$dir/package" ]
}

# arm64_fetch: sets ARM64_KERNEL, ARM64_KERNEL_PKG, ARM64_GRUB_DIR and
# ARM64_BUSYBOX, downloading what is not cached yet. Returns 2 with
# ARM64_WHY when this machine cannot get the arm64 packages (no arm64 in the
# archive, no network and nothing cached), 1 on any other failure.
# Concurrent runs wait for each other (flock on ARM64_CACHE/.lock).
arm64_fetch() {
  mkdir -p "$ARM64_CACHE" || return 1
  pxeboot_locked "$ARM64_CACHE/.lock" _arm64_fetch_locked
}

_arm64_fetch_locked() {
  local spec pkg ver dir rc kernel="" grub="" busybox=""
  _arm64_resolve
  rc=$?
  if [ "$rc" != 0 ]; then
    # Offline: the set the last successful run used, if it is still there.
    [ "$rc" = 2 ] && [ -s "$ARM64_CACHE/last" ] || return "$rc"
    read -r kernel grub busybox <"$ARM64_CACHE/last"
    [ -s "$kernel/vmlinuz" ] && [ -d "$grub" ] && [ -s "$busybox/busybox" ] || return 2
    pxeboot_say arm64 "$ARM64_WHY: using the cached $(cat "$kernel/package")"
  else
    for spec in $ARM64_RESOLVED; do
      pkg=${spec%%=*} ver=${spec#*=}
      dir=$ARM64_CACHE/${pkg}_$ver
      case $pkg in
        linux-image-*)
          kernel=$dir
          [ -s "$dir/vmlinuz" ] && continue
          _arm64_unpack "$pkg" "$ver" "$dir" './boot/vmlinuz-*' || return 1
          mv "$dir"/boot/vmlinuz-* "$dir/vmlinuz" && rmdir "$dir/boot" || return 1
          ;;
        grub-efi-arm64-bin)
          grub=$dir
          [ -s "$dir/usr/lib/grub/arm64-efi/modinfo.sh" ] && continue
          _arm64_unpack "$pkg" "$ver" "$dir" './usr/lib/grub/arm64-efi/*' || return 1
          ;;
        busybox-static)
          busybox=$dir
          [ -s "$dir/busybox" ] && continue
          _arm64_unpack "$pkg" "$ver" "$dir" './bin/busybox' || return 1
          mv "$dir/bin/busybox" "$dir/busybox" && rmdir "$dir/bin" || return 1
          ;;
      esac
    done
    echo "$kernel $grub $busybox" >"$ARM64_CACHE/last"
  fi
  ARM64_KERNEL=$kernel/vmlinuz
  ARM64_KERNEL_PKG=$(cat "$kernel/package")
  ARM64_GRUB_DIR=$grub/usr/lib/grub/arm64-efi
  ARM64_BUSYBOX=$busybox/busybox
  pxeboot_say arm64 "$ARM64_KERNEL_PKG ($(du -h "$ARM64_KERNEL" | cut -f1)), $(cat "$grub/package"), $(cat "$busybox/package") (cached in $ARM64_CACHE)"
}

# arm64_tftproot DIR: grub-mknetdir's arm64-efi netboot tree (core.efi with
# the prefix /boot/grub on the server DHCP named, as the x86 UEFI boot's),
# the arm64 kernel and PXEBOOT_INITRD.
arm64_tftproot() {
  local root=$1
  mkdir -p "$root" || return 1
  grub-mknetdir --net-directory="$root" --subdir="$PXEBOOT_GRUB_PREFIX" \
    -d "$ARM64_GRUB_DIR" >"$root/.mknetdir.log" 2>&1 || {
    cat "$root/.mknetdir.log" >&2
    pxeboot_die "grub-mknetdir -d $ARM64_GRUB_DIR failed"
    return 1
  }
  rm -f "$root/.mknetdir.log"
  [ -s "$root/$ARM64_EFI_FILE" ] || { pxeboot_die "grub-mknetdir wrote no $ARM64_EFI_FILE"; return 1; }
  cp "$ARM64_KERNEL" "$root/$PXEBOOT_KERNEL_NAME" &&
    cp "$PXEBOOT_INITRD" "$root/$PXEBOOT_INITRD_NAME" || return 1
  chmod -R a+rX "$root"
}
