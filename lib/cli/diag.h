#pragma once
// Diagnostics on stderr, all in one shape: "prog: what: why".
// One Diag is made in main() and passed down; it holds no global state.

#include <cstdio>
#include <string>
#include <utility>

#include <fmt/format.h>

namespace pxekit {

class Diag {
 public:
  explicit Diag(std::string prog, std::FILE* stream = stderr)
      : prog_(std::move(prog)), stream_(stream) {}

  const std::string& prog() const { return prog_; }
  // 0 normal, negative quiet (errors only), 1.. more detail.
  void set_verbosity(int verbosity) { verbosity_ = verbosity; }
  int verbosity() const { return verbosity_; }

  template <typename... Args>
  void Error(fmt::format_string<Args...> format, Args&&... args) {
    Emit(fmt::format(format, std::forward<Args>(args)...));
  }
  template <typename... Args>
  void Warn(fmt::format_string<Args...> format, Args&&... args) {
    if (verbosity_ >= 0)
      Emit("warning: " + fmt::format(format, std::forward<Args>(args)...));
  }
  template <typename... Args>
  void Info(fmt::format_string<Args...> format, Args&&... args) {
    if (verbosity_ >= 1) Emit(fmt::format(format, std::forward<Args>(args)...));
  }
  template <typename... Args>
  void Debug(fmt::format_string<Args...> format, Args&&... args) {
    if (verbosity_ >= 2) Emit(fmt::format(format, std::forward<Args>(args)...));
  }

  void Emit(std::string_view message);

 private:
  std::string prog_;
  std::FILE* stream_;
  int verbosity_ = 0;
};

}  // namespace pxekit
