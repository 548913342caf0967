# shellcheck shell=bash
# The virtual lab (issue 12): N QEMU machines on one bridge in a private
# network namespace, dark at the start, switched on only by Wake-on-LAN magic
# packets through tests/support/power_switch, PXE-booted by pxekit (or
# dnsmasq) to a root on NFS, and powered off by pxe-poweroff. Shared by
# `make demo` (tests/support/demo.sh), tests/netns/lab_day.sh and
# tests/bench/lab.sh. Source it (bash) after pxeboot.sh's settings, then:
#
#   lab_plan 3                 # machines: firmware, NIC, boot path, MAC
#   lab_up pxekit ganesha      # namespace, image, root, NFS, servers, switch
#   lab_morning 1 300          # wakeonlan, stream each machine's stages
#   lab_night 1 120            # pxe-poweroff, each VM's exit and why
#   lab_morning 2 300          # the same machines again (same addresses?)
#   lab_summary                # the table
#
# Machines cycle through three kinds: BIOS + pxelinux on e1000e, UEFI (OVMF)
# + GRUB on virtio-net, BIOS through an iPXE script on virtio-net.
#
#   namespace pxk-lab-PID
#     pxbr0 10.99.0.1/24  <- pxe-dhcpd, pxe-tftpd (or dnsmasq), Ganesha
#       |                    (or knfsd), wakeonlan -I pxbr0, pxe-poweroff
#       +- pxtap0..N-1     one tap a machine (QEMU runs only while "on")
#       +- pxwol0 == pxsense0   a veth pair: the power switch listens on
#                          pxsense0, where the bridge floods what it sends
#                          to machines that are off (the bridge's own
#                          frames are outgoing on pxbr0 itself)
#
# The machine image comes from tests/support/lab_image.sh: a Debian generic
# kernel, an initramfs-tools BOOT=nfs initrd, and the root tree with busybox
# init and the pxe-poweroff agent, exported read-only by NFS-Ganesha
# (tests/support/lab_nfs.sh, configured by pxe-exports line and ganesha)
# or, with `lab_up SERVERS knfsd` where the host's kernel has nfsd, by the
# kernel's NFS server in the namespace (tests/support/knfsd.sh, its exports
# file written by pxe-exports add).
#
# Everything is removed on exit, Ctrl-C included: the switch (which kills
# the QEMUs it started), the NFS server, the servers, the namespace.

LAB_SRC=${PXEKIT_SRC:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
# shellcheck source=tests/support/pxeboot.sh
source "$LAB_SRC/tests/support/pxeboot.sh"
# shellcheck source=tests/support/lab_image.sh
source "$LAB_SRC/tests/support/lab_image.sh"
# shellcheck source=tests/support/lab_nfs.sh
source "$LAB_SRC/tests/support/lab_nfs.sh"

LAB_SWITCH=${PXEKIT_TEST_BIN:-$LAB_SRC/build/tests/bin}/power_switch
LAB_SENSE=pxsense0
LAB_WOL_PORT=pxwol0
LAB_MAC_PREFIX=52:54:00:99:01
LAB_ROOT_PATH=""       # the exported root tree (nfs)
LAB_SERVERS=""         # pxekit or dnsmasq
LAB_NFS=ganesha        # the NFS server: ganesha or knfsd
LAB_KEY=""             # pxe-poweroff's private key (its .pub is in the root)
LAB_SWITCH_PID=""
LAB_NFS_UP=""
LAB_QUIET=""           # set: no stage stream (the benchmark)
# Besides lab_image.sh's (ro, net.ifnames=0, console, panic): the kernel's
# notices (its "Linux version" line marks the kernel stage), and no
# IO-APIC timer check, which a busy TCG host can fail (pxeboot.sh).
LAB_KERNEL_ARGS="loglevel=6 no_timer_check"

# The plan: one entry per machine, index 0..N-1.
LAB_N=0
LAB_NAME=() LAB_FW=() LAB_NIC=() LAB_LOADER=() LAB_MAC=() LAB_TAP=() LAB_UUID=()
declare -A LAB_BYMAC=() LAB_BYIP=()
# What each day saw: keys "DAY,I,STAGE" (seconds since that morning's
# wakeonlan) and "DAY,I" for the rest.
declare -A LAB_SERVER_RO=() LAB_AT=() LAB_IP=() LAB_EXIT=() LAB_STATUS=() LAB_WOL=() LAB_VIA=() LAB_ROOTLINE=() LAB_FAIL=()
declare -A LAB_SEEN=()  # lines already read, per file
LAB_DAY=0
LAB_DAY_T0=""           # EPOCHREALTIME of this day's (or night's) first command
LAB_NIGHT_T0=""
declare -A LAB_FILES=()
LAB_STAGES=(wake dhcp loader files kernel ip nfs ready)
LAB_KINDS=("bios e1000e pxelinux" "uefi virtio-net-pci grub" "bios virtio-net-pci ipxe")

# lab_missing: the programs the lab runs on (pxekit's, and the power switch)
# that are not built, space-separated; nothing when all are.
lab_missing() {
  local tool missing
  read -ra missing <<<"$(pxeboot_missing_tools "$PXEBOOT_BIN")"
  for tool in wakeonlan pxe-poweroff pxe-exports; do
    [ -x "$PXEBOOT_BIN/$tool" ] || missing+=("$tool")
  done
  [ -x "$LAB_SWITCH" ] || missing+=("${LAB_SWITCH##*/}")
  echo "${missing[*]}"
}

# lab_plan N: machine I (0-based) is m(I+1) of kind I mod 3.
lab_plan() {
  local n=$1 i kind
  [[ $n =~ ^[1-9][0-9]?$ ]] && [ "$n" -le 50 ] || { lab_die "machines: 1 to 50, not '$n'"; return 1; }
  LAB_N=$n
  LAB_NAME=() LAB_FW=() LAB_NIC=() LAB_LOADER=() LAB_MAC=() LAB_TAP=() LAB_UUID=()
  LAB_BYMAC=()
  for ((i = 0; i < n; i++)); do
    read -r -a kind <<<"${LAB_KINDS[i % ${#LAB_KINDS[@]}]}"
    LAB_NAME[i]=m$((i + 1))
    LAB_FW[i]=${kind[0]}
    LAB_NIC[i]=${kind[1]}
    LAB_LOADER[i]=${kind[2]}
    LAB_MAC[i]=$(printf '%s:%02x' "$LAB_MAC_PREFIX" $((i + 1)))
    LAB_TAP[i]=pxtap$i
    LAB_UUID[i]=$(printf '8a1d3c5e-0b7f-4e21-9c63-5d2f0a4b%04x' $((i + 1)))
    LAB_BYMAC[${LAB_MAC[i]}]=$i
  done
}

lab_nic_name() {  # e1000e, virtio-net
  case $1 in
    virtio-net-pci) echo virtio-net ;;
    *) echo "$1" ;;
  esac
}

