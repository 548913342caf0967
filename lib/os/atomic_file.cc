#include "os/atomic_file.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include "os/unique_fd.h"

namespace pxekit {
namespace {

bool SetFailure(Failure* failure, std::string_view step, int err) {
  if (failure) {
    *failure = Fail(fmt::format("{}: {}", step, std::strerror(err)));
    failure->sys_errno = err;
  }
  return false;
}

std::string DirectoryOf(const std::string& path) {
  std::size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

}  // namespace

bool AtomicWriteFile(const std::string& path, std::string_view content,
                     mode_t mode, Failure* failure) {
  return AtomicWriteFile(path, content, mode, nullptr, failure);
}

bool AtomicWriteFile(const std::string& path, std::string_view content,
                     mode_t mode, const FileOwner* owner, Failure* failure) {
  std::string dir = DirectoryOf(path);
  std::size_t slash = path.rfind('/');
  std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
  // A dot name, so that a crash leftover is hidden and never served as a
  // config (pxelinux never asks for a name starting with '.').
  std::string temp =
      (dir == "." && slash == std::string::npos ? "" : dir + "/") + "." + base +
      ".XXXXXX";
  UniqueFd fd(::mkostemp(temp.data(), O_CLOEXEC));
  if (!fd) return SetFailure(failure, "create temporary file", errno);

  auto abandon = [&](std::string_view step) {
    int err = errno;
    fd.reset();
    ::unlink(temp.c_str());
    return SetFailure(failure, step, err);
  };

  // chown first: it clears set-user-ID bits that chmod then restores.
  if (owner && ::fchown(fd.get(), owner->uid, owner->gid) != 0)
    return abandon("chown");
  if (::fchmod(fd.get(), mode) != 0) return abandon("chmod");
  std::size_t done = 0;
  while (done < content.size()) {
    ssize_t n = ::write(fd.get(), content.data() + done, content.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return abandon("write");
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd.get()) != 0) return abandon("fsync");
  if (::close(fd.release()) != 0) {
    int err = errno;
    ::unlink(temp.c_str());
    return SetFailure(failure, "close", err);
  }
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    int err = errno;
    ::unlink(temp.c_str());
    return SetFailure(failure, "rename", err);
  }
  // The rename is durable only once the directory is on disk too.
  UniqueFd dir_fd(
      ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOCTTY));
  if (!dir_fd) return SetFailure(failure, "open directory", errno);
  if (::fsync(dir_fd.get()) != 0)
    return SetFailure(failure, "fsync directory", errno);
  return true;
}

}  // namespace pxekit
