# shellcheck shell=bash
# PXE-boots a QEMU VM inside a private network namespace: the shared harness of
# `make demo` (tests/support/demo.sh), the netns boot tests and
# tests/bench/boot.sh. Source it (bash), then, typically:
#
#   pxeboot_init                      # traps, scratch dir, checks packages
#   pxeboot_kernel && pxeboot_initrd  # cached vmlinuz and busybox initrd
#   pxeboot_netns_up                  # namespace, bridge, tap, 10.99.0.1/24
#   pxeboot_tftproot bios "$dir"      # pxelinux.0 + ldlinux.c32 + kernel + initrd
#   pxeboot_cfg_builtin bios "$dir" "console=ttyS0"   # or pxeboot_cfg_pxekit
#   pxeboot_servers_start dnsmasq "$dir"              # or pxekit
#   pxeboot_run bios                  # QEMU to the banner, stage by stage
#   echo "$PXEBOOT_CMDLINE"
#
# A VM that stays up and runs the power-off agent (pxeboot_kernel_modules,
# pxeboot_agent_initrd, pxeboot_vm_start ...) is described further down.
#
# Everything it creates (namespace, interfaces, processes, scratch files) is
# removed on exit, Ctrl-C included. Servers only ever run inside the
# namespace, bound to its bridge: nothing listens on a host interface.
#
# Settings (environment, read at source time):
#   PXEKIT_CACHE          kernel and initrd cache (/var/cache/pxekit-demo)
#   PXEKIT_KERNEL_META    Debian kernel metapackage (linux-image-cloud-amd64)
#   PXEKIT_BOOT_TIMEOUT   seconds QEMU may take to reach the banner (300)
#   PXEKIT_BOOT_NIC       QEMU NIC model with an iPXE ROM in ipxe-qemu (e1000)
#   PXEKIT_BIN            where pxe-dhcpd, pxe-tftpd, pxe-mkcfg are (build/bin)
#   PXEKIT_TEST_BIN       where the ra_beacon helper is (build/tests/bin)
#   PXEKIT_BOOT_RA        1: advertise "no IPv6 router" on the link (ra_beacon),
#                         which spares each boot iPXE's ~13 s wait for one; 0: don't
#   PXEKIT_ACCEL          kvm or tcg: QEMU's accelerator, instead of probing
#                         (pxeboot_accel); unset or empty: probe

PXEBOOT_SRC=${PXEKIT_SRC:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
PXEBOOT_BIN=${PXEKIT_BIN:-$PXEBOOT_SRC/build/bin}
PXEBOOT_TEST_BIN=${PXEKIT_TEST_BIN:-$PXEBOOT_SRC/build/tests/bin}
PXEBOOT_RA=${PXEKIT_BOOT_RA:-1}
PXEBOOT_CACHE=${PXEKIT_CACHE:-/var/cache/pxekit-demo}
PXEBOOT_KERNEL_META=${PXEKIT_KERNEL_META:-linux-image-cloud-amd64}
PXEBOOT_TIMEOUT=${PXEKIT_BOOT_TIMEOUT:-300}
PXEBOOT_NIC=${PXEKIT_BOOT_NIC:-e1000}
# The UEFI firmware: OVMF's code and the variable store each VM gets a copy
# of, QEMU's machine and any further arguments (tests/support/secureboot.sh
# sets Secure Boot's).
PXEBOOT_OVMF_CODE=/usr/share/OVMF/OVMF_CODE_4M.fd
PXEBOOT_OVMF_VARS=/usr/share/OVMF/OVMF_VARS_4M.fd
PXEBOOT_UEFI_MACHINE=q35
PXEBOOT_UEFI_QEMU_ARGS=()

# What the accelerator probe reads and runs (tests/cli/boot_accel.test points
# them at fakes).
PXEBOOT_QEMU=qemu-system-x86_64
PXEBOOT_CPUINFO=/proc/cpuinfo
PXEBOOT_KVM_DEV=/dev/kvm
PXEBOOT_PROBE_TIMEOUT=10
# The probe's decision, made once per run and exported so that a harness
# started from this one (and each later boot) reuses it: kvm or tcg; host or
# empty (QEMU's default CPU model); and why, in words.
export PXEBOOT_ACCEL=${PXEBOOT_ACCEL:-} PXEBOOT_ACCEL_CPU=${PXEBOOT_ACCEL_CPU:-}
export PXEBOOT_ACCEL_WHY=${PXEBOOT_ACCEL_WHY:-}

# The private network. Interface names only exist inside the namespace.
PXEBOOT_NETNS=""
PXEBOOT_BRIDGE=pxbr0
PXEBOOT_TAP=pxtap0
PXEBOOT_SERVER_IP=10.99.0.1
PXEBOOT_PREFIX_LEN=24
PXEBOOT_SUBNET=10.99.0.0/24
PXEBOOT_RANGE_LO=10.99.0.100
PXEBOOT_RANGE_HI=10.99.0.150
PXEBOOT_VM_MAC=52:54:00:99:00:10
# pxelinux asks for pxelinux.cfg/UUID first only when the VM has one.
PXEBOOT_VM_UUID=8a1d3c5e-0b7f-4e21-9c63-5d2f0a4b7e10

# Boot files, relative to the TFTP root. The GRUB layout is grub-mknetdir's
# default, which is also pxe-mkcfg grub's default --grub-prefix.
PXEBOOT_BIOS_FILE=pxelinux.0
PXEBOOT_GRUB_PREFIX=boot/grub
PXEBOOT_EFI_FILE=$PXEBOOT_GRUB_PREFIX/x86_64-efi/core.efi
PXEBOOT_KERNEL_NAME=vmlinuz
PXEBOOT_INITRD_NAME=initrd.gz

# Kernel arguments every boot of the harness starts with. panic=-1 with
# QEMU's -no-reboot: a kernel that fails ends the VM at once. no_timer_check:
# under TCG on a busy host the kernel's IO-APIC timer check can miss its
# window and panic ("IO-APIC + timer doesn't work!"); the check proves
# nothing about PXE.
PXEBOOT_KERNEL_ARGS="console=ttyS0 quiet panic=-1 no_timer_check"

# What the initrd's /init prints; the harness waits for these lines.
PXEBOOT_BANNER="pxekit-banner:"
PXEBOOT_CMDLINE_TAG="pxekit-cmdline:"

# Filled in by the functions below.
PXEBOOT_KERNEL=""       # cached vmlinuz
PXEBOOT_KERNEL_PKG=""   # "package version" it came from
PXEBOOT_INITRD=""       # cached initrd
PXEBOOT_WORK=""         # scratch dir for this run (logs, OVMF vars, leases)
PXEBOOT_SOURCES=()      # "STAGE:LOGFILE" the servers write, for pxeboot_run
PXEBOOT_TFTP_ROOT=""    # what they serve
PXEBOOT_SERVER_PIDS=()
PXEBOOT_HELPER_PIDS=()  # ra_beacon, for the namespace's lifetime
PXEBOOT_QEMU_PID=""
PXEBOOT_BANNER_LINE=""  # after pxeboot_run: the banner, the kernel's
PXEBOOT_CMDLINE=""      # /proc/cmdline, the seconds from QEMU's start to
PXEBOOT_SECONDS=""      # the banner, and whether QEMU powered off
PXEBOOT_POWERED_OFF=""
PXEBOOT_FAILURE=""      # after a failed pxeboot_run: why, in one line
PXEBOOT_NOTE=""         # after pxeboot_run: e.g. "retried under TCG after ..."
PXEBOOT_SERVERS_KIND="" # dnsmasq or pxekit while servers run
PXEBOOT_QUIET=""        # set to suppress the stage stream (benchmark)
PXEBOOT_DNSMASQ_ARGS=() # extra dnsmasq options, for experiments
PXEBOOT_DHCPD_ARGS=()   # extra pxe-dhcpd options (e.g. --arm64-filename)

PXEBOOT_PACKAGES_FILE=$PXEBOOT_SRC/tests/packages/boot.txt

PXEBOOT_T0=""  # EPOCHREALTIME in microseconds when QEMU started

pxeboot_say() {  # pxeboot_say STAGE TEXT: one line of the stage stream
  [ -n "$PXEBOOT_QUIET" ] && return 0
  if [ -n "$PXEBOOT_T0" ]; then
    local us=$((${EPOCHREALTIME/./} - PXEBOOT_T0))
    printf '[%3d.%ds] %-7s %s\n' $((us / 1000000)) $((us / 100000 % 10)) "$1" "$2"
  else
    printf '%-7s %s\n' "$1" "$2"
  fi
}

pxeboot_die() {
  echo "pxeboot: $*" >&2
  return 1
}

# pxeboot_apt_download DIR PACKAGE...: apt-get download PACKAGE... into the
# new directory DIR (apt downloads as _apt when it can write there; otherwise
# it warns). On a failure: apt's output on stderr, DIR removed, status 1.
pxeboot_apt_download() {
  local dir=$1
  shift
  id _apt >/dev/null 2>&1 && chown _apt "$dir"
  (cd "$dir" && apt-get download -q "$@" >"$dir/apt.log" 2>&1) && return 0
  cat "$dir/apt.log" >&2
  rm -rf "$dir"
  return 1
}

pxeboot_packages() {  # the Debian packages the boot needs, one a line
  sed -e 's/#.*//' "$PXEBOOT_PACKAGES_FILE" | tr -s ' \t' '\n\n' | sed '/^$/d'
}

# pxeboot_missing_tools BINDIR: the pxekit servers and config writer the boot
# needs that are not built in BINDIR, space-separated (empty when all are).
pxeboot_missing_tools() {
  local tool missing=()
  for tool in pxe-dhcpd pxe-tftpd pxe-mkcfg; do
    [ -x "$1/$tool" ] || missing+=("$tool")
  done
  echo "${missing[*]}"
}

# pxeboot_check_packages install|check: install what is missing (as root), or
# only report it. Returns non-zero when something is still missing.
pxeboot_check_packages() {
  # shellcheck disable=SC2046
  "$PXEBOOT_SRC/tests/support/packages.sh" "$1" $(pxeboot_packages)
}

# --- for the boot tests (after testlib.sh) ----------------------------------

# pxeboot_need_boot: skips the test, with the reason, unless a VM can boot
# here: network namespaces, /dev/net/tun, and the harness's Debian packages
# (installed when missing; the output in $SCRATCH/packages.log).
pxeboot_need_boot() {
  need_netns
  [ -c /dev/net/tun ] || skip "/dev/net/tun is missing: QEMU needs a tap device"
  pxeboot_check_packages install >"$SCRATCH/packages.log" 2>&1 ||
    skip "the Debian packages for the boot cannot be installed here: $(tr '\n' ' ' <"$SCRATCH/packages.log")"
}

# fail_now WHAT: a step before the boot failed: a test failure (exit 1),
# never a skip.
fail_now() {
  fail "$1"
  finish
  exit 1
}

# boot_budget N [RESERVE]: N, or less when fewer than N + RESERVE seconds are
# left of BUDGET (counted from the test's start); fails when none are.
boot_budget() {
  local left=$((BUDGET - SECONDS - ${2:-0}))
  [ "$left" -ge 1 ] || return 1
  echo $(($1 < left ? $1 : left))
}

# --- lifetime --------------------------------------------------------------

# _pxeboot_alive PID: PID exists and has not exited (a zombie has); as
# testlib's running, a lower-case state ("t (tracing stop)") counts too.
_pxeboot_alive() {
  local state
  state=$(sed -n 's/^State:[[:space:]]*\([A-Za-z]\).*/\1/p' "/proc/$1/status" 2>/dev/null)
  [ -n "$state" ] && [ "$state" != Z ] && [ "$state" != X ]
}

# pxeboot_reap PID WHAT: SIGTERM to PID (a child of this shell), then up to
# PXEBOOT_STOP_SECONDS (10) for it to exit, and it is reaped. A `wait` with
# no bound would hang the test until CTest's timeout, with nothing said
# about which process it waits for. If PID still runs then: what each of its
# threads waits in (the kernel's wchan and stack, and gdb's backtraces when
# gdb is installed), on stderr, then SIGKILL and status 1.
pxeboot_reap() {
  local pid=$1 what=$2 i task
  kill "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null; return 0; }
  for ((i = 0; i < ${PXEBOOT_STOP_SECONDS:-10} * 10; i++)); do
    _pxeboot_alive "$pid" || break
    sleep 0.1
  done
  if _pxeboot_alive "$pid"; then
    {
      echo "pxeboot: $what (pid $pid) still runs ${PXEBOOT_STOP_SECONDS:-10} s after SIGTERM; its threads:"
      for task in /proc/"$pid"/task/*; do
        echo "  thread ${task##*/} ($(cat "$task/comm" 2>/dev/null)), state $(sed -n 's/^State:[[:space:]]*//p' "$task/status" 2>/dev/null), in $(cat "$task/wchan" 2>/dev/null)"
        sed 's/^/    /' "$task/stack" 2>/dev/null
      done
      # Where in user space, when gdb is there (not a package the tests
      # need): the frames of every thread, bounded in time.
      if command -v gdb >/dev/null; then
        timeout 30 gdb -p "$pid" -batch -nx -ex "thread apply all bt 12" </dev/null 2>&1 |
          grep -E '^(Thread|#)' | sed 's/^/  /' | head -n 120
      fi
      echo "  pending signals: $(sed -n 's/^ShdPnd:[[:space:]]*//p' "/proc/$pid/status" 2>/dev/null), blocked: $(sed -n 's/^SigBlk:[[:space:]]*//p' "/proc/$pid/status" 2>/dev/null); SIGKILL now"
    } >&2
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    return 1
  fi
  wait "$pid" 2>/dev/null
  return 0
}

