# shellcheck shell=bash
# A foreign DHCP server beside pxekit (proxyDHCP, issue 13 row 2), for the
# boot harness (tests/support/pxeboot.sh; source that and testlib.sh first):
# a dnsmasq in a namespace of its own (the "router", which knows nothing of
# PXE) gives the address; pxe-dhcpd --proxy gives the boot file and
# pxe-tftpd everything else, in the harness's namespace.
#
#   foreign_dhcp_up                       # after pxeboot_netns_up
#   foreign_dhcp_servers_start ROOT EFI   # dnsmasq, pxe-dhcpd --proxy, pxe-tftpd
#   ... boot ...
#   foreign_dhcp_checks EFI               # the lease is dnsmasq's, the file the proxy's

FOREIGN_IP=10.99.0.2
FOREIGN_IF=fdh0
FOREIGN_NETNS=""

# foreign_dhcp_up: the foreign server's namespace, joined to the boot bridge
# by a veth (removed with the namespaces at exit).
foreign_dhcp_up() {
  FOREIGN_NETNS=pxk-bupf-$$
  netns_add "$FOREIGN_NETNS"
  ip -n "$PXEBOOT_NETNS" link add fbr0 type veth peer name "$FOREIGN_IF" netns "$FOREIGN_NETNS" &&
    ip -n "$PXEBOOT_NETNS" link set fbr0 master "$PXEBOOT_BRIDGE" &&
    ip -n "$PXEBOOT_NETNS" link set fbr0 up &&
    ip -n "$FOREIGN_NETNS" addr add "$FOREIGN_IP/$PXEBOOT_PREFIX_LEN" dev "$FOREIGN_IF" &&
    ip -n "$FOREIGN_NETNS" link set "$FOREIGN_IF" up
}

# foreign_dhcp_servers_start ROOT EFI_FILE: the foreign dnsmasq (addresses
# only: no boot file, no next-server, no TFTP), pxe-dhcpd --proxy naming
# EFI_FILE for x64 UEFI, and pxe-tftpd serving ROOT; fresh logs. Returns
# once all three listen (at most 20 s).
foreign_dhcp_servers_start() {
  local root=$1 efi_file=$2 i
  rm -f "$PXEBOOT_WORK"/{dnsmasq.log,dnsmasq.leases,pxe-dhcpd.log,pxe-tftpd.log,dhcpd.leases}
  ip netns exec "$FOREIGN_NETNS" dnsmasq --conf-file=/dev/null --keep-in-foreground --log-facility=- \
    --log-dhcp --port=0 --no-resolv --no-hosts --no-ping \
    --interface="$FOREIGN_IF" --bind-interfaces \
    --pid-file="$PXEBOOT_WORK/dnsmasq.pid" --dhcp-leasefile="$PXEBOOT_WORK/dnsmasq.leases" \
    --dhcp-authoritative \
    --dhcp-range="$PXEBOOT_RANGE_LO,$PXEBOOT_RANGE_HI,255.255.255.0,1h" \
    </dev/null >"$PXEBOOT_WORK/dnsmasq.log" 2>&1 &
  PXEBOOT_SERVER_PIDS+=($!)
  pxeboot_serve "$PXEBOOT_WORK/pxe-dhcpd.log" pxe-dhcpd -v --proxy \
    --interface "$PXEBOOT_BRIDGE" \
    --filename "$PXEBOOT_BIOS_FILE" --efi-filename "$efi_file" \
    --lease-file "$PXEBOOT_WORK/dhcpd.leases"
  pxeboot_serve "$PXEBOOT_WORK/pxe-tftpd.log" pxe-tftpd -a "$PXEBOOT_SERVER_IP:69" "$root"
  PXEBOOT_SOURCES=("dhcp:$PXEBOOT_WORK/dnsmasq.log" "proxy:$PXEBOOT_WORK/pxe-dhcpd.log"
    "tftp:$PXEBOOT_WORK/pxe-tftpd.log")
  PXEBOOT_TFTP_ROOT=$root
  for i in $(seq 200); do
    ip netns exec "$FOREIGN_NETNS" ss -Hlun 'sport = :67' | grep -q . &&
      pxeboot_in_ns ss -Hlun 'sport = :4011' | grep -q . &&
      pxeboot_in_ns ss -Hlun 'sport = :69' | grep -q . && return 0
    sleep 0.1
  done
  return 1
}

# foreign_dhcp_checks EFI_FILE [PROXY_PORT]: the address came from the
# foreign server, the boot file EFI_FILE from the proxy (on PROXY_PORT, 67 or
# 4011, when given), the first file from pxe-tftpd to that address.
foreign_dhcp_checks() {
  local efi_file=$1 port=${2-} mac=$PXEBOOT_VM_MAC client_ip
  local tftp_log=$PXEBOOT_WORK/pxe-tftpd.log
  check "the foreign dnsmasq leased the VM its address" \
    'grep -qi " $mac 10\.99\.0\.1[0-5][0-9] " "$PXEBOOT_WORK/dnsmasq.leases"'
  check "dnsmasq ACKed it on its own interface" \
    'grep -qiE "DHCPACK\($FOREIGN_IF\) 10\.99\.0\.1[0-5][0-9] $mac" "$PXEBOOT_WORK/dnsmasq.log"'
  if [ -n "$port" ]; then
    check "pxe-dhcpd --proxy gave the UEFI boot file on port $port" \
      'grep -qiE "from $mac .*port $port .*proxy DHCPACK \(port $port\) file \"$efi_file\"" "$PXEBOOT_WORK/pxe-dhcpd.log"'
  else
    check "pxe-dhcpd --proxy gave the UEFI boot file" \
      'grep -qiE "from $mac .*proxy DHCP[A-Z]+ .*file \"$efi_file\"" "$PXEBOOT_WORK/pxe-dhcpd.log"'
  fi
  check "pxe-dhcpd leased nothing" '! grep -q "^lease " "$PXEBOOT_WORK/dhcpd.leases" 2>/dev/null'
  client_ip=$(sed -nE "s/^pxe-tftpd: ([0-9.]+):[0-9]+ RRQ .*/\1/p" "$tftp_log" | head -n1)
  check "the TFTP client is the address dnsmasq leased" \
    '[ -n "$client_ip" ] && grep -qi " $mac $client_ip " "$PXEBOOT_WORK/dnsmasq.leases"'
  check "pxe-tftpd served $efi_file" 'grep -qE "RRQ '"'"'/?$efi_file'"'"'" "$tftp_log"'
}
