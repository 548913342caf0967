# Shared helpers for pxekit's script tests. Source it; then call `finish`.
#
#   testcmd NAME ARGS EXPECTED_STDOUT [INPUT_FILE_CONTENT [STDIN]]
#     runs "$CMD ARGS" (ARGS is shell: "-n x 2>&1; echo rc=\$?") in a scratch
#     directory where ./input holds INPUT_FILE_CONTENT, with STDIN on standard
#     input, and compares its stdout with EXPECTED_STDOUT (toybox's testcmd).
#   skip REASON      exit 77, which CTest reports as skipped, saying why
#   check NAME COND  a shell condition that must hold; returns its status, so
#                    `check NAME COND || diagnostics` prints more on failure
#   netns_add NAME   create a namespace that is deleted when the script exits

set -u
PASSED=0
FAILED=0
SCRATCH=$(mktemp -d /tmp/pxekit-test.XXXXXX)
NAMESPACES=()
BACKGROUND=()

# On exit: whatever the test started goes. A script that ends with status 0
# without having called finish or skip failed: bash ends a script at a
# syntax error in a compound command with status 0, and such a test must
# not pass. (An EXIT trap chained before this one hides the status: then an
# exit without finish or skip fails the same way.)
cleanup() {
  local rc=$? pid ns
  for pid in "${BACKGROUND[@]}"; do kill "$pid" 2>/dev/null || true; done
  for ns in "${NAMESPACES[@]}"; do ip netns del "$ns" 2>/dev/null || true; done
  rm -rf "$SCRATCH"
  if [ "$rc" = 0 ] && [ -z "${_TESTLIB_FINISHED:-}" ]; then
    echo "FAIL: the script ended before finish (a syntax error?); ${PASSED} passed, ${FAILED} failed" >&2
    exit 1
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

skip() {
  _TESTLIB_FINISHED=1  # an end as final as finish (the status is 77)
  echo "SKIPPED: $*" >&2
  exit 77
}

pass() {
  PASSED=$((PASSED + 1))
  [ -n "${VERBOSE:-}" ] && echo "PASS: $1"
  return 0
}

# fail NAME [DETAIL...] counts a failure, prints it and returns 1, so that
# `check NAME COND || print-more-diagnostics` prints them exactly when the
# check fails. (Scripts do not use set -e, so the 1 stops nothing.)
fail() {
  FAILED=$((FAILED + 1))
  echo "FAIL: $1" >&2
  shift
  if [ $# -gt 0 ]; then printf '%s\n' "$@" >&2; fi
  return 1
}

# Locals are prefixed with _t_ so that they cannot shadow the caller's
# variables inside the eval'd ARGS or condition.
testcmd() {
  local _t_name=$1 _t_args=$2 _t_expected=$3 _t_input=${4-} _t_stdin=${5-}
  local _t_dir="$SCRATCH/cmd" _t_actual
  rm -rf "$_t_dir" && mkdir -p "$_t_dir"
  printf '%b' "$_t_input" >"$_t_dir/input"
  _t_actual=$(cd "$_t_dir" && printf '%b' "$_t_stdin" | eval "$CMD $_t_args")
  _t_expected=$(printf '%b' "$_t_expected")
  if [ "$_t_actual" == "$_t_expected" ]; then
    pass "$_t_name"
  else
    fail "$_t_name" "--- expected" "$_t_expected" "--- actual" "$_t_actual" "---"
  fi
}

check() {
  local _t_name=$1
  shift
  if eval "$@"; then pass "$_t_name"; else fail "$_t_name" "condition: $*"; fi
}

need_cmd() {
  local cmd
  for cmd in "$@"; do
    command -v "$cmd" >/dev/null 2>&1 || skip "'$cmd' is not installed (make check installs it)"
  done
}

need_netns() {
  [ "$(id -u)" = 0 ] || skip "network namespace tests need root"
  need_cmd ip
  local probe="pxk-probe-$$"
  ip netns add "$probe" 2>/dev/null || skip "cannot create network namespaces here"
  ip netns del "$probe"
}

netns_add() {
  ip netns add "$1"
  NAMESPACES+=("$1")
  ip -n "$1" link set lo up
}

# netns_etc NS DIR CMD...: CMD in namespace NS with DIR mounted on /etc, in
# a mount namespace of its own (the host's /etc is not touched).
netns_etc() {
  ip netns exec "$1" unshare -m sh -c \
    'mount --make-rprivate / && mount --bind "$1" /etc && shift && exec "$@"' sh "${@:2}"
}

# veth_link NS1 IF1 ADDR1 NS2 IF2 [ADDR2 [MAC2]]: a veth pair IF1 (in NS1)
# <-> IF2 (in NS2), both made with netns_add; each end gets its address
# (CIDR, none when empty), IF2 the MAC MAC2 when given, and both are set up.
veth_link() {
  ip -n "$1" link add name "$2" type veth peer name "$5" netns "$4"
  [ -z "${7-}" ] || ip -n "$4" link set "$5" address "$7"
  [ -z "$3" ] || ip -n "$1" addr add "$3" dev "$2"
  [ -z "${6-}" ] || ip -n "$4" addr add "$6" dev "$5"
  ip -n "$1" link set "$2" up
  ip -n "$4" link set "$5" up
}

# The magic packet for MAC, built here in shell, independently of the code
# under test: ff x 6, then the MAC 16 times, then an optional hex password.
magic_hex() {
  local mac=${1//:/} password=${2-} out="ffffffffffff" i
  for i in $(seq 16); do out+=$mac; done
  echo "$out$password"
}

# Waiting for a program under test: poll for the state it is to reach (a
# log line, a bound port, a signal handler), never sleep a fixed time. A
# sanitized build (make check-asan) or a loaded machine starts a daemon many
# times slower, and a fixed sleep then fails the test (or, made long enough
# for that, slows every run). The bounds below are generous because a wait
# ends as soon as its condition holds, or at once when the program exited.
#
#   wait_until SECONDS COND   poll the shell condition COND every 0.05 s
#                             until it holds; 1 if it did not within SECONDS
#   running PID               PID is alive: neither gone nor a zombie (kill -0
#                             is true for an exited child not yet reaped)
#   handles_signal PID SIG    PID reads SIG from a signalfd (its fdinfo) or
#                             catches it (a handler, SigCgt in its status):
#                             SIG no longer kills it
#   run_signalled SIG CMD...  run CMD; once it handles SIG (or exited), send
#                             SIG; return CMD's exit status. It replaces
#                             `timeout --preserve-status -s SIG N CMD`, which
#                             sends SIG after N s, ready or not. CMD is a
#                             program (not a shell function or builtin).
wait_until() {
  local _t_end=$((SECONDS + $1))
  shift
  until eval "$@"; do
    [ "$SECONDS" -le "$_t_end" ] || return 1
    sleep 0.05
  done
}

# running PID: PID exists and has not exited (a zombie has). Any state
# letter counts, lower case too: a sanitized program's LeakSanitizer stops
# it under ptrace at exit ("t (tracing stop)") while it checks for leaks.
running() {
  local state
  state=$(sed -n 's/^State:[[:space:]]*\([A-Za-z]\).*/\1/p' "/proc/$1/status" 2>/dev/null)
  [ -n "$state" ] && [ "$state" != Z ] && [ "$state" != X ]
}

handles_signal() {
  local num mask
  num=$(kill -l "$2" 2>/dev/null) || return 1
  # A blocked signal alone is no sign: LeakSanitizer blocks them all while
  # it checks at exit. A signalfd shows its mask in fdinfo.
  for mask in $(sed -n 's/^SigCgt:[[:space:]]*//p' "/proc/$1/status" 2>/dev/null) \
    $(cat "/proc/$1/fdinfo/"* 2>/dev/null | sed -n 's/^sigmask:[[:space:]]*//p'); do
    [ $((16#$mask >> (num - 1) & 1)) = 1 ] && return 0
  done
  return 1
}

# daemon_started NS PORT PID WHAT LOG: the daemon PID, just started in the
# background, is killed on exit; returns once it listens on UDP PORT in NS,
# or fails the test ("WHAT did not start", with LOG).
daemon_started() {
  BACKGROUND+=("$3")
  wait_udp_listen "$1" "$2" "$3" && return 0
  fail "$4 did not start" "$(cat "$5")"
  return 1
}

# stop_daemon PID VAR: SIGTERM, up to 5 s for it to exit, then its exit
# status in the variable VAR.
stop_daemon() {
  local _d_pid=$1
  kill -TERM "$_d_pid" 2>/dev/null
  wait_until 5 '! running $_d_pid'
  wait "$_d_pid" 2>/dev/null
  printf -v "$2" %s $?
}

# stop_when_seen PID FILE PATTERN: until FILE has a line matching PATTERN
# (grep) or PID has exited, 30 s at most; then kill PID and reap it.
stop_when_seen() {
  local _s_pid=$1 _s_file=$2 _s_re=$3
  wait_until 30 'grep -q -e "$_s_re" "$_s_file" || ! running $_s_pid'
  kill "$_s_pid" 2>/dev/null
  wait "$_s_pid" 2>/dev/null
}

# wait_ready FILE: until FILE is not empty (a --ready file; 5 s at most).
wait_ready() {
  local _r_file=$1
  wait_until 5 '[ -s "$_r_file" ]'
}

# wait_grep N TRIES FILE GREP-ARGS...: until FILE has N lines that
# `grep GREP-ARGS` matches, looking every 0.1 s, at most TRIES times.
wait_grep() {
  local n=$1 tries=$2 file=$3 i
  shift 3
  for i in $(seq "$tries"); do
    [ "$(grep -c "$@" "$file" 2>/dev/null)" -ge "$n" ] && return 0
    sleep 0.1
  done
  return 1
}

run_signalled() {
  local _t_sig=$1 _t_pid
  shift
  "$@" &
  _t_pid=$!
  # Until the exec, the child is a copy of this shell, with its traps.
  wait_until 60 '! running $_t_pid || { _exec_done $_t_pid && handles_signal $_t_pid $_t_sig; }'
  kill -s "$_t_sig" "$_t_pid" 2>/dev/null
  wait_until 60 '! running $_t_pid' || kill -KILL "$_t_pid" 2>/dev/null
  wait "$_t_pid"
}

# _exec_done PID: the child PID of this shell runs another program (its
# command line is no longer this shell's).
_exec_done() {
  [ "$(tr '\0' ' ' 2>/dev/null <"/proc/$1/cmdline")" != "$(tr '\0' ' ' <"/proc/$$/cmdline")" ]
}

# wait_udp_listen NS PORT PID: until a UDP socket is bound to PORT in
# namespace NS (60 s at most); fails at once when PID has exited.
wait_udp_listen() {
  local _u_ns=$1 _u_port=$2 _u_pid=$3
  wait_until 60 '_udp_bound || ! running $_u_pid' && _udp_bound
}
_udp_bound() { ip netns exec "$_u_ns" ss -H -uln "sport = :$_u_port" 2>/dev/null | grep -q .; }

# udp_counter NS NAME: the namespace NS's UDP counter NAME so far, from
# /proc/net/snmp: RcvbufErrors (datagrams dropped because a socket's
# receive buffer was full), NoPorts (datagrams to a port nobody listens on).
udp_counter() {
  ip netns exec "$1" awk -v name="$2" '$1 == "Udp:" && $2 !~ /^[0-9]/ {
    for (i = 2; i <= NF; i++) if ($i == name) col = i }
    $1 == "Udp:" && $2 ~ /^[0-9]/ && col {print $col}' /proc/net/snmp
}

# flood_tally TOTAL LINE COUNTED DROPPED < LOG: after a flood of TOTAL
# datagrams that a daemon logs through a rate limit (net/limited_log.h),
# sets LOGGED (lines of the log that match the regex LINE), REPORTED (the
# sum of the counts N in lines matching "N more COUNTED not logged (rate
# limit)") and DROPPED; true when LOGGED + REPORTED + DROPPED >= TOTAL. A
# flood that outlasts a second is reported in several counts, so wait for
# this (wait_until), then check the sum is exactly TOTAL. Not at the end
# of a pipe (a subshell, whose variables are lost): redirect LOG in.
flood_tally() {
  local log
  log=$(cat)
  LOGGED=$(grep -c -e "$2" <<<"$log")
  REPORTED=$(grep -o -e "[0-9]* more $3 not logged (rate limit)$" <<<"$log" |
    awk '{n += $1} END {print n + 0}')
  DROPPED=$4
  [ $((LOGGED + REPORTED + DROPPED)) -ge "$1" ]
}

# caught_up PID: PID, a reader of packet sockets (dhcp_ack_sniff.py), has
# read everything its sockets held and sleeps waiting for more: a frame
# queued before the call has been handled (written out). For
# `wait_until N 'caught_up PID'` instead of a sleep after the traffic.
# The queue is read before the state: a reader seen asleep after its
# queue was seen empty is not in the middle of a frame.
caught_up() {
  local inodes queued
  inodes=$(find "/proc/$1/fd" -lname 'socket:*' -printf '%l\n' 2>/dev/null | tr -dc '0-9\n')
  [ -n "$inodes" ] || return 1
  queued=$(awk 'NR == FNR { want[$1]; next } FNR > 1 && ($9 in want) { q += $7 } END { print q + 0 }' \
    <(echo "$inodes") "/proc/$1/net/packet" 2>/dev/null)
  [ "$queued" = 0 ] &&
    [ "$(sed -n 's/^State:[[:space:]]*\([A-Z]\).*/\1/p' "/proc/$1/status" 2>/dev/null)" = S ]
}

# sanitized PROGRAM: PROGRAM is built with ASan or UBSan (make check-asan).
# Then it needs more than the program itself: UBSan checks a vptr through a
# pipe (two descriptors), LeakSanitizer a thread at exit.
sanitized() {
  ldd "$1" 2>/dev/null | grep -qE 'lib(a|ub)san\.so'
}

# asan_slack_kib PROGRAM [KIB]: what AddressSanitizer adds to the peak RSS
# of a sanitized PROGRAM whose own peak is KIB: its quarantine of freed
# memory (256 MiB by default) and a shadow byte per 8 (KIB / 8); 0 when
# PROGRAM is not sanitized. For RSS bounds that must hold under
# make check-asan too; the unsanitized run keeps the tight bound.
asan_slack_kib() {
  if sanitized "$1"; then
    echo $((256 * 1024 + ${2:-0} / 8))
  else
    echo 0
  fi
}

# need_bash_completion: skip unless bash-completion is installed.
BASH_COMPLETION=/usr/share/bash-completion/bash_completion
need_bash_completion() {
  [ -f "$BASH_COMPLETION" ] || skip "bash-completion is not installed (make check installs it)"
}

# bash_complete TOOL WORD...: what TAB offers after "TOOL WORD..." with the
# repository's completion for TOOL (function _TOOL, '-' as '_'), one a line,
# sorted; run in $SCRATCH, so that file completions see the test's files.
bash_complete() {
  local tool=$1
  shift
  (cd "$SCRATCH" && HOSTFILE=/dev/null bash -c '
    source "$1"; source "$2"; shift 2
    COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
    COMP_LINE="${COMP_WORDS[*]}"; COMP_POINT=${#COMP_LINE}
    _'"${tool//-/_}"' "$1" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
    printf "%s\n" "${COMPREPLY[@]}" | sort' _ "$BASH_COMPLETION" \
    "$PXEKIT_SRC/completions/bash/$tool" "$tool" "$@")
}

finish() {
  _TESTLIB_FINISHED=1
  echo "${PASSED} passed, ${FAILED} failed"
  [ "$FAILED" -eq 0 ]
}
