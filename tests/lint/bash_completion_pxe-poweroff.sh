#!/usr/bin/env bash
# pxe-poweroff's bash completion completes for real: subcommands and hosts
# for the sender, each subcommand's own options, interfaces and actions.
source "$PXEKIT_SRC/tests/support/testlib.sh"
need_bash_completion

complete_words() { bash_complete pxe-poweroff "$@"; }  # what TAB offers after WORD...

touch "$SCRATCH/lab.hosts"
check "the subcommands are offered first" \
  'complete_words "" | grep -qx keygen && complete_words "" | grep -qx listen && complete_words "" | grep -qx local'
check "after -v, still the subcommands" '[ "$(complete_words -v li)" = "listen" ]'
check "after a host, no subcommand" '! complete_words 10.0.0.1 "" | grep -qx listen'
check "sender --w offers --wait only" '[ "$(complete_words --w)" = "--wait" ]'
check "listen --w offers --wol-interface only" '[ "$(complete_words listen --w)" = "--wol-interface" ]'
check "local --d offers --dry-run" '[ "$(complete_words local --d)" = "--dry-run" ]'
check "local offers no --exec" '[ -z "$(complete_words local --ex)" ]'
check "keygen offers --out and --force" \
  '[ "$(complete_words keygen --o)" = "--out" ] && [ "$(complete_words keygen --f)" = "--force" ]'
check "--action offers poweroff and reboot" \
  '[ "$(complete_words --action "")" = "$(printf "poweroff\nreboot")" ]'
check "-I offers lo" 'complete_words -I "" | grep -qx lo'
check "listen --wol-interface offers lo" 'complete_words listen --wol-interface "" | grep -qx lo'
check "-f offers files" '[ "$(complete_words -f lab)" = "lab.hosts" ]'
finish
