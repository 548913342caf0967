# pxe-tftpd in a namespace of its own. Source after testlib.sh.
#
#   tftp_setup NS        create namespace NS (removed on exit) with lo up,
#                        and $ROOT, a world-readable directory to serve
#   tftp_start ARGS...   start pxe-tftpd in NS on 127.0.0.1:69 with ARGS;
#                        its stderr goes to $SERVER_LOG
#   tftp_stop            SIGTERM it and wait (bounded)
#   in_ns CMD...         run CMD inside NS, bounded by `timeout`
#   wait_log PATTERN S   wait up to S seconds for PATTERN in $SERVER_LOG
#
# Everything stays on the namespace's own loopback, so port 69 never
# collides with another test or with a TFTP server on the host.

tftp_setup() {
  NS=$1
  netns_add "$NS"
  ROOT=$SCRATCH/root
  mkdir -p "$ROOT"
  chmod 755 "$SCRATCH" "$ROOT"
  SERVER_LOG=$SCRATCH/server.log
}

tftp_start() {
  : >"$SERVER_LOG"
  ip netns exec "$NS" "$PXEKIT_BIN/pxe-tftpd" -a 127.0.0.1:69 "$@" "$ROOT" 2>>"$SERVER_LOG" &
  SERVER_PID=$!
  daemon_started "$NS" 69 "$SERVER_PID" pxe-tftpd "$SERVER_LOG"
}

tftp_stop() { stop_daemon "$SERVER_PID" SERVER_STATUS; }

in_ns() {
  timeout 120 ip netns exec "$NS" "$@"
}

probe() {
  in_ns python3 "$PXEKIT_SRC/tests/support/tftp_probe.py" 127.0.0.1 69 "$@"
}

wait_log() {
  wait_grep 1 $(($2 * 10)) "$SERVER_LOG" -e "$1"
}

# tftp_stats: SIGUSR1 to the server, then the stats line it logs in answer
# (20 s at most; the latest one if no new line came).
tftp_stats() {
  local before
  before=$(grep -c "stats:" "$SERVER_LOG")
  kill -USR1 "$SERVER_PID"
  wait_grep $((before + 1)) 200 "$SERVER_LOG" "stats:"
  grep "stats:" "$SERVER_LOG" | tail -n 1
}

sha() { sha256sum "$1" | cut -d' ' -f1; }

# make_file NAME BYTES: deterministic pseudo-random content.
make_file() {
  head -c "$2" /dev/urandom >"$ROOT/$1"
  chmod 644 "$ROOT/$1"
}