# _lab_t0_since EPOCH: seconds since EPOCH (an EPOCHREALTIME), 0.1 s.
_lab_since() {
  local now=$EPOCHREALTIME
  awk -v a="$1" -v b="$now" 'BEGIN { printf "%.1f", b - a }'
}

# lab_line WHO STAGE TEXT: one line of the day's stream, timed from the
# morning's (or night's) first command.
lab_line() {
  [ -n "$LAB_QUIET" ] && return 0
  local t=""
  [ -n "$LAB_DAY_T0" ] && t=$(_lab_since "$LAB_DAY_T0")
  printf '[%6ss] %-4s %-7s %s\n' "${t:--}" "$1" "$2" "$3"
}

# --- setting up ---------------------------------------------------------------

# lab_image: the kernel and initrd (tests/support/lab_image.sh) and the
# root tree with the agent and its public key.
lab_image() {
  lab_image_build "$PXEBOOT_CACHE/lab" || { lab_die "building the machine image (see above)"; return 1; }
  PXEBOOT_KERNEL=$LAB_KERNEL
  PXEBOOT_INITRD=$LAB_INITRD
  PXEBOOT_INITRD_NAME=initrd.img
  LAB_ROOT_PATH=$PXEBOOT_WORK/root
  lab_root_build "$LAB_ROOT_PATH" "$PXEBOOT_BIN" "$LAB_KEY.pub" >/dev/null ||
    { lab_die "building the NFS root tree (see above)"; return 1; }
  pxeboot_say image "$LAB_KERNEL_PKG: vmlinuz + initramfs-tools initrd (BOOT=nfs), root tree $LAB_ROOT_PATH"
}

# lab_net: the namespace, its bridge, a tap per machine and the switch's
# sense port.
lab_net() {
  local i ns
  pxeboot_netns_up "pxk-lab-$$" >/dev/null || return 1
  ns=$PXEBOOT_NETNS
  for ((i = 1; i < LAB_N; i++)); do
    ip -n "$ns" tuntap add dev "${LAB_TAP[i]}" mode tap &&
      ip -n "$ns" link set "${LAB_TAP[i]}" master "$PXEBOOT_BRIDGE" &&
      ip -n "$ns" link set "${LAB_TAP[i]}" up || { lab_die "tap ${LAB_TAP[i]}"; return 1; }
  done
  ip -n "$ns" link add "$LAB_WOL_PORT" type veth peer name "$LAB_SENSE" &&
    ip -n "$ns" link set "$LAB_WOL_PORT" master "$PXEBOOT_BRIDGE" &&
    ip -n "$ns" link set "$LAB_WOL_PORT" up &&
    ip -n "$ns" link set "$LAB_SENSE" up || { lab_die "the switch's sense port"; return 1; }
  pxeboot_say netns "namespace $ns: $PXEBOOT_BRIDGE $PXEBOOT_SERVER_IP/$PXEBOOT_PREFIX_LEN, taps pxtap0-$((LAB_N - 1)), power switch on $LAB_SENSE"
}

