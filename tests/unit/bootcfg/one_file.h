#pragma once
// What a generator gave is exactly one file, at PATH, whose text without the
// provenance marker is BODY.

#include <string_view>
#include <vector>

#include <catch2/catch.hpp>

#include "bootcfg/generate.h"
#include "bootcfg/marker.h"

namespace pxekit {

inline void CheckOneFile(const std::vector<GeneratedFile>& files,
                         std::string_view path, std::string_view body) {
  REQUIRE(files.size() == 1);
  CHECK(files[0].path == path);
  CHECK(StripMarker(files[0].content) == body);
}

}  // namespace pxekit