pxeboot_cleanup() {
  local pid
  if [ -n "$PXEBOOT_QEMU_PID" ]; then
    pxeboot_reap "$PXEBOOT_QEMU_PID" QEMU
    PXEBOOT_QEMU_PID=""
  fi
  for pid in "${PXEBOOT_SERVER_PIDS[@]}"; do
    pxeboot_reap "$pid" "a server"
  done
  PXEBOOT_SERVER_PIDS=()
  for pid in "${PXEBOOT_HELPER_PIDS[@]}"; do
    pxeboot_reap "$pid" "a helper"
  done
  PXEBOOT_HELPER_PIDS=()
  if [ -n "$PXEBOOT_NETNS" ]; then
    # Whatever still runs inside our own namespace is ours: stop it, so that
    # no server outlives the run (ip netns del does not end processes).
    for pid in $(ip netns pids "$PXEBOOT_NETNS" 2>/dev/null); do
      kill "$pid" 2>/dev/null
    done
    # Deleting the namespace would destroy its virtual links too; deleting
    # them first makes sure nothing outlives us even if a process lingers.
    ip -n "$PXEBOOT_NETNS" link del "$PXEBOOT_TAP" 2>/dev/null
    ip -n "$PXEBOOT_NETNS" link del "$PXEBOOT_BRIDGE" 2>/dev/null
    ip netns del "$PXEBOOT_NETNS" 2>/dev/null
    PXEBOOT_NETNS=""
  fi
  if [ -n "$PXEBOOT_WORK" ] && [ -z "${PXEKIT_KEEP_WORK:-}" ]; then
    rm -rf "$PXEBOOT_WORK"
  fi
  PXEBOOT_WORK=""
  return 0
}

# pxeboot_init: scratch dir, and cleanup on exit chained before whatever
# EXIT trap the caller (e.g. testlib.sh) already set; Ctrl-C and TERM exit
# through it.
pxeboot_init() {
  [ "$(id -u)" = 0 ] || { pxeboot_die "needs root (network namespaces, tap devices)"; return 1; }
  PXEBOOT_WORK=$(mktemp -d /tmp/pxekit-boot.XXXXXX) || return 1
  chmod 755 "$PXEBOOT_WORK"
  _pxeboot_prev_exit_trap=$(trap -p EXIT | sed -E "s/^trap -- '(.*)' EXIT$/\1/")
  # shellcheck disable=SC2016
  trap 'pxeboot_cleanup; eval "$_pxeboot_prev_exit_trap"' EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
}

# --- kernel and initrd -----------------------------------------------------