# lab_tftproot DIR: pxelinux, GRUB and the kernel and initrd; the three
# configs from pxe-mkcfg, each with --nfsroot.
lab_tftproot() {
  local root=$1 nfsroot append
  pxeboot_tftproot bios "$root" >/dev/null && pxeboot_tftproot uefi "$root" >/dev/null || return 1
  nfsroot=$(lab_nfsroot "$PXEBOOT_SERVER_IP" "$LAB_ROOT_PATH")
  append="$LAB_KERNEL_EXTRA_ARGS $LAB_KERNEL_ARGS pxekit.lab=$$"
  local sub
  for sub in pxelinux grub ipxe; do
    "$PXEBOOT_BIN/pxe-mkcfg" -q "$sub" --root "$root" --label lab --kernel "$PXEBOOT_KERNEL_NAME" \
      --initrd "$PXEBOOT_INITRD_NAME" --nfsroot "$nfsroot" --append "$append" ||
      { lab_die "pxe-mkcfg $sub failed"; return 1; }
  done
  chmod -R a+rX "$root"
  pxeboot_say config "pxe-mkcfg pxelinux, grub, ipxe --nfsroot $nfsroot: pxelinux.cfg/default, $PXEBOOT_GRUB_PREFIX/grub.cfg, default.ipxe"
}

# The machines that boot through the iPXE script. QEMU's BIOS NIC ROMs are
# all iPXE, so "user class iPXE" alone would send the pxelinux machines
# there too; the DHCP servers match the MAC as well.
_lab_ipxe_macs() {
  local i
  for ((i = 0; i < LAB_N; i++)); do
    [ "${LAB_LOADER[i]}" = ipxe ] && echo "${LAB_MAC[i]}"
  done
  return 0
}

# lab_dhcpd_conf FILE: pxe-dhcpd's config: the subnet, and each boot file
# chosen as the machines need it (ISC dhcpd.conf syntax).
lab_dhcpd_conf() {
  local mac cond=""
  for mac in $(_lab_ipxe_macs); do
    cond+="${cond:+ or }hardware = 01:$mac"
  done
  {
    echo "# The lab's DHCP: written by tests/support/lab.sh"
    echo "option arch code 93 = unsigned integer 16;"
    echo "default-lease-time 3600;"
    echo "subnet ${PXEBOOT_SUBNET%/*} netmask 255.255.255.0 {"
    echo "  range $PXEBOOT_RANGE_LO $PXEBOOT_RANGE_HI;"
    echo "  next-server $PXEBOOT_SERVER_IP;"
    if [ -n "$cond" ]; then
      echo "  if exists user-class and option user-class = \"iPXE\" and ($cond) {"
      echo "    filename \"default.ipxe\";"
      echo "  } elsif option arch = 7 or option arch = 9 {"
    else
      echo "  if option arch = 7 or option arch = 9 {"
    fi
    echo "    filename \"$PXEBOOT_EFI_FILE\";"
    echo "  } else {"
    echo "    filename \"$PXEBOOT_BIOS_FILE\";"
    echo "  }"
    echo "}"
  } >"$1"
}

# lab_servers_start TAG: DHCP and TFTP on the bridge, logging to
# *.TAG.log (one set of logs per day: the servers are restarted overnight
# and must find their leases again on disk).
lab_servers_start() {
  local tag=$1 root=$PXEBOOT_TFTP_ROOT mac
  PXEBOOT_SOURCES=()
  case $LAB_SERVERS in
    pxekit)
      pxeboot_serve "$PXEBOOT_WORK/pxe-dhcpd.$tag.log" pxe-dhcpd -v -c "$PXEBOOT_WORK/dhcpd.conf" \
        --interface "$PXEBOOT_BRIDGE" --lease-file "$PXEBOOT_WORK/dhcpd.leases"
      pxeboot_serve "$PXEBOOT_WORK/pxe-tftpd.$tag.log" pxe-tftpd -a "$PXEBOOT_SERVER_IP:69" "$root"
      PXEBOOT_SOURCES=("dhcp:$PXEBOOT_WORK/pxe-dhcpd.$tag.log" "tftp:$PXEBOOT_WORK/pxe-tftpd.$tag.log")
      ;;
    dnsmasq)
      local ipxe=()
      # Of the dhcp-boot lines that match, dnsmasq takes the last one.
      for mac in $(_lab_ipxe_macs); do ipxe+=(--dhcp-host="$mac,set:ipxehost"); done
      ip netns exec "$PXEBOOT_NETNS" dnsmasq --conf-file=/dev/null --keep-in-foreground --log-facility=- \
        --port=0 --no-resolv --no-hosts --log-dhcp \
        --interface="$PXEBOOT_BRIDGE" --bind-interfaces \
        --pid-file="$PXEBOOT_WORK/dnsmasq.pid" \
        --dhcp-leasefile="$PXEBOOT_WORK/dnsmasq.leases" \
        --dhcp-authoritative \
        --dhcp-range="$PXEBOOT_RANGE_LO,$PXEBOOT_RANGE_HI,255.255.255.0,1h" \
        --dhcp-userclass=set:ipxe,iPXE \
        --dhcp-match=set:efi64,option:client-arch,7 \
        --dhcp-match=set:efi64,option:client-arch,9 \
        "${ipxe[@]}" \
        --dhcp-boot=tag:efi64,"$PXEBOOT_EFI_FILE",,"$PXEBOOT_SERVER_IP" \
        --dhcp-boot=tag:!efi64,"$PXEBOOT_BIOS_FILE",,"$PXEBOOT_SERVER_IP" \
        --dhcp-boot=tag:ipxe,tag:ipxehost,default.ipxe,,"$PXEBOOT_SERVER_IP" \
        --enable-tftp --tftp-root="$root" \
        </dev/null >"$PXEBOOT_WORK/dnsmasq.$tag.log" 2>&1 &
      PXEBOOT_SERVER_PIDS+=($!)
      PXEBOOT_SOURCES=("dnsmasq:$PXEBOOT_WORK/dnsmasq.$tag.log")
      ;;
  esac
  _pxeboot_wait_ports "$LAB_SERVERS" || return 1
  pxeboot_say servers "$([ "$LAB_SERVERS" = pxekit ] && echo "pxe-dhcpd -c dhcpd.conf + pxe-tftpd" || echo "dnsmasq (DHCP+TFTP)") on $PXEBOOT_BRIDGE ($tag)"
}

