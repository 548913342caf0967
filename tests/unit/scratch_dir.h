#pragma once
// A scratch directory for a unit test, removed with everything in it when the
// test ends. `path` is empty when mkdtemp failed (REQUIRE it is not, or ask
// for Path(), which does).

#include <stdlib.h>

#include <filesystem>
#include <string>
#include <string_view>
#include <system_error>

#include <catch2/catch.hpp>

namespace pxekit {

struct ScratchDir {
  explicit ScratchDir(const std::string& prefix = "pxekit-unit") {
    std::string pattern =
        (std::filesystem::temp_directory_path() / (prefix + ".XXXXXX"))
            .string();
    if (::mkdtemp(pattern.data()) != nullptr) path = pattern;
  }
  ~ScratchDir() {
    if (path.empty()) return;
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  // DIR/name; the test fails here if there is no directory.
  std::string Path(std::string_view name) const {
    REQUIRE_FALSE(path.empty());
    return path + "/" + std::string(name);
  }

  std::string path;
};

}  // namespace pxekit