# pxeboot_kernel: sets PXEBOOT_KERNEL to a vmlinuz unpacked from the Debian
# kernel package that PXEKIT_KERNEL_META depends on, downloaded once with
# `apt-get download` and cached per package version. Offline, it falls back
# to the newest cached kernel.
pxeboot_kernel() {
  local pkg="" ver="" dir tmp deb
  if pxeboot_kernel_resolve "$PXEBOOT_KERNEL_META"; then
    pkg=${PXEBOOT_RESOLVED% *} ver=${PXEBOOT_RESOLVED#* }
  fi
  if [ -z "$pkg" ]; then
    dir=$(ls -1dt "$PXEBOOT_CACHE"/kernel/*/ 2>/dev/null | head -n1)
    [ -n "$dir" ] && [ -s "$dir/vmlinuz" ] ||
      { pxeboot_die "cannot resolve $PXEBOOT_KERNEL_META with apt-cache, and no kernel is cached"; return 1; }
    dir=${dir%/}
  else
    dir=$PXEBOOT_CACHE/kernel/${pkg}_$ver
  fi
  if [ ! -s "$dir/vmlinuz" ]; then
    mkdir -p "$PXEBOOT_CACHE/kernel" || return 1
    tmp=$(mktemp -d "$PXEBOOT_CACHE/kernel/.download.XXXXXX") || return 1
    pxeboot_say kernel "downloading $pkg $ver (apt-get download)"
    pxeboot_apt_download "$tmp" "$pkg=$ver" ||
      { pxeboot_die "apt-get download $pkg=$ver failed"; return 1; }
    deb=$(ls "$tmp"/*.deb)
    if ! dpkg-deb --fsys-tarfile "$deb" | tar -xO --wildcards './boot/vmlinuz-*' >"$tmp/vmlinuz" ||
      [ ! -s "$tmp/vmlinuz" ]; then
      rm -rf "$tmp"
      pxeboot_die "no ./boot/vmlinuz-* in $deb"
      return 1
    fi
    echo "$pkg $ver" >"$tmp/package"
    rm -f "$deb" "$tmp/apt.log"
    chmod 755 "$tmp" && chmod 644 "$tmp/vmlinuz" "$tmp/package"
    # Another run may have won the race; either copy is the same file.
    mv -T "$tmp" "$dir" 2>/dev/null || rm -rf "$tmp"
  fi
  PXEBOOT_KERNEL=$dir/vmlinuz
  PXEBOOT_KERNEL_PKG=$(cat "$dir/package")
  pxeboot_say kernel "$PXEBOOT_KERNEL_PKG ($(du -h "$PXEBOOT_KERNEL" | cut -f1), cached in $dir)"
}

# pxeboot_locked LOCKFILE CMD...: runs CMD (a function may set globals) while
# it holds LOCKFILE (flock, 15 minutes at most), so that concurrent runs
# filling one cache wait for each other; returns CMD's status, or 1.
pxeboot_locked() {
  local lock=$1 lockfd rc
  shift
  exec {lockfd}>"$lock" || return 1
  if ! flock -w 900 "$lockfd"; then
    exec {lockfd}>&-
    pxeboot_die "another run holds $lock for 15 minutes"
    return 1
  fi
  "$@"
  rc=$?
  exec {lockfd}>&-
  return $rc
}

# pxeboot_kernel_resolve META: sets PXEBOOT_RESOLVED to "package version",
# the versioned linux-image-* package Debian's kernel metapackage META
# depends on and its candidate version (apt-get update once if apt-cache
# does not know it yet); fails, setting nothing, when apt cannot tell
# (offline, no lists). Also the lab's kernel (tests/support/lab_image.sh).
PXEBOOT_RESOLVED=""
pxeboot_kernel_resolve() {
  local meta=$1 pkg ver
  PXEBOOT_RESOLVED=""
  pkg=$(apt-cache depends "$meta" 2>/dev/null | awk '/Depends: linux-image-/ { print $2; exit }')
  if [ -z "$pkg" ]; then
    apt-get update -qq >/dev/null 2>&1
    pkg=$(apt-cache depends "$meta" 2>/dev/null | awk '/Depends: linux-image-/ { print $2; exit }')
  fi
  [ -n "$pkg" ] || return 1
  ver=$(apt-cache policy "$pkg" | awk '/Candidate:/ { print $2 }')
  [ -n "$ver" ] && [ "$ver" != "(none)" ] || return 1
  PXEBOOT_RESOLVED="$pkg $ver"
}

# The initrd's /init: report, then power off so that QEMU exits by itself.
pxeboot_init_script() {
  cat <<'EOF'
#!/bin/sh
mount -t proc proc /proc
mount -t sysfs sysfs /sys
echo "pxekit-banner: Linux $(uname -r) booted over PXE"
echo "pxekit-cmdline: $(cat /proc/cmdline)"
poweroff -f
EOF
}

# pxeboot_cpio DIR: the tree under DIR as a gzip'd newc cpio on stdout, the
# entries in the same order for the same tree (sorted), owned by root.
pxeboot_cpio() {
  (cd "$1" && find . | LC_ALL=C sort | cpio --quiet -o -H newc -R 0:0 --reproducible | gzip -9n)
}

# _pxeboot_initrd_install TMP OUT: TMP/root packed (pxeboot_cpio) and put in
# place as OUT; TMP is removed either way.
_pxeboot_initrd_install() {
  local tmp=$1 out=$2
  pxeboot_cpio "$tmp/root" >"$tmp/initrd.gz" || { rm -rf "$tmp"; return 1; }
  chmod 644 "$tmp/initrd.gz"
  mv -f "$tmp/initrd.gz" "$out"
  rm -rf "$tmp"
}

# pxeboot_initrd [BUSYBOX]: sets PXEBOOT_INITRD to a gzip'd newc cpio holding
# a static busybox (the host's /bin/busybox, or BUSYBOX: another
# architecture's) and the /init above, cached under a hash of both.
pxeboot_initrd() {
  local busybox=${1:-/bin/busybox} key out tmp applet
  [ -x "$busybox" ] || { pxeboot_die "$busybox is missing (busybox-static)"; return 1; }
  if ldd "$busybox" >/dev/null 2>&1; then
    pxeboot_die "$busybox is dynamically linked; the initrd needs busybox-static"
    return 1
  fi
  key=$({ pxeboot_init_script; cat "$busybox"; } | sha256sum | cut -c1-16)
  out=$PXEBOOT_CACHE/initrd-$key.gz
  if [ ! -s "$out" ]; then
    mkdir -p "$PXEBOOT_CACHE" || return 1
    tmp=$(mktemp -d "$PXEBOOT_CACHE/.initrd.XXXXXX") || return 1
    mkdir -p "$tmp/root/bin" "$tmp/root/dev" "$tmp/root/proc" "$tmp/root/sys"
    cp "$busybox" "$tmp/root/bin/busybox"
    for applet in sh mount cat echo uname poweroff; do
      ln -s busybox "$tmp/root/bin/$applet"
    done
    pxeboot_init_script >"$tmp/root/init"
    chmod 755 "$tmp/root/init"
    # The kernel opens /dev/console for init before anything is mounted.
    mknod -m 600 "$tmp/root/dev/console" c 5 1
    _pxeboot_initrd_install "$tmp" "$out" || { pxeboot_die "building the initrd failed"; return 1; }
  fi
  PXEBOOT_INITRD=$out
  pxeboot_say initrd "busybox initrd ($(du -h "$out" | cut -f1), cached as $out)"
}

# --- network ----------------------------------------------------------------

# pxeboot_netns_up [NAME]: a namespace holding bridge PXEBOOT_BRIDGE with
# PXEBOOT_SERVER_IP, and tap PXEBOOT_TAP enslaved to it for QEMU.
pxeboot_netns_up() {
  local ns=${1:-pxk-boot-$$}
  ip netns add "$ns" || return 1
  PXEBOOT_NETNS=$ns
  ip -n "$ns" link set lo up &&
    ip -n "$ns" link add "$PXEBOOT_BRIDGE" type bridge stp_state 0 forward_delay 0 &&
    ip -n "$ns" tuntap add dev "$PXEBOOT_TAP" mode tap &&
    ip -n "$ns" link set "$PXEBOOT_TAP" master "$PXEBOOT_BRIDGE" &&
    ip -n "$ns" addr add "$PXEBOOT_SERVER_IP/$PXEBOOT_PREFIX_LEN" dev "$PXEBOOT_BRIDGE" &&
    ip -n "$ns" link set "$PXEBOOT_TAP" up &&
    ip -n "$ns" link set "$PXEBOOT_BRIDGE" up || {
    pxeboot_die "setting up namespace $ns failed"
    return 1
  }
  pxeboot_say netns "namespace $ns: $PXEBOOT_BRIDGE $PXEBOOT_SERVER_IP/$PXEBOOT_PREFIX_LEN, tap $PXEBOOT_TAP for QEMU"
  [ "$PXEBOOT_RA" = 1 ] || return 0
  # iPXE runs IPv6 autoconfiguration beside DHCPv4 and waits for a router
  # advertisement before it loads anything; without one, ~13 s per boot.
  if [ -x "$PXEBOOT_TEST_BIN/ra_beacon" ]; then
    # The bridge's link-local address is the RA's source: skip DAD's delay.
    ip netns exec "$ns" sysctl -qw "net.ipv6.conf.$PXEBOOT_BRIDGE.accept_dad=0"
    ip netns exec "$ns" "$PXEBOOT_TEST_BIN/ra_beacon" --seconds 3600 "$PXEBOOT_BRIDGE" \
      </dev/null >"$PXEBOOT_WORK/ra_beacon.log" 2>&1 &
    PXEBOOT_HELPER_PIDS+=($!)
    pxeboot_say netns "ra_beacon on $PXEBOOT_BRIDGE: IPv6 RAs announcing no router (iPXE stops waiting for one)"
  else
    pxeboot_say netns "no $PXEBOOT_TEST_BIN/ra_beacon: each boot waits ~13 s for an IPv6 router (iPXE)"
  fi
}

# pxeboot_in_ns CMD...: run inside the namespace, in the foreground. Start
# background processes with `ip netns exec "$PXEBOOT_NETNS" CMD &` instead:
# `ip netns exec` execs CMD, so $! is CMD itself and can be killed, whereas a
# function run with & is a subshell whose child would outlive its kill.
pxeboot_in_ns() {
  ip netns exec "$PXEBOOT_NETNS" "$@"
}

# --- TFTP root and boot configs ----------------------------------------------

# pxeboot_tftproot bios|uefi DIR: the boot loader, the kernel and the initrd.
# Everything is world-readable: TFTP servers drop root (tftpd-hpa's rule).
pxeboot_tftproot() {
  local firmware=$1 root=$2 syslinux=/usr/lib/syslinux/modules/bios
  mkdir -p "$root" || return 1
  case $firmware in
    bios)
      cp /usr/lib/PXELINUX/pxelinux.0 "$syslinux/ldlinux.c32" "$root/" || return 1
      # Menu configs (pxe-mkcfg --menu) need these beside ldlinux.c32.
      cp "$syslinux/menu.c32" "$syslinux/libutil.c32" "$root/" || return 1
      ;;
    uefi)
      # core.efi with the network modules built in; the prefix is
      # (tftp,SERVER)/boot/grub, where it reads grub.cfg-01-MAC,
      # grub.cfg-HEXIP..., then grub.cfg, and loads further modules.
      grub-mknetdir --net-directory="$root" --subdir="$PXEBOOT_GRUB_PREFIX" \
        -d /usr/lib/grub/x86_64-efi >"$root/.mknetdir.log" 2>&1 || {
        cat "$root/.mknetdir.log" >&2
        pxeboot_die "grub-mknetdir failed"
        return 1
      }
      rm -f "$root/.mknetdir.log"
      [ -s "$root/$PXEBOOT_EFI_FILE" ] || { pxeboot_die "grub-mknetdir wrote no $PXEBOOT_EFI_FILE"; return 1; }
      ;;
    *) pxeboot_die "unknown firmware '$firmware' (bios or uefi)"; return 1 ;;
  esac
  cp "$PXEBOOT_KERNEL" "$root/$PXEBOOT_KERNEL_NAME" &&
    cp "$PXEBOOT_INITRD" "$root/$PXEBOOT_INITRD_NAME" || return 1
  chmod -R a+rX "$root"
}

# pxeboot_cfg_builtin bios|uefi ROOT APPEND: the harness's own config, for
# the dnsmasq runs (pxekit's runs use pxe-mkcfg instead).
pxeboot_cfg_builtin() {
  local firmware=$1 root=$2 append=$3
  case $firmware in
    bios)
      mkdir -p "$root/pxelinux.cfg"
      # initrd= in APPEND, as pxe-mkcfg writes it: with an INITRD line
      # pxelinux would append initrd= to the command line the kernel gets.
      printf '%s\n' "DEFAULT pxekit" "LABEL pxekit" "  KERNEL $PXEBOOT_KERNEL_NAME" \
        "  APPEND initrd=$PXEBOOT_INITRD_NAME $append" >"$root/pxelinux.cfg/default"
      chmod -R a+rX "$root/pxelinux.cfg"
      ;;
    uefi)
      mkdir -p "$root/$PXEBOOT_GRUB_PREFIX"
      printf '%s\n' "set timeout=0" "menuentry pxekit {" \
        "  linux /$PXEBOOT_KERNEL_NAME $append" "  initrd /$PXEBOOT_INITRD_NAME" "}" \
        >"$root/$PXEBOOT_GRUB_PREFIX/grub.cfg"
      chmod a+r "$root/$PXEBOOT_GRUB_PREFIX/grub.cfg"
      ;;
  esac
}

# pxeboot_cfg_pxekit bios|uefi ROOT APPEND: the config written by pxe-mkcfg
# (issue 5's interface).
pxeboot_cfg_pxekit() {
  local firmware=$1 root=$2 append=$3 sub
  case $firmware in
    bios) sub=pxelinux ;;
    uefi) sub=grub ;;
  esac
  "$PXEBOOT_BIN/pxe-mkcfg" "$sub" --root "$root" --label pxekit \
    --kernel "$PXEBOOT_KERNEL_NAME" --initrd "$PXEBOOT_INITRD_NAME" --append "$append" || {
    pxeboot_die "pxe-mkcfg $sub failed"
    return 1
  }
  chmod -R a+rX "$root"
  pxeboot_say config "pxe-mkcfg $sub wrote $(pxeboot_cfg_file "$firmware" "$root" | sed "s|^$root/||")"
}

pxeboot_cfg_file() {  # pxeboot_cfg_file bios|uefi ROOT: the default config's path
  case $1 in
    bios) echo "$2/pxelinux.cfg/default" ;;
    uefi) echo "$2/$PXEBOOT_GRUB_PREFIX/grub.cfg" ;;
  esac
}

# pxeboot_cfg_append bios|uefi ROOT: the kernel arguments the default config
# gives (the first APPEND, or the first `linux PATH ARGS`), read back from
# the file so that a test compares with what was really written.
pxeboot_cfg_append() {
  local file
  file=$(pxeboot_cfg_file "$1" "$2")
  case $1 in
    bios) sed -nE 's/^[[:space:]]*[Aa][Pp][Pp][Ee][Nn][Dd][[:space:]]+(.*[^[:space:]])[[:space:]]*$/\1/p' "$file" | head -n1 ;;
    uefi) sed -nE 's/^[[:space:]]*linux(efi)?[[:space:]]+[^[:space:]]+[[:space:]]+(.*[^[:space:]])[[:space:]]*$/\2/p' "$file" | head -n1 ;;
  esac
}

# pxeboot_cmdline_args CMDLINE: the command line less the BOOT_IMAGE= word
# that pxelinux and GRUB put in front of what the config says.
pxeboot_cmdline_args() {
  local word out=()
  for word in $1; do
    case $word in
      BOOT_IMAGE=*) ;;
      *) out+=("$word") ;;
    esac
  done
  echo "${out[*]}"
}

# --- servers ----------------------------------------------------------------

# pxeboot_servers_start dnsmasq|pxekit ROOT: DHCP and TFTP inside the
# namespace, on the bridge only, serving PXEBOOT_BIOS_FILE to BIOS clients
# and PXEBOOT_EFI_FILE to x64 UEFI ones (arch 7 and 9). Fills
# PXEBOOT_SOURCES with the logs pxeboot_run streams.
pxeboot_servers_start() {
  local kind=$1 root=$2
  [ -n "$PXEBOOT_NETNS" ] || { pxeboot_die "pxeboot_netns_up first"; return 1; }
  PXEBOOT_TFTP_ROOT=$root
  PXEBOOT_SERVERS_KIND=$kind
  case $kind in
    dnsmasq) _pxeboot_start_dnsmasq "$root" ;;
    pxekit) _pxeboot_start_pxekit "$root" ;;
    *) PXEBOOT_SERVERS_KIND=""; pxeboot_die "unknown servers '$kind' (dnsmasq or pxekit)"; return 1 ;;
  esac || return 1
  _pxeboot_wait_ports "$kind"
}

_pxeboot_start_dnsmasq() {
  local root=$1 log=$PXEBOOT_WORK/dnsmasq.log
  # No config file, no DNS (--port=0), only the namespace's bridge.
  ip netns exec "$PXEBOOT_NETNS" dnsmasq --conf-file=/dev/null --keep-in-foreground --log-facility=- \
    --port=0 --no-resolv --no-hosts \
    --interface="$PXEBOOT_BRIDGE" --bind-interfaces \
    --pid-file="$PXEBOOT_WORK/dnsmasq.pid" \
    --dhcp-leasefile="$PXEBOOT_WORK/dnsmasq.leases" \
    --dhcp-authoritative \
    --dhcp-range="$PXEBOOT_RANGE_LO,$PXEBOOT_RANGE_HI,255.255.255.0,1h" \
    --dhcp-match=set:efi64,option:client-arch,7 \
    --dhcp-match=set:efi64,option:client-arch,9 \
    --dhcp-boot=tag:efi64,"$PXEBOOT_EFI_FILE",,"$PXEBOOT_SERVER_IP" \
    --dhcp-boot=tag:!efi64,"$PXEBOOT_BIOS_FILE",,"$PXEBOOT_SERVER_IP" \
    --enable-tftp --tftp-root="$root" \
    "${PXEBOOT_DNSMASQ_ARGS[@]}" </dev/null >"$log" 2>&1 &
  PXEBOOT_SERVER_PIDS+=($!)
  # One log for both; the stage is told from dnsmasq's own tag.
  PXEBOOT_SOURCES=("dnsmasq:$log")
  pxeboot_say servers "dnsmasq $(dnsmasq --version | head -n1 | awk '{print $3}') (DHCP+TFTP) in $PXEBOOT_NETNS on $PXEBOOT_BRIDGE"
}

_pxeboot_start_pxekit() {
  local root=$1 tool
  for tool in pxe-dhcpd pxe-tftpd; do
    [ -x "$PXEBOOT_BIN/$tool" ] || { pxeboot_die "$PXEBOOT_BIN/$tool is missing"; return 1; }
  done
  # Issue 4's flags: no config file, one subnet on the bridge.
  pxeboot_serve "$PXEBOOT_WORK/pxe-dhcpd.log" pxe-dhcpd -v \
    --interface "$PXEBOOT_BRIDGE" \
    --subnet "$PXEBOOT_SUBNET" --range "$PXEBOOT_RANGE_LO-$PXEBOOT_RANGE_HI" \
    --next-server "$PXEBOOT_SERVER_IP" \
    --filename "$PXEBOOT_BIOS_FILE" --efi-filename "$PXEBOOT_EFI_FILE" \
    --lease-file "$PXEBOOT_WORK/dhcpd.leases" "${PXEBOOT_DHCPD_ARGS[@]}"
  # Issue 3's flags: bound to the bridge's address only.
  pxeboot_serve "$PXEBOOT_WORK/pxe-tftpd.log" pxe-tftpd -a "$PXEBOOT_SERVER_IP:69" "$root"
  PXEBOOT_SOURCES=("dhcp:$PXEBOOT_WORK/pxe-dhcpd.log" "tftp:$PXEBOOT_WORK/pxe-tftpd.log")
  pxeboot_say servers "pxe-dhcpd + pxe-tftpd in $PXEBOOT_NETNS on $PXEBOOT_BRIDGE"
}

# pxeboot_serve LOG PROGRAM ARG...: PROGRAM (from PXEBOOT_BIN) started in the
# background in the namespace, its output in LOG and its PID in
# PXEBOOT_SERVER_PIDS (stopped by pxeboot_servers_stop and the cleanup).
pxeboot_serve() {
  local log=$1 program=$2
  shift 2
  ip netns exec "$PXEBOOT_NETNS" "$PXEBOOT_BIN/$program" "$@" </dev/null >"$log" 2>&1 &
  PXEBOOT_SERVER_PIDS+=($!)
}

# Wait (at most 10 s) until something listens on UDP 67 and 69 in the
# namespace, and the servers are still alive.
_pxeboot_wait_ports() {
  local i pid listening
  for i in $(seq 100); do
    for pid in "${PXEBOOT_SERVER_PIDS[@]}"; do
      if ! kill -0 "$pid" 2>/dev/null; then
        _pxeboot_dump_logs
        pxeboot_die "$1 servers exited at start"
        return 1
      fi
    done
    listening=$(pxeboot_in_ns ss -Hlun 2>/dev/null | awk '{ print $4 }')
    if grep -qE ':67$' <<<"$listening" && grep -qE ':69$' <<<"$listening"; then
      return 0
    fi
    sleep 0.1
  done
  _pxeboot_dump_logs
  pxeboot_die "$1 servers are not listening on UDP 67 and 69 after 10 s"
  return 1
}

# pxeboot_servers_stop: ends the servers (pxeboot_reap). A server that
# SIGTERM does not end is a failure of the test (testlib's fail) and status 1.
pxeboot_servers_stop() {
  local pid what status=0
  for pid in "${PXEBOOT_SERVER_PIDS[@]}"; do
    what=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)
    what=${what%% *}
    if ! pxeboot_reap "$pid" "${what##*/}"; then
      status=1
      if declare -F fail >/dev/null; then
        fail "${what##*/} (pid $pid) did not exit on SIGTERM (its threads above)"
      fi
    fi
  done
  PXEBOOT_SERVER_PIDS=()
  PXEBOOT_SOURCES=()
  PXEBOOT_SERVERS_KIND=""
  return $status
}

# pxeboot_servers_start_ipxe ROOT SCRIPT_URL [PXE-TFTPD OPTION...]: like
# pxeboot_servers_start pxekit, but pxe-dhcpd answers iPXE's user class with
# SCRIPT_URL (--ipxe-script; tftp:// or http://) and no UEFI file, and
# pxe-tftpd gets the extra options. Waits for UDP 67 and 69 the same way.
pxeboot_servers_start_ipxe() {
  local root=$1 script=$2
  shift 2
  [ -n "$PXEBOOT_NETNS" ] || { pxeboot_die "pxeboot_netns_up first"; return 1; }
  pxeboot_serve "$PXEBOOT_WORK/pxe-dhcpd.log" pxe-dhcpd -v \
    --interface "$PXEBOOT_BRIDGE" \
    --subnet "$PXEBOOT_SUBNET" --range "$PXEBOOT_RANGE_LO-$PXEBOOT_RANGE_HI" \
    --next-server "$PXEBOOT_SERVER_IP" --filename "$PXEBOOT_BIOS_FILE" \
    --ipxe-script "$script" \
    --lease-file "$PXEBOOT_WORK/dhcpd.leases"
  pxeboot_serve "$PXEBOOT_WORK/pxe-tftpd.log" pxe-tftpd "$@" -a "$PXEBOOT_SERVER_IP:69" "$root"
  PXEBOOT_TFTP_ROOT=$root
  PXEBOOT_SOURCES=("dhcp:$PXEBOOT_WORK/pxe-dhcpd.log" "tftp:$PXEBOOT_WORK/pxe-tftpd.log")
  _pxeboot_wait_ports "pxe-dhcpd --ipxe-script and pxe-tftpd"
}

# --- accelerator -------------------------------------------------------------
#
# A writable /dev/kvm is not proof that a guest boots: inside a nested VM,
# `-accel kvm -cpu host` aborts at once ("kvm_buf_set_msrs: Assertion"), and a
# software hypervisor module (kvm_pvm: no vmx/svm in /proc/cpuinfo) runs
# firmware but stalls or dies ("KVM internal error ... emulation failure") in
# a stock kernel. So KVM is used only when the CPU offers hardware
# virtualization AND a short QEMU run under KVM executes guest code; TCG
# otherwise.

# _pxeboot_probe_image FILE: a boot sector that writes 0x2a to QEMU's
# isa-debug-exit port 0xf4, which makes QEMU exit with (0x2a << 1) | 1 = 85:
# that status proves the guest ran (firmware included) under the accelerator.
_pxeboot_probe_image() {
  # mov al,0x2a; out 0xf4,al; cli; hlt; jmp $-1; zeros; 0x55 0xaa
  { printf '\260\052\346\364\372\364\353\375'; head -c 502 /dev/zero; printf '\125\252'; } >"$1"
}
PXEBOOT_PROBE_OK=85

# _pxeboot_probe ACCEL [CPU]: one short QEMU run (bounded by
# PXEBOOT_PROBE_TIMEOUT). Returns 0 when the guest ran; otherwise sets
# PXEBOOT_PROBE_ERROR to QEMU's last line of output (or what happened).
_pxeboot_probe() {
  local accel=$1 cpu=${2-} dir out rc args=()
  PXEBOOT_PROBE_ERROR=""
  dir=$(mktemp -d /tmp/pxekit-probe.XXXXXX) || { PXEBOOT_PROBE_ERROR="mktemp failed"; return 1; }
  _pxeboot_probe_image "$dir/probe.img"
  args=(-accel "$accel")
  [ -n "$cpu" ] && args+=(-cpu "$cpu")
  # The braces' 2>/dev/null keeps bash's own "Aborted" notice (QEMU's
  # assertion) out of the harness's output: QEMU's last line says it better.
  {
    timeout -k 2 "$PXEBOOT_PROBE_TIMEOUT" "$PXEBOOT_QEMU" -machine pc "${args[@]}" -m 32 \
      -nodefaults -no-user-config -display none -vga none -monitor none -serial none -no-reboot \
      -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
      -drive "file=$dir/probe.img,format=raw,if=ide" </dev/null >"$dir/out" 2>&1
    rc=$?
  } 2>/dev/null
  out=$(sed '/^[[:space:]]*$/d' "$dir/out" | tail -n1)
  rm -rf "$dir"
  [ "$rc" = "$PXEBOOT_PROBE_OK" ] && return 0
  case $rc in
    124 | 137) PXEBOOT_PROBE_ERROR="the guest did not finish in ${PXEBOOT_PROBE_TIMEOUT}s" ;;
    *) PXEBOOT_PROBE_ERROR=${out:-"exit status $rc, no output"} ;;
  esac
  return 1
}

