#!/usr/bin/env bash
# The lab's power switch (tests/support/power_switch) woken by the real
# wakeonlan:
#
#   admin ns $A  adm0 10.79.0.2/24  <--- veth --->  labp0 in br0 10.79.0.1/24  lab ns $L
#
# The switch watches br0 in $L with two machines whose "VM" is a command that
# appends to a marker file and sleeps. Nothing leaves these two namespaces;
# they, the switch and its children are removed on exit.

source "$PXEKIT_SRC/tests/support/testlib.sh"
need_netns

WOL=$PXEKIT_BIN/wakeonlan
SWITCH=$PXEKIT_TEST_BIN/power_switch
A="pxk-psw-a-$$"
L="pxk-psw-l-$$"
netns_add "$A"
netns_add "$L"
ip -n "$L" link add name br0 type bridge stp_state 0 forward_delay 0
ip -n "$A" link add name adm0 type veth peer name labp0 netns "$L"
ip -n "$L" link set labp0 master br0
ip -n "$L" addr add 10.79.0.1/24 dev br0
ip -n "$A" addr add 10.79.0.2/24 dev adm0
ip -n "$L" link set labp0 up
ip -n "$L" link set br0 up
ip -n "$A" link set adm0 up
ip -n "$A" route add default via 10.79.0.1

M1=02:00:00:00:00:11
M2=02:00:00:00:00:22
M3=02:00:00:00:00:33
PASS2=00:22:44:66:88:aa
OUT=$SCRATCH/switch.out

send() {  # send ARGS...: wakeonlan in the admin namespace
  ip netns exec "$A" "$WOL" -q "$@"
}

# wait_lines N REGEX: until $OUT has N lines matching REGEX (at most 20 s).
wait_lines() {
  wait_grep "$1" 200 "$OUT" -E -e "$2"
}

# start_switch CONF TIMEOUT: the switch on br0 in $L with $SCRATCH/CONF,
# stopping after TIMEOUT s; its PID in SWITCH_PID, its events in $OUT;
# returns once it is ready (5 s at most).
start_switch() {
  rm -f "$SCRATCH/ready"
  ip netns exec "$L" "$SWITCH" -c "$SCRATCH/$1" -i br0 --timeout "$2" \
    --ready "$SCRATCH/ready" >"$OUT" 2>"$SCRATCH/switch.err" &
  SWITCH_PID=$!
  BACKGROUND+=("$SWITCH_PID")
  wait_ready "$SCRATCH/ready"
}

lines() {  # lines FILE: its line count, 0 when absent
  if [ -f "$1" ]; then wc -l <"$1"; else echo 0; fi
}

# --- a bad config: file:line:col, exit 65 ---
printf '%s true\n02:00:zz:00:00:01 true\n' "$M1" >"$SCRATCH/bad.conf"
err=$(ip netns exec "$L" "$SWITCH" -c "$SCRATCH/bad.conf" -i br0 --timeout 5 2>&1)
rc=$?
check "bad config: exit 65" '[ $rc = 65 ]'
check "bad config: names file:line:col" \
  '[[ "$err" == "power_switch: $SCRATCH/bad.conf:2:1: "* ]]' || echo "$err" >&2

# A machine stays on for a fixed 1.5 s, on purpose: long enough for the
# packet sent while it is on, short enough to be woken again.
cat >"$SCRATCH/lab.conf" <<EOF
# the lab: MAC [password=PASS] COMMAND...
$M1 echo on >>$SCRATCH/m1; sleep 1.5
$M2 password=$PASS2 echo on >>$SCRATCH/m2; sleep 1.5
EOF
start_switch lab.conf 60
check "switch: listening on br0" '[ "$(head -1 "$OUT")" = "ready br0" ]' || cat "$SCRATCH/switch.err" >&2

# --- UDP broadcast (255.255.255.255:9) wakes M1 once ---
send $M1
wait_lines 1 "^wake $M1 pid [0-9]+ via udp$"
check "udp broadcast: M1 woken" '[ "$(grep -cE "^wake $M1 pid [0-9]+ via udp$" "$OUT")" = 1 ]' || cat "$OUT" >&2
# The switch logs the wake before the machine's command writes its marker.
wait_until 10 '[ "$(lines "$SCRATCH/m1")" -ge 1 ]'
check "udp broadcast: M1's marker written once" '[ "$(lines "$SCRATCH/m1")" = 1 ]'
M1_PID=$(sed -n "s/^wake $M1 pid \([0-9]*\) via udp$/\1/p" "$OUT" | head -1)

# --- a packet while M1 is on (UDP unicast, another port) is ignored ---
send -i 10.79.0.1 -p 7 $M1
wait_lines 1 "^ignored-already-on $M1 pid $M1_PID$"
check "while on: ignored, logged with the pid" \
  '[ "$(grep -c "^ignored-already-on $M1 pid $M1_PID$" "$OUT")" = 1 ]' || cat "$OUT" >&2
