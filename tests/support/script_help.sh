# Sourced by the scripts run by hand (tests/bench/*.sh, tests/support/demo.sh),
# whose --help is the comment block that opens them.
#
# script_help FILE: FILE's opening comments, after the #! line, without their
# leading "# ", up to the first line that is not a comment.
script_help() {
  awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$1"
}
