#include "tftpd/file_store.h"

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace pxekit::tftp {

ErrorCode ErrorForErrno(int err) {
  switch (err) {
    case ENOENT:
    case ENOTDIR:
      return ErrorCode::kFileNotFound;
    case EACCES:
    case EPERM:
    case EXDEV:
    case ELOOP:
    case EISDIR:
      return ErrorCode::kAccessViolation;
    case ENOSPC:
    case EDQUOT:
    case EFBIG:
      return ErrorCode::kDiskFull;
    case EEXIST:
      return ErrorCode::kFileExists;
    default:
      return ErrorCode::kNotDefined;
  }
}

Result<std::size_t> MemorySource::ReadAt(std::uint64_t offset,
                                         std::span<std::uint8_t> out) {
  if (offset >= content_.size()) return std::size_t{0};
  std::size_t count =
      std::min<std::uint64_t>(out.size(), content_.size() - offset);
  std::memcpy(out.data(), content_.data() + offset, count);
  return count;
}

}  // namespace pxekit::tftp
