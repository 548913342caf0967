#include "exports/exports_check.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <string_view>
#include <utility>

#include <fmt/format.h>

#include "util/ascii.h"
#include "util/text.h"

namespace pxekit::exports {
namespace {

// The flags that matter to the checker, after defaults and own options.
struct Effect {
  bool rw = false;
  bool async = false;
  bool no_root_squash = false;
  bool all_squash = false;
  bool insecure = false;
  bool subtree_explicit = false;
  std::optional<std::string> fsid;  // "0" for fsid=0 and fsid=root
};

Effect Resolve(const std::vector<Option>& options) {
  Effect e;
  for (const auto& o : options) {
    const std::string& n = o.name;
    if (n == "rw") e.rw = true;
    if (n == "ro") e.rw = false;
    if (n == "async") e.async = true;
    if (n == "sync") e.async = false;
    if (n == "no_root_squash") e.no_root_squash = true;
    if (n == "root_squash") e.no_root_squash = false;
    if (n == "all_squash") e.all_squash = true;
    if (n == "no_all_squash") e.all_squash = false;
    if (n == "insecure") e.insecure = true;
    if (n == "secure") e.insecure = false;
    if (n == "subtree_check" || n == "no_subtree_check")
      e.subtree_explicit = true;
    if (n == "fsid" && o.value) {
      std::string v = *o.value;
      if (v == "root") v = "0";
      // strtoul base 0: "00" and "0x0" are 0 too.
      if (v.find_first_not_of("0x") == std::string::npos) v = "0";
      e.fsid = v;
    }
  }
  return e;
}

std::string CanonicalOptions(const std::vector<Option>& options) {
  std::string out;
  for (const auto& o : options) out += o.Text() + ",";
  return out;
}

class Checker {
 public:
  explicit Checker(const CheckOptions& options) : options_(options) {}

  void CheckFile(const ExportsFile& file) {
    for (const auto& entry : file.entries) CheckEntry(file, entry);
  }
  std::vector<Diagnostic> Take() {
    std::vector<Diagnostic> taken;
    taken.swap(out_);
    return taken;
  }

 private:
  void Add(Severity severity, const ExportsFile& file, const Entry& entry,
           int line, int column, std::string message) {
    Diagnostic d;
    d.file = file.file;
    d.line = line;
    d.column = column;
    d.severity = severity;
    d.message = std::move(message);
    if (line == entry.line) {
      d.source_line = entry.source_line;
    } else {
      // The parser keeps clients in source order, so the first client on
      // `line` is found in log time: a linear scan per diagnostic made an
      // export with thousands of clients quadratic.
      auto c = std::lower_bound(
          entry.clients.begin(), entry.clients.end(), line,
          [](const Client& client, int l) { return client.line < l; });
      if (c != entry.clients.end() && c->line == line)
        d.source_line = c->source_line;
    }
    out_.push_back(std::move(d));
  }

  void CheckContradictions(const ExportsFile& file, const Entry& entry,
                           const std::vector<Option>& list) {
    for (const auto& c : FindContradictions(list))
      Add(Severity::kError, file, entry, list[c.index].line,
          list[c.index].column, c.message);
  }

  bool IsWide(const ClientForm& form) const {
    switch (form.kind) {
      case ClientKind::kWorld:
      case ClientKind::kWildcard:
        return true;
      case ClientKind::kNetwork4:
        return form.prefix_len <= options_.wide_ipv4_prefix;
      case ClientKind::kNetwork6:
        return form.prefix_len <= options_.wide_ipv6_prefix;
      default:
        return false;
    }
  }

  std::string Who(const Client& client) const {
    if (client.form.kind == ClientKind::kWorld)
      return "every host that can reach this server";
    if (client.form.kind == ClientKind::kWildcard)
      return fmt::format("every host whose name matches {}",
                         QuoteForMessage(client.host));
    return fmt::format("every host in {}", client.host);
  }

