#!/usr/bin/env bash
# tests/support/run_tests.sh, which `make check` runs the suite through, lists
# every skipped test with its reason, and under .ci/run fails on any skip whose
# reason is not a "cannot run here" one. Checked on a small CTest project of
# its own, so that the real ctest output format is what gets parsed.
source "$PXEKIT_SRC/tests/support/testlib.sh"
need_cmd cmake ctest
RUN=$PXEKIT_SRC/tests/support/run_tests.sh
P=$SCRATCH/project

mkdir -p "$P"
cat >"$P/CMakeLists.txt" <<'CMAKE'
cmake_minimum_required(VERSION 3.21)
project(skips NONE)
enable_testing()
function(script name body)
  file(WRITE ${CMAKE_BINARY_DIR}/${name}.sh "${body}")
  add_test(NAME t/${name} COMMAND bash ${CMAKE_BINARY_DIR}/${name}.sh)
  set_tests_properties(t/${name} PROPERTIES SKIP_RETURN_CODE 77)
endfunction()
script(passes "echo fine\n")
script(no_tun "echo starting\necho 'SKIPPED: /dev/net/tun is missing: QEMU needs a tap device' >&2\nexit 77\n")
script(no_pkg "echo \"SKIPPED: 'tftp' is not installed <&> (make check installs it)\" >&2\nexit 77\n")
script(silent "exit 77\n")
script(late "head -c 5000 /dev/zero | tr '\\\\0' x\necho\necho 'SKIPPED: cannot create network namespaces here' >&2\nexit 77\n")
CMAKE
cmake -S "$P" -B "$P/build" >"$SCRATCH/cmake.log" 2>&1
check "the sample project configures" '[ $? = 0 ]' || { cat "$SCRATCH/cmake.log" >&2; finish; exit; }

# The allow-list exactly as .ci/run sets it.
ci_allowed=$(bash -c "$(sed -n "/^export PXEKIT_ALLOWED_SKIPS=/,/'\$/p" "$PXEKIT_SRC/.ci/run"); printf '%s' \"\$PXEKIT_ALLOWED_SKIPS\"")
check ".ci/run sets an allow-list" '[ -n "$ci_allowed" ]'

out=$(env -u PXEKIT_ALLOWED_SKIPS "$RUN" "$P/build" 2>&1)
rc=$?
check "make check: skips alone do not fail the run" '[ $rc = 0 ]' || echo "$out" >&2
check "make check: says how many of how many were skipped" 'grep -qx "Skipped: 4 of 5 tests" <<<"$out"'
check "make check: each skip with its reason" \
  'grep -qxF "  t/no_tun: /dev/net/tun is missing: QEMU needs a tap device" <<<"$out" &&
   grep -qxF "  t/no_pkg: '"'"'tftp'"'"' is not installed <&> (make check installs it)" <<<"$out"' ||
  echo "$out" >&2
check "make check: a reason printed after 5000 bytes of output is found" \
  'grep -qxF "  t/late: cannot create network namespaces here" <<<"$out"'
check "make check: a skip without a reason says so" \
  'grep -qxF "  t/silent: (printed no SKIPPED: reason)" <<<"$out"'
check "make check: no skip is marked NOT ALLOWED" '! grep -q "NOT ALLOWED" <<<"$out"'

out=$(PXEKIT_ALLOWED_SKIPS=$ci_allowed "$RUN" "$P/build" 2>&1)
rc=$?
check "CI: a fixable skip fails the run" '[ $rc = 1 ]' || echo "$out" >&2
check "CI: a missing package and a silent skip are NOT ALLOWED" \
  'grep -qF "  NOT ALLOWED: t/no_pkg: " <<<"$out" && grep -qF "  NOT ALLOWED: t/silent: " <<<"$out"' ||
  echo "$out" >&2
check "CI: no /dev/net/tun and no namespaces are allowed" \
  'grep -qxF "  t/no_tun: /dev/net/tun is missing: QEMU needs a tap device" <<<"$out" &&
   grep -qxF "  t/late: cannot create network namespaces here" <<<"$out"'

# Each allowed reason is one that a test really prints, word for word (the
# patterns that are more than a fixed text are checked below).
while read -r pattern; do
  [ -n "$pattern" ] || continue
  literal=${pattern#^}
  literal=${literal%\$}
  grep -q '[].*+?|(){}[\]' <<<"$literal" && continue
  check "the allowed reason '$pattern' is printed by a test helper" \
    'grep -rqF -- "skip \"$literal" "$PXEKIT_SRC/tests"'
done <<<"$ci_allowed"

# knfsd (the lab's --nfs knfsd): CI allows the skip where the running kernel
# cannot have nfsd at all, and fails it where a module or a tool is missing.
source "$PXEKIT_SRC/tests/support/knfsd.sh"
fake=$SCRATCH/proc
mkdir -p "$fake"
printf 'nodev\tproc\nnodev\ttmpfs\n' >"$fake/filesystems"
allowed() { grep -qE -f <(grep . <<<"$ci_allowed") <<<"knfsd: $KNFSD_WHY"; }
KNFSD_PROC=$fake knfsd_probe
check "knfsd, a kernel that loads no modules: allowed ($KNFSD_WHY)" \
  '[[ $KNFSD_WHY == *"loads no modules"* ]] && allowed'
: >"$fake/modules"
printf '# CONFIG_NFSD is not set\n' | gzip >"$fake/config.gz"
KNFSD_PROC=$fake knfsd_probe
check "knfsd, a kernel built without nfsd: allowed ($KNFSD_WHY)" \
  '[[ $KNFSD_WHY == *"built without nfsd"* ]] && allowed'
printf 'CONFIG_NFSD=m\n' | gzip >"$fake/config.gz"
printf '#!/bin/sh\necho "modprobe: FATAL: Module nfsd not found in directory /lib/modules/x" >&2\nexit 1\n' \
  >"$SCRATCH/modprobe"
chmod +x "$SCRATCH/modprobe"
KNFSD_PROC=$fake KNFSD_MODPROBE=$SCRATCH/modprobe knfsd_probe
check "knfsd, a module not installed: NOT allowed ($KNFSD_WHY)" \
  '[[ $KNFSD_WHY == *"FATAL: Module nfsd not found"* ]] && ! allowed'
KNFSD_PROC=$fake KNFSD_MODPROBE=$SCRATCH/no-such-modprobe knfsd_probe
check "knfsd, no modprobe: NOT allowed ($KNFSD_WHY)" '[[ $KNFSD_WHY == *"no modprobe"* ]] && ! allowed'

# Only skips are allowed: a failing test fails the run with no skips at all.
cat >>"$P/CMakeLists.txt" <<'CMAKE'
script(fails "echo broken\nexit 1\n")
CMAKE
cmake -S "$P" -B "$P/build" >"$SCRATCH/cmake.log" 2>&1
out=$(env -u PXEKIT_ALLOWED_SKIPS "$RUN" "$P/build" -R 'passes|fails' 2>&1)
rc=$?
check "a failed test fails the run (CTest's status is kept)" '[ $rc != 0 ]'
check "and the report still says what was skipped" 'grep -qx "Skipped: none of 2 tests" <<<"$out"' ||
  echo "$out" >&2
finish
