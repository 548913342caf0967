#pragma once

#include <cstddef>
#include <string>

#include "util/result.h"

namespace pxekit {

// Inputs are lists and configs written by people; anything this large is a
// mistake (a disk image passed by accident), not a list.
inline constexpr std::size_t kMaxInputFileSize = 16u << 20;

// The whole content of `path`. On failure, Failure::sys_errno says why
// (ENOENT for a missing file, EFBIG when it exceeds `max_size`).
Result<std::string> ReadFileContents(const std::string& path,
                                     std::size_t max_size = kMaxInputFileSize);

// Everything readable from `fd` until end of file (stdin, a pipe).
Result<std::string> ReadAllFromFd(int fd,
                                  std::size_t max_size = kMaxInputFileSize);

}  // namespace pxekit
