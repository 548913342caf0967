# shellcheck shell=bash
# The virtual lab's machine image (issue 12): a stock Debian kernel with an
# initramfs-tools initrd that mounts the root over NFS the way Debian's
# diskless machines do, and the small root tree it mounts. Source it (bash;
# it sources pxeboot.sh if that is not loaded yet), then:
#
#   lab_image_build CACHE_DIR        # kernel + initrd, cached in CACHE_DIR:
#                                    # LAB_KERNEL, LAB_INITRD, LAB_KVER
#   lab_root_build DIR PXEKIT_BIN PUBKEY_FILE
#                                    # the NFS root tree in DIR
#
# The boot config for it (pxelinux here; grub and ipxe alike):
#   pxe-mkcfg pxelinux --root TFTPROOT --kernel vmlinuz --initrd initrd.img \
#     --nfsroot "$(lab_nfsroot SERVER PATH)" --append "$LAB_KERNEL_EXTRA_ARGS"
# writes `root=/dev/nfs nfsroot=SERVER:PATH,vers=3,tcp ip=dhcp ro
# net.ifnames=0 console=ttyS0 panic=-1 no_timer_check` (lab_kernel_args).
#
# What the root prints on the serial console, one line each, in this order,
# for a harness to wait on (LAB_TAG is the prefix):
#   pxekit-banner: / pxekit-cmdline:              pxeboot.sh's banner lines
#                                                 (PXEBOOT_BANNER_LINE, _CMDLINE)
#   pxekit-lab: root SOURCE MODE FSTYPE OPTIONS   the root's /proc/mounts entry:
#                                                 MODE ro: mounted read-only
#   pxekit-lab: server-ro yes|no|unknown TEXT     whether the NFS server itself
#                                                 refused a write (remounted rw)
#   pxekit-lab: starting pxe-poweroff ARGS
#   pxekit-lab: ready IP MAC                      `pxe-poweroff listen` listens
#                                                 and can answer (the kernel's
#                                                 RNG is seeded)
#   pxekit-lab: wol IFACE ANSWER                  the agent's own Wake-on-LAN
#                                                 answer, once a request came
#                                                 (e.g. "not armed: eth0: NIC
#                                                 cannot wake ... (it supports: d)")
#   pxekit-lab: failed TEXT                       the root's init gave up
# Everything pxe-poweroff itself says ("pxe-poweroff: ...") is on the
# console too.
# The agent runs `pxe-poweroff listen -v` with the given public key and its
# default action, poweroff, which busybox init (PID 1) turns into an ACPI
# power-off: with -no-reboot QEMU exits 0 after "reboot: Power down". The
# kernel argument pxekit.exec=CMD runs `listen --exec CMD` instead.
#
# The NFS server for it: tests/support/lab_nfs.sh (lab_nfs_start).
# The whole cycle, as a test: tests/netns/lab_nfsroot.sh.
#
# Nothing is written to the host's /etc, /boot or /usr/lib/modules:
# mkinitramfs runs in a private mount namespace where the unpacked kernel's
# modules are an extra read-only overlay layer on /usr/lib and /boot is a
# tmpfs holding its config.
#
# Settings (environment, read at source time):
#   PXEKIT_LAB_KERNEL_META  the kernel metapackage (linux-image-amd64: the
#                           generic kernel, which has e1000e, virtio-net and
#                           NFS as modules; the cloud kernel has no e1000e)

if ! declare -F pxeboot_say >/dev/null; then
  # shellcheck source=tests/support/pxeboot.sh
  source "$(dirname "${BASH_SOURCE[0]}")/pxeboot.sh"
fi

LAB_KERNEL_META=${PXEKIT_LAB_KERNEL_META:-linux-image-amd64}
LAB_TAG="pxekit-lab:"
# The initrd's modules: the lab's NICs (e1000e, e1000, virtio-net) and the
# NFS client. initramfs-tools adds their dependencies.
LAB_INITRD_MODULES=(e1000e e1000 virtio_net virtio_pci nfs nfsv3)
# Kernel arguments besides root=/dev/nfs nfsroot=... ip=dhcp: a read-only
# root, eth0 rather than udev's ens3, the console on the serial port, a
# panic ends QEMU (-no-reboot) at once instead of a hang, and no IO-APIC
# timer check (under TCG on a busy host it can miss its window and panic;
# see PXEBOOT_KERNEL_ARGS).
LAB_KERNEL_EXTRA_ARGS="ro net.ifnames=0 console=ttyS0 panic=-1 no_timer_check"

