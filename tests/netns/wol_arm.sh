#!/usr/bin/env bash
# Arming Wake-on-LAN against the real kernel (lib/power/wol_arm.cc), through
# ethtool netlink and through the SIOCETHTOOL ioctl fallback, in a network
# namespace made here: a veth has no WoL (EOPNOTSUPP → not-supported), a
# missing interface is ENODEV (no-device), and without CAP_NET_ADMIN the
# kernel says EPERM (permission). No interface outside the namespace is
# touched; the namespace is removed on exit.

source "$PXEKIT_SRC/tests/support/testlib.sh"
need_netns

PROBE=$PXEKIT_TEST_BIN/wol_arm_probe
[ -x "$PROBE" ] || { echo "FAIL: $PROBE is not built" >&2; exit 1; }

NS="pxk-wolarm-$$"
netns_add "$NS"
ip -n "$NS" link add name wa0 type veth peer name wa1
ip -n "$NS" link set wa0 up
ip -n "$NS" link set wa1 up

probe() {  # probe ARGS...: the probe inside the namespace
  ip netns exec "$NS" "$PROBE" "$@"
}

# Which path ran is part of the result: the kernel here must have ethtool
# netlink (Linux 5.6+) for "auto" to mean netlink.
have_ethtool_netlink=0
if command -v genl >/dev/null 2>&1 && genl ctrl get name ethtool >/dev/null 2>&1; then
  have_ethtool_netlink=1
elif [ -e /proc/sys/kernel/osrelease ]; then
  IFS=. read -r major minor _ </proc/sys/kernel/osrelease
  [ "$major" -gt 5 ] || { [ "$major" = 5 ] && [ "${minor%%[!0-9]*}" -ge 6 ]; } && have_ethtool_netlink=1
fi

for method in netlink ioctl auto; do
  case $method in
    ioctl) via=1 ;;
    netlink) via=0 ;;
    auto) via=$((1 - have_ethtool_netlink)) ;;
  esac

  out=$(probe --method $method wa0); rc=$?
  check "$method: veth runs" '[ $rc = 0 ]'
  check "$method: veth cannot wake (EOPNOTSUPP)" \
    '[ "$(sed -n 1p <<<"$out")" = "not-supported errno=95 ioctl=$via before=d" ]' || echo "$out" >&2
  check "$method: veth message says so plainly" \
    'sed -n 2p <<<"$out" | grep -q "^wa0: NIC cannot wake on a magic packet"' || echo "$out" >&2

  out=$(probe --method $method pxk-nosuch0); rc=$?
  check "$method: missing interface (ENODEV)" \
    '[ $rc = 0 ] && [ "$(sed -n 1p <<<"$out")" = "no-device errno=19 ioctl=$via before=d" ]' || echo "$out" >&2
  check "$method: missing interface message" \
    '[ "$(sed -n 2p <<<"$out")" = "pxk-nosuch0: no such interface" ]' || echo "$out" >&2
done

# An old kernel, without the "ethtool" family: auto falls back to the ioctl
# (and gets the same answers from it); netlink alone has nothing to use.
out=$(probe --family pxk-no-such-family wa0)
check "no family: auto falls back to the ioctl" \
  '[ "$(sed -n 1p <<<"$out")" = "not-supported errno=95 ioctl=1 before=d" ]' || echo "$out" >&2
out=$(probe --family pxk-no-such-family pxk-nosuch0)
check "no family: the ioctl says ENODEV" \
  '[ "$(sed -n 1p <<<"$out")" = "no-device errno=19 ioctl=1 before=d" ]' || echo "$out" >&2
out=$(probe --method netlink --family pxk-no-such-family wa0)
check "no family: netlink alone fails and says why" \
  '[ "$(sed -n 1p <<<"$out")" = "failed errno=2 ioctl=0 before=d" ] &&
   sed -n 2p <<<"$out" | grep -q "no .pxk-no-such-family. generic netlink family"' || echo "$out" >&2

# Names the kernel cannot hold never reach it.
out=$(probe pxk-0123456789abcdef)
check "too long a name: no-device" \
  '[ "$(sed -n 1p <<<"$out")" = "no-device errno=19 ioctl=0 before=d" ]' || echo "$out" >&2

# Without CAP_NET_ADMIN (an unprivileged uid, every capability dropped).
# The probe is copied where that user can run it.
if command -v setpriv >/dev/null 2>&1; then
  PUBLIC=$(mktemp -d /tmp/pxekit-wolarm.XXXXXX)
  trap 'rm -rf "$PUBLIC"; cleanup' EXIT
  chmod 755 "$PUBLIC"
  cp "$PROBE" "$PUBLIC/wol_arm_probe" && chmod 755 "$PUBLIC/wol_arm_probe"
  for method in netlink ioctl; do
    [ $method = ioctl ] && via=1 || via=0
    out=$(ip netns exec "$NS" setpriv --reuid=65534 --regid=65534 --clear-groups \
      --inh-caps=-all --bounding-set=-all "$PUBLIC/wol_arm_probe" --method $method wa0)
    check "$method: unprivileged is refused (EPERM)" \
      '[ "$(sed -n 1p <<<"$out")" = "permission errno=1 ioctl=$via before=d" ]' || echo "$out" >&2
    check "$method: permission message names CAP_NET_ADMIN" \
      'sed -n 2p <<<"$out" | grep -q "^wa0: Wake-on-LAN settings need CAP_NET_ADMIN"' || echo "$out" >&2
  done
else
  echo "note: setpriv missing, the EPERM case is not run" >&2
fi

finish
