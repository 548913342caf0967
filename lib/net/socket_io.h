#pragma once
// The two loops every socket wrapper needs, written once.

#include <cstddef>
#include <string>

#include <sys/socket.h>

#include "os/unique_fd.h"

namespace pxekit {

// Throws std::system_error for errno, with `what` as the context.
[[noreturn]] void ThrowErrno(const std::string& what);

// Waits up to `timeout_ms` for `fd` to become readable, retrying on EINTR.
// false on timeout; throws std::system_error when poll() fails.
bool WaitReadable(const UniqueFd& fd, int timeout_ms);

// sendto() retried on EINTR. 0 when all `size` bytes went, else errno (a
// short datagram counts as EMSGSIZE).
int SendWholeDatagram(const UniqueFd& fd, const void* data, std::size_t size,
                      const sockaddr* address, socklen_t address_size);

}  // namespace pxekit
