#!/usr/bin/env python3
"""A raw TFTP client for pxe-tftpd's namespace tests: it sends exactly the
packets a scenario needs (duplicate ACKs, lost ACKs, tsize probes, hostile
names) and checks what comes back. Every wait is bounded.

  tftp_probe.py HOST PORT SCENARIO [ARGS...]

Scenarios print one result line and exit 0 when the server behaved, 1 when
it did not (with the reason on stderr)."""

import codecs
import hashlib
import socket
import struct
import sys
import time

RRQ, WRQ, DATA, ACK, ERROR, OACK = 1, 2, 3, 4, 5, 6


def request(opcode, name, mode=b"octet", options=()):
    if isinstance(name, str):
        name = name.encode("latin-1")
    packet = struct.pack("!H", opcode) + name + b"\0" + mode + b"\0"
    for key, value in options:
        packet += key.encode() + b"\0" + str(value).encode() + b"\0"
    return packet


def ack(block):
    return struct.pack("!HH", ACK, block & 0xFFFF)


def error(code, message):
    return struct.pack("!HH", ERROR, code) + message.encode() + b"\0"


def parse(packet):
    opcode = struct.unpack("!H", packet[:2])[0]
    if opcode in (DATA, ACK):
        return opcode, struct.unpack("!H", packet[2:4])[0], packet[4:]
    if opcode == ERROR:
        return opcode, struct.unpack("!H", packet[2:4])[0], packet[4:].split(b"\0")[0]
    if opcode == OACK:
        parts = packet[2:].split(b"\0")[:-1]
        return opcode, dict(zip(parts[0::2], parts[1::2])), b""
    return opcode, None, packet[2:]


class Client:
    def __init__(self, host, port):
        self.server = (host, port)
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("0.0.0.0", 0))
        self.tid = None

    def send_request(self, packet):
        self.sock.sendto(packet, self.server)

    def send(self, packet):
        self.sock.sendto(packet, self.tid)

    def recv(self, timeout):
        """The next packet from the server, or None after `timeout` s."""
        self.sock.settimeout(timeout)
        try:
            data, peer = self.sock.recvfrom(70000)
        except socket.timeout:
            return None
        if self.tid is None:
            self.tid = peer
        elif peer != self.tid:
            return self.recv(timeout)  # a stranger; not ours
        return parse(data)

    def close(self):
        self.sock.close()


def fail(message):
    print("FAIL: " + message, file=sys.stderr)
    sys.exit(1)


def fetch_rest(client, first, blksize, window=1, start=1):
    """Receives DATA blocks starting with `first` (already received), acking
    each window, until a short block. Returns the payload."""
    data = b""
    expected = start
    packet = first
    received_in_window = 0
    deadline = time.monotonic() + 120
    while True:
        if packet is None:
            if time.monotonic() > deadline:
                fail("transfer took too long")
            packet = client.recv(5)
            if packet is None:
                fail("no DATA within 5 s (block %d)" % expected)
            continue
        opcode, block, payload = packet
        if opcode != DATA:
            fail("expected DATA %d, got opcode %d %r" % (expected, opcode, payload))
        if block == expected & 0xFFFF:
            data += payload
            expected += 1
            received_in_window += 1
            last = len(payload) < blksize
            if last or received_in_window == window:
                client.send(ack(block))
                received_in_window = 0
            if last:
                return data
        packet = None


def scenario_get(client, name, blksize="512", window="1"):
    """An OVMF-like fetch: options, OACK, ACK 0, windows."""
    blksize, window = int(blksize), int(window)
    options = [("blksize", blksize)]
    if window > 1:
        options.append(("windowsize", window))
    client.send_request(request(RRQ, name, options=options))
    reply = client.recv(5)
    if reply is None or reply[0] != OACK:
        fail("expected OACK, got %r" % (reply,))
    granted = int(reply[1].get(b"windowsize", b"1"))
    client.send(ack(0))
    data = fetch_rest(client, None, int(reply[1][b"blksize"]), granted)
    print("%s %d windowsize %d" % (hashlib.sha256(data).hexdigest(), len(data), granted))


