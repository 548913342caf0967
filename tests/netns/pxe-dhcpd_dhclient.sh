#!/usr/bin/env bash
# pxe-dhcpd with ISC dhclient, configured by a dhcpd.conf in the ISC style
# (the seed's statements, a host, if/elsif on option arch): a pool address
# and a host reservation with next-server and filename; then SIGHUP with a
# broken file (the old config stays) and with a fixed one (it takes over).
# The server runs only inside $S, on dhs0.

source "$PXEKIT_SRC/tests/support/testlib.sh"
source "$PXEKIT_SRC/tests/support/dhcp_wire.sh"
need_cmd dhclient ss

dhcp_wire_setup "pxk-dd-s-$$" "pxk-dd-c-$$"
CONF=$SCRATCH/dhcpd.conf
cat >"$CONF" <<'CONF'
ddns-update-style none;
ignore client-updates;
allow booting;
allow bootp;
authoritative;
option arch code 93 = unsigned integer 16;

subnet 198.18.0.0 netmask 255.255.255.0 {
option routers 198.18.0.1;
option subnet-mask 255.255.255.0;
option domain-name-servers 198.18.0.1;
range dynamic-bootp 198.18.0.100 198.18.0.120;
default-lease-time 21600;
max-lease-time 43200;
next-server 198.18.0.9;
if option arch = 00:07 or option arch = 00:09 {
  filename "efi64/ipxe.efi";
} else {
  filename "pxelinux.0";
}
}

host target {
hardware ethernet 02:00:00:00:00:33;
fixed-address 198.18.0.10;
option routers 198.18.0.254;
next-server 198.18.0.2;
filename "/ubuntu-installer/i386/pxelinux.0";
}
CONF
start_dhcpd "$LOG" -c "$CONF" -i dhs0 --lease-file "$SCRATCH/dhcpd.leases" || { finish; exit 1; }

# dhclient_once OUT CONF_TEXT: one dhclient run in $C until it is bound.
dhclient_once() {
  local out=$1
  printf '%b' "$2" >"$SCRATCH/dhclient.conf"
  : >"$out"
  : >"$SCRATCH/dhclient.leases"
  timeout 30 ip netns exec "$C" dhclient -4 -1 -d -cf "$SCRATCH/dhclient.conf" \
    -sf "$SCRATCH/dump.sh" -lf "$SCRATCH/dhclient.leases" -pf "$SCRATCH/dhclient.pid" dhc0 \
    >"$SCRATCH/dhclient.log" 2>&1 &
  stop_when_seen $! "$out" '^event=BOUND'
  grep -q '^event=BOUND' "$out"
}
OUT=$SCRATCH/client.out  # where dump.sh writes for dhclient
UEFI='send vendor-class-identifier "PXEClient:Arch:00007:UNDI:003016";\nsend pxe-system-type 7;\nrequest subnet-mask, routers, tftp-server-name, bootfile-name;\n'
BIOS='send vendor-class-identifier "PXEClient:Arch:00000:UNDI:002001";\nsend pxe-system-type 0;\nrequest subnet-mask, routers;\n'

dhclient_once "$OUT" "$UEFI"; rc=$?
check "pool: dhclient bound" '[ $rc = 0 ]'
check "pool: address from the range" '[ "$(field "$OUT" new_ip_address)" = 198.18.0.100 ]'
check "pool: next-server from the subnet" '[ "$(field "$OUT" new_next_server)" = 198.18.0.9 ]'
check "pool: arch 7 picks the if branch" '[ "$(field "$OUT" new_filename)" = efi64/ipxe.efi ]'
check "pool: server identifier" '[ "$(field "$OUT" new_dhcp_server_identifier)" = 198.18.0.1 ]'
check "pool: lease time from the subnet" '[ "$(field "$OUT" new_dhcp_lease_time)" = 21600 ]'
check "pool: log says why (the if at its line)" 'grep -q "file \"efi64/ipxe.efi\" (if at $CONF:16)" "$LOG"'

dhclient_once "$OUT" "$BIOS"; rc=$?
check "pool, BIOS: else branch" '[ $rc = 0 ] && [ "$(field "$OUT" new_filename)" = pxelinux.0 ]'

ip -n "$C" link set dhc0 address 02:00:00:00:00:33
dhclient_once "$OUT" "$BIOS"; rc=$?
check "host: fixed address" '[ $rc = 0 ] && [ "$(field "$OUT" new_ip_address)" = 198.18.0.10 ]'
check "host: its next-server" '[ "$(field "$OUT" new_next_server)" = 198.18.0.2 ]'
check "host: its filename beats the subnet's" '[ "$(field "$OUT" new_filename)" = /ubuntu-installer/i386/pxelinux.0 ]'
check "host: its router" '[ "$(field "$OUT" new_routers)" = 198.18.0.254 ]'

# --- SIGHUP with a broken file: logged, old configuration kept ---
cp "$CONF" "$SCRATCH/good.conf"
printf 'subnet 198.18.0.0 netmask 255.255.255.0 {\n  range 198.18.0.100 198.18.1.5;\n}\n' >"$CONF"
kill -HUP "$DHCPD_PID"
wait_until 10 'grep -q "reload failed" "$LOG"'
check "SIGHUP bad: logged with file:line:col" \
  'grep -q "reload failed, keeping the old configuration: $CONF:2:9: range 198.18.0.100-198.18.1.5 is outside subnet 198.18.0.0/24" "$LOG"'
check "SIGHUP bad: still running" 'kill -0 "$DHCPD_PID"'
dhclient_once "$OUT" "$BIOS"; rc=$?
check "SIGHUP bad: the old host still served" \
  '[ $rc = 0 ] && [ "$(field "$OUT" new_filename)" = /ubuntu-installer/i386/pxelinux.0 ]'

# --- SIGHUP with a good file: it takes over ---
sed 's|/ubuntu-installer/i386/pxelinux.0|bootx64.efi|' "$SCRATCH/good.conf" >"$CONF"
kill -HUP "$DHCPD_PID"
wait_until 10 'grep -q "configuration reloaded" "$LOG"'
check "SIGHUP good: reloaded" 'grep -q "configuration reloaded" "$LOG"'
dhclient_once "$OUT" "$BIOS"; rc=$?
check "SIGHUP good: new filename served" '[ $rc = 0 ] && [ "$(field "$OUT" new_filename)" = bootx64.efi ]'

stop_dhcpd
check "SIGTERM: exit 0" '[ "$DHCPD_STATUS" = 0 ]'
finish
