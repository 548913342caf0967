#pragma once
// pxe-dhcpd's rule while the lease file cannot be written (a full disk):
// an ACK whose lease is not durable must not leave, but a client whose
// lease the file already holds may keep it for as long as the file says.
// Pure: the daemon (tools/pxe-dhcpd/daemon.cc) keeps the file's copy of
// each lease and re-encodes the ACK.

#include <cstdint>
#include <optional>

#include "dhcp/dhcp_message.h"
#include "lease/lease.h"

namespace pxekit {

// `ack` is an ACK the policy decided; `on_disk` the lease file's lease for
// its yiaddr (nullptr: none). When that lease is active, unexpired, not
// BOOTP and the same client's (by client identifier, else MAC), the ACK's
// lease time becomes the time left until its end (never longer than the
// policy granted), T1/T2 follow (1/2, 7/8), and the granted time is
// returned. Otherwise nullopt, and `ack` is unchanged.
std::optional<std::uint32_t> CapAckToLeaseOnDisk(const Lease* on_disk,
                                                 UnixTime now,
                                                 DhcpMessage* ack);

}  // namespace pxekit
