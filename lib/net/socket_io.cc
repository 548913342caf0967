#include "net/socket_io.h"

#include <cerrno>
#include <system_error>

#include <poll.h>

namespace pxekit {

void ThrowErrno(const std::string& what) {
  throw std::system_error(errno, std::system_category(), what);
}

bool WaitReadable(const UniqueFd& fd, int timeout_ms) {
  pollfd pfd{fd.get(), POLLIN, 0};
  int ready;
  do {
    ready = ::poll(&pfd, 1, timeout_ms);
  } while (ready < 0 && errno == EINTR);
  if (ready < 0) ThrowErrno("poll");
  return ready > 0;
}

int SendWholeDatagram(const UniqueFd& fd, const void* data, std::size_t size,
                      const sockaddr* address, socklen_t address_size) {
  ssize_t sent;
  do {
    sent = ::sendto(fd.get(), data, size, 0, address, address_size);
  } while (sent < 0 && errno == EINTR);
  if (sent < 0) return errno;
  if (static_cast<std::size_t>(sent) != size) return EMSGSIZE;
  return 0;
}

}  // namespace pxekit
