#!/usr/bin/env bash
# The bash completions complete for real: options from a prefix, and the
# option values that have a completer (interfaces for -I).
source "$PXEKIT_SRC/tests/support/testlib.sh"
BASH_COMPLETION=/usr/share/bash-completion/bash_completion
[ -f "$BASH_COMPLETION" ] || skip "bash-completion is not installed (make check installs it)"

complete_words() {  # complete_words TOOL WORD...: what TAB offers after WORD...
  local tool=$1
  shift
  bash -c '
    source "$1"; source "$2"; shift 2
    COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
    COMP_LINE="${COMP_WORDS[*]}"; COMP_POINT=${#COMP_LINE}
    _'"${tool//-/_}"' "$1" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
    printf "%s\n" "${COMPREPLY[@]}" | sort' _ "$BASH_COMPLETION" \
    "$PXEKIT_SRC/completions/bash/$tool" "$tool" "$@"
}

check "wakeonlan --int offers --interface and --interval" \
  '[ "$(complete_words wakeonlan --int)" = "$(printf -- "--interface\n--interval")" ]'
check "wakeonlan -I offers lo" 'complete_words wakeonlan -I "" | grep -qx lo'
check "wakeonlan --all offers --all-interfaces" \
  '[ "$(complete_words wakeonlan --all)" = "--all-interfaces" ]'
finish