# lab_vm_script I: the command the power switch runs to switch machine I
# on: QEMU in the foreground (the machine is on while it runs), its console
# in mI/serial.log, emptied at each power-on. -no-reboot: a guest reboot
# ends QEMU too; the console tells the two apart.
lab_vm_script() {
  local i=$1 dir machine=() accel
  dir=$PXEBOOT_WORK/${LAB_NAME[i]}
  mkdir -p "$dir"
  case ${LAB_FW[i]} in
    bios) machine=(-machine pc) ;;
    uefi)
      # Its own NVRAM, kept from one day to the next.
      cp /usr/share/OVMF/OVMF_VARS_4M.fd "$dir/OVMF_VARS.fd" || return 1
      # shellcheck disable=SC2054 # QEMU's commas
      machine=(-machine q35
        -drive if=pflash,format=raw,unit=0,readonly=on,file=/usr/share/OVMF/OVMF_CODE_4M.fd
        -drive "if=pflash,format=raw,unit=1,file=$dir/OVMF_VARS.fd")
      ;;
  esac
  accel=$(pxeboot_accel_args | tr '\n' ' ')
  {
    echo "#!/bin/sh"
    echo "# ${LAB_NAME[i]}: ${LAB_FW[i]}, ${LAB_NIC[i]}, ${LAB_LOADER[i]}; started by the power switch"
    echo ": >'$dir/serial.log'"
    printf 'exec %s' "$PXEBOOT_QEMU"
    printf " %q" "${machine[@]}"
    printf ' %s' "$accel"
    printf " %q" -name "${LAB_NAME[i]}" -m 768 -smp 1 -nodefaults -no-user-config -display none -vga none \
      -monitor none -serial "file:$dir/serial.log" -no-reboot -boot n -uuid "${LAB_UUID[i]}" \
      -netdev "tap,id=net0,ifname=${LAB_TAP[i]},script=no,downscript=no" \
      -device "${LAB_NIC[i]},netdev=net0,mac=${LAB_MAC[i]},bootindex=0"
    printf " >%q 2>&1 </dev/null\n" "$dir/qemu.log"
  } >"$dir/vm.sh"
  chmod 755 "$dir/vm.sh"
}

# lab_switch_start: the power switch on the sense port, one line a machine.
lab_switch_start() {
  local i conf=$PXEBOOT_WORK/power_switch.conf
  [ -x "$LAB_SWITCH" ] || { lab_die "$LAB_SWITCH is not built (make)"; return 1; }
  {
    echo "# MAC COMMAND: the lab's machines"
    for ((i = 0; i < LAB_N; i++)); do
      echo "${LAB_MAC[i]} exec $PXEBOOT_WORK/${LAB_NAME[i]}/vm.sh"
    done
  } >"$conf"
  ip netns exec "$PXEBOOT_NETNS" "$LAB_SWITCH" -c "$conf" -i "$LAB_SENSE" --timeout 7200 \
    --ready "$PXEBOOT_WORK/switch.ready" </dev/null >"$PXEBOOT_WORK/switch.out" 2>"$PXEBOOT_WORK/switch.err" &
  LAB_SWITCH_PID=$!
  for i in $(seq 100); do
    [ -s "$PXEBOOT_WORK/switch.ready" ] && break
    kill -0 "$LAB_SWITCH_PID" 2>/dev/null || break
    sleep 0.05
  done
  [ -s "$PXEBOOT_WORK/switch.ready" ] ||
    { cat "$PXEBOOT_WORK/switch.err" >&2; lab_die "the power switch did not start"; return 1; }
  pxeboot_say power "power switch on $LAB_SENSE: $LAB_N machines, all off"
}

lab_cleanup() {
  if [ -n "$LAB_SWITCH_PID" ]; then
    # It kills every machine still on (by its PID) and reaps it.
    kill -TERM "$LAB_SWITCH_PID" 2>/dev/null && wait "$LAB_SWITCH_PID" 2>/dev/null
    LAB_SWITCH_PID=""
  fi
  if [ -n "$LAB_NFS_UP" ]; then
    lab_nfs_stop >/dev/null 2>&1
    LAB_NFS_UP=""
  fi
  return 0
}

