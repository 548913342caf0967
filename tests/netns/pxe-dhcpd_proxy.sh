#!/usr/bin/env bash
# pxe-dhcpd --proxy beside a foreign DHCP server (dnsmasq) in the same
# namespace, on the same interface: dnsmasq hands out the address, the proxy
# only boot information, for BIOS (in the OFFER) and UEFI (on port 4011).
# dhcp_probe is the client, because it prints every reply. Everything runs
# inside the test's two namespaces.

source "$PXEKIT_SRC/tests/support/testlib.sh"
source "$PXEKIT_SRC/tests/support/dhcp_wire.sh"
need_cmd dnsmasq ss

dhcp_wire_setup "pxk-dp-s-$$" "pxk-dp-c-$$"
# The probe needs an address for the 4011 exchange (the client would have
# taken dnsmasq's by then).
ip -n "$C" addr add 198.18.0.60/24 dev dhc0
PROBE=$PXEKIT_TEST_BIN/dhcp_probe

ip netns exec "$S" dnsmasq --no-daemon --port=0 --interface=dhs0 --bind-interfaces \
  --conf-file=/dev/null --dhcp-range=198.18.0.100,198.18.0.150,12h --no-ping \
  --dhcp-leasefile="$SCRATCH/dnsmasq.leases" --pid-file="$SCRATCH/dnsmasq.pid" \
  >"$SCRATCH/dnsmasq.log" 2>&1 &
BACKGROUND+=($!)
# dnsmasq can take seconds to bind on a loaded machine: wait up to 20 s.
wait_until 20 'ip netns exec "$S" ss -H -uln "sport = :67" | grep -q .'

start_dhcpd "$LOG" --proxy -i dhs0 --lease-file "$SCRATCH/dhcpd.leases" \
  --filename undionly.kpxe --efi-filename efi64/ipxe.efi || { finish; exit 1; }
port67_sockets() { ip netns exec "$S" ss -H -uln "sport = :67" | wc -l; }
wait_until 10 '[ "$(port67_sockets)" = 2 ]'
check "both servers own port 67 on dhs0" '[ "$(port67_sockets)" = 2 ]'
check "the proxy listens on 4011" 'ip netns exec "$S" ss -H -uln "sport = :4011" | grep -q .'

probe() { ip netns exec "$C" "$PROBE" dhc0 "$@"; }

# --- BIOS (arch 0): two OFFERs; the proxy's boots the file directly ---
out=$(probe discover 0 PXEClient:Arch:00000:UNDI:002001 3000); rc=$?
check "BIOS: replies came" '[ $rc = 0 ]'
check "BIOS: dnsmasq offers an address" 'echo "$out" | grep -q "DHCPOFFER yiaddr=198.18.0.1[0-5][0-9] "'
check "BIOS: the proxy offers no address, siaddr, file, 60 with 43 (bit 3), 97 echoed" \
  'echo "$out" | grep -qx "from 198.18.0.1:67 DHCPOFFER yiaddr=0.0.0.0 siaddr=198.18.0.1 file=undionly.kpxe opt60=PXEClient opt43=060108ff opt67=undionly.kpxe opt97=echoed"'

# --- UEFI (arch 7): the proxy's OFFER sends it to 4011 ---
out=$(probe discover 7 PXEClient:Arch:00007:UNDI:003016 3000); rc=$?
check "UEFI: the proxy OFFER has 60 but no 43 and no file (go to 4011)" \
  'echo "$out" | grep -qx "from 198.18.0.1:67 DHCPOFFER yiaddr=0.0.0.0 siaddr=198.18.0.1 file=- opt60=PXEClient opt43=- opt67=- opt97=echoed"'
out=$(probe binl 198.18.0.1 7 PXEClient:Arch:00007:UNDI:003016 3000); rc=$?
check "UEFI: the 4011 REQUEST gets an ACK from :4011 with the EFI file" \
  '[ $rc = 0 ] && echo "$out" | grep -qx "from 198.18.0.1:4011 DHCPACK yiaddr=0.0.0.0 siaddr=198.18.0.1 file=efi64/ipxe.efi opt60=PXEClient opt43=060108ff opt67=efi64/ipxe.efi opt97=echoed"'
check "UEFI: logged with port and reason" \
  'grep -q "DHCPREQUEST from 02:00:00:00:00:22 via dhs0 port 4011 arch 7 (x64 UEFI) vendor \"PXEClient:Arch:00007:UNDI:003016\": proxy DHCPACK (port 4011) file \"efi64/ipxe.efi\"" "$LOG"'

# --- a non-PXE client: only dnsmasq answers ---
out=$(probe discover 0 MSFT-5.0 3000); rc=$?
check "non-PXE: the proxy stays silent" '! echo "$out" | grep -q "yiaddr=0.0.0.0"'
check "non-PXE: dnsmasq still answers" 'echo "$out" | grep -q "DHCPOFFER yiaddr=198.18.0.1"'
check "proxy mode writes no leases" '! grep -q "^lease " "$SCRATCH/dhcpd.leases"'

stop_dhcpd
check "SIGTERM: exit 0" '[ "$DHCPD_STATUS" = 0 ]'
finish
