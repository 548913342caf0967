#!/usr/bin/env bash
# tests/support/sanitizer_reports.sh, which make check-asan (and, for a run cut
# short, bounded_check.sh) uses to read the sanitizers' report files: every
# report is a finding, except a file that holds only LeakSanitizer's note that
# a program was killed during its exit-time scan (CI's first check-asan run:
# tests/cli/pxe-exports-atomic.test SIGKILLs pxe-exports 40 times).
source "$PXEKIT_SRC/tests/support/testlib.sh"
S=$PXEKIT_SRC/tests/support/sanitizer_reports.sh
D=$SCRATCH/reports

reset_reports() { rm -rf "$D" && mkdir -p "$D"; }
run_reports() { # [--names]: $out (stdout+stderr), $rc
  out=$("$S" "$@" "$D" 2>&1)
  rc=$?
}

reset_reports
run_reports
check "no files: 0, and it says none" '[ $rc = 0 ] && grep -qx "Sanitizer reports: none" <<<"$out"'
: >"$D/report.wakeonlan.7"
run_reports
check "an empty file is no report: 0" '[ $rc = 0 ] && grep -qx "Sanitizer reports: none" <<<"$out"'

# The file CI's run left, to the letter.
echo "==pxe-exports==13485==Unable to get registers from thread 13440." >"$D/report.pxe-exports.13440"
run_reports
check "LeakSanitizer's interrupted-scan note alone: 0" '[ $rc = 0 ]' || echo "$out" >&2
check "  the note is shown, and said not to be a finding" \
  'grep -qF "== sanitizer report report.pxe-exports.13440" <<<"$out" &&
   grep -qF "Unable to get registers from thread 13440." <<<"$out" &&
   grep -qF "Sanitizer notes: 1 file(s)" <<<"$out" && grep -qF "not a finding" <<<"$out"'
check "  and not called none" '! grep -q "Sanitizer reports: none" <<<"$out"'
run_reports --names
check "  --names: nothing, 0" '[ $rc = 0 ] && [ -z "$out" ]'

reset_reports
printf '%s\n' "==4242==Unable to get registers from thread 4243." \
  "==pxe-tftpd==4250==Running thread 4244 was not suspended. False leaks are possible." \
  "==pxe-tftpd==4250==Could not attach to thread 4245 (errno 1)." \
  "==pxe-tftpd==4250==Failed suspending threads." >"$D/report.pxe-tftpd.4242"
run_reports
check "every form of the note, with and without the program's name: 0" '[ $rc = 0 ]' || echo "$out" >&2

# A leak found after the note is a finding: LeakSanitizer goes on after it.
for finding in \
  "==pxe-exports==13485==ERROR: LeakSanitizer: detected memory leaks" \
  "lib/exports/exports_parser.cc:40:7: runtime error: signed integer overflow" \
  "==pxe-exports==13485==Unable to get registers from thread 13440. and more" \
  "Unable to get registers from thread 13440." \
  "==pxe-exports==13485==WARNING: AddressSanitizer failed to allocate 0x10 bytes"; do
  reset_reports
  printf '%s\n' "==pxe-exports==13485==Unable to get registers from thread 13440." "$finding" \
    >"$D/report.pxe-exports.13440"
  echo "==pxe-dhcpd==9==Unable to get registers from thread 10." >"$D/report.pxe-dhcpd.9"
  run_reports
  check "a note and '${finding:0:50}': 1" '[ $rc = 1 ]' || echo "$out" >&2
  check "  counted as one finding, the report shown" \
    'grep -qF "check-asan: 1 sanitizer reports (in $D)" <<<"$out" && grep -qF "$finding" <<<"$out"'
  run_reports --names
  check "  --names: only the finding's path" '[ $rc = 1 ] && [ "$out" = "$D/report.pxe-exports.13440" ]' ||
    echo "$out" >&2
done

# The file CI's run left, as bounded_check.sh sees it when time runs out.
reset_reports
echo "==pxe-exports==13485==Unable to get registers from thread 13440." >"$D/report.pxe-exports.13440"
out=$(BOUNDED_CHECK_REPORTS=$D "$PXEKIT_SRC/tests/support/bounded_check.sh" 1 "$SCRATCH/run.log" sleep 30 2>&1)
rc=$?
check "bounded_check.sh, cut short with only a note: 0" '[ $rc = 0 ] && grep -qF "no failure so far" <<<"$out"' ||
  echo "$out" >&2

for args in "" "--names" "''" "a b" "--names a b"; do
  eval "\"\$S\" $args" >/dev/null 2>&1
  rc=$?
  check "usage error for '$args': 64" '[ $rc = 64 ]'
done
"$S" "$SCRATCH/missing" >/dev/null 2>&1
rc=$?
check "a missing directory: 66" '[ $rc = 66 ]'

check "make check-asan reads the reports through it" \
  'grep -qF "tests/support/sanitizer_reports.sh \$(ASAN_REPORTS) || status=1" "$PXEKIT_SRC/Makefile"'
finish
