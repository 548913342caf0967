#!/usr/bin/env bash
# The same MAC lists through Debian's wakeonlan 0.41 (/usr/bin/wakeonlan) and
# through ours must put the same datagrams on the wire: same destinations,
# same payloads, same order; and, for lowercase colon MACs, the same stdout.
# Both run in a namespace made here; the receiver sits on the veth peer.

source "$PXEKIT_SRC/tests/support/testlib.sh"
source "$PXEKIT_SRC/tests/support/wol_wire.sh"
need_netns
DEBIAN_WOL=/usr/bin/wakeonlan
[ -x "$DEBIAN_WOL" ] || skip "Debian's wakeonlan is not installed (apt-get install wakeonlan; make check does)"
grep -q "VERSION = '0.41'" "$DEBIAN_WOL" || echo "note: $DEBIAN_WOL is not 0.41" >&2

WOL=$PXEKIT_BIN/wakeonlan
wol_wire_setup "pxk-wold-s-$$" "pxk-wold-r-$$"

# capture NAME COUNT CMD...: run CMD in the sender namespace while the
# receiver collects COUNT datagrams; leaves NAME.wire, .stdout, .stderr, .rc.
# Standard input comes from $STDIN_FILE (default /dev/null).
capture() {
  local name=$1 count=$2
  shift 2
  start_sink udp 9 "$count"
  ip netns exec "$S" "$@" <"${STDIN_FILE:-/dev/null}" >"$SCRATCH/$name.stdout" \
    2>"$SCRATCH/$name.stderr"
  echo $? >"$SCRATCH/$name.rc"
  sink_output
  echo "$got" >"$SCRATCH/$name.wire"
}

# compare NAME COUNT ARGS...: Debian's and ours with the same arguments.
compare() {
  local name=$1 count=$2
  shift 2
  capture "$name.debian" "$count" "$DEBIAN_WOL" "$@"
  capture "$name.ours" "$count" "$WOL" "$@"
  local lines
  lines=$(wc -l <"$SCRATCH/$name.debian.wire")
  check "$name: Debian's wakeonlan sent $count datagrams" '[ "$lines" = "$count" ]'
  if cmp -s "$SCRATCH/$name.debian.wire" "$SCRATCH/$name.ours.wire"; then
    pass "$name: identical datagrams"
  else
    fail "$name: datagrams differ" "--- debian" "$(cat "$SCRATCH/$name.debian.wire")" \
      "--- ours" "$(cat "$SCRATCH/$name.ours.wire")"
  fi
  check "$name: both exit 0" '[ "$(cat "$SCRATCH/$name.debian.rc")" = 0 ] && [ "$(cat "$SCRATCH/$name.ours.rc")" = 0 ]'
}

cat >"$SCRATCH/lab.txt" <<'LIST'
# lab 3: MAC [IP [PORT]], Debian's -f format
02:00:00:00:00:0a
02:00:00:00:00:0b 10.77.0.255

02:00:00:00:00:0c 10.77.0.2 9
  # indented comment
02:00:00:00:00:0d 255.255.255.255 9
LIST
compare "file" 4 -f "$SCRATCH/lab.txt"
if cmp -s "$SCRATCH/file.debian.stdout" "$SCRATCH/file.ours.stdout"; then
  pass "file: identical stdout"
else
  fail "file: stdout differs" "$(diff "$SCRATCH/file.debian.stdout" "$SCRATCH/file.ours.stdout")"
fi

# Forms Debian accepts that we print canonically: upper case, 1-digit groups.
cat >"$SCRATCH/forms.txt" <<'LIST'
2:0:0:A:B:C
02:00:00:0A:0B:0D 10.77.0.255
LIST
compare "forms" 2 -f "$SCRATCH/forms.txt"

compare "arguments with -i and -p" 2 -i 10.77.0.255 -p 9 02:00:00:00:00:0e 02:00:00:00:00:0f
STDIN_FILE=$SCRATCH/lab.txt compare "file on stdin" 4 -f -

finish