def scenario_tsize_probe(client, name, expected_size):
    """EDK2 and Intel ROMs: ask tsize, read the OACK, abort with ERROR 8."""
    client.send_request(request(RRQ, name, options=[("tsize", 0), ("blksize", 1468)]))
    reply = client.recv(5)
    if reply is None or reply[0] != OACK:
        fail("expected OACK, got %r" % (reply,))
    if reply[1].get(b"tsize") != expected_size.encode():
        fail("tsize %r, expected %s" % (reply[1].get(b"tsize"), expected_size))
    client.send(error(8, "User aborted the transfer"))
    # The server must not answer the abort.
    late = client.recv(0.3)
    if late is not None:
        fail("the server answered the ERROR 8 with %r" % (late,))
    print("probed tsize %s" % expected_size)


def scenario_lost_ack(client, name):
    """Receive DATA 1, 'lose' the ACK: the server must resend DATA 1."""
    client.send_request(request(RRQ, name))
    first = client.recv(5)
    if first is None or first[0] != DATA or first[1] != 1:
        fail("expected DATA 1, got %r" % (first,))
    again = client.recv(5)  # -T is 1 s by default, so this is ample
    if again is None:
        fail("DATA 1 was not retransmitted after the ACK was lost")
    if again[:2] != (DATA, 1) or again[2] != first[2]:
        fail("expected DATA 1 again, got %r" % (again[:2],))
    data = fetch_rest(client, again, 512)
    print("retransmitted; %s %d" % (hashlib.sha256(data).hexdigest(), len(data)))


def scenario_duplicate_ack(client, name):
    """ACK 1 twice: DATA 2 must come once (Sorcerer's Apprentice)."""
    client.send_request(request(RRQ, name))
    first = client.recv(5)
    if first is None or first[:2] != (DATA, 1):
        fail("expected DATA 1, got %r" % (first,))
    client.send(ack(1))
    client.send(ack(1))
    client.send(ack(1))
    second = client.recv(5)
    if second is None or second[:2] != (DATA, 2):
        fail("expected DATA 2, got %r" % (second,))
    client.send(ack(2))
    third = client.recv(5)
    if third is None:
        fail("no DATA after ACK 2")
    if third[:2] == (DATA, 2):
        fail("DATA 2 was sent again after a duplicate ACK")
    if third[:2] != (DATA, 3):
        fail("expected DATA 3, got %r" % (third[:2],))
    data = first[2] + second[2] + fetch_rest(client, third, 512, start=3)
    print("no resend; %s %d" % (hashlib.sha256(data).hexdigest(), len(data)))


def scenario_vanish(client, name, blocks):
    """Take a few blocks, then disappear without a word."""
    client.send_request(request(RRQ, name))
    for expected in range(1, int(blocks) + 1):
        packet = client.recv(5)
        # A retransmission of the block before (a short -T, a client slowed
        # by load or a sanitizer) is no error: wait for the next one.
        while packet is not None and packet[:2] == (DATA, expected - 1):
            packet = client.recv(5)
        if packet is None or packet[:2] != (DATA, expected):
            fail("expected DATA %d, got %r" % (expected, packet))
        if expected < int(blocks):
            client.send(ack(expected))
    client.close()
    print("vanished after %s blocks" % blocks)


def scenario_refused(client, name, code="2"):
    """The request must be answered by ERROR CODE. NAME takes backslash
    escapes (\\x01, \\\\), so control characters can be written."""
    raw = codecs.escape_decode(name.encode())[0]
    client.send_request(request(RRQ, raw))
    reply = client.recv(5)
    if reply is None:
        fail("no answer to %r" % raw)
    if reply[0] != ERROR or reply[1] != int(code):
        fail("%r: expected ERROR %s, got %r" % (raw, code, reply))
    print("ERROR %d %s" % (reply[1], reply[2].decode(errors="replace")))


def main():
    if len(sys.argv) < 4:
        print(__doc__, file=sys.stderr)
        sys.exit(64)
    host, port, name = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    scenarios = {
        "get": scenario_get,
        "tsize-probe": scenario_tsize_probe,
        "lost-ack": scenario_lost_ack,
        "duplicate-ack": scenario_duplicate_ack,
        "vanish": scenario_vanish,
        "refused": scenario_refused,
    }
    client = Client(host, port)
    scenarios[name](client, *sys.argv[4:])


if __name__ == "__main__":
    main()
