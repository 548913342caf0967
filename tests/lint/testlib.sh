#!/usr/bin/env bash
# The helpers every script test relies on do what tests/support/testlib.sh
# promises: a failed check returns non-zero, so `check ... || diagnostics`
# prints them; finish fails the script; skip exits 77 and says why; a script
# that ends without finish fails.
source "$PXEKIT_SRC/tests/support/testlib.sh"

# run_child BODY: BODY in a fresh bash that sources testlib; stdout+stderr
# in $out, exit status in $rc.
run_child() {
  out=$(PXEKIT_SRC=$PXEKIT_SRC bash -c 'source "$PXEKIT_SRC/tests/support/testlib.sh"; '"$1" 2>&1)
  rc=$?
}

run_child 'check "false holds" false || echo "DIAGNOSTICS"; finish'
check "a failed check prints FAIL with its name" 'grep -qx "FAIL: false holds" <<<"$out"'
check "a failed check returns non-zero, so || prints the diagnostics" 'grep -qx DIAGNOSTICS <<<"$out"'
check "finish counts it and exits non-zero" '[ $rc != 0 ] && grep -qx "0 passed, 1 failed" <<<"$out"'

run_child 'check "true holds" true && echo "CONTINUES"; check "same" true || echo "DIAGNOSTICS"; finish'
check "a passing check returns 0" 'grep -qx CONTINUES <<<"$out" && ! grep -q DIAGNOSTICS <<<"$out"'
check "finish exits 0 when all passed" '[ $rc = 0 ] && grep -qx "2 passed, 0 failed" <<<"$out"'

run_child 'fail "by hand" "detail one" "detail two" || echo "RETURNED NON-ZERO"; finish'
check "fail prints its details" 'grep -qx "detail one" <<<"$out" && grep -qx "detail two" <<<"$out"'
check "fail returns non-zero" 'grep -qx "RETURNED NON-ZERO" <<<"$out"'

run_child 'CMD=echo; testcmd "echo mismatch" "hello" "bye\n" || echo "DIAGNOSTICS"; finish'
check "a failed testcmd shows expected and actual, and returns non-zero" \
  'grep -qx -- "--- expected" <<<"$out" && grep -qx hello <<<"$out" && grep -qx DIAGNOSTICS <<<"$out"'

# The waits. A program that takes a second before it handles SIGTERM: a
# fixed `timeout -s TERM 0.5` would kill it (143); run_signalled waits.
run_child 'run_signalled TERM bash -c "sleep 1; trap \"exit 4\" TERM; while :; do sleep 0.05; done"; echo "rc=$?"; finish >/dev/null'
check "run_signalled sends the signal once the program handles it ($out)" '[ "$out" = rc=4 ]'
start=$SECONDS
run_child 'run_signalled TERM bash -c "exit 3"; echo "rc=$?"; finish >/dev/null'
check "run_signalled returns the status of a program that exits first ($out)" \
  '[ "$out" = rc=3 ] && [ $((SECONDS - start)) -lt 10 ]'
run_child 'sleep 0.1 & p=$!; wait_until 10 "! running $p"; echo "rc=$?"; wait $p; finish >/dev/null'
check "an exited child not yet reaped is not running ($out)" '[ "$out" = rc=0 ]'
start=$SECONDS
run_child 'wait_until 1 false; echo "rc=$?"; finish >/dev/null'
check "wait_until fails when the condition never holds, after its bound ($out)" \
  '[ "$out" = rc=1 ] && [ $((SECONDS - start)) -lt 10 ]'
run_child 'touch "$SCRATCH/x"; wait_until 1 "[ -e \"\$SCRATCH/x\" ]"; echo "rc=$?"; finish >/dev/null'
check "wait_until returns 0 once the condition holds ($out)" '[ "$out" = rc=0 ]'

# asan_slack_kib: nothing for a program built plainly; for a sanitized one,
# ASan's 256 MiB quarantine and a shadow byte per 8 of the bound.
slack=$(asan_slack_kib "$PXEKIT_BIN/wakeonlan" 8000)
if sanitized "$PXEKIT_BIN/wakeonlan"; then want=$((256 * 1024 + 1000)); else want=0; fi
check "asan_slack_kib adds $want KiB to a bound of 8000 KiB for this build's wakeonlan ($slack)" '[ "$slack" = "$want" ]'
check "asan_slack_kib adds nothing for a program built plainly" '[ "$(asan_slack_kib /bin/true 8000)" = 0 ]'

# A script that ends without finish fails, even with status 0: bash ends a
# script at a syntax error in a compound command with status 0.
run_child 'check "holds" true'
check "a script that never calls finish fails ($rc)" \
  '[ $rc = 1 ] && grep -qx "FAIL: the script ended before finish (a syntax error?); 1 passed, 0 failed" <<<"$out"'
run_child 'check "holds" true
for x in y; do [[ $x == *[].|()]* ]] && echo "NOT REACHED"; done
finish'
check "a syntax error ends the script, and it fails ($rc)" \
  '[ $rc = 1 ] && grep -q "syntax error" <<<"$out" && grep -q "^FAIL: the script ended before finish" <<<"$out"'

run_child 'prev=$(trap -p EXIT | sed -E "s/^trap -- .(.*). EXIT$/\1/"); trap "true; eval \"\$prev\"" EXIT
skip "behind a chained trap"'
check "skip behind a chained EXIT trap (as lab.sh and knfsd.sh chain theirs) still exits 77 ($rc)" \
  '[ $rc = 77 ] && [ "$out" = "SKIPPED: behind a chained trap" ]'

run_child 'skip "no frobnicator here"; echo "NOT REACHED"'
check "skip exits 77" '[ $rc = 77 ]'
check "skip prints SKIPPED: and the reason" '[ "$out" = "SKIPPED: no frobnicator here" ]'
finish
