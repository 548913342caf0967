#!/usr/bin/env bash
# pxe-tftpd against a raw client (tests/support/tftp_probe.py) and tftp-hpa
# for what the ordinary clients never do: a tsize probe aborted with ERROR 8
# (state freed at once), a lost ACK (DATA resent), duplicate ACKs (nothing
# resent), a client vanishing mid-transfer (state freed, others served), an
# OVMF-like windowed fetch, WRQ with and without -c, a traversal corpus
# refused with ERROR 2, and SIGHUP reloading the map file. All on the
# loopback of the test's own namespace.

source "$PXEKIT_SRC/tests/support/testlib.sh"
source "$PXEKIT_SRC/tests/support/tftp_netns.sh"
need_netns
need_cmd python3 tftp curl sha256sum timeout

tftp_setup "pxk-tftp-p-$$"
make_file boot.img 300000
make_file small 1000
mkdir -p "$ROOT/sub"
make_file sub/f 100
echo "secret" >"$SCRATCH/secret"
chmod 644 "$SCRATCH/secret"
ln -s ../secret "$ROOT/escape"
ln -s "$SCRATCH/secret" "$ROOT/escape-abs"
ln -s sub/f "$ROOT/inside-link"
echo private >"$ROOT/private" && chmod 600 "$ROOT/private"
MAP=$SCRATCH/map
printf 'rg \\\\ /\nr ^old/ sub/\n' >"$MAP"
tftp_start -v -m "$MAP" || { finish; exit 1; }

# --- tsize probe aborted with ERROR 8 (EDK2, Intel ROMs) ---
out=$(probe tsize-probe boot.img 300000); rc=$?
check "tsize probe: OACK with the real size, no answer to ERROR 8" '[ $rc = 0 ]'
check "tsize probe: state freed at once, logged as a probe, not a failure" \
  'wait_log "RRQ .boot.img. .*options probed (client refused the OACK with ERROR 8" 3'

# --- the OVMF pattern after its probe: blksize 1468, windowsize 4 ---
out=$(probe get boot.img 1468 4); rc=$?
check "OVMF-like windowed fetch: intact, window 4 granted" \
  '[ $rc = 0 ] && [ "$out" = "$(sha "$ROOT/boot.img") 300000 windowsize 4" ]'
out=$(probe get boot.img 1468 64); rc=$?
check "windowsize 64 at 1468: intact" '[ $rc = 0 ] && [ "${out%% *}" = "$(sha "$ROOT/boot.img")" ]'

# --- lost ACK: DATA resent after the timeout ---
out=$(probe lost-ack small); rc=$?
check "lost ACK: DATA 1 retransmitted, file intact" \
  '[ $rc = 0 ] && [ "$out" = "retransmitted; $(sha "$ROOT/small") 1000" ]'

# --- duplicate ACK: never a resend ---
out=$(probe duplicate-ack boot.img); rc=$?
check "duplicate ACK: DATA 2 sent once, file intact" \
  '[ $rc = 0 ] && [ "$out" = "no resend; $(sha "$ROOT/boot.img") 300000" ]'

# --- a client that vanishes mid-transfer ---
out=$(probe vanish boot.img 3); rc=$?
check "vanishing client: took 3 blocks and left" '[ $rc = 0 ]'
out=$(probe get small 512); rc=$?
check "others are still served while it is gone" \
  '[ $rc = 0 ] && [ "${out%% *}" = "$(sha "$ROOT/small")" ]'
check "vanished client: its transfer times out and is freed (bounded retries)" \
  'wait_log "RRQ .boot.img. 300000 bytes .*timed out after 9 retransmissions" 60'

