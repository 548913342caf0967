#!/usr/bin/env bash
# sanitizer_reports.sh [--names] DIR: what the sanitized programs of
# `make check-asan` wrote to DIR (the Makefile's ASAN_REPORTS, log_path).
#
# Every non-empty file there is a finding, with one exception: a file whose
# every line is one of LeakSanitizer's notes that it could not stop or read a
# thread during its exit-time leak scan. That happens when a test kills the
# program (SIGKILL, as tests/cli/pxe-exports-atomic.test does 40 times) while
# the scan runs: the kernel ends the thread under the scan's feet. LeakSanitizer
# then treats that thread's whole stack as reachable and goes on, so a leak it
# finds still ends in its "ERROR: LeakSanitizer" report, which is a finding
# here; the note alone says only that the scan was interrupted.
#
#   sanitizer_reports.sh DIR          print each file, then one summary line
#   sanitizer_reports.sh --names DIR  print only the paths of the findings
# Exit 0 when there is no finding (notes only, or nothing), 1 when there is
# one, 64 usage, 66 when DIR is missing.
set -u
names_only=0
if [ "${1:-}" = --names ]; then
  names_only=1
  shift
fi
if [ $# -ne 1 ] || [ -z "$1" ]; then
  echo "sanitizer_reports.sh: usage: sanitizer_reports.sh [--names] DIR" >&2
  exit 64
fi
dir=$1
if [ ! -d "$dir" ]; then
  echo "sanitizer_reports.sh: $dir: no such directory" >&2
  exit 66
fi

# The notes, as LeakSanitizer prints them: "==PROGRAM==PID==" (log_exe_name=1)
# or "==PID==", then the text (sanitizer_common, StopTheWorld and lsan_common).
prefix='==([^=]+==)?[0-9]+=='
note="^${prefix}(Unable to get registers from thread [0-9]+\.|Running thread [0-9]+ was not suspended\. False leaks are possible\.|Could not attach to thread [0-9]+ \(errno [0-9]+\)\.|Failed suspending threads\.)\$"

findings=() notes=()
while IFS= read -r -d '' file; do
  if grep -qvE "$note" "$file"; then
    findings+=("$file")
  else
    notes+=("$file")
  fi
done < <(find "$dir" -type f -size +0 -print0 | sort -z)

if [ "$names_only" = 1 ]; then
  [ ${#findings[@]} -eq 0 ] || printf '%s\n' "${findings[@]}"
else
  for file in "${findings[@]}" "${notes[@]}"; do
    echo "== sanitizer report ${file#"$dir"/}"
    cat "$file"
  done
  if [ ${#notes[@]} -gt 0 ]; then
    echo "Sanitizer notes: ${#notes[@]} file(s) hold only LeakSanitizer's note that it could not read a thread" \
      "during its exit-time scan (a program killed while the scan ran); not a finding"
  fi
  if [ ${#findings[@]} -gt 0 ]; then
    echo "check-asan: ${#findings[@]} sanitizer reports (in $dir)" >&2
  elif [ ${#notes[@]} -eq 0 ]; then
    echo "Sanitizer reports: none"
  fi
fi
[ ${#findings[@]} -eq 0 ]
