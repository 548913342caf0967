#pragma once
// Many datagrams per system call (recvmmsg/sendmmsg), for daemons under
// load: on a virtual machine every system call is expensive, and a DHCP
// server sees bursts of small packets.

#include <sys/socket.h>

#include <cstdint>
#include <span>
#include <vector>

#include <netinet/in.h>

#include "os/unique_fd.h"
#include "util/ipv4.h"

namespace pxekit {

// Receive buffers for up to `count` datagrams of up to `size` bytes each.
// The message headers point into the buffers once, at construction, not on
// every call: the batch is not copyable (a copy would point at the
// original's buffers); moving keeps the buffers where they are.
class DatagramBatch {
 public:
  DatagramBatch(std::size_t count, std::size_t size);
  DatagramBatch(const DatagramBatch&) = delete;
  DatagramBatch& operator=(const DatagramBatch&) = delete;
  DatagramBatch(DatagramBatch&&) = default;
  DatagramBatch& operator=(DatagramBatch&&) = default;

  // recvmmsg without blocking: the number of datagrams now held (0 when
  // none is queued), at most `max` (capped at `count`). Longer datagrams
  // are cut to `size`. Asking for one when one is all a socket holds
  // spares the kernel the second, failing receive a larger batch makes.
  // Throws std::system_error on errors other than EAGAIN/EINTR.
  std::size_t Receive(const UniqueFd& fd, std::size_t max);
  std::size_t Receive(const UniqueFd& fd) { return Receive(fd, count()); }
  std::size_t count() const { return headers_.size(); }

  std::span<const std::uint8_t> payload(std::size_t i) const;
  Ipv4Addr source(std::size_t i) const;
  std::uint16_t source_port(std::size_t i) const;

 private:
  std::size_t size_;
  std::vector<std::uint8_t> buffers_;
  std::vector<iovec> iovecs_;
  std::vector<sockaddr_in> sources_;
  std::vector<mmsghdr> headers_;
};

struct OutgoingDatagram {
  std::span<const std::uint8_t> payload;
  Ipv4Addr address;
  std::uint16_t port = 0;
};

// sendmmsg, retried until every datagram went or failed. Returns one errno
// value per datagram (0 = sent).
std::vector<int> SendDatagrams(const UniqueFd& fd,
                               std::span<const OutgoingDatagram> datagrams);

// sendmmsg on a connected socket, without blocking: `packets` in order
// until one cannot go (the send buffer is full, or an error). Returns how
// many went. One packet goes with send(); nothing is allocated.
std::size_t SendConnected(
    const UniqueFd& fd, std::span<const std::span<const std::uint8_t>> packets);

// SO_RCVBUFFORCE (root may exceed rmem_max), else SO_RCVBUF: room for a
// burst while the daemon waits for an fsync. Best effort; returns errno.
int SetReceiveBuffer(const UniqueFd& fd, int bytes);

}  // namespace pxekit