LAB_KERNEL=""   # vmlinuz
LAB_INITRD=""   # initrd.img (zstd)
LAB_KVER=""     # e.g. 6.1.0-56-amd64
LAB_KERNEL_PKG="" # "package version"

lab_say() { pxeboot_say "$@"; }
lab_die() {
  echo "lab: $*" >&2
  return 1
}

# --- kernel and initrd ---------------------------------------------------

# The initramfs-tools configuration (mkinitramfs -d DIR reads it instead of
# /etc/initramfs-tools): BOOT=nfs, only the listed modules, zstd.
_lab_initramfs_conf() {
  cat <<'EOF'
# pxekit's lab: root over NFS (root=/dev/nfs nfsroot=... ip=dhcp)
MODULES=list
BUSYBOX=auto
KEYMAP=n
COMPRESS=zstd
DEVICE=
NFSROOT=auto
RUNSIZE=10%
FSTYPE=auto
BOOT=nfs
EOF
}

# lab_image_build CACHE_DIR: sets LAB_KERNEL, LAB_INITRD, LAB_KVER and
# LAB_KERNEL_PKG. The versioned kernel package that LAB_KERNEL_META depends
# on is downloaded once (`apt-get download`, kept as CACHE_DIR/debs/*.deb);
# its vmlinuz and an initrd made by mkinitramfs are cached in
# CACHE_DIR/PKG_VER/, the initrd under a hash of the initramfs
# configuration, the module list and the initramfs-tools version. A second
# run finds both and builds nothing. Offline, the newest cached kernel is
# used. Concurrent runs wait for each other (flock on CACHE_DIR/.lock).
lab_image_build() {
  local cache=$1
  [ -n "$cache" ] || { lab_die "lab_image_build CACHE_DIR"; return 1; }
  mkdir -p "$cache/debs" || return 1
  pxeboot_locked "$cache/.lock" _lab_image_build_locked "$cache"
}

