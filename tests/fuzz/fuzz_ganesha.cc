// The Ganesha writer on any exports(5) text: never a crash; errors or a
// config, never both; a config whose braces balance, that holds no control
// byte but newline and tab, with one EXPORT per distinct path, unique
// Export_Ids in 1..65535, and Path strings that unescape to the paths.
#include <cstdint>
#include <set>
#include <string>
#include <string_view>

#include "exports/exports.h"
#include "exports/ganesha.h"
#include "fuzz_check.h"

namespace {

// The value of a double-quoted Ganesha string starting at `text[at]`
// ('"'), with \" and \\ undone; `end` is set past the closing quote.
std::string Unquote(std::string_view text, std::size_t at, std::size_t* end) {
  std::string out;
  std::size_t i = at + 1;
  while (i < text.size() && text[i] != '"') {
    if (text[i] == '\\' && i + 1 < text.size()) ++i;
    out += text[i++];
  }
  FUZZ_CHECK(i < text.size());
  *end = i + 1;
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  namespace ex = pxekit::exports;
  pxekit::fuzz::FuzzText input(data, size);
  ex::ExportsFile file = ex::ParseExports(input.text, "fuzz");
  ex::GaneshaResult r = ex::FormatGanesha({file});
  pxekit::fuzz::CheckDiagnostics(r.diagnostics, input.lines);
  if (r.HasErrors()) {
    FUZZ_CHECK(r.config.empty());
    return 0;
  }
  std::set<std::string> paths;
  for (const auto& e : file.entries)
    paths.insert(ex::NormaliseGaneshaPath(e.path));
  int depth = 0;
  for (char c : r.config) {
    auto u = static_cast<unsigned char>(c);
    FUZZ_CHECK(u >= 0x20 || c == '\n' || c == '\t');
    FUZZ_CHECK(u != 0x7f);
  }
  // Braces outside comments and quoted strings balance.
  std::string_view config = r.config;
  for (std::size_t i = 0; i < config.size(); ++i) {
    char c = config[i];
    if (c == '#') {
      i = config.find('\n', i);
      FUZZ_CHECK(i != std::string_view::npos);
    } else if (c == '"') {
      std::size_t end = 0;
      Unquote(config, i, &end);
      i = end - 1;
    } else if (c == '{') {
      ++depth;
    } else if (c == '}') {
      FUZZ_CHECK(--depth >= 0);
    }
  }
  FUZZ_CHECK(depth == 0);
  std::set<std::string> written;
  std::set<long> ids;
  std::size_t blocks = 0;
  for (std::size_t at = config.find("\nEXPORT {\n");
       at != std::string_view::npos; at = config.find("\nEXPORT {\n", at + 1))
    ++blocks;
  if (config.starts_with("EXPORT {\n")) ++blocks;
  for (std::size_t at = config.find("\tExport_Id = ");
       at != std::string_view::npos;
       at = config.find("\tExport_Id = ", at + 1)) {
    long id = std::stol(std::string(config.substr(at + 13, 6)));
    FUZZ_CHECK(id >= 1 && id <= 65535);
    FUZZ_CHECK(ids.insert(id).second);
  }
  for (std::size_t at = config.find("\tPath = \"");
       at != std::string_view::npos; at = config.find("\tPath = \"", at + 1)) {
    std::size_t end = 0;
    std::string path = Unquote(config, at + 8, &end);
    FUZZ_CHECK(paths.count(path) == 1);
    FUZZ_CHECK(written.insert(path).second);
    FUZZ_CHECK(config.substr(end, 2) == ";\n");
  }
  FUZZ_CHECK(ids.size() == blocks);
  FUZZ_CHECK(written.size() == blocks);
  // Paths whose clients all failed are not written; the others are.
  FUZZ_CHECK(written.size() <= paths.size());
  FUZZ_CHECK(written.empty() == r.config.empty());
  return 0;
}
