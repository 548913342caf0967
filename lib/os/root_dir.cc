#include "os/root_dir.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>

#include <fmt/format.h>

namespace pxekit {
namespace {

Failure ErrnoFailure(int err, std::string message = {}) {
  if (message.empty()) {
    switch (err) {
      case EXDEV:
        message = "the path leads out of ROOT (symlink or '..')";
        break;
      case ELOOP:
        message = "too many symlinks, or a symlink where none is allowed";
        break;
      default:
        message = std::strerror(err);
    }
  }
  return Failure{std::move(message), 0, err};
}

class PreadSource : public tftp::FileSource {
 public:
  PreadSource(UniqueFd fd, std::uint64_t size)
      : fd_(std::move(fd)), size_(size) {}
  std::uint64_t size() const override { return size_; }
  Result<std::size_t> ReadAt(std::uint64_t offset,
                             std::span<std::uint8_t> out) override {
    std::size_t done = 0;
    while (done < out.size()) {
      ssize_t n = ::pread(fd_.get(), out.data() + done, out.size() - done,
                          static_cast<off_t>(offset + done));
      if (n < 0) {
        if (errno == EINTR) continue;
        return ErrnoFailure(errno);
      }
      if (n == 0) break;
      done += static_cast<std::size_t>(n);
    }
    return done;
  }

 private:
  UniqueFd fd_;
  std::uint64_t size_;
};

class FdSink : public tftp::FileSink {
 public:
  FdSink(UniqueFd fd, int root, std::string relative, bool created)
      : fd_(std::move(fd)),
        root_(root),
        relative_(std::move(relative)),
        created_(created) {}
  int Write(std::span<const std::uint8_t> bytes) override {
    std::size_t done = 0;
    while (done < bytes.size()) {
      ssize_t n = ::write(fd_.get(), bytes.data() + done, bytes.size() - done);
      if (n < 0) {
        if (errno == EINTR) continue;
        return errno;
      }
      done += static_cast<std::size_t>(n);
    }
    return 0;
  }
  int Commit() override {
    int fd = fd_.release();
    if (::close(fd) != 0 && errno != EINTR) return errno;
    created_ = false;
    return 0;
  }
  void Abandon() override {
    fd_.reset();
    // A half-written new file would pass for a complete one.
    if (created_) ::unlinkat(root_, relative_.c_str(), 0);
    created_ = false;
  }

 private:
  UniqueFd fd_;
  int root_;
  std::string relative_;
  bool created_;
};

}  // namespace

UniqueFd OpenBeneath(int dirfd, const std::string& path, int flags,
                     unsigned mode) {
  open_how how{};
  how.flags = static_cast<std::uint64_t>(flags | O_CLOEXEC);
  how.mode = (flags & O_CREAT) ? mode : 0;
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
  long fd;
  do {
    fd = ::syscall(SYS_openat2, dirfd, path.c_str(), &how, sizeof how);
  } while (fd < 0 && errno == EINTR);
  return UniqueFd(static_cast<int>(fd));
}

RootDir::RootDir(const std::string& path, RootDirOptions options)
    : options_(options) {
  root_ = UniqueFd(::open(path.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!root_) throw std::system_error(errno, std::system_category(), path);
}

int RootDir::CheckLookup() const {
  // The same lookup as a request makes, for the name ".".
  UniqueFd probe = OpenBeneath(root_.get(), ".", O_PATH | O_DIRECTORY);
  return probe ? 0 : errno;
}

int RootDir::CheckCreate() const {
  return ::faccessat(root_.get(), ".", W_OK | X_OK, 0) == 0 ? 0 : errno;
}

Result<std::uint64_t> RootDir::CheckOpened(const UniqueFd& fd,
                                           unsigned world_bit,
                                           const char* refusal) const {
  struct stat st;
  if (::fstat(fd.get(), &st) != 0) return ErrnoFailure(errno);
  if (!S_ISREG(st.st_mode))
    return ErrnoFailure(S_ISDIR(st.st_mode) ? EISDIR : EACCES,
                        "not a regular file");
  if (!options_.permissive && (st.st_mode & world_bit) == 0)
    return ErrnoFailure(EACCES, options_.permission_hint.empty()
                                    ? std::string(refusal)
                                    : fmt::format("{} ({})", refusal,
                                                  options_.permission_hint));
  return static_cast<std::uint64_t>(st.st_size);
}

Result<std::unique_ptr<tftp::FileSource>> RootDir::OpenRead(
    const std::string& relative) {
  UniqueFd fd =
      OpenBeneath(root_.get(), relative, O_RDONLY | O_NOCTTY | O_NONBLOCK);
  if (!fd) return ErrnoFailure(errno);
  auto size = CheckOpened(fd, S_IROTH, "not world-readable");
  if (!size) return size.failure();
  return std::unique_ptr<tftp::FileSource>(
      std::make_unique<PreadSource>(std::move(fd), *size));
}

Result<std::unique_ptr<tftp::FileSink>> RootDir::OpenWrite(
    const std::string& relative) {
  if (options_.allow_create) {
    UniqueFd fd =
        OpenBeneath(root_.get(), relative,
                    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_NOCTTY,
                    options_.create_mode);
    if (fd)
      return std::unique_ptr<tftp::FileSink>(
          std::make_unique<FdSink>(std::move(fd), root_.get(), relative, true));
    if (errno != EEXIST) return ErrnoFailure(errno);
  }
  UniqueFd fd = OpenBeneath(root_.get(), relative,
                            O_WRONLY | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK);
  if (!fd) return ErrnoFailure(errno);
  auto checked = CheckOpened(fd, S_IWOTH, "not world-writable");
  if (!checked) return checked.failure();
  if (::ftruncate(fd.get(), 0) != 0) return ErrnoFailure(errno);
  // Back to blocking writes for a regular file.
  ::fcntl(fd.get(), F_SETFL, 0);
  return std::unique_ptr<tftp::FileSink>(
      std::make_unique<FdSink>(std::move(fd), root_.get(), relative, false));
}

}  // namespace pxekit