# _pxeboot_kvm_usable: /dev/kvm (PXEBOOT_KVM_DEV) exists and this user may
# open it; else prints why not.
_pxeboot_kvm_usable() {
  if [ ! -e "$PXEBOOT_KVM_DEV" ]; then
    echo "no $PXEBOOT_KVM_DEV"
    return 1
  fi
  if [ ! -r "$PXEBOOT_KVM_DEV" ] || [ ! -w "$PXEBOOT_KVM_DEV" ]; then
    echo "$PXEBOOT_KVM_DEV is not readable and writable by $(id -un)"
    return 1
  fi
}

# pxeboot_accel_decide: the decision, made afresh from PXEKIT_ACCEL,
# PXEBOOT_CPUINFO, PXEBOOT_KVM_DEV and PXEBOOT_QEMU. Sets PXEBOOT_ACCEL,
# PXEBOOT_ACCEL_CPU and PXEBOOT_ACCEL_WHY; returns non-zero (with a message)
# only for a PXEKIT_ACCEL that cannot be honoured.
pxeboot_accel_decide() {
  local why flags
  PXEBOOT_ACCEL="" PXEBOOT_ACCEL_CPU="" PXEBOOT_ACCEL_WHY=""
  case ${PXEKIT_ACCEL:-} in
    tcg)
      PXEBOOT_ACCEL=tcg PXEBOOT_ACCEL_WHY="PXEKIT_ACCEL=tcg"
      return 0
      ;;
    kvm)
      why=$(_pxeboot_kvm_usable) || { pxeboot_die "PXEKIT_ACCEL=kvm, but $why"; return 1; }
      PXEBOOT_ACCEL=kvm
      if _pxeboot_probe kvm host; then
        PXEBOOT_ACCEL_CPU=host PXEBOOT_ACCEL_WHY="PXEKIT_ACCEL=kvm; -cpu host passed the probe"
      else
        PXEBOOT_ACCEL_WHY="PXEKIT_ACCEL=kvm; QEMU's default CPU model, as -cpu host failed the probe: $PXEBOOT_PROBE_ERROR"
      fi
      return 0
      ;;
    "") ;;
    *)
      pxeboot_die "PXEKIT_ACCEL='$PXEKIT_ACCEL': must be kvm or tcg (unset: probe for the one that works)"
      return 1
      ;;
  esac
  PXEBOOT_ACCEL=tcg
  if [ ! -r "$PXEBOOT_CPUINFO" ]; then
    PXEBOOT_ACCEL_WHY="cannot read $PXEBOOT_CPUINFO"
    return 0
  fi
  flags=$(grep -m1 -E '^flags[[:space:]]*:' "$PXEBOOT_CPUINFO" | grep -owE 'vmx|svm' | head -n1)
  if [ -z "$flags" ]; then
    PXEBOOT_ACCEL_WHY="no hardware virtualization (no vmx or svm in $PXEBOOT_CPUINFO)"
    [ -e "$PXEBOOT_KVM_DEV" ] &&
      PXEBOOT_ACCEL_WHY+="; $PXEBOOT_KVM_DEV without them is a software hypervisor (such as kvm_pvm), on which stock kernels stall or die"
    return 0
  fi
  if ! why=$(_pxeboot_kvm_usable); then
    PXEBOOT_ACCEL_WHY="the CPU has $flags, but $why"
    return 0
  fi
  if _pxeboot_probe kvm host; then
    PXEBOOT_ACCEL=kvm PXEBOOT_ACCEL_CPU=host
    PXEBOOT_ACCEL_WHY="the CPU has $flags and a QEMU probe with -accel kvm -cpu host ran"
    return 0
  fi
  why=$PXEBOOT_PROBE_ERROR
  if _pxeboot_probe kvm; then
    PXEBOOT_ACCEL=kvm
    PXEBOOT_ACCEL_WHY="the CPU has $flags; -cpu host failed the probe ($why), QEMU's default CPU model ran"
    return 0
  fi
  PXEBOOT_ACCEL_WHY="the CPU has $flags, but the QEMU probe under KVM failed: with -cpu host: $why; with the default CPU model: $PXEBOOT_PROBE_ERROR"
}

