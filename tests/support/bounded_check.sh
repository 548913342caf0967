#!/usr/bin/env bash
# bounded_check.sh SECONDS LOG COMMAND...: run COMMAND (`make check-asan`
# from .ci/run) for at most SECONDS, its output shown and kept in LOG.
#
# CI has a fixed budget, and a sanitized suite on a slow runner may not fit
# in what make check and check-boot left of it. Running out of time is not a
# finding, so it must neither fail the run nor pass silently:
#   - COMMAND ends in time: its exit status, whatever it is;
#   - time runs out (COMMAND and everything it started get SIGTERM, then
#     SIGKILL BOUNDED_CHECK_KILL_AFTER (30) s later): exit 1 if what it printed so far shows a failure
#     (a CTest "***Failed"/"***Exception"/"***Timeout", a sanitizer's
#     "ERROR: ...Sanitizer" or "runtime error:", or make's "Error"), or if
#     the directory BOUNDED_CHECK_REPORTS (when set: where the sanitizers
#     write, see the Makefile's ASAN_REPORTS) holds a finding
#     (sanitizer_reports.sh tells findings from notes); else
#     exit 0 with a line saying that the run was cut short, and where.
set -u
if [ $# -lt 3 ] || ! [[ $1 =~ ^[1-9][0-9]*$ ]]; then
  echo "bounded_check.sh: usage: bounded_check.sh SECONDS LOG COMMAND..." >&2
  exit 64
fi
seconds=$1 log=$2
shift 2
mkdir -p "$(dirname "$log")" && : >"$log" || exit 74
# timeout (without --foreground) signals COMMAND's whole process group, so
# the tests and the daemons they started stop too; their traps clean up.
timeout -k "${BOUNDED_CHECK_KILL_AFTER:-30}" "$seconds" "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
if [ "$status" != 124 ] && [ "$status" != 137 ]; then
  exit "$status"
fi
failures=$(grep -E '\*\*\*(Failed|Exception|Timeout)|ERROR: [A-Za-z]*Sanitizer|runtime error:|^make(\[[0-9]+\])?: \*\*\*' "$log")
if [ -n "${BOUNDED_CHECK_REPORTS:-}" ] && [ -d "$BOUNDED_CHECK_REPORTS" ]; then
  reports=$("$(dirname "$0")/sanitizer_reports.sh" --names "$BOUNDED_CHECK_REPORTS")
  [ -z "$reports" ] || failures+=${failures:+$'\n'}$(sed 's/^/sanitizer report: /' <<<"$reports")
fi
if [ -n "$failures" ]; then
  echo "bounded_check.sh: $* was stopped after ${seconds} s, and had already failed:" >&2
  echo "$failures" >&2
  exit 1
fi
echo "bounded_check.sh: $* did not finish within ${seconds} s; no failure so far" \
  "($(grep -cE '^ *[0-9]+/[0-9]+ Test +#' "$log") tests had finished; the output is in $log)"
exit 0
