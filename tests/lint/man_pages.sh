#!/usr/bin/env bash
# Man pages lint clean at mandoc's warning level, and render.
source "$PXEKIT_SRC/tests/support/testlib.sh"
need_cmd mandoc
cd "$PXEKIT_SRC" || exit 1
pages=(man/*.[1578])
[ -e "${pages[0]}" ] || skip "no man pages yet"
for page in "${pages[@]}"; do
  out=$(mandoc -Tlint -W warning "$page" 2>&1)
  check "$page: mandoc -Tlint -W warning is silent" '[ -z "$out" ]' || true
  [ -z "$out" ] || echo "$out" >&2
  check "$page: renders" 'mandoc -Tutf8 "$page" >/dev/null'
  sections=(NAME SYNOPSIS DESCRIPTION OPTIONS "EXIT STATUS" "SEE ALSO")
  # A file format (section 5) has no options and no exit status; an
  # overview (section 7) has no synopsis or options of its own.
  [[ $page == *.5 ]] && sections=(NAME DESCRIPTION "SEE ALSO")
  [[ $page == *.7 ]] && sections=(NAME DESCRIPTION "EXIT STATUS" "SEE ALSO")
  for section in "${sections[@]}"; do
    check "$page: has $section" 'grep -q "^\.Sh $section" "$page"'
  done
done
finish