# pxeboot_accel: decides once per run (the decision is exported, so a second
# call, or a harness started from this one, reuses it) and says which and why.
pxeboot_accel() {
  if [ -n "$PXEBOOT_ACCEL" ]; then
    pxeboot_say accel "$(pxeboot_accel_name): $PXEBOOT_ACCEL_WHY (decided earlier in this run)"
    return 0
  fi
  pxeboot_accel_decide || return 1
  pxeboot_say accel "$(pxeboot_accel_name): $PXEBOOT_ACCEL_WHY"
}

pxeboot_accel_name() {  # e.g. "kvm -cpu host", "kvm", "tcg"
  echo "$PXEBOOT_ACCEL${PXEBOOT_ACCEL_CPU:+ -cpu $PXEBOOT_ACCEL_CPU}"
}

pxeboot_accel_args() {  # QEMU's arguments for the decision, one a line
  echo -accel
  echo "$PXEBOOT_ACCEL"
  [ -n "$PXEBOOT_ACCEL_CPU" ] && printf '%s\n' -cpu "$PXEBOOT_ACCEL_CPU"
  return 0
}

# --- the VM -----------------------------------------------------------------

# Classifies one server log line for the stage stream: prints "STAGE TEXT",
# or nothing for lines that are not worth a stage.
_pxeboot_classify() {
  local source=$1 line=$2
  case $source in
    dnsmasq)
      # Only the exchanges, not the start-up summary; paths relative to
      # the TFTP root, as a client names them.
      line=${line//"$PXEBOOT_TFTP_ROOT/"/}
      case $line in
        *dnsmasq-dhcp*": DHCP"[A-Z]*"("*) echo "dhcp ${line#*dnsmasq-dhcp*: }" ;;
        *dnsmasq-tftp*": sent "* | *dnsmasq-tftp*" not found "* | *dnsmasq-tftp*" failed "* | \
          *dnsmasq-tftp*"error "*) echo "tftp ${line#*dnsmasq-tftp*: }" ;;
      esac
      ;;
    *) echo "$source $line" ;;
  esac
}

_pxeboot_dump_logs() {
  local source file
  for source in "${PXEBOOT_SOURCES[@]}" "serial:$PXEBOOT_WORK/serial.log" "qemu:$PXEBOOT_WORK/qemu.log"; do
    file=${source#*:}
    [ -s "$file" ] || continue
    echo "--- last lines of $file" >&2
    tail -n 25 "$file" | tr -d '\r' >&2
  done
}

# QEMU's own words for a guest that KVM could not run (QEMU then pauses the
# VM and keeps running, so the harness must notice and stop it).
PXEBOOT_KVM_ERROR_RE='KVM internal error|emulation failure'

# pxeboot_run bios|uefi|arm64: boots QEMU from the network, streams the stages, and
# returns 0 once the banner and the command line were printed and the VM
# powered itself off. Bounded by PXEKIT_BOOT_TIMEOUT. The accelerator is
# pxeboot_accel's; a guest that dies with a KVM internal error is reported
# as such and booted once more under TCG (which the rest of the run keeps).
# On failure PXEBOOT_FAILURE says why in one line: "QEMU failed: <its last
# line>", "KVM internal error: ...", "no banner after Ns", ...
pxeboot_run() {
  local firmware=$1
  PXEBOOT_FAILURE="" PXEBOOT_NOTE=""
  case $firmware in
    bios | uefi | arm64) ;;
    *) pxeboot_die "unknown firmware '$firmware' (bios, uefi or arm64)"; return 1 ;;
  esac
  if [ -z "$PXEBOOT_ACCEL" ]; then
    pxeboot_accel || { PXEBOOT_FAILURE="no accelerator: see above"; return 1; }
  fi
  local t0=$SECONDS
  _pxeboot_run_once "$firmware" && return 0
  case $PXEBOOT_FAILURE in
    "KVM internal error"*) [ "$PXEBOOT_ACCEL" = kvm ] || return 1 ;;
    *) return 1 ;;
  esac
  PXEBOOT_ACCEL=tcg PXEBOOT_ACCEL_CPU=""
  PXEBOOT_ACCEL_WHY="a boot under KVM died with a KVM internal error"
  # Both attempts together stay within PXEKIT_BOOT_TIMEOUT.
  local PXEBOOT_TIMEOUT=$((PXEBOOT_TIMEOUT - (SECONDS - t0)))
  [ "$PXEBOOT_TIMEOUT" -ge 1 ] || PXEBOOT_TIMEOUT=1
  pxeboot_say accel "tcg from now on in this run: $PXEBOOT_ACCEL_WHY; retrying the boot once"
  # Fresh server logs, so that what the servers logged is one boot's
  # (the KVM attempt's logs are kept beside them as *.kvm).
  if [ -n "$PXEBOOT_SERVERS_KIND" ]; then
    local kind=$PXEBOOT_SERVERS_KIND source
    local -a logs=()
    for source in "${PXEBOOT_SOURCES[@]}"; do logs+=("${source#*:}"); done
    pxeboot_servers_stop
    for source in "${logs[@]}"; do mv -f "$source" "$source.kvm"; done
    pxeboot_servers_start "$kind" "$PXEBOOT_TFTP_ROOT" ||
      { PXEBOOT_FAILURE="restarting the servers for the TCG retry failed"; return 1; }
  fi
  _pxeboot_run_once "$firmware" || return 1
  PXEBOOT_NOTE="retried under TCG after a KVM internal error"
}

