#include "net/packet_socket.h"

#include <cerrno>
#include <system_error>

#include <fcntl.h>

#include <catch2/catch.hpp>

namespace pxekit {

// Without CAP_NET_RAW the socket cannot be had; with it, it must be
// close-on-exec and bindable. Either way the outcome is checked; the frames
// themselves are tested on a veth pair in tests/netns/wakeonlan.sh.
TEST_CASE("AF_PACKET sockets are close-on-exec or refused with EPERM",
          "[net]") {
  UniqueFd fd;
  try {
    fd = OpenPacketSocket(kEtherTypeWakeOnLan);
  } catch (const std::system_error& e) {
    CHECK((e.code().value() == EPERM || e.code().value() == EACCES));
    return;
  }
  CHECK((::fcntl(fd.get(), F_GETFD) & FD_CLOEXEC) != 0);
  BindPacketSocket(fd, 1,
                   kEtherTypeWakeOnLan);  // lo is ifindex 1 in every namespace
  CHECK_FALSE(ReceiveFrame(fd, 0).has_value());
  // ifindex 0 names no device: the error comes back as errno.
  const std::uint8_t payload[1] = {0};
  CHECK(SendFrame(fd, 0, MacAddr::Broadcast(), kEtherTypeWakeOnLan, payload) !=
        0);
}

}  // namespace pxekit
