#include "bootcfg/marker.h"

#include <cstdint>
#include <optional>

#include <fmt/format.h>

#include "util/hex.h"

namespace pxekit {
namespace {

std::uint64_t Fnv1a64(std::string_view text) {
  std::uint64_t hash = 0xcbf29ce484222325u;
  for (char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001b3u;
  }
  return hash;
}

struct MarkerPosition {
  std::size_t begin;  // offset of the marker line
  std::size_t end;    // offset just past its newline
};

// The marker is looked for on the first two lines only: anywhere else it is
// a quotation, not pxe-mkcfg's mark.
std::optional<MarkerPosition> FindMarker(std::string_view content) {
  std::size_t begin = 0;
  for (int line = 0; line < 2 && begin <= content.size(); ++line) {
    std::size_t newline = content.find('\n', begin);
    std::size_t end =
        newline == std::string_view::npos ? content.size() : newline + 1;
    if (content.substr(begin).starts_with(kMarkerPrefix))
      return MarkerPosition{begin, end};
    if (newline == std::string_view::npos) break;
    begin = end;
  }
  return std::nullopt;
}

std::string MarkerLine(std::uint64_t checksum) {
  return fmt::format(
      "{} (checksum {:016x}); edit it and pxe-mkcfg keeps it unless run with "
      "--force\n",
      kMarkerPrefix, checksum);
}

}  // namespace

std::string AddMarker(std::string_view body_view) {
  std::string body(body_view);
  std::size_t split = 0;
  if (body.starts_with("#!")) {
    if (body.find('\n') == std::string::npos) body.push_back('\n');
    split = body.find('\n') + 1;
  }
  // The checksum covers exactly what StripMarker gives back.
  body.insert(split, MarkerLine(Fnv1a64(body)));
  return body;
}

std::string StripMarker(std::string_view content) {
  auto marker = FindMarker(content);
  if (!marker) return std::string(content);
  std::string out(content.substr(0, marker->begin));
  out.append(content.substr(marker->end));
  return out;
}

Provenance InspectProvenance(std::string_view content) {
  auto marker = FindMarker(content);
  if (!marker) return Provenance::kForeign;
  std::string_view line =
      content.substr(marker->begin, marker->end - marker->begin);
  constexpr std::string_view kTag = "(checksum ";
  std::size_t tag = line.find(kTag);
  if (tag == std::string_view::npos) return Provenance::kEdited;
  std::string_view digits = line.substr(tag + kTag.size(), 16);
  auto bytes = FromHex(digits);
  if (digits.size() != 16 || !bytes) return Provenance::kEdited;
  std::uint64_t stored = 0;
  for (std::uint8_t byte : *bytes) stored = stored << 8 | byte;
  return stored == Fnv1a64(StripMarker(content)) ? Provenance::kOurs
                                                 : Provenance::kEdited;
}

}  // namespace pxekit
