#!/usr/bin/env bash
# Exit codes and man pages agree: every code a program's man page lists
# under EXIT STATUS is produced by at least one test in that program's CLI
# tests (tests/cli/<prog>.test, tests/cli/<prog>-*.test), i.e. one of them
# expects "rc=N" in its output. A code no test reaches is a promise nobody
# checks.
#
# The man page of each program in tools/ is man/<prog>.1 or .8; section 5
# pages describe files, not programs, and are not read.

source "$PXEKIT_SRC/tests/support/testlib.sh"
cd "$PXEKIT_SRC" || exit 1

# documented_codes PAGE: the ".It N" items of the EXIT STATUS section.
documented_codes() {
  sed -n '/^\.Sh EXIT STATUS/,/^\.Sh /p' "$1" |
    sed -n 's/^\.It \([0-9][0-9]*\)\( .*\)\{0,1\}$/\1/p' | sort -nu
}

# tested_codes FILE...: every N in "rc=N" outside comment lines.
tested_codes() {
  grep -hv '^[[:space:]]*#' "$@" | grep -o 'rc=[0-9][0-9]*' | cut -d= -f2 | sort -nu
}

programs=0
for dir in tools/*/; do
  prog=$(basename "$dir")
  programs=$((programs + 1))
  page=$(ls man/"$prog".1 man/"$prog".8 2>/dev/null | head -n 1)
  if [ -z "$page" ]; then
    fail "$prog: no man page (man/$prog.1 or man/$prog.8)"
    continue
  fi
  documented=$(documented_codes "$page")
  if [ -z "$documented" ]; then
    fail "$prog: $page has no EXIT STATUS codes"
    continue
  fi
  tests=()
  for file in tests/cli/"$prog".test tests/cli/"$prog"-*.test; do
    [ -f "$file" ] && tests+=("$file")
  done
  if [ ${#tests[@]} -eq 0 ]; then
    fail "$prog: no tests/cli/$prog.test"
    continue
  fi
  tested=$(tested_codes "${tests[@]}")
  missing=$(comm -23 <(echo "$documented" | sort) <(echo "$tested" | sort) | sort -n | tr '\n' ' ')
  missing=${missing% }
  if [ -z "$missing" ]; then
    pass "$prog: every documented exit code ($(echo $documented)) is tested"
  else
    fail "$prog: exit codes in $page that no test in ${tests[*]} expects: $missing"
  fi
done
check "programs found" '[ "$programs" -gt 0 ]'

finish