check "while on: still one wake, one marker" \
  '[ "$(grep -c "^wake $M1" "$OUT")" = 1 ] && [ "$(lines "$SCRATCH/m1")" = 1 ]'

# --- after M1's command exits, a raw 0x0842 frame unicast to M1 starts it again ---
wait_lines 1 "^exited $M1 pid $M1_PID status 0$"
check "M1 off: its exit is logged with status 0" \
  'grep -q "^exited $M1 pid $M1_PID status 0$" "$OUT"' || cat "$OUT" >&2
send -e -I adm0 $M1
wait_lines 1 "^wake $M1 pid [0-9]+ via eth$"
check "raw unicast frame: M1 woken again" \
  '[ "$(grep -cE "^wake $M1 pid [0-9]+ via eth$" "$OUT")" = 1 ]' || cat "$OUT" >&2
wait_until 10 '[ "$(lines "$SCRATCH/m1")" -ge 2 ]'
check "raw unicast frame: M1's marker has a second line" '[ "$(lines "$SCRATCH/m1")" = 2 ]'

# --- SecureOn: M2 ignores a wrong password and none at all ---
send -P 00:22:44:66:88:ab $M2
send $M2
wait_lines 2 "^ignored-wrong-password $M2$"
check "wrong or no password: two packets ignored" \
  '[ "$(grep -c "^ignored-wrong-password $M2$" "$OUT")" = 2 ]' || cat "$OUT" >&2
check "wrong or no password: M2 not started" \
  '! grep -q "^wake $M2" "$OUT" && [ ! -e "$SCRATCH/m2" ]'

# --- the right password in a broadcast raw frame wakes M2 ---
send -e -b -I adm0 -P $PASS2 $M2
wait_lines 1 "^wake $M2 pid [0-9]+ via eth$"
check "right password: M2 woken" \
  '[ "$(grep -cE "^wake $M2 pid [0-9]+ via eth$" "$OUT")" = 1 ]' || cat "$OUT" >&2
wait_until 10 '[ "$(lines "$SCRATCH/m2")" -ge 1 ]'
check "right password: M2's marker written once" '[ "$(lines "$SCRATCH/m2")" = 1 ]'

# --- an unknown MAC does nothing (logged only) ---
send $M3
send -e -I adm0 $M3
wait_lines 2 "^ignored-unknown $M3$"
check "unknown MAC: both packets logged as ignored" \
  '[ "$(grep -c "^ignored-unknown $M3$" "$OUT")" = 2 ]' || cat "$OUT" >&2
check "unknown MAC: no third wake" '[ "$(grep -c "^wake" "$OUT")" = 3 ]'

# --- on SIGTERM the switch kills the machines still on ---
wait_lines 1 "^exited $M1 pid [0-9]+ status 0$"
wait_lines 2 "^exited $M1 pid [0-9]+ status 0$"
wait_lines 1 "^exited $M2 pid [0-9]+ status 0$"
send $M1
wait_lines 2 "^wake $M1 pid [0-9]+ via udp$"
M1_PID=$(sed -n "s/^wake $M1 pid \([0-9]*\) via udp$/\1/p" "$OUT" | tail -n 1)
kill -TERM "$SWITCH_PID"
wait "$SWITCH_PID"
rc=$?
check "SIGTERM: the switch exits 0" '[ $rc = 0 ]' || cat "$SCRATCH/switch.err" >&2
check "SIGTERM: M1 was killed and reaped" \
  '[ -n "$M1_PID" ] && grep -q "^exited $M1 pid $M1_PID signal 15$" "$OUT" && ! kill -0 "$M1_PID" 2>/dev/null' ||
  cat "$OUT" >&2
check "M1 woke three times in all" '[ "$(lines "$SCRATCH/m1")" = 3 ]'

# --- --timeout: the switch stops by itself and powers off a long-running machine ---
printf '%s echo on >>%s; exec sleep 30\n' "$M2" "$SCRATCH/m2t" >"$SCRATCH/long.conf"
start_switch long.conf 2
send $M2
wait_lines 1 "^wake $M2 pid [0-9]+ via udp$"
M2_PID=$(sed -n "s/^wake $M2 pid \([0-9]*\) via udp$/\1/p" "$OUT")
wait_until 10 '! running "$SWITCH_PID"'
check "--timeout: the switch has exited within 10 s" '! running "$SWITCH_PID"'
wait "$SWITCH_PID" 2>/dev/null
check "--timeout: the 30 s machine was killed and reaped" \
  '[ -n "$M2_PID" ] && grep -q "^exited $M2 pid $M2_PID signal 15$" "$OUT" && ! kill -0 "$M2_PID" 2>/dev/null' ||
  cat "$OUT" >&2

finish
