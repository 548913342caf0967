#!/usr/bin/env python3
"""Records every DHCPACK seen on the given interfaces (AF_PACKET, receive
only): one line "IFACE YIADDR CHADDR" per ACK, flushed at once. Runs until
SIGTERM or the time limit. Usage: dhcp_ack_sniff.py SECONDS OUT IFACE..."""
import select, signal, socket, struct, sys, time

from dhcp_msg import message_type, yiaddr

limit, out_path, ifaces = float(sys.argv[1]), sys.argv[2], sys.argv[3:]
signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
socks = {}
for name in ifaces:
    # ETH_P_ALL: on a bridge port, only these taps see a frame before the
    # bridge takes it.
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))
    s.bind((name, 3))
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 22)
    socks[s] = name
out = open(out_path, "a", buffering=1)
end = time.monotonic() + limit
while time.monotonic() < end:
    ready, _, _ = select.select(list(socks), [], [], 0.2)
    for s in ready:
        frame, addr = s.recvfrom(2048)
        if addr[2] == socket.PACKET_OUTGOING or frame[12:14] != b"\x08\x00":
            continue
        ip = frame[14:]
        if len(ip) < 28 or ip[9] != 17:
            continue
        ihl = (ip[0] & 15) * 4
        sport, = struct.unpack("!H", ip[ihl:ihl + 2])
        bootp = ip[ihl + 8:]
        if sport != 67 or len(bootp) < 240 or bootp[0] != 2:
            continue
        if message_type(bootp) == 5:
            out.write("%s %s %s\n" % (socks[s], yiaddr(bootp),
                                      bootp[28:34].hex()))
