"""What the DHCP helpers of the tests read in a BOOTP message (the bytes
from the op field on), written once for dhcp_ack_sniff.py and
dhcp_probe.py."""
import socket


def message_type(bootp):
    """Option 53 (1 DISCOVER ... 5 ACK, 6 NAK), or None: absent, or the
    options end or run short first."""
    opts, i = bootp[240:], 0
    while i < len(opts) and opts[i] != 255:
        if opts[i] == 0:
            i += 1
            continue
        if i + 1 >= len(opts):
            break
        if opts[i] == 53 and opts[i + 1] >= 1 and i + 2 < len(opts):
            return opts[i + 2]
        i += 2 + opts[i + 1]
    return None


def yiaddr(bootp):
    """The address the server gives (yiaddr), dotted."""
    return socket.inet_ntoa(bootp[16:20])
