#include "net/datagram_batch.h"

#include <algorithm>
#include <array>
#include <cerrno>

#include "net/socket_io.h"

namespace pxekit {
namespace {

// The one sendmmsg loop: sends headers[0..] in order, retrying on EINTR.
// With `errors`, a datagram that fails gets its errno there and the rest
// still go; without, the first that cannot go (EAGAIN on a non-blocking
// send) ends the loop. Returns how many were handled.
std::size_t SendHeaders(const UniqueFd& fd, std::span<mmsghdr> headers,
                        int flags, std::vector<int>* errors) {
  std::size_t next = 0;
  while (next < headers.size()) {
    int n = ::sendmmsg(fd.get(), headers.data() + next,
                       static_cast<unsigned>(headers.size() - next), flags);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errors == nullptr) break;
      (*errors)[next++] = errno;  // this one failed; go on with the rest
      continue;
    }
    if (n == 0) break;
    next += static_cast<std::size_t>(n);
  }
  return next;
}

}  // namespace

DatagramBatch::DatagramBatch(std::size_t count, std::size_t size)
    : size_(size),
      buffers_(count * size),
      iovecs_(count),
      sources_(count),
      headers_(count) {
  for (std::size_t i = 0; i < count; ++i) {
    iovecs_[i] = iovec{buffers_.data() + i * size_, size_};
    headers_[i].msg_hdr.msg_iov = &iovecs_[i];
    headers_[i].msg_hdr.msg_iovlen = 1;
    headers_[i].msg_hdr.msg_name = &sources_[i];
  }
}

std::size_t DatagramBatch::Receive(const UniqueFd& fd, std::size_t max) {
  std::size_t count = std::min(max, headers_.size());
  // The kernel rewrites the address length (and msg_len, msg_flags); the
  // buffers and their lengths stay as the constructor set them.
  for (std::size_t i = 0; i < count; ++i)
    headers_[i].msg_hdr.msg_namelen = sizeof(sockaddr_in);
  if (count == 0) return 0;
  if (count == 1) {
    // One datagram: recvfrom, without recvmmsg's header copies.
    socklen_t length = sizeof(sockaddr_in);
    ssize_t got;
    do {
      got = ::recvfrom(fd.get(), buffers_.data(), size_, MSG_DONTWAIT,
                       reinterpret_cast<sockaddr*>(&sources_[0]), &length);
    } while (got < 0 && errno == EINTR);
    if (got < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK) return 0;
      ThrowErrno("recvfrom");
    }
    headers_[0].msg_len = static_cast<unsigned>(got);
    return 1;
  }
  int n;
  do {
    n = ::recvmmsg(fd.get(), headers_.data(), static_cast<unsigned>(count),
                   MSG_DONTWAIT, nullptr);
  } while (n < 0 && errno == EINTR);
  if (n < 0) {
    if (errno == EAGAIN || errno == EWOULDBLOCK) return 0;
    ThrowErrno("recvmmsg");
  }
  return static_cast<std::size_t>(n);
}

std::span<const std::uint8_t> DatagramBatch::payload(std::size_t i) const {
  return {buffers_.data() + i * size_,
          std::min<std::size_t>(headers_[i].msg_len, size_)};
}

Ipv4Addr DatagramBatch::source(std::size_t i) const {
  return Ipv4Addr::FromNetworkOrder(sources_[i].sin_addr.s_addr);
}

std::uint16_t DatagramBatch::source_port(std::size_t i) const {
  return ntohs(sources_[i].sin_port);
}

std::vector<int> SendDatagrams(const UniqueFd& fd,
                               std::span<const OutgoingDatagram> datagrams) {
  std::vector<int> errors(datagrams.size(), 0);
  std::vector<sockaddr_in> addresses(datagrams.size());
  std::vector<iovec> iovecs(datagrams.size());
  std::vector<mmsghdr> headers(datagrams.size());
  for (std::size_t i = 0; i < datagrams.size(); ++i) {
    addresses[i] = sockaddr_in{};
    addresses[i].sin_family = AF_INET;
    addresses[i].sin_port = htons(datagrams[i].port);
    addresses[i].sin_addr.s_addr = datagrams[i].address.NetworkOrder();
    iovecs[i] = iovec{const_cast<std::uint8_t*>(datagrams[i].payload.data()),
                      datagrams[i].payload.size()};
    headers[i].msg_hdr.msg_name = &addresses[i];
    headers[i].msg_hdr.msg_namelen = sizeof(sockaddr_in);
    headers[i].msg_hdr.msg_iov = &iovecs[i];
    headers[i].msg_hdr.msg_iovlen = 1;
  }
  SendHeaders(fd, headers, 0, &errors);
  return errors;
}

std::size_t SendConnected(
    const UniqueFd& fd,
    std::span<const std::span<const std::uint8_t>> packets) {
  if (packets.size() == 1) {
    // Lockstep: one DATA per ACK. send() spares the message header copy.
    ssize_t n;
    do {
      n = ::send(fd.get(), packets[0].data(), packets[0].size(), MSG_DONTWAIT);
    } while (n < 0 && errno == EINTR);
    return n == static_cast<ssize_t>(packets[0].size()) ? 1 : 0;
  }
  // On the stack, in chunks: no allocation per window.
  constexpr std::size_t kChunk = 64;
  std::array<iovec, kChunk> iovecs;
  std::array<mmsghdr, kChunk> headers;
  std::size_t sent = 0;
  while (sent < packets.size()) {
    std::size_t count = std::min(kChunk, packets.size() - sent);
    for (std::size_t i = 0; i < count; ++i) {
      auto packet = packets[sent + i];
      iovecs[i] =
          iovec{const_cast<std::uint8_t*>(packet.data()), packet.size()};
      headers[i] = mmsghdr{};
      headers[i].msg_hdr.msg_iov = &iovecs[i];
      headers[i].msg_hdr.msg_iovlen = 1;
    }
    std::size_t went = SendHeaders(
        fd, std::span<mmsghdr>(headers.data(), count), MSG_DONTWAIT, nullptr);
    sent += went;
    if (went < count) break;
  }
  return sent;
}

int SetReceiveBuffer(const UniqueFd& fd, int bytes) {
  if (::setsockopt(fd.get(), SOL_SOCKET, SO_RCVBUFFORCE, &bytes,
                   sizeof bytes) == 0)
    return 0;
  if (::setsockopt(fd.get(), SOL_SOCKET, SO_RCVBUF, &bytes, sizeof bytes) == 0)
    return 0;
  return errno;
}

}  // namespace pxekit
