#!/usr/bin/env python3
"""Writes the hand-made seeds of the structured fuzz targets (those that
read their input with fuzz_input.h), so that their byte layout is written
down once: python3 tests/fuzz/seeds.py. Crash reproducers are not made
here: they are committed as libFuzzer saved them."""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))


def put(target, name, data):
    d = os.path.join(HERE, "corpus", target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def u8(v):
    return struct.pack(">B", v)


def u16(v):
    return struct.pack(">H", v)


def u32(v):
    return struct.pack(">I", v)


def block8(b):
    return u8(len(b)) + b


def block16(b):
    return u16(len(b)) + b


# fuzz_tftp_netascii: Range(8,64) blksize, Block(32) cuts, then the text.
def netascii(name, blksize, cuts, text):
    put("fuzz_tftp_netascii", name, u8(blksize - 8) + block8(cuts) + text)


netascii("unix_text", 8, b"\x03\x05", b"line one\nline two\n")
netascii("crlf_and_bare_cr", 8, b"\x07", b"a\r\nb\rc\r")
netascii("cr_at_block_end", 9, b"", b"1234567\r\n89\n")
netascii("nul_and_high_bytes", 16, b"\x01\x01\x01", b"\x00\r\x00\xff\xfe\n")
netascii("exact_blocks", 8, b"", b"12345678")
netascii("empty", 8, b"", b"")


# fuzz_pxe_options: the raw sub-options; the same bytes also build values.
put("fuzz_pxe_options", "boot_file_directly", bytes([6, 1, 8, 255]))
put("fuzz_pxe_options", "boot_item", bytes([71, 4, 0x80, 0, 0, 0, 255]))
put("fuzz_pxe_options", "boot_servers",
    bytes([8, 7, 0x80, 0, 1, 10, 0, 0, 1, 255]))
put("fuzz_pxe_options", "pad_and_unknown",
    bytes([0, 0, 9, 3, 1, 2, 3, 10, 1, 0, 255, 99]))
put("fuzz_pxe_options", "truncated_server_list", bytes([8, 5, 0x80, 0, 2, 10, 0]))
put("fuzz_pxe_options", "no_end", bytes([6, 1, 8]))
# Values: discovery control, boot item, one server with 61 addresses: its
# sub-option (247 bytes) fits alone but not beside the other two.
values = u8(3) + u8(8) + u32(0x80000000) + u8(1) + u16(0x8000) + u8(61)
values += b"".join(u32(0x0A000000 + i) for i in range(61))
put("fuzz_pxe_options", "servers_beside_others", values)


# fuzz_tftp_request: the server set-up, the map file, the request, then the
# client's packets (each u16 length + bytes, u8 time step of 20 ms).
def req(opcode, name, mode, options=()):
    b = u16(opcode) + name + b"\0" + mode + b"\0"
    for k, v in options:
        b += k + b"\0" + v + b"\0"
    return b


def data(block, payload):
    return u16(3) + u16(block) + payload


def ack(block):
    return u16(4) + u16(block)


def tftp(name, request, packets=(), write=False, root=0, refuse=0,
         remap=None, max_blksize=1468, max_window=64, window_kib=160,
         max_timeout=1, initial_ms=1000, retries=9):
    flags = (1 if write else 0) | (root << 1) | (8 if remap is not None else 0)
    flags |= refuse << 4
    b = u8(flags) + u16((max_blksize - 8) % 65457) + u16(max_window - 1)
    b += u8(window_kib // 4 - 1) + u8(max_timeout) + u16(initial_ms - 1)
    b += u8(retries) + u32(0x0A000005)
    if remap is not None:
        b += block8(remap)
    b += block16(request)
    for packet, step in packets:
        b += block16(packet) + u8(step)
    put("fuzz_tftp_request", name, b)


tftp("rrq_pxe_rom_tsize_probe",
     req(1, b"pxelinux.0", b"octet", [(b"tsize", b"0"), (b"blksize", b"1456")]),
     [(u16(5) + u16(8) + b"tsize probe\0", 0)])
tftp("rrq_windowed_small_blocks",
     req(1, b"big", b"octet", [(b"blksize", b"8"), (b"windowsize", b"16")]),
     [(ack(0), 1), (ack(3), 1), (ack(16), 1)])
tftp("rrq_netascii", req(1, b"boot/grub/grub.cfg", b"netascii",
                         [(b"tsize", b"0"), (b"blksize", b"16")]))
tftp("rrq_exact_block_multiple", req(1, b"pxelinux.cfg/default", b"octet"))
tftp("rrq_empty_file_tsize", req(1, b"empty", b"octet", [(b"tsize", b"0")]))
tftp("rrq_timeout_echoed",
     req(1, b"pxelinux.0", b"octet", [(b"timeout", b"3")]), max_timeout=5)
tftp("rrq_timeout_out_of_range",
     req(1, b"pxelinux.0", b"octet", [(b"timeout", b"256")]))
tftp("rrq_blksize_too_small",
     req(1, b"pxelinux.0", b"octet", [(b"blksize", b"7")]))
tftp("rrq_refused_options",
     req(1, b"pxelinux.0", b"octet",
         [(b"blksize", b"x"), (b"windowsize", b"0"), (b"tsize", b"0")]),
     refuse=0b1111)
tftp("rrq_duplicate_options",
     req(1, b"big", b"octet", [(b"blksize", b"100"), (b"blksize", b"9"),
                               (b"windowsize", b"99999"), (b"tsize", b"9")]),
     max_window=65535, window_kib=1024)
tftp("rrq_root_prefix", req(1, b"/srv/tftp/pxelinux.0", b"octet"))
tftp("rrq_absolute_outside_root", req(1, b"/etc/passwd", b"octet"), root=3)
tftp("rrq_dotdot", req(1, b"boot/../../etc/passwd", b"octet"))
tftp("rrq_unsupported_mode", req(1, b"pxelinux.0", b"mail"))
tftp("rrq_eio", req(1, b"eio", b"octet"))
tftp("rrq_private", req(1, b"private", b"netascii"))
tftp("rrq_remap_windows_name", req(1, b"\\Boot\\BCD", b"octet"),
     remap=b"rg \\\\ /\nr ^/Boot/BCD pxelinux.0\n")
tftp("rrq_remap_refused", req(1, b"private", b"octet"),
     remap=b"a ^private$ no\n")
tftp("wrq_without_c", req(2, b"upload", b"octet"))
tftp("wrq_netascii_upload",
     req(2, b"upload", b"netascii", [(b"blksize", b"8"), (b"tsize", b"12")]),
     [(data(1, b"ab\r\ncd\r\0"), 0), (data(2, b"e"), 0)], write=True)
tftp("wrq_existing_file", req(2, b"pxelinux.0", b"octet"), write=True)
tftp("wrq_disk_full", req(2, b"full", b"octet"), write=True)


# fuzz_power_exchange: capacity, lifetime, who (expected target, action),
# then steps: op byte (% 7) and its operands.
def power(name, capacity, ttl_ms, who, steps):
    put("fuzz_power_exchange", name,
        u8(capacity - 1) + u16(ttl_ms - 1) + u8(who) + b"".join(steps))


HONEST = u8(2) + u8(0)


def sign(how, flip, pick):
    return u8(3) + u8(how) + u8(flip) + u8(pick)


power("honest_round", 4, 30000, 0, [HONEST])
power("honest_round_expected_agent_reboot", 4, 30000, 1 | 8, [HONEST])
power("expected_other_agent", 4, 30000, 2, [HONEST])
power("replay_after_ack", 4, 30000, 0, [HONEST, u8(4) + u16(1), u8(4) + u16(1)])
power("request_lost_then_expired", 2, 1000, 0,
      [u8(2) + u8(4), u8(5) + u16(1001), sign(0, 0, 0)])
power("signed_for_each_challenge", 4, 30000, 0,
      [u8(2) + u8(2), u8(6) + bytes(16), sign(0, 0, 0), sign(0, 0, 1),
       sign(0, 0, 1), sign(1, 0, 1)])
power("untrusted_key_and_wrong_target", 4, 30000, 0,
      [u8(2) + u8(2), sign(4, 0, 0), sign(2, 0, 0), sign(0, 0, 0)])
power("corrupted_signature", 4, 30000, 0,
      [u8(2) + u8(2), sign(8 | (3 << 5), 80, 0), sign(8, 20, 0)])
power("hello_flood_evicts", 1, 30000, 0,
      [u8(2) + u8(2), u8(6) + b"A" * 16, u8(6) + b"B" * 16, sign(0, 0, 0)])
power("spoofed_to_sender", 4, 30000, 0,
      [u8(2) + u8(2),
       u8(1) + block8(b"PXPO\x01\x04" + bytes(42)),
       u8(1) + block8(b"PXPO\x01\x05" + bytes(42))])
power("garbage_to_both", 3, 5, 0,
      [u8(0) + block8(b"PXPO\x01\x03" + bytes(106)), u8(1) + block8(b"\xff"),
       u8(5) + u16(65535)])
