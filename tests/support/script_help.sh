# Sourced by the scripts run by hand (tests/bench/*.sh, tests/support/demo.sh),
# whose --help is the comment block that opens them.
#
# script_help FILE: FILE's opening comments, after the #! line, without their
# leading "# ", up to the first line that is not a comment.
script_help() {
  awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$1"
}

# script_usage: "usage: " and the synopsis in the calling script's opening
# comments (the line "#   [DIR/]NAME.sh [OPTIONS]" and the lines indented
# under it), on one line to stderr; exits 64. One synopsis for --help and
# for usage errors, so that the two cannot drift apart.
script_usage() {
  local script=${BASH_SOURCE[-1]}
  awk -v name="$(basename "$script")" '
    NR > 1 && !/^#/ { exit }
    synopsis && /^#      +[^ ]/ { sub(/^# +/, ""); synopsis = synopsis " " $0; next }
    synopsis { exit }
    /^#   [^ ]/ && ($2 == name || $2 ~ ("/" name "$")) {
      sub(/^# +[^ ]+/, ""); synopsis = "usage: " name $0
    }
    END { if (synopsis != "") print synopsis }' "$script" >&2
  exit 64
}

# script_options SPEC... -- ARG...: the options of the script that calls it,
# one table instead of a case loop in each script. A SPEC is
#   --name=VAR        the option takes a value ("--name V" or "--name=V"),
#                     stored in VAR
#   --name=VAR=VALUE  a flag that sets VAR to VALUE
# -h and --help print the script's opening comments (script_help) and exit 0.
# An unknown argument, or a value option without its value, is a usage
# error (script_usage).
script_options() {
  local -A _so_value=() _so_flag=()
  local _so_name _so_rest
  while [ $# -gt 0 ] && [ "$1" != -- ]; do
    _so_name=${1%%=*} _so_rest=${1#*=}
    if [[ $_so_rest == *=* ]]; then
      _so_flag[$_so_name]=$_so_rest
    else
      _so_value[$_so_name]=$_so_rest
    fi
    shift
  done
  shift
  while [ $# -gt 0 ]; do
    _so_name=${1%%=*}
    if [ "$1" = -h ] || [ "$1" = --help ]; then
      script_help "${BASH_SOURCE[-1]}"
      exit 0
    elif [ -n "${_so_value[$_so_name]+set}" ]; then
      if [ "$_so_name" != "$1" ]; then
        _so_rest=${1#*=}
      else
        [ $# -ge 2 ] || script_usage
        _so_rest=$2
        shift
      fi
      printf -v "${_so_value[$_so_name]}" '%s' "$_so_rest"
    elif [ -n "${_so_flag[$1]+set}" ]; then
      printf -v "${_so_flag[$1]%%=*}" '%s' "${_so_flag[$1]#*=}"
    else
      script_usage
    fi
    shift
  done
}
