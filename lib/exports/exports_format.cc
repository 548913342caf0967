#include "exports/exports_format.h"

#include <algorithm>

#include <fmt/format.h>

#include "util/text.h"

namespace pxekit::exports {
namespace {

bool Has(const std::vector<Option>& options, std::string_view name) {
  return std::any_of(options.begin(), options.end(),
                     [name](const Option& o) { return o.name == name; });
}

}  // namespace

std::string EscapePath(std::string_view path) {
  std::string out;
  for (char c : path) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f || c == '\\' || c == '"' || c == '#')
      out += fmt::format("\\{:03o}", u);
    else
      out.push_back(c);
  }
  return out;
}

Result<std::string> FormatExportLine(const ExportSpec& spec) {
  if (spec.path.empty() || spec.path[0] != '/')
    return Fail(
        fmt::format("path {} is not absolute", QuoteForMessage(spec.path)));
  if (spec.path.find('\0') != std::string::npos)
    return Fail("path contains a NUL byte");
  if (spec.path.size() > kMaxPathBytes)
    return Fail(fmt::format("path longer than {} bytes", kMaxPathBytes));
  if (spec.clients.empty())
    return Fail(fmt::format("no client for {}", QuoteForMessage(spec.path)));
  std::string line = EscapePath(spec.path);
  for (const auto& client : spec.clients) {
    ClientForm form;
    if (std::string why = ClassifyClient(client.host, &form); !why.empty())
      return Fail(why);
    if (client.host.find_first_of("()\"\\,# \t") != std::string::npos ||
        client.host[0] == '-')
      return Fail(fmt::format("client {}: not a host name",
                              QuoteForMessage(client.host)));
    std::vector<Option> options;
    for (const auto& text : client.options) {
      if (text.find_first_of(std::string_view(",)\0", 3)) != std::string::npos)
        return Fail(
            fmt::format("option {}: not one option", QuoteForMessage(text)));
      if (std::string why = ParseOptionList(text, &options); !why.empty())
        return Fail(why);
    }
    if (auto bad = FindContradictions(options); !bad.empty())
      return Fail(fmt::format("client {}: {}", client.host, bad[0].message));
    if (!Has(options, "sync") && !Has(options, "async"))
      options.push_back(Option{"sync", std::nullopt});
    if (!Has(options, "subtree_check") && !Has(options, "no_subtree_check"))
      options.push_back(Option{"no_subtree_check", std::nullopt});
    line += ' ';
    line += client.host;
    line += '(';
    for (std::size_t i = 0; i < options.size(); ++i) {
      if (i) line += ',';
      line += EscapePath(options[i].Text());
    }
    line += ')';
  }
  return line;
}

ExportSpec SpecOf(const Entry& entry) {
  ExportSpec spec;
  spec.path = entry.path;
  for (const auto& client : entry.clients) {
    ClientSpec c;
    c.host = client.host;
    // A line default that the client's own options override is dropped, so
    // that the spec holds no contradiction the formatter would refuse.
    for (const auto& d : entry.defaults) {
      bool overridden = std::any_of(
          client.options.begin(), client.options.end(), [&d](const Option& o) {
            return o.name == d.name || !FindContradictions({d, o}).empty();
          });
      if (!overridden) c.options.push_back(d.Text());
    }
    for (const auto& o : client.options) c.options.push_back(o.Text());
    spec.clients.push_back(std::move(c));
  }
  return spec;
}

}  // namespace pxekit::exports
