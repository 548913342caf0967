#!/usr/bin/env bash
# Makes sure Debian packages are installed.
#   packages.sh install PKG...   install what is missing (as root), or print
#                                the exact apt-get line and fail
#   packages.sh check PKG...     only print the apt-get line when missing
set -euo pipefail
mode=$1
shift
missing=()
for pkg in "$@"; do
  status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
  [ "$status" = "install ok installed" ] || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0

# --no-remove: a test peer must never replace what the host has. Installing
# initramfs-tools (the lab's mkinitramfs) on a host that uses dracut would
# otherwise remove dracut and rebuild the host's initrds.
line="apt-get install -y --no-install-recommends --no-remove ${missing[*]}"
if [ "$mode" = install ] && [ "$(id -u)" = 0 ]; then
  echo "pxekit: installing missing Debian packages: ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  # Some test peers (rpcbind, nfs-kernel-server, nfs-ganesha) start a service
  # from their maintainer scripts. The tests run them privately, in their own
  # namespaces; a host-wide daemon must never start, so deny every service
  # start for the length of the install (invoke-rc.d honours policy-rc.d).
  policy=/usr/sbin/policy-rc.d
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\n# pxekit: no service starts during package installs\nexit 101\n' >"$policy"
    chmod 755 "$policy"
    trap 'rm -f "$policy"' EXIT
  fi
  # A fresh machine has no package lists yet; refresh them once, then install.
  apt-get update -qq
  $line
  exit 0
fi
echo "pxekit: missing Debian packages: ${missing[*]}" >&2
echo "pxekit: install them with: sudo $line" >&2
exit 1
