#include "exports/exports_merge.h"

#include <algorithm>
#include <map>
#include <optional>
#include <utility>

#include <fmt/format.h>

#include "exports/exports.h"
#include "util/ascii.h"
#include "util/line_list.h"
#include "util/split.h"
#include "util/text.h"

namespace pxekit::exports {
namespace {

// One physical line of the file, with its line end ("\n", "\r\n" or "" for
// a last line without one), so that joining them gives the file back.
struct PhysicalLine {
  std::string_view body;  // without the line end
  std::string_view end;
  bool continued_from_previous = false;
  bool continues = false;  // ends in backslash-newline
};

std::vector<PhysicalLine> SplitPhysical(std::string_view text) {
  std::vector<PhysicalLine> lines;
  bool continued = false;
  while (!text.empty()) {
    std::size_t nl = text.find('\n');
    PhysicalLine line;
    if (nl == std::string_view::npos) {
      line.body = text;
      text = {};
    } else {
      line.body = text.substr(0, nl);
      line.end = text.substr(nl, 1);
      text.remove_prefix(nl + 1);
    }
    // nfs-utils joins "\\\n" only: a backslash before "\r\n" is a byte.
    line.continues =
        !line.end.empty() && !line.body.empty() && line.body.back() == '\\';
    if (!line.end.empty() && !line.body.empty() && line.body.back() == '\r') {
      line.body.remove_suffix(1);
      line.end = std::string_view(line.body.data() + line.body.size(), 2);
    }
    line.continued_from_previous = continued;
    continued = line.continues;
    lines.push_back(line);
  }
  return lines;
}

std::string JoinOptions(const std::vector<std::string>& options) {
  std::string out;
  for (const auto& o : options) {
    if (!out.empty()) out += ',';
    out += o;
  }
  return out;
}

// A marked line of the file, parsed.
struct Managed {
  std::size_t index;  // into the physical lines
  ExportSpec spec;
  bool dirty = false;
};

struct FileModel {
  std::vector<PhysicalLine> lines;
  std::vector<Managed> managed;
  std::vector<std::optional<std::string>> replaced;  // new body, per line
  std::vector<bool> deleted;
  std::vector<std::string> appended;
  std::vector<MergeProblem> problems;
  // Entries on lines pxe-exports did not write: path -> hosts (lower case),
  // with the line number, for remove's report.
  std::multimap<std::string, std::pair<std::string, int>> foreign;
};

FileModel Load(std::string_view text, std::string_view file) {
  FileModel model;
  model.lines = SplitPhysical(text);
  model.replaced.resize(model.lines.size());
  model.deleted.resize(model.lines.size());
  for (std::size_t i = 0; i < model.lines.size(); ++i) {
    const PhysicalLine& line = model.lines[i];
    if (line.continued_from_previous || line.continues ||
        !HasManagedMarker(line.body))
      continue;
    ExportsFile parsed = ParseExports(line.body, std::string(file));
    if (parsed.HasErrors() || parsed.entries.size() != 1) {
      std::string why = "no export on it";
      for (const auto& d : parsed.diagnostics)
        if (d.severity == Severity::kError) {
          why = d.message;
          break;
        }
      model.problems.push_back(
          {fmt::format("{}:{}", file, i + 1),
           fmt::format("a line marked \"{}\" does not parse ({}); fix or "
                       "delete it by hand",
                       kManagedMarker, why)});
      continue;
    }
    model.managed.push_back(Managed{i, SpecOf(parsed.entries[0]), false});
  }
  // Foreign entries, for remove: the whole text, with marked lines blanked
  // so that line numbers stay right.
  std::string foreign_text;
  std::size_t next_managed = 0;
  for (std::size_t i = 0; i < model.lines.size(); ++i) {
    bool mine = next_managed < model.managed.size() &&
                model.managed[next_managed].index == i;
    if (mine) ++next_managed;
    if (!mine) foreign_text += model.lines[i].body;
    foreign_text += '\n';
  }
  ExportsFile parsed = ParseExports(foreign_text, std::string(file));
  for (const auto& entry : parsed.entries)
    for (const auto& client : entry.clients)
      model.foreign.emplace(
          NormalExportPath(entry.path),
          std::make_pair(AsciiLower(client.host), client.line));
  return model;
}

std::string Render(const FileModel& model) {
  std::string out;
  for (std::size_t i = 0; i < model.lines.size(); ++i) {
    if (model.deleted[i]) continue;
    const PhysicalLine& line = model.lines[i];
    out += model.replaced[i] ? std::string_view(*model.replaced[i]) : line.body;
    out += line.end;
  }
  if (!model.appended.empty()) {
    if (!out.empty() && out.back() != '\n') out += '\n';
    // A last line that continues ("...\\\n") would swallow the first new
    // one; an empty line ends it.
    if (out.size() >= 2 && out.compare(out.size() - 2, 2, "\\\n") == 0)
      out += '\n';
    // New lines end like the file's last line: CRLF in a file edited on
    // Windows, so that it does not end up with mixed line ends.
    std::string_view end = "\n";
    for (auto it = model.lines.rbegin(); it != model.lines.rend(); ++it)
      if (!it->end.empty()) {
        end = it->end;
        break;
      }
    for (const auto& body : model.appended) {
      out += body;
      out += end;
    }
  }
  return out;
}

std::string ManagedBody(const std::string& formatted) {
  return formatted + " " + std::string(kManagedMarker);
}

// Rewrites the marked lines whose spec changed.
void Commit(FileModel& model, std::string_view file) {
  for (Managed& m : model.managed) {
    if (!m.dirty) continue;
    if (m.spec.clients.empty()) {
      model.deleted[m.index] = true;
      continue;
    }
    auto formatted = FormatExportLine(m.spec);
    if (!formatted) {
      model.problems.push_back(
          {fmt::format("{}:{}", file, m.index + 1), formatted.error()});
      continue;
    }
    model.replaced[m.index] = ManagedBody(*formatted);
  }
}

std::string ClientWords(const std::vector<ClientSpec>& clients) {
  std::string out;
  for (const auto& c : clients) {
    if (!out.empty()) out += ' ';
    out += c.host;
  }
  return out;
}

std::optional<std::string> DecodeOctal(std::string_view text,
                                       std::string* why) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 3 < text.size() && text[i + 1] >= '0' &&
        text[i + 1] <= '3' && text[i + 2] >= '0' && text[i + 2] <= '7' &&
        text[i + 3] >= '0' && text[i + 3] <= '7') {
      char c = static_cast<char>((text[i + 1] - '0') * 64 +
                                 (text[i + 2] - '0') * 8 + (text[i + 3] - '0'));
      if (c == '\0') {
        *why = "the path contains a NUL byte (\\000)";
        return std::nullopt;
      }
      out.push_back(c);
      i += 3;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

// "host" or "host(opts)" from a request line.
bool SplitClientField(std::string_view field, std::string* host,
                      std::optional<std::string>* options, std::string* why) {
  std::size_t open = field.find('(');
  if (open == std::string_view::npos) {
    *host = std::string(field);
    return true;
  }
  if (open == 0 || field.back() != ')') {
    *why = fmt::format("client {}: write CLIENT or CLIENT(OPTIONS)",
                       QuoteForMessage(field));
    return false;
  }
  *host = std::string(field.substr(0, open));
  *options = std::string(field.substr(open + 1, field.size() - open - 2));
  return true;
}

// Checks a request's path and client names; empty when fine.
std::string CheckTarget(const std::string& path, const std::string& host) {
  if (path.empty() || path[0] != '/')
    return fmt::format("path {} is not absolute", QuoteForMessage(path));
  if (host.empty()) return {};
  ClientForm form;
  if (std::string why = ClassifyClient(host, &form); !why.empty()) return why;
  if (host.find_first_of("()\"\\,# \t") != std::string::npos || host[0] == '-')
    return fmt::format("client {}: not a host name", QuoteForMessage(host));
  return {};
}

template <typename LineFn>
RequestList ParseLines(std::string_view text, std::string_view source,
                       LineFn fn) {
  RequestList list;
  std::vector<std::pair<std::size_t, MergeProblem>> problems;
  LineList lines = SplitLineList(text, kMaxLogicalLine);
  for (const ListError& e : lines.errors)
    problems.push_back(
        {e.line,
         {fmt::format("{}:{}:{}", source, e.line, e.column), e.message}});
  for (const ListLine& line : lines.lines) {
    std::string origin = fmt::format("{}:{}", source, line.number);
    std::string why;
    std::size_t column = line.fields[0].column;
    ExportRequest request;
    request.origin = origin;
    auto path = DecodeOctal(line.fields[0].text, &why);
    if (path) {
      request.path = *path;
      why = CheckTarget(request.path, "");
    }
    if (why.empty()) fn(line, request, why, column);
    if (!why.empty()) {
      problems.push_back(
          {line.number,
           {fmt::format("{}:{}", origin, column), std::move(why)}});
      continue;
    }
    list.requests.push_back(std::move(request));
  }
  std::stable_sort(
      problems.begin(), problems.end(),
      [](const auto& a, const auto& b) { return a.first < b.first; });
  for (auto& p : problems) list.problems.push_back(std::move(p.second));
  return list;
}

}  // namespace

bool HasManagedMarker(std::string_view line) {
  std::string_view trimmed = TrimAsciiSpace(line);
  if (trimmed.empty() || trimmed[0] == '#') return false;
  std::string suffix = " " + std::string(kManagedMarker);
  std::string tab_suffix = "\t" + std::string(kManagedMarker);
  auto ends = [&](const std::string& s) {
    return trimmed.size() > s.size() &&
           trimmed.compare(trimmed.size() - s.size(), s.size(), s) == 0;
  };
  return ends(suffix) || ends(tab_suffix);
}

Result<std::string> CanonicalClientOptions(
    const std::string& host, const std::vector<std::string>& options) {
  ExportSpec spec{"/", {ClientSpec{host, options}}};
  auto line = FormatExportLine(spec);
  if (!line) return line.failure();
  // What the formatter accepts, exportfs may still refuse (a bracketed
  // IPv6 address): the parser has the last word.
  ExportsFile parsed = ParseExports(*line, "");
  for (const Diagnostic& d : parsed.diagnostics)
    if (d.severity == Severity::kError) return Fail(d.message);
  if (parsed.entries.size() != 1)
    return Fail(fmt::format("client {} with options {} does not read back",
                            QuoteForMessage(host),
                            QuoteForMessage(JoinOptions(options))));
  return JoinOptions(SpecOf(parsed.entries[0]).clients.at(0).options);
}

RequestList ParseAddLines(std::string_view text, std::string_view source,
                          const std::vector<std::string>& default_options) {
  return ParseLines(
      text, source,
      [&](const ListLine& line, ExportRequest& request, std::string& why,
          std::size_t& column) {
        if (line.fields.size() < 2) {
          why = "expected PATH CLIENT [OPTIONS]";
          column = line.fields[0].column + line.fields[0].text.size();
          return;
        }
        if (line.fields.size() > 3) {
          why = fmt::format("unexpected {} after the options",
                            QuoteForMessage(line.fields[3].text));
          column = line.fields[3].column;
          return;
        }
        std::string host;
        std::optional<std::string> inline_options;
        column = line.fields[1].column;
        if (!SplitClientField(line.fields[1].text, &host, &inline_options,
                              &why))
          return;
        if (inline_options && line.fields.size() == 3) {
          why = "options given twice: in parentheses and as a third field";
          column = line.fields[2].column;
          return;
        }
        if (why = CheckTarget(request.path, host); !why.empty()) return;
        std::vector<std::string> options = default_options;
        if (inline_options) options = SplitOnComma(*inline_options);
        if (line.fields.size() == 3) {
          options = SplitOnComma(line.fields[2].text);
          column = line.fields[2].column;
        }
        auto canonical = CanonicalClientOptions(host, options);
        if (!canonical) {
          why = canonical.error();
          return;
        }
        request.clients.push_back(ClientSpec{host, SplitOnComma(*canonical)});
      });
}

RequestList ParseRemoveLines(std::string_view text, std::string_view source) {
  return ParseLines(text, source,
                    [&](const ListLine& line, ExportRequest& request,
                        std::string& why, std::size_t& column) {
                      for (std::size_t i = 1; i < line.fields.size(); ++i) {
                        std::string host(line.fields[i].text);
                        column = line.fields[i].column;
                        if (why = CheckTarget(request.path, host); !why.empty())
                          return;
                        request.clients.push_back(ClientSpec{host, {}});
                      }
                    });
}

MergeResult MergeAdd(std::string_view text, std::string_view file,
                     const std::vector<ExportRequest>& requests) {
  FileModel model = Load(text, file);
  MergeResult result;
  // path -> host -> (options, origin) of this batch, to find conflicts.
  std::map<std::string,
           std::map<std::string, std::pair<std::string, std::string>>>
      batch;
  // New lines, by path, in the order first asked for.
  std::vector<ExportSpec> fresh;
  for (const ExportRequest& request : requests) {
    std::string path = NormalExportPath(request.path);
    for (const ClientSpec& client : request.clients) {
      std::string host = AsciiLower(client.host);
      std::string options = JoinOptions(client.options);
      auto [it, first] =
          batch[path].emplace(host, std::make_pair(options, request.origin));
      if (!first) {
        if (it->second.first != options)
          result.problems.push_back(
              {request.origin,
               fmt::format("{} {}({}) conflicts with {}({}) at {}; kept the "
                           "first",
                           request.path, client.host, options, client.host,
                           it->second.first, it->second.second)});
        continue;
      }
      // Already on a marked line of this path?
      Managed* owner = nullptr;
      ClientSpec* existing = nullptr;
      for (Managed& m : model.managed) {
        if (NormalExportPath(m.spec.path) != path) continue;
        if (!owner) owner = &m;
        for (ClientSpec& c : m.spec.clients)
          if (!existing && AsciiLower(c.host) == host) {
            existing = &c;
            owner = &m;
          }
        if (existing) break;
      }
      if (existing) {
        if (JoinOptions(existing->options) == options) continue;
        result.changes.push_back(fmt::format(
            "{}: {}({}) is now {}({})", request.path, existing->host,
            JoinOptions(existing->options), client.host, options));
        existing->options = client.options;
        owner->dirty = true;
        continue;
      }
      result.changes.push_back(
          fmt::format("{}: added {}({})", request.path, client.host, options));
      if (owner) {
        owner->spec.clients.push_back(client);
        owner->dirty = true;
        continue;
      }
      auto same = std::find_if(fresh.begin(), fresh.end(), [&](auto& s) {
        return NormalExportPath(s.path) == path;
      });
      if (same == fresh.end())
        fresh.push_back(ExportSpec{request.path, {client}});
      else
        same->clients.push_back(client);
    }
  }
  Commit(model, file);
  for (const ExportSpec& spec : fresh) {
    auto formatted = FormatExportLine(spec);
    if (!formatted) {
      result.problems.push_back({std::string(file), formatted.error()});
      continue;
    }
    model.appended.push_back(ManagedBody(*formatted));
  }
  result.text = Render(model);
  result.problems.insert(result.problems.begin(), model.problems.begin(),
                         model.problems.end());
  return result;
}

MergeResult MergeRemove(std::string_view text, std::string_view file,
                        const std::vector<ExportRequest>& requests) {
  FileModel model = Load(text, file);
  MergeResult result;
  for (const ExportRequest& request : requests) {
    std::string path = NormalExportPath(request.path);
    bool whole = request.clients.empty();
    std::vector<std::string> hosts;
    for (const auto& c : request.clients) hosts.push_back(AsciiLower(c.host));
    for (Managed& m : model.managed) {
      if (NormalExportPath(m.spec.path) != path) continue;
      auto& clients = m.spec.clients;
      std::vector<ClientSpec> removed;
      auto end = std::remove_if(clients.begin(), clients.end(), [&](auto& c) {
        bool go = whole || std::find(hosts.begin(), hosts.end(),
                                     AsciiLower(c.host)) != hosts.end();
        if (go) removed.push_back(c);
        return go;
      });
      clients.erase(end, clients.end());
      if (removed.empty()) continue;
      m.dirty = true;
      if (clients.empty())
        result.changes.push_back(fmt::format(
            "{}: removed the line ({})", request.path, ClientWords(removed)));
      else
        result.changes.push_back(
            fmt::format("{}: removed {}", request.path, ClientWords(removed)));
    }
    // What stays exported by lines that are not ours.
    auto [lo, hi] = model.foreign.equal_range(path);
    for (auto it = lo; it != hi; ++it) {
      const auto& [host, line] = it->second;
      if (whole || std::find(hosts.begin(), hosts.end(), host) != hosts.end())
        result.foreign.push_back(
            {fmt::format("{}:{}", file, line),
             fmt::format("{} stays exported to {}: that line was not written "
                         "by pxe-exports (no \"{}\" marker); edit it by hand",
                         request.path, host, kManagedMarker)});
    }
  }
  Commit(model, file);
  result.text = Render(model);
  result.problems.insert(result.problems.begin(), model.problems.begin(),
                         model.problems.end());
  return result;
}

}  // namespace pxekit::exports
