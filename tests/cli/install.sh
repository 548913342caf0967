#!/usr/bin/env bash
# `make install DESTDIR=... PREFIX=...` puts every program, man page, shell
# completion and systemd unit where a Debian admin expects them, and nothing
# anywhere else: for the default prefix /usr/local and for /usr.
#
# Other tests run from the same build directory at the same time, so this one
# installs what is already built (cmake --install, the command `make install`
# runs) and never reconfigures or rebuilds it: `make install` itself would
# re-run cmake and the build first.
source "$PXEKIT_SRC/tests/support/testlib.sh"
need_cmd make cmake
BUILD=$(dirname "$PXEKIT_BIN")
[ -f "$BUILD/CMakeCache.txt" ] || skip "no configured build in $BUILD"

# What the build directory holds, with modification times, except what an
# install or CTest itself writes there.
build_state() {
  find "$BUILD" \( -path "$BUILD/Testing" -o -path "$BUILD/sanitizer-reports" \
    -o -name 'install_manifest*.txt' \) -prune -o \
    -type f -printf '%p %T@\n' | LC_ALL=C sort
}
build_before=$(build_state)

cd "$PXEKIT_SRC" || exit 1
tools=()
for dir in tools/*/; do
  tools+=("$(basename "$dir")")
done

# The files the sources say must be installed, relative to the prefix.
expected_files() {
  local tool file
  for tool in "${tools[@]}"; do echo "bin/$tool"; done
  for file in man/*.[1578]; do
    [ -e "$file" ] && echo "share/man/man${file##*.}/$(basename "$file")"
  done
  for file in completions/bash/*; do
    [ -e "$file" ] && echo "share/bash-completion/completions/$(basename "$file")"
  done
  for file in completions/zsh/_*; do
    [ -e "$file" ] && echo "share/zsh/site-functions/$(basename "$file")"
  done
  for file in completions/fish/*.fish; do
    [ -e "$file" ] && echo "share/fish/vendor_completions.d/$(basename "$file")"
  done
  for file in tools/*/*.service; do
    [ -e "$file" ] && echo "lib/systemd/system/$(basename "$file")"
  done
  return 0
}

# The source a relative installed path came from (for data files).
source_of() {
  case $1 in
    share/man/*) echo "man/$(basename "$1")" ;;
    share/bash-completion/*) echo "completions/bash/$(basename "$1")" ;;
    share/zsh/*) echo "completions/zsh/$(basename "$1")" ;;
    share/fish/*) echo "completions/fish/$(basename "$1")" ;;
    lib/systemd/*) ls tools/*/"$(basename "$1")" ;;
  esac
}

expected=$(expected_files | LC_ALL=C sort)

for prefix in /usr/local /usr; do
  dest=$SCRATCH/dest${prefix//\//-}
  # The install step of `make install`, as make would run it (-n: print only).
  step=$(make --no-print-directory -n install BUILD_DIR="$BUILD" DESTDIR="$dest" PREFIX="$prefix" |
    tail -n1)
  check "$prefix: make install ends in cmake --install with DESTDIR and PREFIX" \
    '[ "$step" = "DESTDIR=$dest cmake --install $BUILD --prefix $prefix" ]' ||
    echo "  make -n install ran: $step" >&2
  DESTDIR=$dest cmake --install "$BUILD" --prefix "$prefix" >"$SCRATCH/install.log" 2>&1
  rc=$?
  check "$prefix: cmake --install exits 0" '[ $rc = 0 ]' || { cat "$SCRATCH/install.log" >&2; continue; }

  check "$prefix: everything lands under DESTDIR$prefix" \
    '[ -z "$(cd "$dest" && find . ! -type d | grep -v "^\.$prefix/")" ]'
  actual=$(cd "$dest$prefix" 2>/dev/null && find . ! -type d | sed 's|^\./||' | LC_ALL=C sort)
  check "$prefix: exactly the programs, man pages, completions and units" \
    '[ "$actual" = "$expected" ]' ||
    diff <(echo "$expected") <(echo "$actual") | sed 's/^/  /' >&2

  for tool in "${tools[@]}"; do
    check "$prefix: bin/$tool is an executable, mode 755" \
      '[ -x "$dest$prefix/bin/$tool" ] && [ "$(stat -c %a "$dest$prefix/bin/$tool")" = 755 ]'
    check "$prefix: bin/$tool runs (--version)" '"$dest$prefix/bin/$tool" --version >/dev/null'
  done
  while read -r file; do
    case $file in bin/*) continue ;; esac
    check "$prefix: $file is a copy of $(source_of "$file"), mode 644" \
      'cmp -s "$dest$prefix/$file" "$(source_of "$file")" && [ "$(stat -c %a "$dest$prefix/$file")" = 644 ]'
  done <<<"$expected"

  # A unit must start one of the programs installed beside it.
  for unit in "$dest$prefix"/lib/systemd/system/*.service; do
    [ -e "$unit" ] || continue
    program=$(sed -n 's/^ExecStart=[-@:+!]*\([^ ]*\).*/\1/p' "$unit" | head -n1)
    check "$prefix: $(basename "$unit") starts an installed program ($program)" \
      '[ -n "$program" ] && [ -x "$dest$prefix/bin/$(basename "$program")" ]'
  done
done

check "the build directory is left as it was (not reconfigured, not rebuilt)" \
  '[ "$(build_state)" = "$build_before" ]' ||
  diff <(echo "$build_before") <(build_state) | sed 's/^/  /' >&2
finish