# _pxeboot_qemu_launch bios|uefi|arm64: starts the VM in the namespace, in the
# background: PXE boot from the tap NIC, -no-reboot, its serial console to
# $PXEBOOT_WORK/serial.log (emptied first) and QEMU's own messages to
# qemu.log; sets PXEBOOT_QEMU_PID. The one QEMU command line of the harness.
_pxeboot_qemu_launch() {
  local firmware=$1 qemu=$PXEBOOT_QEMU mem=512 qemu_args=() accel=()
  case $firmware in
    bios) qemu_args=(-machine pc) ;;
    arm64)
      # AAVMF (qemu-efi-aarch64) on the virt board, always under TCG
      # (tests/support/arm64.sh): an aarch64 guest has no KVM on x86.
      cp /usr/share/AAVMF/AAVMF_VARS.fd "$PXEBOOT_WORK/AAVMF_VARS.fd" || return 1
      qemu=qemu-system-aarch64 mem=1024 accel=(-accel tcg)
      qemu_args=(-machine virt -cpu cortex-a57
        -drive if=pflash,format=raw,unit=0,readonly=on,file=/usr/share/AAVMF/AAVMF_CODE.fd
        -drive "if=pflash,format=raw,unit=1,file=$PXEBOOT_WORK/AAVMF_VARS.fd")
      ;;
    uefi)
      cp "$PXEBOOT_OVMF_VARS" "$PXEBOOT_WORK/OVMF_VARS.fd" || return 1
      qemu_args=(-machine "$PXEBOOT_UEFI_MACHINE"
        -drive "if=pflash,format=raw,unit=0,readonly=on,file=$PXEBOOT_OVMF_CODE"
        -drive "if=pflash,format=raw,unit=1,file=$PXEBOOT_WORK/OVMF_VARS.fd"
        "${PXEBOOT_UEFI_QEMU_ARGS[@]}")
      ;;
  esac
  [ ${#accel[@]} -gt 0 ] || mapfile -t accel < <(pxeboot_accel_args)
  : >"$PXEBOOT_WORK/serial.log"
  ip netns exec "$PXEBOOT_NETNS" "$qemu" "${qemu_args[@]}" "${accel[@]}" -m "$mem" -smp 1 \
    -nodefaults -no-user-config -display none -vga none -monitor none \
    -serial "file:$PXEBOOT_WORK/serial.log" -no-reboot -boot n -uuid "$PXEBOOT_VM_UUID" \
    -netdev "tap,id=net0,ifname=$PXEBOOT_TAP,script=no,downscript=no" \
    -device "$PXEBOOT_NIC,netdev=net0,mac=$PXEBOOT_VM_MAC,bootindex=0" \
    </dev/null >"$PXEBOOT_WORK/qemu.log" 2>&1 &
  PXEBOOT_QEMU_PID=$!
}

# _pxeboot_log_pass SEEN CONSOLE: one pass over the lines the logs
# (PXEBOOT_SOURCES, then the serial console) got since the last pass. A
# server's line is printed as its stage (_pxeboot_classify); a console line,
# CR removed, goes to the function CONSOLE. SEEN names the associative array
# of the lines read so far, per file. read fails on a last line that has no
# newline yet: it is not counted, so the next pass reads it again, whole.
_pxeboot_log_pass() {
  local -n _lp_seen=$1
  local _lp_console=$2 _lp_source _lp_stage _lp_file _lp_n _lp_i _lp_line _lp_text
  for _lp_source in "${PXEBOOT_SOURCES[@]}" "serial:$PXEBOOT_WORK/serial.log"; do
    _lp_stage=${_lp_source%%:*}
    _lp_file=${_lp_source#*:}
    _lp_n=${_lp_seen[$_lp_file]:-0}
    _lp_i=0
    while IFS= read -r _lp_line; do
      _lp_i=$((_lp_i + 1))
      _lp_line=${_lp_line%$'\r'}
      if [ "$_lp_stage" = serial ]; then
        "$_lp_console" "$_lp_line"
      else
        _lp_text=$(_pxeboot_classify "$_lp_stage" "$_lp_line")
        [ -n "$_lp_text" ] && pxeboot_say "${_lp_text%% *}" "${_lp_text#* }"
      fi
    done < <(tail -n "+$((_lp_n + 1))" "$_lp_file" 2>/dev/null)
    _lp_seen[$_lp_file]=$((_lp_n + _lp_i))
  done
}

# _pxeboot_console_marker LINE: the banner and the command line the initrd
# prints, kept and said; returns 1 for any other line.
_pxeboot_console_marker() {
  case $1 in
    *"$PXEBOOT_BANNER"*)
      PXEBOOT_BANNER_LINE=${1#*"$PXEBOOT_BANNER" }
      pxeboot_say kernel "$PXEBOOT_BANNER_LINE" ;;
    *"$PXEBOOT_CMDLINE_TAG"*)
      PXEBOOT_CMDLINE=${1#*"$PXEBOOT_CMDLINE_TAG" }
      pxeboot_say kernel "/proc/cmdline: $PXEBOOT_CMDLINE" ;;
    *) return 1 ;;
  esac
}

# A console line during pxeboot_run: the banner, the command line (the boot's
# time) and a panic (run from _pxeboot_run_once: sets its start and panic).
_pxeboot_run_console() {
  local line=$1
  if _pxeboot_console_marker "$line"; then
    [ -n "$PXEBOOT_CMDLINE" ] && [ -z "$PXEBOOT_SECONDS" ] &&
      PXEBOOT_SECONDS=$(_pxeboot_elapsed "$start")
    return 0
  fi
  case $line in
    *"Kernel panic"* | *"not syncing"*)
      [ -n "$panic" ] || panic=${line#*\] }
      pxeboot_say kernel "$line" ;;
  esac
}

_pxeboot_run_once() {
  local firmware=$1 serial=$PXEBOOT_WORK/serial.log qlog=$PXEBOOT_WORK/qemu.log
  local start now end="" final="" status="" kvm_error last panic=""
  local -A seen=()
  local i deadline
  PXEBOOT_BANNER_LINE="" PXEBOOT_CMDLINE="" PXEBOOT_SECONDS="" PXEBOOT_POWERED_OFF="" PXEBOOT_FAILURE=""
  pxeboot_say qemu "$firmware boot, $(pxeboot_accel_name), $PXEBOOT_NIC NIC $PXEBOOT_VM_MAC, timeout ${PXEBOOT_TIMEOUT}s"
  start=$EPOCHREALTIME
  PXEBOOT_T0=${start/./}
  _pxeboot_qemu_launch "$firmware" || return 1

  # One pass every 0.1 s over every log, printing new lines as stages.
  # Bounded by the deadline; ends when QEMU exits or KVM gave up.
  deadline=$(( ${start%.*} + PXEBOOT_TIMEOUT ))
  while :; do
    _pxeboot_log_pass seen _pxeboot_run_console
    # The banner is all the boot needs; the power-off is awaited below.
    [ -n "$PXEBOOT_CMDLINE" ] && break
    if grep -qE "$PXEBOOT_KVM_ERROR_RE" "$qlog" 2>/dev/null; then
      end=kvm-error
      break
    fi
    if ! kill -0 "$PXEBOOT_QEMU_PID" 2>/dev/null; then
      # One more pass for what QEMU wrote just before it ended.
      [ -n "$final" ] && break
      final=yes
      continue
    fi
    now=$EPOCHREALTIME
    if [ "${now%.*}" -ge "$deadline" ]; then
      end=timeout
      break
    fi
    sleep 0.1
  done
  if [ -z "$end" ]; then
    # The banner came, or QEMU ended: allow the power-off a few seconds,
    # then stop the VM.
    for i in $(seq 50); do
      kill -0 "$PXEBOOT_QEMU_PID" 2>/dev/null || break
      sleep 0.1
    done
  fi
  if kill -0 "$PXEBOOT_QEMU_PID" 2>/dev/null; then
    [ -n "$end" ] || end=no-power-off
    status=killed
    pxeboot_reap "$PXEBOOT_QEMU_PID" QEMU
  else
    wait "$PXEBOOT_QEMU_PID" 2>/dev/null
    status=$?
    [ "$status" = 0 ] && [ -n "$PXEBOOT_CMDLINE" ] && PXEBOOT_POWERED_OFF=yes
  fi
  PXEBOOT_QEMU_PID=""
  PXEBOOT_T0=""
  if [ -n "$PXEBOOT_CMDLINE" ]; then
    pxeboot_say result "banner after ${PXEBOOT_SECONDS}s$([ -n "$PXEBOOT_POWERED_OFF" ] && echo ", VM powered off by itself")"
    [ -n "$PXEBOOT_POWERED_OFF" ] && return 0
    if [ "$end" = no-power-off ]; then
      PXEBOOT_FAILURE="the VM did not power off by itself"
    else
      PXEBOOT_FAILURE="QEMU failed after the banner: $(_pxeboot_last_line "$qlog" "exit status $status")"
    fi
    pxeboot_die "$firmware boot: $PXEBOOT_FAILURE"
    return 1
  fi
  # No banner: say why, in QEMU's words when QEMU said something.
  kvm_error=$(grep -m1 -E "$PXEBOOT_KVM_ERROR_RE" "$qlog" 2>/dev/null)
  if [ -n "$kvm_error" ]; then
    PXEBOOT_FAILURE="KVM internal error: QEMU says '$kvm_error'"
  elif [ "$end" = timeout ]; then
    PXEBOOT_FAILURE="no banner after ${PXEBOOT_TIMEOUT}s"
  elif [ "$status" != 0 ]; then
    PXEBOOT_FAILURE="QEMU failed: $(_pxeboot_last_line "$qlog" "exit status $status, no output")"
  elif [ -n "$panic" ]; then
    PXEBOOT_FAILURE="the kernel panicked before the banner: $panic"
  else
    last=$(_pxeboot_last_line "$serial" "nothing")
    PXEBOOT_FAILURE="the VM stopped before the banner (QEMU exited 0; last console line: $last)"
  fi
  _pxeboot_dump_logs
  pxeboot_die "$firmware boot: $PXEBOOT_FAILURE"
  return 1
}

_pxeboot_last_line() {  # _pxeboot_last_line FILE DEFAULT: last non-blank line
  local line
  line=$(tr -d '\r' <"$1" 2>/dev/null | sed '/^[[:space:]]*$/d' | tail -n1)
  echo "${line:-$2}"
}

_pxeboot_elapsed() {  # seconds since EPOCHREALTIME value $1, 0.1 s precision
  local now=$EPOCHREALTIME
  awk -v a="$1" -v b="$now" 'BEGIN { printf "%.1f", b - a }'
}

# --- kernel modules -----------------------------------------------------------

# pxeboot_kernel_modules MODULE...: sets PXEBOOT_MODULE_FILES to the .ko files
# MODULE... need, their dependencies (modinfo's depends=) first: an order in
# which insmod loads them. They come from the package PXEBOOT_KERNEL came
# from (downloaded once more with `apt-get download`) and are cached beside
# the kernel, one NAME.ko each. Debian's kernels build most NIC drivers as
# modules; the cloud kernel has no e1000 at all, and virtio_net only as a
# module, so a guest that wants its network after the boot loader needs them.
PXEBOOT_MODULE_FILES=()
pxeboot_kernel_modules() {
  local dir mods missing tmp names name path
  [ -n "$PXEBOOT_KERNEL" ] || { pxeboot_die "pxeboot_kernel first"; return 1; }
  dir=${PXEBOOT_KERNEL%/*}
  mods=$dir/modules
  missing=$(_pxeboot_modules_missing "$mods" "$@")
  if [ -n "$missing" ]; then
    mkdir -p "$mods" || return 1
    tmp=$(mktemp -d "$dir/.modules.XXXXXX") || return 1
    _pxeboot_kernel_deb "$tmp" || { rm -rf "$tmp"; return 1; }
    # NAME<TAB>PATH for every module in the package; file names may spell
    # a module's name with '-' where the name has '_'.
    dpkg-deb --fsys-tarfile "$tmp"/*.deb | tar -t | sed -n 's|^\./\(.*\.ko\)$|\1|p' |
      awk -F/ '{ n = $NF; sub(/\.ko$/, "", n); gsub(/-/, "_", n); print n "\t" $0 }' >"$tmp/index"
    # Each round extracts what is missing, which names their dependencies.
    while [ -n "$missing" ]; do
      names=()
      for name in $missing; do
        path=$(awk -F'\t' -v n="$name" '$1 == n { print $2; exit }' "$tmp/index")
        [ -n "$path" ] || {
          rm -rf "$tmp"
          pxeboot_die "no module $name in $PXEBOOT_KERNEL_PKG"
          return 1
        }
        names+=("./$path")
      done
      if ! dpkg-deb --fsys-tarfile "$tmp"/*.deb | tar -x -C "$tmp" "${names[@]}"; then
        rm -rf "$tmp"
        pxeboot_die "extracting ${names[*]} from $PXEBOOT_KERNEL_PKG failed"
        return 1
      fi
      for path in "${names[@]}"; do
        name=${path##*/}
        name=${name%.ko}
        chmod 644 "$tmp/$path" && mv -f "$tmp/$path" "$mods/${name//-/_}.ko" || { rm -rf "$tmp"; return 1; }
      done
      missing=$(_pxeboot_modules_missing "$mods" "$@")
    done
    rm -rf "$tmp"
  fi
  PXEBOOT_MODULE_FILES=()
  declare -gA _pxeboot_modules_seen=()
  for name in "$@"; do
    _pxeboot_modules_visit "$mods" "$name"
  done
  pxeboot_say modules "${#PXEBOOT_MODULE_FILES[@]} from $PXEBOOT_KERNEL_PKG for $*: $(
    for path in "${PXEBOOT_MODULE_FILES[@]}"; do name=${path##*/}; printf '%s ' "${name%.ko}"; done)(cached in $mods)"
}

_pxeboot_module_deps() {  # _pxeboot_module_deps FILE.ko: its depends=, one a line
  tr '\0' '\n' <"$1" | sed -n 's/^depends=//p' | head -n1 | tr ',' '\n' | sed '/^$/d'
}

# _pxeboot_modules_missing DIR NAME...: the modules NAME... need (themselves
# included) that DIR does not hold yet, space-separated.
_pxeboot_modules_missing() {
  local mods=$1 name dep missing=() queue=()
  local -A seen=()
  shift
  queue=("$@")
  while [ ${#queue[@]} -gt 0 ]; do
    name=${queue[0]}
    queue=("${queue[@]:1}")
    [ -n "${seen[$name]-}" ] && continue
    seen[$name]=1
    if [ -s "$mods/$name.ko" ]; then
      for dep in $(_pxeboot_module_deps "$mods/$name.ko"); do queue+=("$dep"); done
    else
      missing+=("$name")
    fi
  done
  echo "${missing[*]}"
}

_pxeboot_modules_visit() {  # depth first: dependencies before the module
  local mods=$1 name=$2 dep
  [ -n "${_pxeboot_modules_seen[$name]-}" ] && return 0
  _pxeboot_modules_seen[$name]=1
  for dep in $(_pxeboot_module_deps "$mods/$name.ko"); do
    _pxeboot_modules_visit "$mods" "$dep"
  done
  PXEBOOT_MODULE_FILES+=("$mods/$name.ko")
}

# _pxeboot_kernel_deb DIR: downloads the package PXEBOOT_KERNEL came from
# (PXEBOOT_KERNEL_PKG, "package version") into DIR (removed on a failure).
_pxeboot_kernel_deb() {
  local tmp=$1 pkg=${PXEBOOT_KERNEL_PKG% *} ver=${PXEBOOT_KERNEL_PKG#* }
  pxeboot_say modules "downloading $pkg $ver (apt-get download) for its modules"
  pxeboot_apt_download "$tmp" "$pkg=$ver" || pxeboot_die "apt-get download $pkg=$ver failed"
}

# --- the power-off agent's VM (issue 10) -------------------------------------
#
# An initrd whose PID 1 is busybox init, so that `poweroff` and `halt` go the
# way they go on a real machine: the command signals init, init runs its
# shutdown actions, stops every process, then asks the kernel for
# reboot(RB_POWER_OFF) (ACPI cuts the power: QEMU exits) or
# reboot(RB_HALT_SYSTEM) (the CPU stops, the power stays on: QEMU runs on).
# Its /etc/pxekit/agent loads the NIC's modules, takes a DHCP lease with
# udhcpc, starts `pxe-poweroff listen` with /etc/pxekit/poweroff.key.pub and
# prints PXEBOOT_AGENT_READY once the agent listens. The kernel's command line
# steers it:
#   pxekit.exec=CMD    the agent runs CMD (one word, e.g. halt) instead of
#                      powering off: pxe-poweroff listen --exec CMD
#   pxekit.then=CMD    no agent: CMD (poweroff or halt) right after the ready
#                      line; the harness's own check of the two paths

PXEBOOT_AGENT_READY="pxekit-agent-ready:"
PXEBOOT_AGENT_BIN=/usr/sbin/pxe-poweroff   # where the initrd holds it
PXEBOOT_AGENT_KEY=/etc/pxekit/poweroff.key.pub
PXEBOOT_AGENT_MODULES=(virtio_pci virtio_net)
# The cloud kernel has no e1000 driver: the agent VM's NIC is virtio, whose
# iPXE ROM (efi-virtio.rom in ipxe-qemu) PXE-boots it all the same.
PXEBOOT_AGENT_NIC=virtio-net-pci

_pxeboot_agent_inittab() {
  cat <<'EOF_INITTAB'
::sysinit:/etc/pxekit/rc
::once:/etc/pxekit/agent
::shutdown:/bin/echo "pxekit-agent: init runs its shutdown actions"
EOF_INITTAB
}

_pxeboot_agent_rc() {
  cat <<'EOF_RC'
#!/bin/sh
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /run /tmp
echo "pxekit-banner: Linux $(uname -r) booted over PXE, busybox init is PID 1"
echo "pxekit-cmdline: $(cat /proc/cmdline)"
EOF_RC
}

_pxeboot_agent_udhcpc() {
  cat <<'EOF_UDHCPC'
#!/bin/sh
case $1 in
  deconfig) ip -4 addr flush dev "$interface" ;;
  bound | renew)
    ip -4 addr flush dev "$interface"
    ip addr add "$ip/${mask:-24}" dev "$interface"
    [ -n "$router" ] && ip route add default via "${router%% *}" dev "$interface"
    echo "$ip" >/run/pxekit-ip
    ;;
esac
exit 0
EOF_UDHCPC
}

_pxeboot_agent_script() {
  cat <<'EOF_AGENT'
#!/bin/sh
say() { echo "pxekit-agent: $*"; }
exec_cmd="" then=""
for arg in $(cat /proc/cmdline); do
  case $arg in
    pxekit.exec=*) exec_cmd=${arg#pxekit.exec=} ;;
    pxekit.then=*) then=${arg#pxekit.then=} ;;
  esac
done
for m in $(cat /lib/modules/order); do
  insmod "/lib/modules/$m.ko" || say "insmod $m failed"
done
ifc=""
for i in $(seq 50); do
  for d in /sys/class/net/*; do
    [ "${d##*/}" = lo ] || { ifc=${d##*/}; break; }
  done
  [ -n "$ifc" ] && break
  sleep 0.1
done
[ -n "$ifc" ] || { say "no network interface after 5 s"; exit 1; }
ip link set lo up
ip link set "$ifc" up
udhcpc -i "$ifc" -f -q -n -t 10 -T 2 -s /etc/pxekit/udhcpc >/dev/null 2>&1
[ -s /run/pxekit-ip ] || { say "no DHCP lease on $ifc"; exit 1; }
ip=$(cat /run/pxekit-ip)
say "$ifc $(cat "/sys/class/net/$ifc/address") has $ip"
if [ -n "$then" ]; then
  echo "pxekit-agent-ready: $ip on $ifc, no agent: running $then"
  exec $then
fi
set -- listen -v -k /etc/pxekit/poweroff.key.pub --wol-interface "$ifc"
[ -n "$exec_cmd" ] && set -- "$@" --exec "$exec_cmd"
say "starting pxe-poweroff $*"
pxe-poweroff "$@" &
pid=$!
# Its default port (kPowerDefaultPort), as /proc/net/udp spells it.
port=$(printf ':%04X ' 7390)
listening=""
for i in $(seq 300); do
  if grep -q "$port" /proc/net/udp /proc/net/udp6 2>/dev/null; then listening=yes; break; fi
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
if [ -n "$listening" ]; then
  echo "pxekit-agent-ready: $ip on $ifc, pxe-poweroff listens on UDP 7390"
else
  say "pxe-poweroff is not listening on UDP 7390 after 30 s"
fi
wait "$pid"
say "pxe-poweroff exited with status $?"
EOF_AGENT
}

# _pxeboot_agent_libs BINARY: the shared objects BINARY loads (its
# interpreter included), one path a line; fails naming one ldd cannot find.
_pxeboot_agent_libs() {
  local out
  out=$(ldd "$1" 2>&1) || {
    # A static binary needs nothing.
    grep -q 'not a dynamic executable' <<<"$out" && return 0
    pxeboot_die "ldd $1: $out"
    return 1
  }
  if grep -q 'not found' <<<"$out"; then
    pxeboot_die "ldd $1: $(grep 'not found' <<<"$out" | head -n1 | sed 's/^[[:space:]]*//')"
    return 1
  fi
  awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' <<<"$out"
}

# pxeboot_agent_files ROOT AGENT LIBS: puts the agent's programs into the
# tree ROOT: static busybox as /bin/busybox with a link per applet, AGENT
# (pxe-poweroff) as PXEBOOT_AGENT_BIN without its debug information, and
# LIBS (_pxeboot_agent_libs AGENT: its shared objects, loader included) at
# their own paths. The agent's initrd and the lab's NFS root
# (tests/support/lab_image.sh) are both made of these.
pxeboot_agent_files() {
  local root=$1 agent=$2 libs=$3 busybox=/bin/busybox applet lib
  mkdir -p "$root/bin" "$root/sbin" "$root/usr/sbin" || return 1
  cp "$busybox" "$root/bin/busybox" || return 1
  for applet in $("$busybox" --list); do
    [ "$applet" = busybox ] || ln -s busybox "$root/bin/$applet" || return 1
  done
  # Without its debug information (a RelWithDebInfo build is ~20 MB),
  # which the guest would otherwise load over the network on every boot.
  if command -v strip >/dev/null 2>&1; then
    strip --strip-debug -o "$root$PXEBOOT_AGENT_BIN" "$agent" || return 1
  else
    cp "$agent" "$root$PXEBOOT_AGENT_BIN" || return 1
  fi
  for lib in $libs; do
    mkdir -p "$root${lib%/*}" && cp -L "$lib" "$root$lib" || return 1
  done
}

# pxeboot_agent_initrd AGENT PUBKEY: sets PXEBOOT_INITRD to the agent's
# initrd: static busybox, AGENT (pxe-poweroff) with its shared libraries and
# their loader, PXEBOOT_MODULE_FILES (pxeboot_kernel_modules first) and the
# scripts above, cached under a hash of all of them; then PUBKEY in a second
# cpio archive appended to it in PXEBOOT_WORK (the kernel unpacks
# concatenated archives in order), so that a fresh key per run keeps the
# cached part. Older agent initrds in the cache are removed but the newest 3.
pxeboot_agent_initrd() {
  local agent=$1 pubkey=$2 busybox=/bin/busybox key out tmp lib libs file name
  [ -x "$agent" ] || { pxeboot_die "$agent is missing or not executable"; return 1; }
  [ -s "$pubkey" ] || { pxeboot_die "$pubkey is missing or empty"; return 1; }
  [ ${#PXEBOOT_MODULE_FILES[@]} -gt 0 ] || { pxeboot_die "pxeboot_kernel_modules first"; return 1; }
  [ -x "$busybox" ] || { pxeboot_die "$busybox is missing (busybox-static)"; return 1; }
  if ldd "$busybox" >/dev/null 2>&1; then
    pxeboot_die "$busybox is dynamically linked; the initrd needs busybox-static"
    return 1
  fi
  libs=$(_pxeboot_agent_libs "$agent") || return 1
  key=$({
    _pxeboot_agent_inittab; _pxeboot_agent_rc; _pxeboot_agent_udhcpc; _pxeboot_agent_script
    printf '%s\n' "$libs" "${PXEBOOT_MODULE_FILES[@]}"
    cat "$busybox" "$agent" "${PXEBOOT_MODULE_FILES[@]}"
    for lib in $libs; do cat "$lib"; done
  } | sha256sum | cut -c1-16)
  out=$PXEBOOT_CACHE/agent-initrd-$key.gz
  if [ ! -s "$out" ]; then
    mkdir -p "$PXEBOOT_CACHE" || return 1
    tmp=$(mktemp -d "$PXEBOOT_CACHE/.agent-initrd.XXXXXX") || return 1
    mkdir -p "$tmp/root/dev" "$tmp/root/proc" \
      "$tmp/root/sys" "$tmp/root/run" "$tmp/root/tmp" "$tmp/root/etc/pxekit" "$tmp/root/lib/modules"
    pxeboot_agent_files "$tmp/root" "$agent" "$libs" || { rm -rf "$tmp"; return 1; }
    # The kernel runs /init; busybox named init is busybox init.
    ln -s bin/busybox "$tmp/root/init"
    for file in "${PXEBOOT_MODULE_FILES[@]}"; do
      name=${file##*/}
      cp "$file" "$tmp/root/lib/modules/$name"
      echo "${name%.ko}" >>"$tmp/root/lib/modules/order"
    done
    _pxeboot_agent_inittab >"$tmp/root/etc/inittab"
    _pxeboot_agent_rc >"$tmp/root/etc/pxekit/rc"
    _pxeboot_agent_udhcpc >"$tmp/root/etc/pxekit/udhcpc"
    _pxeboot_agent_script >"$tmp/root/etc/pxekit/agent"
    chmod 755 "$tmp/root/etc/pxekit/rc" "$tmp/root/etc/pxekit/udhcpc" "$tmp/root/etc/pxekit/agent"
    mknod -m 600 "$tmp/root/dev/console" c 5 1
    _pxeboot_initrd_install "$tmp" "$out" || { pxeboot_die "building the agent's initrd failed"; return 1; }
    ls -1t "$PXEBOOT_CACHE"/agent-initrd-*.gz 2>/dev/null | tail -n +4 | while read -r file; do
      rm -f "$file"
    done
  fi
  # The per-run part: the public key.
  [ -n "$PXEBOOT_WORK" ] || { pxeboot_die "pxeboot_init first"; return 1; }
  tmp=$PXEBOOT_WORK/agent-key
  rm -rf "$tmp" && mkdir -p "$tmp${PXEBOOT_AGENT_KEY%/*}" || return 1
  cp "$pubkey" "$tmp$PXEBOOT_AGENT_KEY" && chmod 644 "$tmp$PXEBOOT_AGENT_KEY" || return 1
  if ! { cat "$out" && pxeboot_cpio "$tmp"; } >"$PXEBOOT_WORK/agent-initrd.gz"; then
    pxeboot_die "appending the public key to the agent's initrd failed"
    return 1
  fi
  PXEBOOT_INITRD=$PXEBOOT_WORK/agent-initrd.gz
  pxeboot_say initrd "agent initrd: busybox init, ${agent##*/} + $(wc -w <<<"$libs") libraries, \
${#PXEBOOT_MODULE_FILES[@]} modules ($(du -h "$out" | cut -f1), cached as $out) + ${pubkey##*/}"
}

# --- a VM that stays up -------------------------------------------------------
#
# pxeboot_run boots to the banner and expects the VM to power off at once.
# These boot the same way but leave QEMU running once the guest printed a
# given line, so that a test can act on the running guest and then watch
# what QEMU does:
#
#   pxeboot_vm_start bios "$PXEBOOT_AGENT_READY"   # the line's text after the tag
#   ...                                            # in PXEBOOT_VM_LINE
#   pxeboot_vm_wait_line "System halted" 60        # a console line, bounded
#   pxeboot_vm_wait_exit 60                        # did QEMU exit by itself?
#   pxeboot_vm_stop                                # kill it (by PID) if not
#
# Every console line after the ready line is streamed as stage "guest".

PXEBOOT_VM_LINE=""       # the matched line's text after the pattern
PXEBOOT_VM_STATUS=""     # QEMU's exit status once it exited by itself
PXEBOOT_VM_EXIT_AT=""    # EPOCHREALTIME when pxeboot_vm_wait_exit saw it exit
PXEBOOT_VM_STREAM=boot   # boot: tagged lines only; all: every console line

# pxeboot_vm_start bios|uefi TAG: boots QEMU from the network (NIC
# PXEBOOT_NIC, the accelerator pxeboot_accel decided) and returns 0 once the
# console shows TAG, with QEMU still running (PXEBOOT_QEMU_PID). Bounded by
# PXEBOOT_TIMEOUT. On failure QEMU is stopped and PXEBOOT_FAILURE says why.
pxeboot_vm_start() {
  local firmware=$1 tag=$2 start deadline now
  PXEBOOT_FAILURE="" PXEBOOT_BANNER_LINE="" PXEBOOT_CMDLINE="" PXEBOOT_SECONDS=""
  PXEBOOT_VM_LINE="" PXEBOOT_VM_STATUS="" PXEBOOT_VM_EXIT_AT="" PXEBOOT_VM_STREAM=boot
  [ -z "$PXEBOOT_QEMU_PID" ] || { pxeboot_die "a VM is running already (pid $PXEBOOT_QEMU_PID)"; return 1; }
  if [ -z "$PXEBOOT_ACCEL" ]; then
    pxeboot_accel || { PXEBOOT_FAILURE="no accelerator: see above"; return 1; }
  fi
  case $firmware in
    bios | uefi) ;;
    *) pxeboot_die "unknown firmware '$firmware' (bios or uefi)"; return 1 ;;
  esac
  declare -gA _pxeboot_vm_seen=()
  pxeboot_say qemu "$firmware boot, $(pxeboot_accel_name), $PXEBOOT_NIC NIC $PXEBOOT_VM_MAC, until '$tag', timeout ${PXEBOOT_TIMEOUT}s"
  start=$EPOCHREALTIME
  PXEBOOT_T0=${start/./}
  _pxeboot_qemu_launch "$firmware" || return 1
  deadline=$((${start%.*} + PXEBOOT_TIMEOUT))
  if _pxeboot_vm_until "$tag" "$deadline"; then
    PXEBOOT_SECONDS=$(_pxeboot_elapsed "$start")
    PXEBOOT_VM_STREAM=all
    return 0
  fi
  now=$EPOCHREALTIME
  if [ -n "$PXEBOOT_VM_STATUS" ]; then
    PXEBOOT_FAILURE="QEMU exited (status $PXEBOOT_VM_STATUS) before '$tag'; last console line: $(_pxeboot_last_line "$PXEBOOT_WORK/serial.log" nothing)"
  else
    PXEBOOT_FAILURE="no '$tag' after ${PXEBOOT_TIMEOUT}s; last console line: $(_pxeboot_last_line "$PXEBOOT_WORK/serial.log" nothing)"
  fi
  _pxeboot_dump_logs
  pxeboot_vm_stop
  pxeboot_die "$firmware boot: $PXEBOOT_FAILURE"
  return 1
}

# pxeboot_vm_wait_line PATTERN SECONDS: waits until a console line contains
# PATTERN (a fixed string); its text after PATTERN goes in PXEBOOT_VM_LINE.
# Returns 1 after SECONDS, or when QEMU exited first (PXEBOOT_VM_STATUS).
pxeboot_vm_wait_line() {
  local now=$EPOCHREALTIME
  PXEBOOT_VM_LINE=""
  _pxeboot_vm_until "$1" $((${now%.*} + $2))
}

# pxeboot_vm_wait_exit SECONDS: returns 0 once QEMU exited by itself
# (PXEBOOT_VM_STATUS its status, PXEBOOT_VM_EXIT_AT when), 1 if it still
# runs after SECONDS (it is left running: pxeboot_vm_stop ends it).
pxeboot_vm_wait_exit() {
  local now=$EPOCHREALTIME
  _pxeboot_vm_until "" $((${now%.*} + $1))
  [ -n "$PXEBOOT_VM_STATUS" ]
}

pxeboot_vm_running() {  # QEMU still runs
  [ -n "$PXEBOOT_QEMU_PID" ] && kill -0 "$PXEBOOT_QEMU_PID" 2>/dev/null
}

# pxeboot_vm_stop: ends QEMU (by its PID, pxeboot_reap) if it still runs.
# QEMU stuck after SIGTERM is said on stderr, with its threads, and killed:
# QEMU's trouble, not a failure of what the test boots.
pxeboot_vm_stop() {
  if [ -n "$PXEBOOT_QEMU_PID" ]; then
    pxeboot_reap "$PXEBOOT_QEMU_PID" QEMU
  fi
  PXEBOOT_QEMU_PID=""
  PXEBOOT_T0=""
}

# A console line while the VM runs (from _pxeboot_vm_until: reads its
# pattern, sets its found): the banner, the command line, then the guest's
# own lines (all of them after the pattern, else pxekit's and the alarms).
_pxeboot_vm_console() {
  local line=$1
  if ! _pxeboot_console_marker "$line"; then
    case $line in
      *[![:space:]]*)
        if [ "$PXEBOOT_VM_STREAM" = all ]; then
          pxeboot_say guest "$line"
        else
          case $line in
            *pxekit-* | *pxe-poweroff* | *"Kernel panic"* | *"not syncing"* | *"reboot: "*)
              pxeboot_say guest "$line" ;;
          esac
        fi
        ;;
    esac
  fi
  if [ -n "$pattern" ] && [ -z "$found" ] && [[ $line == *"$pattern"* ]]; then
    PXEBOOT_VM_LINE=${line#*"$pattern"}
    PXEBOOT_VM_LINE=${PXEBOOT_VM_LINE# }
    found=yes
    # What follows the line is what the caller waits to see.
    PXEBOOT_VM_STREAM=all
  fi
}

# _pxeboot_vm_until PATTERN DEADLINE: streams new log lines every 0.1 s until
# a console line contains PATTERN (non-empty; returns 0), QEMU exits (sets
# PXEBOOT_VM_STATUS, PXEBOOT_VM_EXIT_AT; returns 0 only for an empty
# PATTERN) or the clock passes DEADLINE (epoch seconds; returns 1).
_pxeboot_vm_until() {
  local pattern=$1 deadline=$2 final="" found="" now
  while :; do
    _pxeboot_log_pass _pxeboot_vm_seen _pxeboot_vm_console
    [ -n "$found" ] && return 0
    if [ -n "$final" ]; then
      if [ -n "$PXEBOOT_QEMU_PID" ]; then
        wait "$PXEBOOT_QEMU_PID" 2>/dev/null
        PXEBOOT_VM_STATUS=$?
        PXEBOOT_QEMU_PID=""
        PXEBOOT_T0=""
      fi
      [ -z "$pattern" ]
      return
    fi
    if ! pxeboot_vm_running; then
      # One more pass for what QEMU wrote just before it ended.
      [ -n "$PXEBOOT_VM_EXIT_AT" ] || PXEBOOT_VM_EXIT_AT=$EPOCHREALTIME
      final=yes
      continue
    fi
    now=$EPOCHREALTIME
    [ "${now%.*}" -ge "$deadline" ] && return 1
    sleep 0.1
  done
}
