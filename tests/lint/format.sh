#!/usr/bin/env bash
# The C++ files a change touches are clang-formatted (.clang-format at the top
# of the tree). The change is everything since the merge base with origin/main
# when that branch is known (a clone, CI), else since the last commit's parent
# (HEAD~), plus what is not committed yet. PXEKIT_FORMAT_BASE=<commit> picks
# the base. Files nobody touched are not judged: some predate the rule.

source "$PXEKIT_SRC/tests/support/testlib.sh"
need_cmd git clang-format
cd "$PXEKIT_SRC" || exit 1
git rev-parse --is-inside-work-tree >/dev/null 2>&1 || skip "$PXEKIT_SRC is not a git checkout"

if [ -n "${PXEKIT_FORMAT_BASE:-}" ]; then
  base=$PXEKIT_FORMAT_BASE
elif git rev-parse -q --verify origin/main >/dev/null &&
  base=$(git merge-base origin/main HEAD 2>/dev/null) && [ "$base" != "$(git rev-parse HEAD)" ]; then
  :
elif git rev-parse -q --verify 'HEAD~' >/dev/null; then
  base=HEAD~
else
  skip "no commit to compare with (a shallow clone of one commit); set PXEKIT_FORMAT_BASE"
fi

# The rule itself: a file off the style is caught under this tree's style.
mkdir -p "$SCRATCH/style"
cp .clang-format "$SCRATCH/style/"
printf 'int  f( int x ){return x;}\n' >"$SCRATCH/style/bad.cc"
check "clang-format --dry-run -Werror rejects a misformatted file" \
  '! clang-format --dry-run -Werror "$SCRATCH/style/bad.cc" 2>/dev/null'

mapfile -t files < <(git diff --name-only --diff-filter=d "$base" -- \
  '*.cc' '*.h' '*.cpp' '*.hpp' | grep -v '^tests/fuzz/corpus/')
echo "comparing with $base: ${#files[@]} C++ file(s) changed"
for file in "${files[@]}"; do
  check "$file is clang-formatted" 'clang-format --dry-run -Werror "$file" 2>"$SCRATCH/format.log"' ||
    { head -20 "$SCRATCH/format.log" >&2; echo "fix: clang-format -i $file" >&2; }
done
finish
