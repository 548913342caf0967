#!/usr/bin/env bash
# tests/support/bounded_check.sh, which .ci/run runs make check-asan through:
# a command that ends in time keeps its exit status; one stopped for time
# fails the run only if it had already failed; everything it started stops.
# Checked on stand-in commands.
source "$PXEKIT_SRC/tests/support/testlib.sh"
need_cmd timeout tee
B=$PXEKIT_SRC/tests/support/bounded_check.sh
L=$SCRATCH/logs/run.log

run_bounded() { # SECONDS SCRIPT: $out (stdout+stderr), $rc
  out=$("$B" "$1" "$L" bash -c "$2" 2>&1)
  rc=$?
}

run_bounded 5 'echo "1/2 Test  #1: a ...   Passed"; exit 0'
check "in time and passed: 0" '[ $rc = 0 ]'
check "its output is shown and kept in the log" \
  'grep -q "Test  #1" <<<"$out" && grep -q "Test  #1" "$L"'

run_bounded 5 'echo "make: *** [Makefile:87: check-asan] Error 2" >&2; exit 2'
check "in time and failed: its own status" '[ $rc = 2 ]' || echo "$out" >&2
check "stderr is kept in the log too" 'grep -q "Error 2" "$L"'

run_bounded 1 'echo " 1/607 Test   #1: unit/a ....   Passed"; echo " 2/607 Test   #2: unit/b ....   Passed"; exec sleep 60'
check "cut short with no failure: 0" '[ $rc = 0 ]' || echo "$out" >&2
check "cut short: it says so, with how far it got" \
  'grep -q "did not finish within 1 s; no failure so far (2 tests had finished" <<<"$out"'

for failure in \
  " 3/607 Test   #3: cli/wakeonlan ...***Failed    2.10 sec" \
  " 4/607 Test   #4: netns/x .........***Timeout 600.00 sec" \
  "==123==ERROR: AddressSanitizer: heap-use-after-free on address 0x1" \
  "lib/x.cc:12:5: runtime error: signed integer overflow" \
  "make[1]: *** [CMakeFiles/Makefile2:100: all] Error 2"; do
  run_bounded 1 "echo '$failure'; exec sleep 60"
  check "cut short after '${failure:0:40}...': 1" '[ $rc = 1 ]' || echo "$out" >&2
  check "  and the failure is named" 'grep -qF "had already failed" <<<"$out" && grep -qF "$failure" <<<"$out"'
done

# A sanitizer that writes to files (log_path) rather than to the output.
mkdir -p "$SCRATCH/reports"
: >"$SCRATCH/reports/empty.1"
BOUNDED_CHECK_REPORTS=$SCRATCH/reports run_bounded 1 'exec sleep 60'
check "cut short, an empty report file is no failure: 0" '[ $rc = 0 ]' || echo "$out" >&2
echo "==9==ERROR: LeakSanitizer: detected memory leaks" >"$SCRATCH/reports/report.pxe-tftpd.42"
BOUNDED_CHECK_REPORTS=$SCRATCH/reports run_bounded 1 'exec sleep 60'
check "cut short with a report file: 1, the file named" \
  '[ $rc = 1 ] && grep -qF "sanitizer report: $SCRATCH/reports/report.pxe-tftpd.42" <<<"$out"' || echo "$out" >&2

# Everything the command started stops with it, even what ignores SIGTERM.
BOUNDED_CHECK_KILL_AFTER=2 run_bounded 1 "sleep 300 & echo \$! >$SCRATCH/child; trap '' TERM; sleep 200 & echo \$! >$SCRATCH/stubborn; wait"
check "cut short: the command's children got the signal" \
  '! running "$(cat "$SCRATCH/child")"'
check "cut short: a child that ignores SIGTERM is killed BOUNDED_CHECK_KILL_AFTER s later" \
  '! running "$(cat "$SCRATCH/stubborn")"'

for args in "" "0 $L true" "x $L true" "5 $L"; do
  # shellcheck disable=SC2086
  "$B" $args >/dev/null 2>&1
  rc=$?
  check "usage error for '$args': 64" '[ $rc = 64 ]'
done

# How .ci/run uses it is tests/lint/ci_run.sh.
finish
