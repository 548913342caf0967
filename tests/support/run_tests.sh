#!/usr/bin/env bash
# run_tests.sh BUILD_DIR [CTEST_ARGS...]: run CTest in BUILD_DIR, then list
# every test it skipped with the reason the test printed (its last
# "SKIPPED: reason" line), so that a green run says what it did not test.
# `make check` and `make test` run the suite through it. Exit status: CTest's,
# or 1 if the skip report fails.
#
# With PXEKIT_ALLOWED_SKIPS set (by .ci/run), a skip is allowed only if its
# reason matches one of those extended regular expressions (one a line): the
# "cannot run here" reasons. Any other skip (a package or command missing, a
# program not built, no reason printed) is something this machine could have
# fixed, and the run fails.
set -u
build=${1:?usage: run_tests.sh BUILD_DIR [CTEST_ARGS...]}
shift
cd "$build" || exit 1
xml=$PWD/Testing/ctest-junit.xml
rm -f "$xml"
# Skipped tests count as passed for CTest's output limit (1 KiB by default):
# keep all of it, so that a reason printed late is not cut off.
ctest --output-on-failure --test-output-size-passed 1048576 --output-junit "$xml" "$@"
status=$?
echo
if [ ! -f "$xml" ]; then
  echo "run_tests: $xml: ctest wrote no results" >&2
  exit 1
fi

# name<TAB>reason for each skipped test; CTest's JUnit is one element a line,
# with the test's output inside <system-out>.
skips=$(awk '
  function unescape(s) {
    gsub(/&lt;/, "<", s); gsub(/&gt;/, ">", s); gsub(/&quot;/, "\"", s)
    gsub(/&apos;/, "\047", s); gsub(/&amp;/, "\\&", s)
    return s
  }
  /<testcase / {
    name = $0; sub(/.*<testcase name="/, "", name); sub(/".*/, "", name)
    skipped = 0; reason = ""; out = 0
  }
  /<skipped/ { skipped = 1 }
  /<system-out>/ { out = 1; sub(/.*<system-out>/, "") }
  out {
    last = sub(/<\/system-out>.*/, "")
    if (index($0, "SKIPPED: ") == 1) reason = substr($0, 10)
    if (last) out = 0
  }
  /<\/testcase>/ { if (skipped) print unescape(name) "\t" unescape(reason) }
' "$xml")
total=$(grep -c '<testcase ' "$xml")

if [ -z "$skips" ]; then
  echo "Skipped: none of $total tests"
  exit "$status"
fi
echo "Skipped: $(grep -c . <<<"$skips") of $total tests"
strict=${PXEKIT_ALLOWED_SKIPS+set}
refused=0
while IFS=$'\t' read -r name reason; do
  mark=""
  if [ -n "$strict" ]; then
    if [ -z "$reason" ] ||
      ! grep -qE -f <(grep . <<<"$PXEKIT_ALLOWED_SKIPS") <<<"$reason" 2>/dev/null; then
      mark="NOT ALLOWED: "
      refused=$((refused + 1))
    fi
  fi
  echo "  $mark$name: ${reason:-(printed no SKIPPED: reason)}"
done <<<"$skips"

if [ "$refused" -gt 0 ]; then
  echo "run_tests: $refused skipped for a reason this machine could fix" \
    "(only the \"cannot run here\" reasons in .ci/run may skip under CI)" >&2
  exit 1
fi
exit "$status"
