#!/usr/bin/env bash
# pxe-exports' bash completion completes for real: subcommands first, then
# each subcommand's own options, values for --sec and --fsid, a directory
# for PATH and files for check.
source "$PXEKIT_SRC/tests/support/testlib.sh"
need_bash_completion

complete_words() { bash_complete pxe-exports "$@"; }  # what TAB offers after WORD...

mkdir -p "$SCRATCH/srv1" "$SCRATCH/srv2"
touch "$SCRATCH/srvfile"
check "the subcommands come first" \
  '[ "$(complete_words "")" = "$(printf "add\ncheck\nganesha\nline\nremove")" ]'
check "after a common option, still the subcommands" '[ "$(complete_words -v l)" = "line" ]'
check "add --no offers --no-path-check and --no-root-squash" \
  '[ "$(complete_words add --no)" = "$(printf -- "--no-path-check\n--no-root-squash")" ]'
check "line --no offers --no-root-squash only" '[ "$(complete_words line --no)" = "--no-root-squash" ]'
check "remove --r offers --reload only" '[ "$(complete_words remove --r)" = "--reload" ]'
check "check --s offers --strict" '[ "$(complete_words check --s)" = "--strict" ]'
check "--sec offers the flavours" '[ "$(complete_words add --sec "")" = "$(printf "krb5\nkrb5i\nkrb5p\nsys")" ]'
check "--fsid offers root" '[ "$(complete_words line --fsid r)" = "root" ]'
check "PATH offers directories only" '[ "$(complete_words add srv)" = "$(printf "srv1\nsrv2")" ]'
check "a CLIENT offers nothing" '[ -z "$(complete_words add /srv srv)" ]'
finish
