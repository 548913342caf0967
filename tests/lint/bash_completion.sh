#!/usr/bin/env bash
# The bash completions complete for real: options from a prefix, and the
# option values that have a completer (interfaces for -I).
source "$PXEKIT_SRC/tests/support/testlib.sh"
need_bash_completion

complete_words() { bash_complete "$@"; }  # TOOL WORD...: what TAB offers

check "wakeonlan --int offers --interface and --interval" \
  '[ "$(complete_words wakeonlan --int)" = "$(printf -- "--interface\n--interval")" ]'
check "wakeonlan -I offers lo" 'complete_words wakeonlan -I "" | grep -qx lo'
check "wakeonlan --all offers --all-interfaces" \
  '[ "$(complete_words wakeonlan --all)" = "--all-interfaces" ]'
finish
