#!/usr/bin/env bash
# Only "cannot run here" is a skip: when the Debian kernel cannot be fetched
# (here: apt knows no kernel package and the cache is empty), the boot test
# must fail and say why, not skip. Runs tests/netns/boot_bios.sh with a fake
# apt-cache/apt-get in front of PATH; it stops before any namespace or VM.
source "$PXEKIT_SRC/tests/support/testlib.sh"
source "$PXEKIT_SRC/tests/support/pxeboot.sh"
# What the boot test may skip for; past these, its exit 77 is a defect.
pxeboot_need_boot

mkdir -p "$SCRATCH/bin" "$SCRATCH/cache"
# apt-cache resolves nothing; apt-get update "works", the rest fails.
printf '#!/bin/sh\nexit 0\n' >"$SCRATCH/bin/apt-cache"
printf '#!/bin/sh\n[ "$1" = update ] && exit 0\necho "E: fake apt-get: $*" >&2\nexit 100\n' >"$SCRATCH/bin/apt-get"
chmod 755 "$SCRATCH/bin/apt-cache" "$SCRATCH/bin/apt-get"

PATH=$SCRATCH/bin:$PATH PXEKIT_CACHE=$SCRATCH/cache PXEKIT_KERNEL_META=linux-image-pxekit-test \
  timeout 120 bash "$PXEKIT_SRC/tests/netns/boot_bios.sh" >"$SCRATCH/out" 2>&1
rc=$?
check "a kernel that cannot be fetched fails the boot test (exit 1, not 77): exit $rc" '[ "$rc" = 1 ]'
check "... saying which step failed" 'grep -q "^FAIL: getting the Debian kernel (linux-image-pxekit-test" "$SCRATCH/out"'
check "... and why" 'grep -q "cannot resolve linux-image-pxekit-test with apt-cache, and no kernel is cached" "$SCRATCH/out"'
[ "$FAILED" = 0 ] || { echo "--- boot_bios.sh said:" >&2; cat "$SCRATCH/out" >&2; }
finish
