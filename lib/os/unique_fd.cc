#include "os/unique_fd.h"

#include <cerrno>

#include <unistd.h>

namespace pxekit {

void UniqueFd::reset(int fd) {
  if (fd_ >= 0 && fd_ != fd) {
    int saved_errno = errno;
    ::close(fd_);
    errno = saved_errno;
  }
  fd_ = fd;
}

}  // namespace pxekit