_lab_image_build_locked() {
  local cache=$1 pkg="" ver="" dir deb key initrd tmp itver
  if pxeboot_kernel_resolve "$LAB_KERNEL_META"; then
    pkg=${PXEBOOT_RESOLVED% *} ver=${PXEBOOT_RESOLVED#* }
    dir=$cache/${pkg}_$ver
  else
    dir=$(ls -1dt "$cache"/linux-image-*/ 2>/dev/null | head -n1)
    dir=${dir%/}
    [ -n "$dir" ] && [ -s "$dir/vmlinuz" ] ||
      { lab_die "cannot resolve $LAB_KERNEL_META with apt-cache, and no kernel is cached in $cache"; return 1; }
    read -r pkg ver <"$dir/package"
    lab_say kernel "apt-cache cannot resolve $LAB_KERNEL_META: using the cached $pkg $ver"
  fi
  itver=$(dpkg-query -W -f '${Version}' initramfs-tools-core 2>/dev/null)
  [ -n "$itver" ] || { lab_die "initramfs-tools is not installed (tests/packages/lab.txt)"; return 1; }
  key=$({ _lab_initramfs_conf; printf '%s\n' "${LAB_INITRD_MODULES[@]}" "$itver"; } | sha256sum | cut -c1-16)
  initrd=$dir/initrd-$key.img
  if [ -s "$dir/vmlinuz" ] && [ -s "$initrd" ]; then
    _lab_image_set "$dir" "$initrd"
    lab_say kernel "$LAB_KERNEL_PKG, initrd $(du -h "$initrd" | cut -f1) (cached in $dir)"
    return 0
  fi
  deb=$cache/debs/${pkg}_${ver//:/%3a}_amd64.deb
  if [ ! -s "$deb" ]; then
    tmp=$(mktemp -d "$cache/debs/.download.XXXXXX") || return 1
    lab_say kernel "downloading $pkg $ver (apt-get download)"
    pxeboot_apt_download "$tmp" "$pkg=$ver" ||
      { lab_die "apt-get download $pkg=$ver failed"; return 1; }
    mv -f "$tmp"/*.deb "$deb" && rm -rf "$tmp" || { rm -rf "$tmp"; return 1; }
    chmod 644 "$deb"
  fi
  tmp=$(mktemp -d "$cache/.build.XXXXXX") || return 1
  lab_say kernel "unpacking $pkg $ver, depmod, mkinitramfs (BOOT=nfs; ${LAB_INITRD_MODULES[*]})"
  if ! _lab_mkinitramfs "$deb" "$tmp"; then
    rm -rf "$tmp"
    return 1
  fi
  mkdir -p "$dir" || { rm -rf "$tmp"; return 1; }
  echo "$pkg $ver" >"$tmp/package"
  echo "$LAB_KVER" >"$tmp/kver"
  chmod 644 "$tmp/vmlinuz" "$tmp/initrd.img" "$tmp/package" "$tmp/kver"
  mv -f "$tmp/vmlinuz" "$dir/vmlinuz" && mv -f "$tmp/package" "$dir/package" &&
    mv -f "$tmp/kver" "$dir/kver" && mv -f "$tmp/initrd.img" "$initrd" || { rm -rf "$tmp"; return 1; }
  rm -rf "$tmp"
  # Initrds of older configurations, but the newest 3.
  ls -1t "$dir"/initrd-*.img 2>/dev/null | tail -n +4 | while read -r tmp; do rm -f "$tmp"; done
  chmod 755 "$dir"
  _lab_image_set "$dir" "$initrd"
  lab_say kernel "$LAB_KERNEL_PKG, initrd $(du -h "$initrd" | cut -f1) built (cached in $dir)"
}

_lab_image_set() {  # _lab_image_set DIR INITRD
  LAB_KERNEL=$1/vmlinuz
  LAB_INITRD=$2
  LAB_KVER=$(cat "$1/kver")
  LAB_KERNEL_PKG=$(cat "$1/package")
}

# _lab_mkinitramfs DEB OUT: unpacks DEB in OUT/tree, runs depmod on it and
# mkinitramfs (configuration from _lab_initramfs_conf) in a private mount
# namespace; leaves OUT/vmlinuz and OUT/initrd.img, removes the tree, sets
# LAB_KVER.
_lab_mkinitramfs() {
  local deb=$1 out=$2 tree=$2/tree conf=$2/conf kver
  mkdir -p "$tree" "$conf/conf.d" "$conf/hooks" "$conf/scripts" "$out/tmp" || return 1
  dpkg-deb -x "$deb" "$tree" || { lab_die "dpkg-deb -x $deb failed"; return 1; }
  kver=$(ls -1 "$tree/lib/modules" 2>/dev/null | head -n1)
  [ -n "$kver" ] && [ -s "$tree/boot/vmlinuz-$kver" ] && [ -s "$tree/boot/config-$kver" ] ||
    { lab_die "$deb has no lib/modules/VERSION with boot/vmlinuz-VERSION and boot/config-VERSION"; return 1; }
  depmod -b "$tree" "$kver" || { lab_die "depmod -b $tree $kver failed"; return 1; }
  _lab_initramfs_conf >"$conf/initramfs.conf"
  printf '%s\n' "${LAB_INITRD_MODULES[@]}" >"$conf/modules"
  # mkinitramfs reads /lib/modules/VER (= /usr/lib/modules) and
  # /boot/config-VER. In the namespace: the unpacked lib/ as an upper
  # read-only layer of /usr/lib (no directory is created on the host), a
  # tmpfs on /boot with the config, and one on /var/tmp. The script checks
  # each mount before it runs mkinitramfs.
  if ! timeout 600 unshare --mount --propagation private sh -c '
    set -e
    tree=$1 kver=$2 conf=$3 out=$4
    mount -t overlay overlay -o "lowerdir=$tree/lib:/usr/lib" /usr/lib
    [ -f "/usr/lib/modules/$kver/modules.dep" ] || { echo "overlay on /usr/lib failed" >&2; exit 71; }
    mount -t tmpfs -o mode=755 tmpfs /boot
    [ "$(findmnt -no FSTYPE /boot)" = tmpfs ] || { echo "tmpfs on /boot failed" >&2; exit 71; }
    mount -t tmpfs tmpfs /var/tmp
    cp "$tree/boot/config-$kver" /boot/
    TMPDIR=$out/tmp mkinitramfs -d "$conf" -o "$out/initrd.img" "$kver"
  ' sh "$tree" "$kver" "$conf" "$out" >"$out/mkinitramfs.log" 2>&1; then
    cat "$out/mkinitramfs.log" >&2
    lab_die "mkinitramfs for $kver failed (see above)"
    return 1
  fi
  [ -s "$out/initrd.img" ] || { lab_die "mkinitramfs wrote no initrd"; return 1; }
  mv -f "$tree/boot/vmlinuz-$kver" "$out/vmlinuz" || return 1
  rm -rf "$tree" "$conf" "$out/tmp"
  LAB_KVER=$kver
}

# lab_nfsroot SERVER PATH: pxe-mkcfg's --nfsroot for a root exported as
# SERVER:PATH: NFSv3 over TCP (klibc's nfsmount honours the options; Ganesha
# mounts v3 by Path).
lab_nfsroot() {
  echo "$1:$2,vers=3,tcp"
}

# lab_kernel_args SERVER PATH: the whole command line pxe-mkcfg writes for it.
lab_kernel_args() {
  echo "root=/dev/nfs nfsroot=$(lab_nfsroot "$1" "$2") ip=dhcp $LAB_KERNEL_EXTRA_ARGS"
}

# --- the NFS root ----------------------------------------------------------

LAB_ROOT_MARK=.pxekit-lab-root  # in a tree lab_root_build made (may replace)
LAB_AGENT_KEY=/etc/pxekit/poweroff.key.pub
LAB_AGENT_PORT=7390             # pxe-poweroff listen's default port

_lab_root_inittab() {
  cat <<'EOF_INITTAB'
::sysinit:/etc/pxekit/lab-rc
::once:/etc/pxekit/lab-agent
::shutdown:/bin/echo "pxekit-lab: init runs its shutdown actions"
EOF_INITTAB
}

# Runs first, as busybox init's sysinit: what the read-only root needs
# written goes on tmpfs; says how the root is mounted, and whether the
# server itself refuses a write (the root remounted rw for a moment: a
# client-side ro alone proves nothing about the export).
_lab_root_rc() {
  cat <<'EOF_RC'
#!/bin/sh
say() { echo "pxekit-lab: $*"; }
# initramfs-tools moved /proc, /sys, /dev (devtmpfs) and /run (tmpfs, with
# the network's /run/net-IFACE.conf) here: mount only what is missing.
# (Debian's busybox has no mountpoint applet.)
[ -r /proc/mounts ] || mount -t proc proc /proc
mounted() { grep -q "^[^ ]* $1 " /proc/mounts; }
mounted /sys || mount -t sysfs sysfs /sys
mounted /dev || mount -t devtmpfs devtmpfs /dev
mounted /run || mount -t tmpfs -o mode=755 tmpfs /run
mount -t tmpfs -o mode=1777 tmpfs /tmp
mount -t tmpfs -o mode=755 tmpfs /var
mkdir -p /var/log /var/tmp /var/run
echo "pxekit-banner: Linux $(uname -r) booted over PXE with its root over NFS, busybox init is PID 1"
echo "pxekit-cmdline: $(cat /proc/cmdline)"
# The root's entry: the last one mounted on /.
set -- $(awk '$2 == "/" { line = $1 " " $3 " " $4 } END { print line }' /proc/mounts)
mode=${3%%,*}
say "root $1 $mode $2 $3"
if [ "$mode" = ro ] && [ "$2" = nfs ]; then
  if mount -o remount,rw / 2>/tmp/remount.err &&
    awk '$2 == "/" { mode = $4 } END { exit !(mode ~ /^rw/) }' /proc/mounts; then
    if err=$(touch /.pxekit-lab-write 2>&1); then
      rm -f /.pxekit-lab-write
      say "server-ro no: the server let this client write to its root"
    else
      say "server-ro yes: ${err##*: }"
    fi
    mount -o remount,ro / || say "failed to remount the root read-only again"
  else
    say "server-ro unknown: remount rw: $(cat /tmp/remount.err)"
  fi
fi
EOF_RC
}

# busybox init's once action: the power-off agent on the interface the
# initramfs configured (ip=dhcp: /run/net-IFACE.conf), its Wake-on-LAN
# answer repeated as a tagged line, and the ready line once it listens.
_lab_root_agent() {
  cat <<'EOF_AGENT'
#!/bin/sh
say() { echo "pxekit-lab: $*"; }
exec_cmd=""
for arg in $(cat /proc/cmdline); do
  case $arg in
    pxekit.exec=*) exec_cmd=${arg#pxekit.exec=} ;;
  esac
done
ifc="" ip=""
for conf in /run/net-*.conf; do
  [ -r "$conf" ] || continue
  DEVICE="" IPV4ADDR=""
  . "$conf"
  ifc=$DEVICE ip=$IPV4ADDR
  break
done
[ -n "$ifc" ] && [ -n "$ip" ] ||
  { say "failed: no /run/net-*.conf: the initramfs did not configure the network"; exit 1; }
mac=$(cat "/sys/class/net/$ifc/address")
# The agent's nonces come from getrandom(), which blocks until the kernel's
# RNG is seeded; under TCG its jitter entropy takes seconds after the
# agent bound its port (seen: pxe-poweroff in try_to_generate_entropy).
# /dev/random blocks the same way: wait here, so that "ready" means the
# agent answers at once.
head -c 1 /dev/random >/dev/null
set -- listen -v -k /etc/pxekit/poweroff.key.pub --wol-interface "$ifc"
[ -n "$exec_cmd" ] && set -- "$@" --exec "$exec_cmd"
echo "pxekit-lab: starting pxe-poweroff $*"
{
  pxe-poweroff "$@" 2>&1
  echo "pxekit-lab: pxe-poweroff exited with status $?"
} | while IFS= read -r line; do
  echo "$line"
  case $line in
    # Its answer once a request came: armed, armed already, or not armed
    # and why (not its start-up line, which names the interface).
    *"Wake-on-LAN not armed"* | *"Wake-on-LAN (magic packet)"*) say "wol $ifc ${line#*Wake-on-LAN }" ;;
  esac
done &
# Its default port, as /proc/net/udp spells it.
port=$(printf ':%04X ' PORT)
i=0
while [ $i -lt 300 ]; do
  if grep -q "$port" /proc/net/udp /proc/net/udp6 2>/dev/null; then
    say "ready $ip $mac"
    wait
    exit 0
  fi
  i=$((i + 1))
  sleep 0.1
done
say "failed: pxe-poweroff is not listening on UDP PORT after 30 s"
EOF_AGENT
}

# lab_root_build DIR PXEKIT_BIN PUBKEY_FILE: the NFS root in DIR (created;
# an existing DIR must be empty or an earlier lab_root_build's, which is
# replaced): static busybox (busybox init as /sbin/init), PXEKIT_BIN's
# pxe-poweroff with its shared libraries, PUBKEY_FILE as the agent's key,
# and the scripts above. World-readable, to be exported read-only.
lab_root_build() {
  local dir=$1 bin=$2 pubkey=$3 busybox=/bin/busybox agent libs
  agent=$bin/pxe-poweroff
  [ $# = 3 ] || { lab_die "lab_root_build DIR PXEKIT_BIN PUBKEY_FILE"; return 1; }
  [ -x "$agent" ] || { lab_die "$agent is missing or not executable"; return 1; }
  [ -s "$pubkey" ] || { lab_die "$pubkey is missing or empty"; return 1; }
  [ -x "$busybox" ] || { lab_die "$busybox is missing (busybox-static)"; return 1; }
  if ldd "$busybox" >/dev/null 2>&1; then
    lab_die "$busybox is dynamically linked; the root needs busybox-static"
    return 1
  fi
  if [ -e "$dir" ]; then
    if [ -e "$dir/$LAB_ROOT_MARK" ]; then
      rm -rf "$dir" || return 1
    elif [ -n "$(ls -A "$dir" 2>/dev/null)" ]; then
      lab_die "$dir is not empty and not a lab root: not replacing it"
      return 1
    fi
  fi
  libs=$(_pxeboot_agent_libs "$agent") || return 1
  mkdir -p "$dir" && (cd "$dir" && mkdir -p dev proc sys run tmp var root mnt etc/pxekit) || return 1
  pxeboot_agent_files "$dir" "$agent" "$libs" || { lab_die "copying busybox and ${agent##*/} into $dir failed"; return 1; }
  # The initramfs's run-init executes /sbin/init: busybox init.
  ln -sf ../bin/busybox "$dir/sbin/init" || return 1
  _lab_root_inittab >"$dir/etc/inittab"
  _lab_root_rc >"$dir/etc/pxekit/lab-rc"
  _lab_root_agent | sed "s/PORT/$LAB_AGENT_PORT/g" >"$dir/etc/pxekit/lab-agent"
  printf 'root:x:0:0:root:/root:/bin/sh\n' >"$dir/etc/passwd"
  printf 'root:x:0:\n' >"$dir/etc/group"
  cp "$pubkey" "$dir$LAB_AGENT_KEY" || return 1
  chmod 755 "$dir/etc/pxekit/lab-rc" "$dir/etc/pxekit/lab-agent"
  : >"$dir/$LAB_ROOT_MARK"
  chmod -R a+rX "$dir" && chmod 755 "$dir"
  lab_say root "NFS root in $dir: busybox init, ${agent##*/} + $(wc -w <<<"$libs") libraries, ${pubkey##*/} ($(du -sh "$dir" | cut -f1))"
}