# lab_up pxekit|dnsmasq [ganesha|knfsd]: everything up to the dark lab.
# knfsd fails here, before anything is built, where the host cannot run it
# (knfsd_probe says why).
lab_up() {
  LAB_SERVERS=$1
  LAB_NFS=${2:-ganesha}
  case $LAB_SERVERS in pxekit | dnsmasq) ;; *) lab_die "servers: pxekit or dnsmasq"; return 1 ;; esac
  case $LAB_NFS in ganesha | knfsd) ;; *) lab_die "NFS server: ganesha or knfsd"; return 1 ;; esac
  if [ "$LAB_NFS" = knfsd ] && ! knfsd_probe; then
    lab_die "knfsd: $KNFSD_WHY"
    return 1
  fi
  [ "$LAB_N" -gt 0 ] || { lab_die "lab_plan first"; return 1; }
  pxeboot_init || return 1
  # Ours first, then pxeboot's (servers, namespace, scratch dir).
  _lab_prev_exit_trap=$(trap -p EXIT | sed -E "s/^trap -- '(.*)' EXIT$/\1/")
  # shellcheck disable=SC2016
  trap 'lab_cleanup; eval "$_lab_prev_exit_trap"' EXIT
  pxeboot_accel || return 1
  LAB_KEY=$PXEBOOT_WORK/admin.key
  "$PXEBOOT_BIN/pxe-poweroff" keygen --out "$LAB_KEY" >/dev/null || { lab_die "pxe-poweroff keygen"; return 1; }
  lab_image || return 1
  lab_net || return 1
  PXEBOOT_TFTP_ROOT=$PXEBOOT_WORK/tftp
  lab_tftproot "$PXEBOOT_TFTP_ROOT" || return 1
  local i
  # The machines' subnet: what they get is up to the DHCP server.
  LAB_NFS_UP=yes
  lab_nfs_start "$PXEBOOT_NETNS" "$LAB_ROOT_PATH" "$PXEBOOT_SUBNET" "$PXEBOOT_WORK/nfs" "$LAB_NFS" ||
    { lab_die "$([ "$LAB_NFS" = knfsd ] && echo knfsd || echo NFS-Ganesha) did not start (see above)"; return 1; }
  lab_dhcpd_conf "$PXEBOOT_WORK/dhcpd.conf"
  lab_servers_start day1 || return 1
  for ((i = 0; i < LAB_N; i++)); do
    lab_vm_script "$i" || return 1
    printf '%s\n' "${LAB_MAC[i]}" >>"$PXEBOOT_WORK/lab-macs.txt"
  done
  lab_switch_start || return 1
}

# --- watching -------------------------------------------------------------------

# _lab_mark DAY I STAGE TEXT: the first time STAGE happened for I today.
_lab_mark() {
  local key="$1,$2,$3"
  [ -n "${LAB_AT[$key]-}" ] && return 1
  LAB_AT[$key]=$(_lab_since "$LAB_DAY_T0")
  lab_line "${LAB_NAME[$2]}" "$3" "$4"
}

_lab_mac_index() {  # MAC (any case) -> I, or nothing
  local mac=${1,,}
  echo "${LAB_BYMAC[$mac]-}"
}

# Events from the switch's output.
_lab_event_switch() {
  local line=$1 d=$LAB_DAY i words
  read -r -a words <<<"$line"
  case ${words[0]} in
    wake)
      i=$(_lab_mac_index "${words[1]}")
      [ -n "$i" ] || return 0
      LAB_VIA["$d,$i"]=${words[5]}
      _lab_mark "$d" "$i" wake "power switch: magic packet for ${words[1]} via ${words[5]}: QEMU pid ${words[3]}"
      ;;
    exited)
      i=$(_lab_mac_index "${words[1]}")
      [ -n "$i" ] || return 0
      LAB_STATUS["$d,$i"]="${words[4]} ${words[5]}"
      LAB_AT["$d,$i,off"]=$(_lab_since "${LAB_NIGHT_T0:-$LAB_DAY_T0}")
      lab_line "${LAB_NAME[i]}" power "QEMU pid ${words[3]} exited, ${words[4]} ${words[5]}"
      ;;
  esac
}

# A DHCPACK: the firmware's (first) or the kernel's (later) one.
_lab_dhcp_ack() {
  local i=$1 ip=$2 text=$3 d=$LAB_DAY
  LAB_BYIP[$ip]=$i
  if [ -z "${LAB_AT[$d,$i,dhcp]-}" ]; then
    LAB_IP["$d,$i"]=$ip
    _lab_mark "$d" "$i" dhcp "$text"
  elif [ -n "${LAB_AT[$d,$i,files]-}" ]; then
    [ "$ip" = "${LAB_IP[$d,$i]}" ] || LAB_FAIL["$d,$i"]="the kernel got $ip, the firmware ${LAB_IP[$d,$i]}"
    _lab_mark "$d" "$i" ip "$text"
  fi
}

_lab_event_dhcpd() {  # pxe-dhcpd -v
  local line=$1 mac i ip who
  case $line in *DHCPACK*) ;; *) return 0 ;; esac
  mac=$(grep -oiE '([0-9a-f]{2}:){5}[0-9a-f]{2}' <<<"$line" | head -n1)
  i=$(_lab_mac_index "$mac")
  [ -n "$i" ] || return 0
  ip=$(sed -nE 's/.*DHCPACK ([0-9.]+).*/\1/p' <<<"$line")
  # Who asked: the vendor class (PXEClient:Arch:..., udhcp, ...) and iPXE.
  who=$(sed -nE 's/.* vendor "([^"]*)".*/\1/p' <<<"$line")
  [[ $line == *'user "iPXE"'* ]] && who+=", iPXE"
  local file=${line##*DHCPACK }
  file=$(sed -nE 's/.* file "([^"]*)".*/\1/p' <<<"$file")
  _lab_dhcp_ack "$i" "$ip" "pxe-dhcpd: DHCPACK $ip${file:+ file $file} (${who:-no vendor class})"
}

