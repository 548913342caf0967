#!/usr/bin/env bash
# Every C++ file of the tree is clang-formatted (.clang-format at the top of
# the tree). The whole tree was formatted once, so the rule needs no commit
# range: it holds in a clone, a shallow clone and an unpacked tarball alike.

source "$PXEKIT_SRC/tests/support/testlib.sh"
need_cmd clang-format
cd "$PXEKIT_SRC" || exit 1

# The rule itself: a file off the style is caught under this tree's style.
mkdir -p "$SCRATCH/style"
cp .clang-format "$SCRATCH/style/"
printf 'int  f( int x ){return x;}\n' >"$SCRATCH/style/bad.cc"
check "clang-format --dry-run -Werror rejects a misformatted file" \
  '! clang-format --dry-run -Werror "$SCRATCH/style/bad.cc" 2>/dev/null'

if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  mapfile -t files < <(git ls-files -- '*.cc' '*.h' '*.cpp' '*.hpp' | grep -v '^tests/fuzz/corpus/')
else
  mapfile -t files < <(find lib tools tests -type f \( -name '*.cc' -o -name '*.h' \) -not -path 'tests/fuzz/corpus/*' | sort)
fi
echo "${#files[@]} C++ file(s)"
check "the tree has C++ files to check" '[ "${#files[@]}" -gt 100 ]'
for file in "${files[@]}"; do
  check "$file is clang-formatted" 'clang-format --dry-run -Werror "$file" 2>"$SCRATCH/format.log"' ||
    { head -20 "$SCRATCH/format.log" >&2; echo "fix: clang-format -i $file" >&2; }
done
finish