# --- traversal corpus: all refused with ERROR 2 ---
for name in '../secret' 'sub/../../secret' '..' 'sub/..' '/../secret' '../../../../etc/passwd' \
  '/etc/passwd' 'escape' 'escape-abs' 'sub/../escape' "$SCRATCH/secret" \
  'C:secret' 'c:\\secret' 'a\x01b' 'sub/f\x7f' 'x\tb' 'x\nb' 'private' '..\\secret'; do
  out=$(probe refused "$name" 2); rc=$?
  check "traversal: '$name' refused with ERROR 2 ($out)" '[ $rc = 0 ]'
done
# A refusal is logged after its ERROR is sent: wait for the last one.
wait_until 10 '[ "$(grep -c "refused: ERROR 2" "$SERVER_LOG")" -ge 19 ]'
check "refusals are logged" '[ "$(grep -c "refused: ERROR 2" "$SERVER_LOG")" -ge 19 ]'
out=$(probe refused '' 4); rc=$?
check "empty file name: ERROR 4" '[ $rc = 0 ]'
out=$(probe refused 'nosuchfile' 1); rc=$?
check "missing file: ERROR 1" '[ $rc = 0 ]'

# --- names that must work ---
for name in inside-link /sub/f //sub/./f "$ROOT/sub/f" 'old/f' 'sub\\f'; do
  got=$(in_ns curl -s --tftp-blksize 512 "tftp://127.0.0.1/$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$name")" | sha256sum | cut -d' ' -f1)
  check "served: '$name'" '[ "$got" = "$(sha "$ROOT/sub/f")" ]'
done
check "ROOT prefix noticed in the log" 'grep -q "name starts with ROOT" "$SERVER_LOG"'