_lab_event_dnsmasq() {
  local line=$1 mac i ip rest
  case $line in
    *dnsmasq-dhcp*"DHCPACK("*)
      rest=${line#*DHCPACK(}
      rest=${rest#*) }
      read -r ip mac _ <<<"$rest"
      i=$(_lab_mac_index "$mac")
      [ -n "$i" ] && _lab_dhcp_ack "$i" "$ip" "dnsmasq: DHCPACK $ip $mac"
      ;;
    *dnsmasq-tftp*": sent "*)
      rest=${line#*: sent }
      local file=${rest%% to *} to=${rest##* to }
      file=${file#"$PXEBOOT_TFTP_ROOT"/}
      _lab_tftp_sent "$to" "$file" "dnsmasq: sent $file"
      ;;
  esac
  return 0
}

# A file sent to IP: the boot loader (first) and the initrd (last) are
# the stages.
_lab_tftp_sent() {
  local ip=$1 file=$2 text=$3 i d=$LAB_DAY
  i=${LAB_BYIP[$ip]-}
  [ -n "$i" ] || return 0
  LAB_FILES["$d,$i"]+="${LAB_FILES[$d,$i]:+ }${file##*/}"
  case $file in
    "$PXEBOOT_INITRD_NAME" | */"$PXEBOOT_INITRD_NAME")
      _lab_mark "$d" "$i" files "TFTP: $(wc -w <<<"${LAB_FILES[$d,$i]}") files, the last $file: ${LAB_FILES[$d,$i]}" ;;
    *) [ -z "${LAB_AT[$d,$i,loader]-}" ] && _lab_mark "$d" "$i" loader "$text" ;;
  esac
  return 0
}

_lab_event_tftpd() {  # pxe-tftpd: "IP:PORT RRQ 'FILE' N bytes ... : ok"
  local line=$1
  [[ $line =~ ([0-9]+\.[0-9]+\.[0-9]+\.[0-9]+):[0-9]+\ RRQ\ \'([^\']+)\'\ ([0-9]+)\ bytes.*:\ ok$ ]] || return 0
  _lab_tftp_sent "${BASH_REMATCH[1]}" "${BASH_REMATCH[2]#/}" \
    "pxe-tftpd: ${BASH_REMATCH[2]} ($(numfmt --to=iec "${BASH_REMATCH[3]}")B)"
}

# One console line of machine I (lab_image.sh's root prints the
# pxekit-lab: lines).
_lab_event_console() {
  local i=$1 line=$2 d=$LAB_DAY
  case $line in
    *"Linux version "*)
      local v=${line#*Linux version }
      _lab_mark "$d" "$i" kernel "Linux ${v%% *} started" ;;
    *"pxekit-lab: root "*)
      LAB_ROOTLINE["$d,$i"]=${line#*pxekit-lab: root }
      _lab_mark "$d" "$i" nfs "root: ${line#*pxekit-lab: root }" ;;
    *"pxekit-lab: server-ro "*)
      LAB_SERVER_RO["$d,$i"]=${line#*pxekit-lab: server-ro }
      lab_line "${LAB_NAME[i]}" nfs "the server refuses writes: ${line#*pxekit-lab: server-ro }" ;;
    *"pxekit-lab: ready "*)
      _lab_mark "$d" "$i" ready "agent ready: ${line#*pxekit-lab: ready }" ;;
    *"pxekit-lab: wol "*)
      LAB_WOL["$d,$i"]=${line#*pxekit-lab: wol }
      lab_line "${LAB_NAME[i]}" wol "${line#*pxekit-lab: wol }" ;;
    *"pxekit-lab: failed"*)
      LAB_FAIL["$d,$i"]=${line#*pxekit-lab: }
      lab_line "${LAB_NAME[i]}" FAIL "${line#*pxekit-lab: }" ;;
    *"accepted poweroff request"* | *"Requesting system poweroff"* | *"reboot: "* | *"Restarting system"* | \
      *"Kernel panic"* | *"VFS: Unable to mount root"*)
      lab_line "${LAB_NAME[i]}" guest "${line#\[*\] }" ;;
  esac
  return 0
}

# _lab_poll: one pass over every log, new lines only.
_lab_poll() {
  local source kind file n k line i
  local -a files=("switch:$PXEBOOT_WORK/switch.out")
  for source in "${PXEBOOT_SOURCES[@]}"; do files+=("$source"); done
  for ((i = 0; i < LAB_N; i++)); do files+=("console$i:$PXEBOOT_WORK/${LAB_NAME[i]}/serial.log"); done
  for source in "${files[@]}"; do
    kind=${source%%:*}
    file=${source#*:}
    [ -f "$file" ] || continue
    n=${LAB_SEEN[$file]:-0}
    k=0
    while IFS= read -r line; do
      k=$((k + 1))
      line=${line%$'\r'}
      case $kind in
        switch) _lab_event_switch "$line" ;;
        dhcp) _lab_event_dhcpd "$line" ;;
        tftp) _lab_event_tftpd "$line" ;;
        dnsmasq) _lab_event_dnsmasq "$line" ;;
        console*) _lab_event_console "${kind#console}" "$line" ;;
      esac
    done < <(tail -n "+$((n + 1))" "$file" 2>/dev/null)
    LAB_SEEN[$file]=$((n + k))
  done
}

