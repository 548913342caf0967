#!/usr/bin/env bash
# Every systemd unit in tools/*/ scores "OK" or better in
# `systemd-analyze security --offline=yes` (which reads the unit file; no
# running systemd needed), and the README states each unit's exposure as
# measured here. Each daemon's man page lists under CAPABILITIES only
# capabilities its unit's CapabilityBoundingSet= allows. (That the daemons
# serve under these restrictions, holding exactly those capabilities, is
# tests/netns/*_sandbox.sh.)
source "$PXEKIT_SRC/tests/support/testlib.sh"
source "$PXEKIT_SRC/tests/support/unit_sandbox.sh"
need_cmd systemd-analyze
cd "$PXEKIT_SRC" || exit 1
units=(tools/*/*.service)
[ -e "${units[0]}" ] || skip "no systemd units yet"
for unit in "${units[@]}"; do
  name=$(basename "$unit")
  out=$(systemd-analyze security --offline=yes --no-pager "$unit" 2>&1)
  line=$(grep "Overall exposure level for $name:" <<<"$out")
  exposure=$(sed -n 's/.*: \([0-9][0-9.]*\) \([A-Z]*\).*/\1/p' <<<"$line")
  level=$(sed -n 's/.*: \([0-9][0-9.]*\) \([A-Z]*\).*/\2/p' <<<"$line")
  echo "$name: exposure $exposure $level"
  check "$name: systemd-analyze gives an exposure" '[ -n "$exposure" ] && [ -n "$level" ]' ||
    echo "$out" >&2
  check "$name: OK or better (exposure $exposure $level)" \
    '[ "$level" = OK ] || [ "$level" = SAFE ] || [ "$level" = PERFECT ]' ||
    grep '✗' <<<"$out" >&2
  check "$name: the README states exposure $exposure" \
    'grep -q "\`$name\` $exposure $level" README.md'
  check "$name: systemd-analyze has no complaint about the file" \
    '! grep -qiE "unknown (key|section)|failed to parse|ignoring" <<<"$out"' || echo "$out" >&2
  daemon=$(basename "$(dirname "$unit")")
  page=$(ls man/"$daemon".[18] 2>/dev/null | head -n1)
  if [ -n "$page" ] && [ -n "$(unit_value "$unit" CapabilityBoundingSet)" ]; then
    check "$page has a CAPABILITIES section" 'grep -qx ".Sh CAPABILITIES" "$page"'
    extra=$(comm -23 <(man_caps "$page") <(unit_caps "$unit") | paste -sd' ' -)
    check "$page: its capabilities are in $name's CapabilityBoundingSet (extra: ${extra:-none})" \
      '[ -z "$extra" ]'
  fi
done
finish
