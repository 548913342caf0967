#!/usr/bin/env bash
# pxe-tftpd with the real Debian clients, on the loopback of a namespace of
# its own: curl (blksize 512 and 1468), tftp-hpa (no options), atftp
# (blksize, windowsize) and busybox tftp. Each fetches a file that is an
# exact multiple of the block size, one that is not, an empty one, and a
# 40 MiB file at blksize 512 (block numbers roll over to 0); each client
# must succeed and the checksums must match. A refused request (a missing
# file) must make every client fail: a client that leaves an empty file
# behind must not count as having fetched the empty file. Then 50 transfers
# at once, all of which must complete.

source "$PXEKIT_SRC/tests/support/testlib.sh"
source "$PXEKIT_SRC/tests/support/tftp_netns.sh"
need_netns
need_cmd curl tftp atftp busybox python3 sha256sum timeout

tftp_setup "pxk-tftp-c-$$"
# 7340 = 5 x 1468 = 14.3 x 512: exact for 1468; 10240 = 20 x 512: exact for 512.
make_file exact512 10240
make_file exact1468 7340
make_file odd 100001
make_file empty 0
make_file big $((40 << 20))
tftp_start || { finish; exit 1; }

OUT=$SCRATCH/out
mkdir -p "$OUT"
chmod 777 "$OUT"

# get CLIENT NAME FILE BLKSIZE: fetch FILE into $OUT/NAME with CLIENT; the
# status is the client's.
get() {
  local client=$1 name=$2 file=$3 blksize=$4 out=$OUT/$2 rc
  rm -f "$out"
  case $client in
    curl) in_ns curl -s --tftp-blksize "$blksize" -o "$out" "tftp://127.0.0.1/$file" ;;
    # tftp-hpa 5.2 exits 0 even after an ERROR from the server (it prints
    # "Error code N: ..." on stdout and leaves an empty file), so its
    # message is its status.
    tftp-hpa)
      (cd "$OUT" && in_ns tftp -m binary 127.0.0.1 69 -c get "$file" "$name") >"$OUT/tftp.out" 2>&1
      rc=$?
      if grep -q "Error code" "$OUT/tftp.out"; then rc=1; fi
      return $rc
      ;;
    atftp) in_ns atftp -g -r "$file" -l "$out" --option "blksize $blksize" 127.0.0.1 69 >/dev/null 2>&1 ;;
    atftp-w16) in_ns atftp -g -r "$file" -l "$out" --option "blksize $blksize" \
      --option "windowsize 16" 127.0.0.1 69 >/dev/null 2>&1 ;;
    atftp-w64) in_ns atftp -g -r "$file" -l "$out" --option "blksize $blksize" \
      --option "windowsize 64" 127.0.0.1 69 >/dev/null 2>&1 ;;
    busybox) in_ns busybox tftp -g -r "$file" -l "$out" -b "$blksize" 127.0.0.1 69 ;;
  esac
}

same() {  # same CLIENT FILE BLKSIZE
  local client=$1 file=$2 blksize=$3 name="$1-$2-$3" rc
  get "$client" "$name" "$file" "$blksize"
  rc=$?
  check "$client blksize $blksize: $file arrives intact (rc $rc)" \
    '[ "$rc" = 0 ] && [ -f "$OUT/$name" ] && [ "$(sha "$OUT/$name")" = "$(sha "$ROOT/$file")" ]'
  rm -f "$OUT/$name"
}

refused() {  # refused CLIENT FILE: the client must report the server's ERROR
  local client=$1 file=$2 name="$1-refused" rc
  get "$client" "$name" "$file" 512
  rc=$?
  check "$client: a refused request ('$file') fails (rc $rc)" '[ "$rc" != 0 ]'
  rm -f "$OUT/$name"
}

for client in curl atftp atftp-w16 atftp-w64 busybox; do
  for blksize in 512 1468; do
    for file in exact512 exact1468 odd empty; do
      same "$client" "$file" "$blksize"
    done
  done
done
for file in exact512 odd empty; do
  same tftp-hpa "$file" 512
done
# The server refuses (ERROR 1): every client must say so in its status.
for client in curl tftp-hpa atftp atftp-w16 busybox; do
  refused "$client" no-such-file
done
# A refusal is logged after its ERROR is sent: wait for the last one.
refusals() { grep -c "RRQ .no-such-file.: refused: ERROR 1" "$SERVER_LOG"; }
wait_until 10 '[ "$(refusals)" -ge 5 ]'
check "the refusals were logged" '[ "$(refusals)" -ge 5 ]'

# 40 MiB at blksize 512: 81920 blocks, so block numbers wrap past 65535.
for client in curl tftp-hpa atftp atftp-w16 busybox; do
  same "$client" big 512
done
# A transfer is logged when the client's last ACK arrives, maybe after the
# client has exited: wait for the last one.
big_ok() { grep -c "RRQ .big. 41943040 bytes blksize 512 .*: ok" "$SERVER_LOG"; }
wait_until 10 '[ "$(big_ok)" -ge 5 ]'
check "the 40 MiB transfers were logged as ok" '[ "$(big_ok)" -ge 5 ]'

# One log line per transfer, with size, blksize/windowsize, duration, rate.
check "log line for a windowed transfer" \
  'grep -q "RRQ .odd. 100001 bytes blksize 1468 windowsize 16 [0-9.]* s [0-9.]* [kM]B/s retransmits [0-9]*: ok" "$SERVER_LOG"'
check "empty files are flagged" 'grep -q "empty file" "$SERVER_LOG"'

# --- 50 transfers at once ---
make_file many $((1 << 20))
pids=()
for i in $(seq 50); do
  in_ns curl -s --tftp-blksize 1468 -o "$OUT/many.$i" tftp://127.0.0.1/many &
  pids+=("$!")
done
failed=0
for pid in "${pids[@]}"; do wait "$pid" || failed=$((failed + 1)); done
check "50 concurrent transfers: every curl exits 0 ($failed failed)" '[ $failed = 0 ]'
intact=0
for i in $(seq 50); do
  [ -f "$OUT/many.$i" ] && [ "$(sha "$OUT/many.$i")" = "$(sha "$ROOT/many")" ] && intact=$((intact + 1))
done
check "50 concurrent transfers all complete ($intact intact)" '[ $intact = 50 ]'
many_ok() { grep -c "RRQ .many. 1048576 bytes .*: ok" "$SERVER_LOG"; }
wait_until 10 '[ "$(many_ok)" -ge 50 ]' # logged on each last ACK, as above
check "50 concurrent transfers all logged ok" '[ "$(many_ok)" = 50 ]'

tftp_stop
check "SIGTERM stops the server with status 0" '[ "$SERVER_STATUS" = 0 ]'
[ "$FAILED" = 0 ] || tail -n 20 "$SERVER_LOG" >&2
finish