_lab_count() {  # _lab_count DAY STAGE: machines that reached STAGE
  local i c=0
  for ((i = 0; i < LAB_N; i++)); do
    [ -n "${LAB_AT[$1,$i,$2]-}" ] && c=$((c + 1))
  done
  echo $c
}

_lab_all_off() {  # every machine of DAY has an exit line
  local i
  for ((i = 0; i < LAB_N; i++)); do
    [ -n "${LAB_STATUS[$1,$i]-}" ] || return 1
  done
}

# --- the day ----------------------------------------------------------------------

# lab_morning DAY TIMEOUT: wakeonlan -I bridge -f lab-macs.txt, then the
# stages of every machine until all agents are ready (0) or TIMEOUT (1).
lab_morning() {
  local d=$1 timeout=$2 out rc deadline now
  LAB_DAY=$d
  LAB_NIGHT_T0=""
  # A fresh console log per power-on (vm.sh empties it); read from its start.
  for ((i = 0; i < LAB_N; i++)); do LAB_SEEN[$PXEBOOT_WORK/${LAB_NAME[i]}/serial.log]=0; done
  LAB_DAY_T0=$EPOCHREALTIME
  out=$(ip netns exec "$PXEBOOT_NETNS" "$PXEBOOT_BIN/wakeonlan" -I "$PXEBOOT_BRIDGE" -f "$PXEBOOT_WORK/lab-macs.txt" 2>&1)
  rc=$?
  LAB_WAKE_OUT=$out
  lab_line all wol "wakeonlan -I $PXEBOOT_BRIDGE -f lab-macs.txt: $(grep -c 'Sending magic packet' <<<"$out") packets (exit $rc)"
  [ "$rc" = 0 ] || { echo "$out" >&2; return 1; }
  deadline=$((${LAB_DAY_T0%.*} + timeout))
  while :; do
    _lab_poll
    [ "$(_lab_count "$d" ready)" = "$LAB_N" ] && return 0
    now=$EPOCHREALTIME
    [ "${now%.*}" -ge "$deadline" ] && break
    sleep 0.2
  done
  for ((i = 0; i < LAB_N; i++)); do
    [ -n "${LAB_AT[$d,$i,ready]-}" ] && continue
    LAB_FAIL["$d,$i"]="no ready line after ${timeout}s; last console line: $(_pxeboot_last_line "$PXEBOOT_WORK/${LAB_NAME[i]}/serial.log" nothing)"
    lab_line "${LAB_NAME[i]}" FAIL "${LAB_FAIL[$d,$i]}"
  done
  return 1
}

# lab_hosts_file DAY: "IP MAC" per ready machine, for pxe-poweroff -f.
lab_hosts_file() {
  local d=$1 i
  : >"$PXEBOOT_WORK/lab-hosts.txt"
  for ((i = 0; i < LAB_N; i++)); do
    [ -n "${LAB_IP[$d,$i]-}" ] && echo "${LAB_IP[$d,$i]} ${LAB_MAC[i]}" >>"$PXEBOOT_WORK/lab-hosts.txt"
  done
}

# lab_night DAY TIMEOUT: pxe-poweroff -f lab-hosts.txt; then each QEMU's
# exit, and its reason from the console. 0 when every machine powered off.
lab_night() {
  local d=$1 timeout=$2 rc deadline now i console sender done_sender=""
  lab_hosts_file "$d"
  LAB_NIGHT_T0=$EPOCHREALTIME
  LAB_DAY_T0=$LAB_NIGHT_T0
  lab_line all off "pxe-poweroff -f lab-hosts.txt ($(wc -l <"$PXEBOOT_WORK/lab-hosts.txt") hosts)"
  # In the background, so that the guests' lines stream while it runs.
  ip netns exec "$PXEBOOT_NETNS" "$PXEBOOT_BIN/pxe-poweroff" -k "$LAB_KEY" --wait $((timeout / 2)) \
    -f "$PXEBOOT_WORK/lab-hosts.txt" </dev/null >"$PXEBOOT_WORK/pxe-poweroff.$d.out" \
    2>"$PXEBOOT_WORK/pxe-poweroff.$d.err" &
  sender=$!
  PXEBOOT_HELPER_PIDS+=("$sender")
  deadline=$((${LAB_NIGHT_T0%.*} + timeout))
  while :; do
    _lab_poll
    if [ -z "$done_sender" ] && ! kill -0 "$sender" 2>/dev/null; then
      wait "$sender"
      LAB_POWEROFF_RC=$?
      done_sender=yes
      _lab_night_acks "$d"
    fi
    [ -n "$done_sender" ] && _lab_all_off "$d" && break
    now=$EPOCHREALTIME
    [ "${now%.*}" -ge "$deadline" ] && break
    sleep 0.2
  done
  _lab_poll
  if [ -z "$done_sender" ]; then
    kill "$sender" 2>/dev/null
    wait "$sender" 2>/dev/null
    LAB_POWEROFF_RC=killed
  fi
  rc=0
  for ((i = 0; i < LAB_N; i++)); do
    console=$PXEBOOT_WORK/${LAB_NAME[i]}/serial.log
    cp "$console" "$PXEBOOT_WORK/${LAB_NAME[i]}/serial.day$d.log" 2>/dev/null
    LAB_EXIT["$d,$i"]=$(lab_exit_reason "$d" "$i")
    lab_line "${LAB_NAME[i]}" exit "${LAB_EXIT[$d,$i]}"
    [[ ${LAB_EXIT[$d,$i]} == "powered off"* ]] || rc=1
  done
  LAB_DAY_T0=""
  return $rc
}

