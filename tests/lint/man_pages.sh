#!/usr/bin/env bash
# Man pages lint clean at mandoc's warning level, and render.
source "$PXEKIT_SRC/tests/support/testlib.sh"
need_cmd mandoc
cd "$PXEKIT_SRC" || exit 1
pages=(man/*.[158])
[ -e "${pages[0]}" ] || skip "no man pages yet"
for page in "${pages[@]}"; do
  out=$(mandoc -Tlint -W warning "$page" 2>&1)
  check "$page: mandoc -Tlint -W warning is silent" '[ -z "$out" ]' || true
  [ -z "$out" ] || echo "$out" >&2
  check "$page: renders" 'mandoc -Tutf8 "$page" >/dev/null'
  for section in NAME SYNOPSIS DESCRIPTION OPTIONS "EXIT STATUS" "SEE ALSO"; do
    check "$page: has $section" 'grep -q "^\.Sh $section" "$page"'
  done
done
finish