# --- SIGHUP re-reads the map file; a bad one keeps the old rules ---
printf 'r ^new/ sub/\n' >"$MAP"
kill -HUP "$SERVER_PID"
check "SIGHUP: reloaded" 'wait_log "reloaded, 1 rules" 5'
got=$(in_ns curl -s tftp://127.0.0.1/new/f | sha256sum | cut -d' ' -f1)
check "SIGHUP: the new rule applies" '[ "$got" = "$(sha "$ROOT/sub/f")" ]'
printf 'rx broken\n' >"$MAP"
kill -HUP "$SERVER_PID"
check "SIGHUP with a bad map file: error with file:line:col, old rules kept" \
  'wait_log "map:1:2: unknown operation" 5 && wait_log "keeping the previous rules" 5'
got=$(in_ns curl -s tftp://127.0.0.1/new/f | sha256sum | cut -d' ' -f1)
check "SIGHUP with a bad map file: still serving with the old rules" '[ "$got" = "$(sha "$ROOT/sub/f")" ]'
check "-v traces packets" 'grep -q "< DATA 1 (512 bytes)" "$SERVER_LOG" && grep -q "> ACK 1" "$SERVER_LOG"'
tftp_stop

# --- WRQ without -c: refused, nothing created ---
UP=$SCRATCH/up
mkdir -p "$UP"
head -c 5000 /dev/urandom >"$UP/upload.bin"
tftp_start || { finish; exit 1; }
(cd "$UP" && in_ns tftp -m binary 127.0.0.1 69 -c put upload.bin upload.bin >"$SCRATCH/put.out" 2>&1)
check "WRQ without -c: refused with ERROR 2" 'grep -q "Error code 2" "$SCRATCH/put.out"'
check "WRQ without -c: no file created" '[ ! -e "$ROOT/upload.bin" ]'
tftp_stop

# --- a flood of datagrams that are no request: ERROR 4 each, the log
#     rate limited (a burst of 20 lines, then one a second, across the
#     workers), and every datagram answered, logged or counted. 16 client
#     ports spread the flood over the 4 workers' sockets (SO_REUSEPORT
#     hashes the ports): a bound per worker would log up to 80 lines. The
#     clients' buffers are large (SO_RCVBUFFORCE) so that only the server's
#     drops show in the namespace's RcvbufErrors. ---
tftp_start --workers 4 || { finish; exit 1; }
DROPS_BEFORE=$(udp_counter "$NS" RcvbufErrors)
ERRORS=$(in_ns python3 -c '
import select, socket, struct
socks = []
for _ in range(16):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, 33, 8 << 20)  # SO_RCVBUFFORCE
    s.bind(("127.0.0.1", 0))
    socks.append(s)
for i in range(500):
    socks[i % 16].sendto(struct.pack("!HH", 3, i) + b"x" * (i % 100), ("127.0.0.1", 69))
n = 0
while n < 500:  # until 3 s pass without a datagram
    ready, _, _ = select.select(socks, [], [], 3)
    if not ready:
        break
    for s in ready:
        n += s.recv(600)[:4] == b"\x00\x05\x00\x04"
print(n)')
tally() {
  flood_tally 500 ": refused: ERROR 4 DATA on port 69 is not a request" "ERROR 4 refusals" \
    $(($(udp_counter "$NS" RcvbufErrors) - DROPS_BEFORE)) <"$SERVER_LOG"
}
wait_until 15 tally
tally
echo "flood: $ERRORS ERROR 4 received, $LOGGED lines, $REPORTED reported as held back, $DROPPED dropped by the kernel" >&2
check "flood: each datagram the server read got ERROR 4" '[ "$ERRORS" = $((500 - DROPPED)) ]'
check "flood: a burst of 20 lines across the workers, not 500 (nor 80)" '[ "$LOGGED" -ge 20 ] && [ "$LOGGED" -le 30 ]'
check "flood: every datagram logged or counted" '[ $((LOGGED + REPORTED + DROPPED)) = 500 ]'
out=$(probe get small 512 1); rc=$?
check "flood: the server still serves" '[ $rc = 0 ] && [ "$out" = "$(sha "$ROOT/small") 1000 windowsize 1" ]'
tftp_stop

# --- WRQ with -c: created, world-readable; existing files only if world-writable ---
chmod 777 "$ROOT"
tftp_start -c || { finish; exit 1; }
(cd "$UP" && in_ns tftp -m binary 127.0.0.1 69 -c put upload.bin upload.bin >"$SCRATCH/put.out" 2>&1)
check "WRQ with -c: file created with the same content" \
  '[ -f "$ROOT/upload.bin" ] && [ "$(sha "$ROOT/upload.bin")" = "$(sha "$UP/upload.bin")" ]'
check "WRQ with -c: created world-readable and -writable (umask 0, as tftpd-hpa)" \
  '[ "$(stat -c %a "$ROOT/upload.bin")" = 666 ]'
check "WRQ with -c: created as the unprivileged user" '[ "$(stat -c %U "$ROOT/upload.bin")" = nobody ]'
head -c 700 /dev/urandom >"$UP/second.bin"
(cd "$UP" && in_ns tftp -m binary 127.0.0.1 69 -c put second.bin upload.bin >/dev/null 2>&1)
check "WRQ with -c: a world-writable file is overwritten" \
  '[ "$(sha "$ROOT/upload.bin")" = "$(sha "$UP/second.bin")" ]'
(cd "$UP" && in_ns tftp -m binary 127.0.0.1 69 -c put second.bin small >"$SCRATCH/put.out" 2>&1)
check "WRQ with -c: a file that is not world-writable is refused" \
  'grep -q "Error code 2" "$SCRATCH/put.out" && [ "$(sha "$ROOT/small")" != "$(sha "$UP/second.bin")" ]'
(cd "$UP" && in_ns tftp -m binary 127.0.0.1 69 -c put second.bin ../escaped >"$SCRATCH/put.out" 2>&1)
check "WRQ with -c: traversal refused" 'grep -q "Error code 2" "$SCRATCH/put.out" && [ ! -e "$SCRATCH/escaped" ]'
printf 'line one\nline two\n' >"$UP/text.txt"
(cd "$UP" && in_ns tftp -m netascii 127.0.0.1 69 -c put text.txt text.txt >/dev/null 2>&1)
check "WRQ netascii: CR LF stored as LF" 'cmp -s "$ROOT/text.txt" "$UP/text.txt"'
(cd "$UP" && in_ns tftp -m netascii 127.0.0.1 69 -c get text.txt back.txt >/dev/null 2>&1)
check "RRQ netascii: LF sent as CR LF, read back the same" 'cmp -s "$UP/back.txt" "$UP/text.txt"'
tftp_stop
check "SIGTERM: exit 0" '[ "$SERVER_STATUS" = 0 ]'

# --- a finished upload is logged when it finishes, and is complete ---
# -T 10 s makes the dally after the last block (twice -T) 20 s long, so a
# line written only after the dally cannot pass for a prompt one; the 3 s
# poll bounds the wait, it measures nothing.
rm -f "$ROOT/upload.bin" "$ROOT/curl-up.bin"
tftp_start -c -v -T 10000000 || { finish; exit 1; }
(cd "$UP" && in_ns tftp -m binary 127.0.0.1 69 -c put upload.bin upload.bin >"$SCRATCH/put.out" 2>&1)
rc=$?
check "WRQ tftp-hpa: the client succeeded" '[ $rc = 0 ] && ! grep -q "Error code" "$SCRATCH/put.out"'
check "WRQ tftp-hpa: logged at once, complete, with its size" \
  'wait_log "WRQ .upload.bin. 5000 bytes .*: ok$" 3'
in_ns curl -s -T "$UP/upload.bin" tftp://127.0.0.1/curl-up.bin
rc=$?
check "WRQ curl (with options): the client succeeded" '[ $rc = 0 ]'
check "WRQ curl: logged at once, complete, with its size" \
  'wait_log "WRQ .curl-up.bin. 5000 bytes .*: ok$" 3'
check "WRQ: the uploads arrived intact" \
  '[ "$(sha "$ROOT/upload.bin")" = "$(sha "$UP/upload.bin")" ] && [ "$(sha "$ROOT/curl-up.bin")" = "$(sha "$UP/upload.bin")" ]'
check "WRQ: each upload logged once" '[ "$(grep -c "WRQ .*5000 bytes" "$SERVER_LOG")" = 2 ]'
# An interactive tftp-hpa session reuses its port for every command: the
# next request must not wait for the previous upload's dally (20 s here;
# the session gets 10 s for two uploads and a download).
head -c 3000 /dev/urandom >"$UP/one.bin"
head -c 2000 /dev/urandom >"$UP/two.bin"
(cd "$UP" && printf 'binary\nput one.bin\nput two.bin\nget one.bin one.back\nquit\n' |
  timeout 10 ip netns exec "$NS" tftp 127.0.0.1 69 >"$SCRATCH/session.out" 2>&1)
rc=$?
check "one session, put put get: done in time, no errors (rc $rc)" \
  '[ $rc = 0 ] && ! grep -q "Error code\|timed out" "$SCRATCH/session.out"'
check "one session: both uploads and the download intact" \
  '[ "$(sha "$ROOT/one.bin")" = "$(sha "$UP/one.bin")" ] && [ "$(sha "$ROOT/two.bin")" = "$(sha "$UP/two.bin")" ] && [ "$(sha "$UP/one.back")" = "$(sha "$UP/one.bin")" ]'
check "one session: the uploads are logged complete" \
  'grep -q "WRQ .one.bin. 3000 bytes .*: ok$" "$SERVER_LOG" && grep -q "WRQ .two.bin. 2000 bytes .*: ok$" "$SERVER_LOG"'
# Stopped while the uploads still dally: complete files are not cut short.
tftp_stop
check "stop during the dally: no transfer cut short" 'grep -q "stopping; 0 transfers cut short" "$SERVER_LOG"'
check "stop during the dally: exit 0" '[ "$SERVER_STATUS" = 0 ]'

[ "$FAILED" = 0 ] || tail -n 30 "$SERVER_LOG" >&2
finish
