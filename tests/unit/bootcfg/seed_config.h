#pragma once
// The seed's second pxelinux config (Ubuntu casper over NFS), after its
// PROMPT and TIMEOUT lines: what the parser reads and the generator writes.

namespace pxekit {

inline constexpr const char* kSeedCasperEntry =
    "DEFAULT ubuntu\n"
    "LABEL ubuntu\n"
    "KERNEL ../ubuntu/casper/vmlinuz.efi\n"
    "APPEND initrd=../ubuntu/casper/initrd.lz boot=casper netboot=nfs "
    "root=/dev/nfs nfsroot=10.10.10.1:/srv/tftpboot/ubuntu ip=dhcp\n";

}  // namespace pxekit