  void CheckEntry(const ExportsFile& file, const Entry& entry) {
    if (entry.has_defaults) CheckContradictions(file, entry, entry.defaults);
    std::string path = NormalExportPath(entry.path);
    for (const auto& client : entry.clients) {
      CheckContradictions(file, entry, client.options);
      int line = client.line;
      int col = client.column;
      // The warnings below are all about this client's line.
      auto warn = [&](std::string message) {
        Add(Severity::kWarning, file, entry, line, col, std::move(message));
      };
      if (!client.has_options && !entry.has_defaults)
        Add(Severity::kError, file, entry, line, col,
            fmt::format("no options for {}: exportfs applies ro and "
                        "root_squash silently; write {}(ro,sync,"
                        "no_subtree_check) or the options you mean",
                        QuoteForMessage(client.host), client.host));
      if (client.form.kind == ClientKind::kGss)
        warn(fmt::format("client {} is deprecated: use * with sec={}",
                         client.host, client.host.substr(4)));
      std::vector<Option> all = EffectiveOptions(entry, client);
      Effect e = Resolve(all);
      bool wide = IsWide(client.form);
      if (wide && e.no_root_squash)
        warn(fmt::format("no_root_squash for {}: {} can {} {} as root",
                         client.host, Who(client),
                         e.rw ? "read and write" : "read every file in",
                         entry.path));
      else if (wide && e.rw)
        warn(fmt::format("rw for {}: {} can write to {}", client.host,
                         Who(client), entry.path));
      if (e.insecure && e.no_root_squash)
        warn(
            fmt::format("insecure with no_root_squash for {}: any user on a "
                        "client, from an unprivileged port, can act as root "
                        "on {}",
                        client.host, entry.path));
      if (e.rw && e.async)
        warn(
            fmt::format("rw with async for {}: writes are acknowledged "
                        "before they reach the disk and are lost or corrupt "
                        "if the server crashes; use sync when unsure",
                        client.host));
      if (e.all_squash && e.rw)
        warn(
            fmt::format("all_squash for {}: every file is written as the "
                        "anonymous user; a root file system (NFS root) "
                        "breaks",
                        client.host));
      if (!e.subtree_explicit && (client.has_options || entry.has_defaults))
        warn(
            fmt::format("neither subtree_check nor no_subtree_check for {}: "
                        "exportfs warns; write no_subtree_check",
                        client.host));
      // Duplicates across the whole table.
      std::string key = path + '\0' + AsciiLower(client.host);
      std::string opts = CanonicalOptions(all);
      auto [it, fresh] = seen_.emplace(key, Seen{file.file, line, opts});
      if (!fresh) {
        if (it->second.options == opts)
          warn(fmt::format("{} is exported to {} again (first at {}:{})",
                           entry.path, client.host, it->second.file,
                           it->second.line));
        else
          Add(Severity::kError, file, entry, line, col,
              fmt::format("{} is exported to {} twice with different "
                          "options (first at {}:{}); exportfs uses only one",
                          entry.path, client.host, it->second.file,
                          it->second.line));
      }
      if (e.fsid) {
        auto [f, first] =
            fsids_.emplace(*e.fsid, FsidUse{path, file.file, line});
        if (!first && f->second.path != path)
          Add(Severity::kError, file, entry, line, col,
              *e.fsid == "0"
                  ? fmt::format("a second export with fsid=0: {} and {} (at "
                                "{}:{}) both claim the NFSv4 root",
                                entry.path, f->second.path, f->second.file,
                                f->second.line)
                  : fmt::format("fsid={} is already used by {} (at {}:{})",
                                *e.fsid, f->second.path, f->second.file,
                                f->second.line));
      }
    }
    if (options_.check_paths && options_.probe &&
        checked_paths_.insert(path).second) {
      PathKind kind = options_.probe(entry.path);
      if (kind == PathKind::kMissing)
        Add(Severity::kError, file, entry, entry.line, entry.column,
            fmt::format("{} does not exist: exportfs skips it",
                        QuoteForMessage(entry.path)));
      else if (kind == PathKind::kOther)
        Add(Severity::kWarning, file, entry, entry.line, entry.column,
            fmt::format("{} is not a directory", QuoteForMessage(entry.path)));
    }
  }

  struct Seen {
    std::string file;
    int line;
    std::string options;
  };
  struct FsidUse {
    std::string path;
    std::string file;
    int line;
  };
  const CheckOptions& options_;
  std::vector<Diagnostic> out_;
  std::map<std::string, Seen> seen_;
  std::map<std::string, FsidUse> fsids_;
  std::set<std::string> checked_paths_;
};

}  // namespace

bool HasErrors(const std::vector<Diagnostic>& diagnostics) {
  return std::any_of(
      diagnostics.begin(), diagnostics.end(),
      [](const Diagnostic& d) { return d.severity == Severity::kError; });
}

std::vector<Diagnostic> CheckExports(const std::vector<ExportsFile>& files,
                                     const CheckOptions& options) {
  std::vector<Diagnostic> out;
  Checker checker(options);
  for (const auto& file : files) {
    std::vector<Diagnostic> mine = file.diagnostics;
    checker.CheckFile(file);
    std::vector<Diagnostic> found = checker.Take();
    mine.insert(mine.end(), found.begin(), found.end());
    std::stable_sort(mine.begin(), mine.end(),
                     [](const Diagnostic& a, const Diagnostic& b) {
                       return a.line < b.line;
                     });
    out.insert(out.end(), mine.begin(), mine.end());
  }
  return out;
}

}  // namespace pxekit::exports
