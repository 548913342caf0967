#!/usr/bin/env bash
# A boot that dies under KVM with a KVM internal error (as a stock Debian
# kernel does on a software hypervisor, kvm_pvm) is reported as such and
# retried once under TCG, with fresh server logs: the whole BIOS boot test
# (tests/support/boot_test.sh) must still pass. QEMU is wrapped: under
# -accel kvm the wrapper prints QEMU's KVM internal error and waits, as QEMU
# does with a paused VM; under TCG it runs the real QEMU. KVM is never used.
source "$PXEKIT_SRC/tests/support/testlib.sh"
source "$PXEKIT_SRC/tests/support/boot_test.sh"

wrapper=$SCRATCH/qemu-kvm-dies
calls=$SCRATCH/qemu.calls
cat >"$wrapper" <<WRAPPER
#!/bin/bash
echo "\$*" >>"$calls"
case " \$* " in
  *" -accel kvm "*)
    printf 'KVM internal error. Suberror: 1\nemulation failure\nRAX=0000000000000000 RBX=0000000000000000\n' >&2
    exec sleep 60 ;;
esac
exec qemu-system-x86_64 "\$@"
WRAPPER
chmod 755 "$SCRATCH" "$wrapper"

# As if the probe had chosen KVM.
PXEBOOT_QEMU=$wrapper
export PXEBOOT_ACCEL=kvm PXEBOOT_ACCEL_CPU="" PXEBOOT_ACCEL_WHY="set by tests/netns/boot_kvm_retry.sh"

boot_test_more() {
  check "the KVM attempt was reported as a KVM internal error" '[[ $PXEBOOT_ACCEL_WHY == *"KVM internal error"* ]]'
  check "the boot was retried once, under TCG" \
    '[ "$(wc -l <"$calls")" = 2 ] && [[ $(sed -n 1p "$calls") == *"-accel kvm "* ]] && [[ $(sed -n 2p "$calls") == *"-accel tcg "* ]]'
  check "the result says it was retried: $PXEBOOT_NOTE" '[[ $PXEBOOT_NOTE == "retried under TCG"* ]]'
  check "the KVM attempt's server logs were kept aside" '[ -s "$PXEBOOT_WORK/pxe-dhcpd.log.kvm" ]'
}
boot_test bios
