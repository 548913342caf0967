#include "lease/lease_journal.h"

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "os/file.h"
#include "pxekit/version.h"

namespace pxekit {
namespace {

Failure SysFail(std::string what, int err) {
  Failure failure = Fail(fmt::format("{}: {}", what, std::strerror(err)));
  failure.sys_errno = err;
  return failure;
}

bool WriteAll(int fd, std::string_view data, int* err) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      *err = errno;
      return false;
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

std::string DirectoryOf(const std::string& path) {
  auto slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

}  // namespace

Result<bool> LeaseJournal::Lock() {
  // Not ".lock" in the working directory for an empty path.
  if (path_.empty()) {
    Failure failure = Fail("the lease file name is empty");
    failure.sys_errno = EINVAL;
    return failure;
  }
  // Not "DIR.lock" beside a directory given by mistake.
  struct stat st;
  if (::stat(path_.c_str(), &st) == 0 && S_ISDIR(st.st_mode))
    return SysFail(path_, EISDIR);
  std::string lock_path = path_ + ".lock";
  UniqueFd fd(::open(lock_path.c_str(),
                     O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644));
  if (!fd) {
    int err = errno;
    if (err == ENOENT) {
      Failure failure = Fail(fmt::format("{}: directory {} does not exist",
                                         path_, DirectoryOf(path_)));
      failure.sys_errno = err;
      return failure;
    }
    return SysFail(lock_path, err);
  }
  if (::flock(fd.get(), LOCK_EX | LOCK_NB) != 0) {
    int err = errno;
    if (err != EWOULDBLOCK) return SysFail(lock_path, err);
    char buffer[32] = {};
    ssize_t n = ::pread(fd.get(), buffer, sizeof buffer - 1, 0);
    std::string pid = n > 0 ? std::string(buffer, static_cast<std::size_t>(n))
                            : std::string();
    while (!pid.empty() && (pid.back() == '\n' || pid.back() == ' '))
      pid.pop_back();
    Failure failure =
        Fail(fmt::format("{}: lease file is in use by {}", path_,
                         pid.empty() ? std::string("another process")
                                     : fmt::format("PID {}", pid)));
    failure.sys_errno = err;
    return failure;
  }
  lock_ = std::move(fd);
  WriteLockPid();
  return true;
}

void LeaseJournal::WriteLockPid() {
  if (!lock_) return;
  std::string pid = fmt::format("{}\n", ::getpid());
  // Only a message depends on it: a failure here is not worth stopping.
  if (::ftruncate(lock_.get(), 0) == 0)
    (void)!::pwrite(lock_.get(), pid.data(), pid.size(), 0);
}

Result<LeaseFileContents> LeaseJournal::Load() const {
  // Lease files grow between compactions; allow far more than a config.
  auto text = ReadFileContents(path_, std::size_t{1} << 30);
  if (!text) {
    if (text.failure().sys_errno == ENOENT) return LeaseFileContents{};
    return SysFail(path_, text.failure().sys_errno);
  }
  return ParseLeaseFile(*text);
}

Result<std::vector<Lease>> LeaseJournal::LoadAll() {
  auto contents = Load();
  if (!contents) return contents.failure();
  return std::move(contents.value().leases);
}

Result<bool> LeaseJournal::Compact(const std::vector<Lease>& leases,
                                   bool backup) {
  std::string temp = fmt::format("{}.{}.tmp", path_, ::getpid());
  std::string content =
      FormatLeaseFileHeader(fmt::format("pxe-dhcpd {}", kVersion));
  for (const Lease& lease : leases)
    if (lease.state != LeaseState::kOffered) content += FormatLease(lease);
  {
    UniqueFd out(::open(temp.c_str(),
                        O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
                        0644));
    if (!out) return SysFail(temp, errno);
    int err = 0;
    if (!WriteAll(out.get(), content, &err) || ::fsync(out.get()) != 0) {
      if (err == 0) err = errno;
      ::unlink(temp.c_str());
      return SysFail(temp, err);
    }
    // Keep the owner of the file being replaced; a file that is already the
    // daemon's own needs no chown (nor one that a file system without
    // owners could refuse). A daemon that has dropped root may not give a
    // file away (EPERM): the new file then stays its own, which it can go on
    // appending to, and compaction goes ahead.
    struct stat old_stat;
    if (::stat(path_.c_str(), &old_stat) == 0 &&
        (old_stat.st_uid != ::geteuid() || old_stat.st_gid != ::getegid()) &&
        ::fchown(out.get(), old_stat.st_uid, old_stat.st_gid) != 0 &&
        errno != EPERM) {
      int err = errno;
      ::unlink(temp.c_str());
      return SysFail(temp, err);
    }
  }
  if (backup) {
    std::string kept = path_ + "~";
    if (::unlink(kept.c_str()) != 0 && errno != ENOENT) {
      int err = errno;
      ::unlink(temp.c_str());
      return SysFail(kept, err);
    }
    if (::link(path_.c_str(), kept.c_str()) != 0 && errno != ENOENT) {
      int err = errno;
      ::unlink(temp.c_str());
      return SysFail(kept, err);
    }
  }
  if (::rename(temp.c_str(), path_.c_str()) != 0) {
    int err = errno;
    ::unlink(temp.c_str());
    return SysFail(path_, err);
  }
  UniqueFd dir(
      ::open(DirectoryOf(path_).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir) ::fsync(dir.get());
  UniqueFd fd(::open(path_.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC));
  if (!fd) return SysFail(path_, errno);
  fd_ = std::move(fd);
  appended_ = 0;
  return true;
}

void LeaseJournal::Record(const Lease& lease) {
  pending_ += FormatLease(lease);
}

bool LeaseJournal::Sync(std::string* error) {
  if (pending_.empty()) return true;
  if (!fd_) {
    *error = fmt::format("{}: not open for writing", path_);
    return false;
  }
  // A write cut short (ENOSPC, EIO) must not leave half a block for the
  // next append to follow: cut the file back to where this sync began.
  off_t before = ::lseek(fd_.get(), 0, SEEK_END);
  int err = 0;
  bool ok = WriteAll(fd_.get(), pending_, &err);
  if (ok && ::fdatasync(fd_.get()) != 0) {
    ok = false;
    err = errno;
  }
  if (!ok && before >= 0) (void)!::ftruncate(fd_.get(), before);
  appended_ += pending_.size();
  pending_.clear();
  if (!ok) *error = fmt::format("{}: {}", path_, std::strerror(err));
  return ok;
}

}  // namespace pxekit