# _lab_night_acks DAY: pxe-poweroff's line for each machine.
_lab_night_acks() {
  local d=$1 i line out=$PXEBOOT_WORK/pxe-poweroff.$1.out
  for ((i = 0; i < LAB_N; i++)); do
    line=$(grep "^${LAB_IP[$d,$i]-none}: " "$out")
    if [ "$line" = "${LAB_IP[$d,$i]-none}: acked" ]; then
      LAB_AT["$d,$i,ack"]=$(_lab_since "$LAB_NIGHT_T0")
    fi
    lab_line "${LAB_NAME[i]}" ack "pxe-poweroff: ${line:-not asked (no address)}"
  done
  lab_line all off "pxe-poweroff exited $LAB_POWEROFF_RC$([ -s "$PXEBOOT_WORK/pxe-poweroff.$d.err" ] && echo ": $(head -n1 "$PXEBOOT_WORK/pxe-poweroff.$d.err")")"
}

# lab_exit_reason DAY I: why machine I's QEMU ended, from the switch's exit
# line and the guest's last words on its console.
lab_exit_reason() {
  local d=$1 i=$2 status=${LAB_STATUS[$1,$2]-} console
  console=$PXEBOOT_WORK/${LAB_NAME[i]}/serial.log
  if [ -z "$status" ]; then
    if tr -d '\r' <"$console" 2>/dev/null | grep -q "reboot: System halted"; then
      echo "halted: the OS stopped, QEMU still runs (the power is on)"
    else
      echo "still on: no power-off within the bound"
    fi
    return
  fi
  if [ "$status" != "status 0" ]; then
    echo "QEMU ended with $status (killed or failed, not by the guest)"
  elif tr -d '\r' <"$console" | grep -q "reboot: Power down"; then
    echo "powered off by the guest: 'reboot: Power down', QEMU exited 0"
  elif tr -d '\r' <"$console" | grep -q "reboot: Restarting system"; then
    echo "rebooted, not powered off: 'reboot: Restarting system' (QEMU -no-reboot exits 0)"
  elif tr -d '\r' <"$console" | grep -q "Kernel panic"; then
    echo "kernel panic (panic=-1 with -no-reboot exits QEMU)"
  else
    echo "QEMU exited 0 without the kernel saying why"
  fi
}

# lab_overnight: the servers restart with their lease files kept.
lab_overnight() {
  pxeboot_servers_stop
  lab_servers_start day2
}

# lab_summary: one row a machine and day.
lab_summary() {
  local d i s row
  printf '%-7s %-3s %-4s %-10s %-8s %-13s' machine day fw nic loader address
  for s in "${LAB_STAGES[@]}"; do printf ' %6s' "$s"; done
  printf ' %6s %6s  %s\n' ack off result
  for ((i = 0; i < LAB_N; i++)); do
    for d in 1 2; do
      [ -n "${LAB_AT[$d,$i,wake]-}${LAB_FAIL[$d,$i]-}" ] || continue
      printf '%-7s %-3s %-4s %-10s %-8s %-13s' "${LAB_NAME[i]}" "$d" "${LAB_FW[i]}" "$(lab_nic_name "${LAB_NIC[i]}")" \
        "${LAB_LOADER[i]}" "${LAB_IP[$d,$i]:--}"
      for s in "${LAB_STAGES[@]}"; do printf ' %6s' "${LAB_AT[$d,$i,$s]:--}"; done
      printf ' %6s %6s  ' "${LAB_AT[$d,$i,ack]:--}" "${LAB_AT[$d,$i,off]:--}"
      if [ -n "${LAB_FAIL[$d,$i]-}" ]; then
        row="FAILED: ${LAB_FAIL[$d,$i]}"
      elif [[ ${LAB_EXIT[$d,$i]-} == "powered off"* ]]; then
        row="ok, powered off"
        [ "$d" = 2 ] && [ "${LAB_IP[1,$i]-}" = "${LAB_IP[2,$i]-}" ] && row+=", same address"
        [ "$d" = 2 ] && [ "${LAB_IP[1,$i]-}" != "${LAB_IP[2,$i]-}" ] && row="address changed: ${LAB_IP[1,$i]-} -> ${LAB_IP[2,$i]-}"
      elif [ -z "${LAB_EXIT[$d,$i]-}" ] && [ -n "${LAB_AT[$d,$i,ready]-}" ]; then
        row="ok, agent ready (no evening)"
      else
        row=${LAB_EXIT[$d,$i]:-"not powered off"}
      fi
      echo "$row"
    done
  done
  echo "(seconds: stages from the morning's wakeonlan, ack and off from the evening's pxe-poweroff)"
}
