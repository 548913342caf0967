#!/usr/bin/env bash
# The helpers every script test relies on do what tests/support/testlib.sh
# promises: a failed check returns non-zero, so `check ... || diagnostics`
# prints them; finish fails the script; skip exits 77 and says why.
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

run_child 'skip "no frobnicator here"; echo "NOT REACHED"'
check "skip exits 77" '[ $rc = 77 ]'
check "skip prints SKIPPED: and the reason" '[ "$out" = "SKIPPED: no frobnicator here" ]'
finish
