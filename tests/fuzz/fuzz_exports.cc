// exports(5) files: any bytes give entries and diagnostics, never a crash;
// diagnostics point at real lines; every entry kept is valid (absolute path,
// clients and options that pass their own checks); and an entry without
// contradictions formats to a line that parses back to the same entry.
#include <cstdint>
#include <string>
#include <string_view>

#include "exports/exports.h"
#include "exports/exports_check.h"
#include "exports/exports_format.h"
#include "fuzz_check.h"

namespace {

using pxekit::exports::ExportSpec;

bool SameSpec(const ExportSpec& a, const ExportSpec& b) {
  if (a.path != b.path || a.clients.size() != b.clients.size()) return false;
  for (std::size_t i = 0; i < a.clients.size(); ++i)
    if (a.clients[i].host != b.clients[i].host ||
        a.clients[i].options != b.clients[i].options)
      return false;
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  namespace ex = pxekit::exports;
  pxekit::fuzz::FuzzText input(data, size);
  ex::ExportsFile file = ex::ParseExports(input.text, "fuzz");
  pxekit::fuzz::CheckDiagnostics(file.diagnostics, input.lines);
  FUZZ_CHECK(file.entries.size() <= ex::kMaxEntries);
  FUZZ_CHECK(file.diagnostics.size() <= ex::kMaxDiagnostics + 1);
  for (const auto& entry : file.entries) {
    FUZZ_CHECK(!entry.path.empty() && entry.path[0] == '/');
    FUZZ_CHECK(!entry.clients.empty());
    bool contradictory = !ex::FindContradictions(entry.defaults).empty();
    for (const auto& client : entry.clients) {
      ex::ClientForm form;
      FUZZ_CHECK(ex::ClassifyClient(client.host, &form).empty());
      for (const auto& o : client.options)
        FUZZ_CHECK(ex::CheckOption(o).empty());
      contradictory |= !ex::FindContradictions(client.options).empty();
    }
    if (contradictory) continue;
    ExportSpec spec = ex::SpecOf(entry);
    auto line = ex::FormatExportLine(spec);
    FUZZ_CHECK(line.ok());
    ex::ExportsFile back = ex::ParseExports(*line, "round");
    FUZZ_CHECK(back.diagnostics.empty());
    FUZZ_CHECK(back.entries.size() == 1);
    ExportSpec again = ex::SpecOf(back.entries[0]);
    FUZZ_CHECK(again.path == spec.path);
    // The formatter adds sync and no_subtree_check, so compare what a second
    // round gives: formatting is a fixed point after one round.
    auto line2 = ex::FormatExportLine(again);
    FUZZ_CHECK(line2.ok() && *line2 == *line);
    FUZZ_CHECK(SameSpec(
        ex::SpecOf(ex::ParseExports(*line2, "r2").entries.at(0)), again));
  }
  // The checker copes with whatever parsed (no path probe).
  ex::CheckOptions options;
  options.check_paths = false;
  auto all = ex::CheckExports({file}, options);
  FUZZ_CHECK(all.size() >= file.diagnostics.size());
  return 0;
}
