#pragma once
// The seam between the TFTP logic and the file system. The server's real
// store (os/root_dir.h) opens files under ROOT with pread; tests use the
// in-memory source below or their own fakes.

#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "tftp/packet.h"
#include "util/result.h"

namespace pxekit::tftp {

class FileSource {
 public:
  virtual ~FileSource() = default;
  // The size when the file was opened; what the transfer sends.
  virtual std::uint64_t size() const = 0;
  // Reads up to out.size() bytes at `offset` straight into `out` (the send
  // buffer: this is the one copy). Returns the count, or a failure with
  // sys_errno.
  virtual Result<std::size_t> ReadAt(std::uint64_t offset,
                                     std::span<std::uint8_t> out) = 0;
};

class FileSink {
 public:
  virtual ~FileSink() = default;
  // 0, or errno.
  virtual int Write(std::span<const std::uint8_t> bytes) = 0;
  // The whole file arrived. 0, or errno.
  virtual int Commit() = 0;
  // The transfer failed: undo what can be undone (remove a file this sink
  // created).
  virtual void Abandon() = 0;
};

class FileStore {
 public:
  virtual ~FileStore() = default;
  // `relative` comes from ConfinePath. Failures carry sys_errno (and a
  // message for the log); ErrorForErrno turns them into TFTP errors.
  virtual Result<std::unique_ptr<FileSource>> OpenRead(
      const std::string& relative) = 0;
  virtual Result<std::unique_ptr<FileSink>> OpenWrite(
      const std::string& relative) = 0;
};

// ENOENT/ENOTDIR -> 1, EACCES/EPERM/EXDEV/ELOOP/EISDIR -> 2,
// ENOSPC/EDQUOT/EFBIG -> 3, EEXIST -> 6, anything else -> 0.
ErrorCode ErrorForErrno(int err);

// A file held in memory: netascii-encoded files and tests.
class MemorySource : public FileSource {
 public:
  explicit MemorySource(std::string content) : content_(std::move(content)) {}
  std::uint64_t size() const override { return content_.size(); }
  Result<std::size_t> ReadAt(std::uint64_t offset,
                             std::span<std::uint8_t> out) override;

 private:
  std::string content_;
};

}  // namespace pxekit::tftp
