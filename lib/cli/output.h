#pragma once
// Writing to stdout and stderr without exceptions. fmt::print throws when
// fwrite fails, which inside an error path (stderr on a full disk) ends in
// std::terminate. Here a failed write only sets the stream's error flag;
// RunMain checks stdout's flag once, at exit, and fails with status 74.

#include <cstdio>
#include <string_view>
#include <utility>

#include <fmt/format.h>

namespace pxekit {

inline void WriteText(std::FILE* stream, std::string_view text) {
  std::fwrite(text.data(), 1, text.size(), stream);
}

template <typename... Args>
void Print(fmt::format_string<Args...> format, Args&&... args) {
  WriteText(stdout, fmt::format(format, std::forward<Args>(args)...));
}

}  // namespace pxekit
