#!/usr/bin/env python3
"""Sends DHCP messages as a relay (from GIADDR:67, giaddr set) to SERVER:67,
one at a time, and prints for each the reply it got within 2 s:
"KIND MAC ADDR REPLY", REPLY being "OFFER|ACK|NAK YIADDR" or "none".
Usage: dhcp_probe.py GIADDR SERVER SERVER_ID CASE...; CASE is KIND,MAC,ADDR
with KIND discover, select (a REQUEST with option 54 = SERVER_ID) or reboot
(INIT-REBOOT: a REQUEST without option 54 and ciaddr 0); ADDR (option 50)
may be "-"."""
import random, socket, struct, sys, time

from dhcp_msg import message_type, yiaddr
gi, server, sid = sys.argv[1:4]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((gi, 67))
s.settimeout(0.2)
for case in sys.argv[4:]:
    kind, mac, addr = case.split(",")
    xid = random.getrandbits(32)
    opts = bytes([53, 1, 1 if kind == "discover" else 3])
    if addr != "-":
        opts += bytes([50, 4]) + socket.inet_aton(addr)
    if kind == "select":
        opts += bytes([54, 4]) + socket.inet_aton(sid)
    pkt = struct.pack("!BBBBIHH4s4s4s4s16s64s128sI", 1, 1, 6, 1, xid, 0, 0,
                      bytes(4), bytes(4), bytes(4), socket.inet_aton(gi),
                      bytes.fromhex(mac.replace(":", "")), b"", b"", 0x63825363)
    s.sendto(pkt + opts + b"\xff", (server, 67))
    reply, end = "none", time.monotonic() + 2
    while time.monotonic() < end and reply == "none":
        try:
            data = s.recv(2048)
        except socket.timeout:
            continue
        if len(data) < 240 or struct.unpack("!I", data[4:8])[0] != xid:
            continue
        t = message_type(data)
        reply = {2: "OFFER", 5: "ACK", 6: "NAK"}.get(t, str(t)) + " " + yiaddr(data)
    print(kind, mac, addr, reply, flush=True)
