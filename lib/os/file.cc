#include "os/file.h"

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include "os/unique_fd.h"

namespace pxekit {
namespace {

Failure SysFailure(std::string what, int err) {
  Failure failure = Fail(std::move(what));
  failure.sys_errno = err;
  return failure;
}

}  // namespace

Result<std::string> ReadAllFromFd(int fd, std::size_t max_size) {
  std::string content;
  char buffer[65536];
  for (;;) {
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0) {
      if (errno == EINTR) continue;
      return SysFailure(std::strerror(errno), errno);
    }
    if (n == 0) break;
    if (content.size() + static_cast<std::size_t>(n) > max_size)
      return SysFailure(fmt::format("larger than {} bytes", max_size), EFBIG);
    content.append(buffer, static_cast<std::size_t>(n));
  }
  return content;
}

Result<std::string> ReadFileContents(const std::string& path,
                                     std::size_t max_size) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY));
  if (!fd) return SysFailure(std::strerror(errno), errno);
  return ReadAllFromFd(fd.get(), max_size);
}

}  // namespace pxekit
