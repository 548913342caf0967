#!/usr/bin/env bash
# .ci/run, run for real on a copy of itself with `make` stubbed out: the order
# of the targets, which optional ones run for a given budget and switch, the
# bound they get, where their logs go, and that a failure fails the run.
source "$PXEKIT_SRC/tests/support/testlib.sh"
need_cmd timeout tee

tree=$SCRATCH/tree
mkdir -p "$tree/.ci" "$tree/tests/support" "$SCRATCH/bin"
cp "$PXEKIT_SRC/.ci/run" "$tree/.ci/run"
cp "$PXEKIT_SRC/tests/support/bounded_check.sh" "$PXEKIT_SRC/tests/support/sanitizer_reports.sh" \
  "$tree/tests/support/"
# The stand-in make: records its target, prints a CTest-like line, and fails
# with status 2 for the target named in STUB_FAIL.
cat >"$SCRATCH/bin/make" <<'EOF'
#!/usr/bin/env bash
echo "$*" >>"$STUB_LOG"
echo " 1/1 Test   #1: stub/$* ....   Passed"
if [ "${STUB_FAIL:-}" = "$*" ]; then
  echo "make: *** [Makefile:1: $*] Error 2" >&2
  exit 2
fi
EOF
chmod +x "$SCRATCH/bin/make"

run_ci() { # VAR=VALUE...: $out (stdout+stderr), $rc, $targets (one line each)
  rm -rf "$tree/build-asan" "$tree/build-release"
  : >"$SCRATCH/make.log"
  out=$(env -u CI_BUDGET_MINUTES -u CHECK_ASAN_MINUTES -u CHECK_RELEASE_MINUTES \
    -u CI_MARGIN_MINUTES -u CI_CHECK_ASAN -u CI_CHECK_RELEASE \
    PATH="$SCRATCH/bin:$PATH" STUB_LOG="$SCRATCH/make.log" "$@" \
    timeout 60 bash "$tree/.ci/run" 2>&1)
  rc=$?
  targets=$(paste -sd' ' "$SCRATCH/make.log")
}

run_ci
check "defaults: every target, in order, and 0" \
  '[ $rc = 0 ] && [ "$targets" = "check check-boot check-asan check-release" ]' || echo "rc=$rc [$targets] $out" >&2
check "defaults: check-asan is stopped 5 min before the 90 end" \
  'grep -qE "running make check-asan \(about 40 min; stopped after 8[45] min\)" <<<"$out"' || echo "$out" >&2
check "defaults: each optional target's output is kept in its log" \
  'grep -q "stub/check-asan" "$tree/build-asan/check-asan.log" &&
   grep -q "stub/check-release" "$tree/build-release/check-release.log"'

run_ci CI_CHECK_ASAN=0
check "CI_CHECK_ASAN=0: check-asan left out, and said so" \
  '[ $rc = 0 ] && [ "$targets" = "check check-boot check-release" ] &&
   grep -qF "NOT running make check-asan: CI_CHECK_ASAN=0" <<<"$out"' || echo "rc=$rc [$targets] $out" >&2

run_ci CI_CHECK_RELEASE=0
check "CI_CHECK_RELEASE=0: check-release left out, and said so" \
  '[ $rc = 0 ] && [ "$targets" = "check check-boot check-asan" ] &&
   grep -qF "NOT running make check-release: CI_CHECK_RELEASE=0" <<<"$out"' || echo "rc=$rc [$targets] $out" >&2

run_ci CI_BUDGET_MINUTES=30
check "30 min budget: no time for check-asan (40), check-release (15) runs" \
  '[ $rc = 0 ] && [ "$targets" = "check check-boot check-release" ] &&
   grep -qE "NOT running make check-asan: it needs about 40 min, only (29|30) min are left" <<<"$out"' ||
  echo "rc=$rc [$targets] $out" >&2

run_ci CI_BUDGET_MINUTES=10
check "10 min budget: neither optional target" \
  '[ $rc = 0 ] && [ "$targets" = "check check-boot" ]' || echo "rc=$rc [$targets] $out" >&2

run_ci CI_BUDGET_MINUTES=5 CHECK_ASAN_MINUTES=0 CHECK_RELEASE_MINUTES=0
check "no more than the margin left: nothing runs with a bound of 0" \
  '[ $rc = 0 ] && [ "$targets" = "check check-boot" ]' || echo "rc=$rc [$targets] $out" >&2

run_ci STUB_FAIL=check
check "make check fails: the run fails at once" \
  '[ $rc != 0 ] && [ "$targets" = "check" ]' || echo "rc=$rc [$targets] $out" >&2

run_ci STUB_FAIL=check-boot
check "make check-boot fails: the run fails at once" \
  '[ $rc != 0 ] && [ "$targets" = "check check-boot" ]' || echo "rc=$rc [$targets] $out" >&2

run_ci STUB_FAIL=check-asan
check "make check-asan fails in time: the run fails with its status" \
  '[ $rc = 2 ] && [ "$targets" = "check check-boot check-asan" ]' || echo "rc=$rc [$targets] $out" >&2

run_ci STUB_FAIL=check-release
check "make check-release fails in time: the run fails with its status" \
  '[ $rc = 2 ] && [ "$targets" = "check check-boot check-asan check-release" ]' ||
  echo "rc=$rc [$targets] $out" >&2

finish
