// NFS-Ganesha EXPORT blocks from exports(5) entries; the mapping and the
// Export_Id rule are described in ganesha.h.
#include "exports/ganesha.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "util/text.h"

namespace pxekit::exports {
namespace {

bool IsAlpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
// conf_lex.l WC: [a-zA-Z0-9._-]
bool IsWordChar(char c) {
  return IsAlpha(c) || IsDigit(c) || c == '.' || c == '_' || c == '-';
}
bool IsControl(char c) {
  auto u = static_cast<unsigned char>(c);
  return u < 0x20 || u == 0x7f;
}

bool EqualsNoCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

// conf_lex.l TOKEN_CHARS: [a-zA-Z_?][a-zA-Z0-9._-]*, which is how a host
// name reaches the CLIENT parser. Words the lexer takes for something else
// first (booleans, "9p") are not host names there.
bool IsGaneshaToken(std::string_view s) {
  if (s.empty() || !(IsAlpha(s[0]) || s[0] == '_' || s[0] == '?')) return false;
  if (!std::all_of(s.begin() + 1, s.end(), IsWordChar)) return false;
  for (std::string_view word : {"yes", "true", "on", "no", "false", "off"})
    if (EqualsNoCase(s, word)) return false;
  return true;
}

// conf_lex.l WILDCARD: ({WC}*{WP})+{WC}* with WP = [!?WC+] | * | ?. It must
// also not be a TOKEN (which wins a tie) and, as the man page says, hold a
// '*' or '?' to be taken for a pattern.
bool IsGaneshaWildcard(std::string_view s) {
  if (s.find_first_of("*?") == std::string_view::npos) return false;
  if (IsGaneshaToken(s)) return false;
  std::size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    if (IsWordChar(c) || c == '*' || c == '?') {
      ++i;
      continue;
    }
    if (c != '[') return false;
    ++i;
    if (i < s.size() && s[i] == '!') ++i;
    std::size_t start = i;
    while (i < s.size() && IsWordChar(s[i])) ++i;
    if (i == start || i >= s.size() || s[i] != ']') return false;
    ++i;
  }
  return true;
}

// conf_lex.l IPV4ADDR: four groups of 1-3 digits.
bool IsDottedQuad(std::string_view s) {
  int groups = 0;
  std::size_t i = 0;
  while (true) {
    std::size_t start = i;
    while (i < s.size() && IsDigit(s[i])) ++i;
    if (i == start || i - start > 3) return false;
    ++groups;
    if (i == s.size()) break;
    if (s[i] != '.') return false;
    ++i;
  }
  return groups == 4;
}

// NETGROUP_CHARS after '@': [a-zA-Z_][a-zA-Z0-9_.-]*
bool IsGaneshaNetgroup(std::string_view name) {
  return !name.empty() && (IsAlpha(name[0]) || name[0] == '_') &&
         std::all_of(name.begin() + 1, name.end(), IsWordChar);
}

// IPv6 text as conf_lex.l's IPV6ADDR takes it: hex groups, '::' and an
// embedded IPv4 tail; no zone ("%eth0").
bool IsGaneshaIpv6(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') ||
           c == ':' || c == '.';
  });
}

// exportfs's precedence between client kinds (pxe-exports(8)): the first
// kind that matches wins, whatever the line order.
int Precedence(ClientKind kind) {
  switch (kind) {
    case ClientKind::kHost:
    case ClientKind::kIpv4:
    case ClientKind::kIpv6:
      return 1;
    case ClientKind::kNetwork4:
    case ClientKind::kNetwork6:
      return 2;
    case ClientKind::kWildcard:
      return 3;
    case ClientKind::kNetgroup:
      return 4;
    case ClientKind::kWorld:
    case ClientKind::kGss:
      return 5;
  }
  return 5;
}

enum class Squash { kRoot, kNone, kAll };

struct Where {
  const std::string* file = nullptr;
  int line = 0;
  int column = 0;
  const std::string* source_line = nullptr;
};

struct GClient {
  std::string clients;  // the Clients = value
  int precedence = 5;
  Where where;
  std::string host;  // as written, for messages
  bool gss = false;  // gss/krb5, gss/krb5i, gss/krb5p
  bool rw = false;
  bool root_squash = true;
  bool all_squash = false;
  std::uint32_t anonuid = 65534;
  std::uint32_t anongid = 65534;
  std::vector<std::string> sectypes;  // empty: sys
  bool privileged = true;
  bool root_fsid = false;
  std::optional<bool> no_acl;  // set when written
  std::optional<bool> nordirplus;
  Where no_acl_at, nordirplus_at;
};

struct GExport {
  std::string path;  // normalised
  std::string first_file;
  int first_line = 0;
  std::vector<GClient> clients;
  std::uint16_t id = 0;
  bool disable_acl = false;
  bool disable_readdirplus = false;
};

// The exports(5) options that Ganesha can only set for a whole export: every
// client of the export must agree on them.
struct ExportWideOption {
  std::string_view name;     // exports(5)
  std::string_view setting;  // Ganesha's EXPORT block
  std::optional<bool> GClient::*value;
  Where GClient::*written_at;
  bool GExport::*applies;
};
constexpr ExportWideOption kExportWideOptions[] = {
    {"no_acl", "Disable_ACL", &GClient::no_acl, &GClient::no_acl_at,
     &GExport::disable_acl},
    {"nordirplus", "DisableReaddirPlus", &GClient::nordirplus,
     &GClient::nordirplus_at, &GExport::disable_readdirplus},
};

class Writer {
 public:
  explicit Writer(GaneshaResult* out) : out_(out) {}

  void Add(const ExportsFile& file);
  void Finish();

 private:
  void Error(const Where& at, std::string message,
             Severity severity = Severity::kError) {
    Diagnostic d;
    d.file = at.file ? *at.file : std::string();
    d.line = at.line;
    d.column = at.column;
    d.severity = severity;
    d.message = std::move(message);
    if (at.source_line) d.source_line = *at.source_line;
    out_->diagnostics.push_back(std::move(d));
  }
  bool ClientName(const Client& client, const Where& at, GClient* g);
  void ApplyOption(const Option& o, const Where& at, GClient* g,
                   int* sec_count);
  void AssignIds();
  std::string Block(const GExport& e, const std::string* root) const;

  GaneshaResult* out_;
  std::vector<GExport> exports_;
  std::map<std::string, std::size_t> by_path_;
};

bool Writer::ClientName(const Client& client, const Where& at, GClient* g) {
  const std::string& h = client.host;
  std::string quoted = QuoteForMessage(h);
  g->precedence = Precedence(client.form.kind);
  // Most kinds go to Clients = as written, when Ganesha's lexer reads them
  // as the same client.
  bool as_written = false;
  switch (client.form.kind) {
    case ClientKind::kWorld:
      g->clients = "*";
      return true;
    case ClientKind::kGss:
      g->clients = "*";
      g->gss = true;
      g->sectypes = {h.substr(4)};
      return true;
    case ClientKind::kNetgroup:
      as_written = IsGaneshaNetgroup(std::string_view(h).substr(1));
      break;
    case ClientKind::kIpv4:
      if (h == "0.0.0.0") {
        // exportfs: the one address 0.0.0.0, which no client has; Ganesha's
        // lexer: any client, like "*".
        Error(at,
              "client '0.0.0.0': Ganesha reads it as every client, "
              "exportfs as one address that never matches; write * or "
              "0.0.0.0/0 if everyone is meant");
        return false;
      }
      as_written = IsDottedQuad(h);
      break;
    case ClientKind::kIpv6:
      as_written = IsGaneshaIpv6(h);
      break;
    case ClientKind::kNetwork4:
    case ClientKind::kNetwork6: {
      std::string_view addr = std::string_view(h).substr(0, h.find('/'));
      bool v4 = client.form.kind == ClientKind::kNetwork4;
      if (!(v4 ? IsDottedQuad(addr) : IsGaneshaIpv6(addr)) ||
          client.form.prefix_len < 0)
        break;
      // A dotted netmask becomes its prefix length; Ganesha takes only CIDR.
      g->clients = fmt::format("{}/{}", addr, client.form.prefix_len);
      return true;
    }
    case ClientKind::kWildcard:
      if (!IsGaneshaWildcard(h)) {
        Error(at, fmt::format("client {}: Ganesha cannot express this host "
                              "name pattern (it needs a '*' or '?' and "
                              "classes of letters, digits, '.', '_' and '-' "
                              "only)",
                              quoted));
        return false;
      }
      as_written = true;
      break;
    case ClientKind::kHost:
      as_written = IsGaneshaToken(h);
      break;
  }
  if (as_written) {
    g->clients = h;
    return true;
  }
  Error(at, fmt::format("client {}: Ganesha's config syntax cannot express "
                        "this client name",
                        quoted));
  return false;
}

void Writer::ApplyOption(const Option& o, const Where& at, GClient* g,
                         int* sec_count) {
  const std::string& n = o.name;
  auto cannot = [&](std::string_view why) {
    Error(at, fmt::format("{}: NFS-Ganesha cannot express this option ({})",
                          o.Text(), why));
  };
  // The options that set one flag of the CLIENT block, and to what.
  struct FlagOption {
    std::string_view name;
    bool GClient::*flag;
    bool value;
  };
  static constexpr FlagOption kFlagOptions[] = {
      {"ro", &GClient::rw, false},
      {"rw", &GClient::rw, true},
      {"root_squash", &GClient::root_squash, true},
      {"no_root_squash", &GClient::root_squash, false},
      {"all_squash", &GClient::all_squash, true},
      {"no_all_squash", &GClient::all_squash, false},
      {"secure", &GClient::privileged, true},
      {"insecure", &GClient::privileged, false},
  };
  for (const FlagOption& f : kFlagOptions)
    if (n == f.name) {
      g->*f.flag = f.value;
      return;
    }
  if (n == "anonuid" || n == "anongid") {
    // nfs-utils: strtol, base 10, stored in a 32-bit uid_t/gid_t.
    long long v = 0;
    std::string_view digits =
        o.value ? std::string_view(*o.value) : std::string_view("0");
    bool negative = !digits.empty() && digits[0] == '-';
    if (negative) digits.remove_prefix(1);
    for (char c : digits)
      if (IsDigit(c) && v < (1LL << 40)) v = v * 10 + (c - '0');
    auto id = static_cast<std::uint32_t>(negative ? -v : v);
    (n == "anonuid" ? g->anonuid : g->anongid) = id;
  } else if (n == "sec") {
    if (++*sec_count > 1) {
      cannot(
          "a second sec= gives per-flavour options; Ganesha has one "
          "SecType list per CLIENT block");
      return;
    }
    g->sectypes.clear();
    std::string_view rest = o.value ? std::string_view(*o.value) : "";
    while (true) {
      std::string_view flavor = rest.substr(0, rest.find(':'));
      std::string mapped(flavor);
      if (flavor == "unix") mapped = "sys";
      if (flavor == "null") mapped = "none";
      if (std::find(g->sectypes.begin(), g->sectypes.end(), mapped) ==
          g->sectypes.end())
        g->sectypes.push_back(mapped);
      if (flavor.size() == rest.size()) break;
      rest.remove_prefix(flavor.size() + 1);
    }
  } else if (n == "fsid") {
    if (o.value && (*o.value == "root" || *o.value == "0")) {
      g->root_fsid = true;
    } else {
      Error(at,
            fmt::format("{}: not carried over to Ganesha, which builds file "
                        "handles from Export_Id and the file system",
                        o.Text()),
            Severity::kWarning);
    }
  } else if (n == "async") {
    Error(at,
          "async: Ganesha never acknowledges an unstable write as stable; "
          "this export behaves as sync there (safer, slower)",
          Severity::kWarning);
  } else if (n == "no_acl" || n == "acl") {
    g->no_acl = n == "no_acl";
    g->no_acl_at = at;
  } else if (n == "nordirplus") {
    g->nordirplus = true;
    g->nordirplus_at = at;
  } else if (n == "sync" || n == "no_subtree_check" || n == "no_pnfs" ||
             n == "secure_locks" || n == "auth_nlm" || n == "hide" ||
             n == "nohide" || n == "crossmnt" || n == "wdelay" ||
             n == "no_wdelay") {
    // Ganesha already behaves so, or (wdelay) the option is a knfsd
    // heuristic without effect on what clients may do.
  } else {
    // The options Ganesha has no way to say, and why.
    struct Inexpressible {
      std::string_view name;
      std::string_view why;
    };
    // Aliases (mp, replicas, ...) share their reason.
    constexpr std::string_view kLocks =
        "it checks lock requests like any other request";
    constexpr std::string_view kMountpoint =
        "it exports the path whether or not something is mounted there";
    constexpr std::string_view kReferral =
        "it has no NFSv4 referrals in EXPORT blocks";
    constexpr std::string_view kIdLists =
        "it squashes root or everyone, not lists of ids";
    static constexpr Inexpressible kInexpressible[] = {
        {"subtree_check",
         "it never checks that a file handle lies inside the export"},
        {"nocrossmnt", "its VFS shows file systems mounted below the export"},
        {"insecure_locks", kLocks},
        {"no_auth_nlm", kLocks},
        {"pnfs", "pNFS needs an FSAL with a layout driver, not VFS"},
        {"security_label", "labelled NFS is not offered by FSAL_VFS"},
        {"mountpoint", kMountpoint},
        {"mp", kMountpoint},
        {"refer", kReferral},
        {"replicas", kReferral},
        {"squash_uids", kIdLists},
        {"squash_gids", kIdLists},
    };
    for (const Inexpressible& i : kInexpressible)
      if (n == i.name) {
        cannot(i.why);
        return;
      }
    cannot("unknown option");
  }
}

// Text for a "#" comment line: a control byte (a newline above all) would
// end the comment early, so it becomes '?'.
std::string ForComment(std::string text) {
  for (char& c : text)
    if (IsControl(c)) c = '?';
  return text;
}

void Writer::Add(const ExportsFile& file) {
  if (file.HasErrors()) {
    for (const auto& d : file.diagnostics)
      if (d.severity == Severity::kError) out_->diagnostics.push_back(d);
    return;
  }
  for (const Entry& entry : file.entries) {
    Where path_at{&file.file, entry.line, entry.column, &entry.source_line};
    std::string path = NormaliseGaneshaPath(entry.path);
    if (GaneshaQuote(path).empty()) {
      Error(path_at, fmt::format("path {}: holds a control character, which "
                                 "Ganesha's config cannot carry",
                                 QuoteForMessage(entry.path)));
      continue;
    }
    auto [it, fresh] = by_path_.try_emplace(path, exports_.size());
    if (fresh) {
      GExport e;
      e.path = path;
      e.first_file = file.file;
      e.first_line = entry.line;
      exports_.push_back(std::move(e));
    }
    GExport& e = exports_[it->second];
    for (const Client& client : entry.clients) {
      Where client_at{&file.file, client.line, client.column,
                      &client.source_line};
      GClient g;
      g.where = client_at;
      g.host = client.host;
      if (!ClientName(client, client_at, &g)) continue;
      int sec_count = 0;
      auto at_option = [&](const Option& o) {
        Where w{&file.file, o.line, o.column, nullptr};
        if (o.line == client.line)
          w.source_line = &client.source_line;
        else if (o.line == entry.line)
          w.source_line = &entry.source_line;
        return w;
      };
      for (const Option& o : entry.defaults)
        ApplyOption(o, at_option(o), &g, &sec_count);
      for (const Option& o : client.options)
        ApplyOption(o, at_option(o), &g, &sec_count);
      bool clash = false;
      for (const GClient& other : e.clients) {
        // Ganesha picks a CLIENT block by address alone, then checks its
        // SecType: a gss/krb5* client (everyone, for that flavour) cannot
        // sit beside other clients as it does in exportfs, and two blocks
        // for the same clients, whatever their flavours, leave the second
        // unused.
        if (other.clients != g.clients && !other.gss && !g.gss) continue;
        if (other.gss || g.gss)
          Error(client_at,
                fmt::format("{} and other clients for {} (see {}:{}): "
                            "Ganesha matches CLIENT blocks by address only, "
                            "so it cannot keep a flavour's clients apart; "
                            "give sec= to the clients instead",
                            QuoteForMessage(g.gss ? g.host : other.host),
                            QuoteForMessage(path), *other.where.file,
                            other.where.line));
        else
          Error(client_at,
                fmt::format("client {} for {} is already given at {}:{}; "
                            "Ganesha would only ever use the first CLIENT "
                            "block",
                            QuoteForMessage(client.host), QuoteForMessage(path),
                            *other.where.file, other.where.line));
        clash = true;
        break;
      }
      if (!clash) e.clients.push_back(std::move(g));
    }
  }
}

void Writer::AssignIds() {
  std::vector<std::size_t> order(exports_.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return exports_[a].path < exports_[b].path;
  });
  std::set<std::uint16_t> homes, taken;
  std::vector<std::size_t> losers;
  for (std::size_t i : order) {
    std::uint16_t home = GaneshaHomeExportId(exports_[i].path);
    homes.insert(home);
    if (taken.insert(home).second)
      exports_[i].id = home;
    else
      losers.push_back(i);
  }
  for (std::size_t i : losers) {
    std::uint32_t id = GaneshaHomeExportId(exports_[i].path);
    for (int step = 0; step < 65535; ++step) {
      id = id % 65535 + 1;
      auto candidate = static_cast<std::uint16_t>(id);
      if (!taken.count(candidate) && !homes.count(candidate)) {
        taken.insert(candidate);
        exports_[i].id = candidate;
        break;
      }
    }
  }
}

const char* SquashName(const GClient& c) {
  if (c.all_squash) return "All_Squash";
  return c.root_squash ? "Root_Squash" : "No_Root_Squash";
}

std::string Join(const std::vector<std::string>& list) {
  std::string out;
  for (const auto& s : list) out += (out.empty() ? "" : ", ") + s;
  return out;
}

std::string Writer::Block(const GExport& e, const std::string* root) const {
  std::string pseudo;
  bool v3_only = false;
  if (root == nullptr) {
    pseudo = e.path;
  } else if (e.path == *root) {
    pseudo = "/";
  } else if (*root == "/") {
    pseudo = e.path;
  } else if (e.path.size() > root->size() && e.path.starts_with(*root) &&
             e.path[root->size()] == '/') {
    pseudo = e.path.substr(root->size());
  } else {
    v3_only = true;
  }
  std::string out;
  out += fmt::format("# {} from {}:{}\n", ForComment(e.path),
                     ForComment(e.first_file), e.first_line);
  if (v3_only)
    out += fmt::format(
        "# NFSv3 only: outside the NFSv4 root {} (fsid=0), as with knfsd\n",
        ForComment(*root));
  out += "EXPORT {\n";
  out += fmt::format("\tExport_Id = {};\n", e.id);
  out += fmt::format("\tPath = {};\n", GaneshaQuote(e.path));
  if (!v3_only) out += fmt::format("\tPseudo = {};\n", GaneshaQuote(pseudo));
  out += "\tFSAL {\n\t\tName = VFS;\n\t}\n";
  out += v3_only ? "\tProtocols = 3;\n" : "\tProtocols = 3, 4;\n";
  out += "\tTransports = UDP, TCP;\n";
  out += "\t# Clients that no CLIENT block names get no access.\n";
  out += "\tAccess_Type = None;\n";
  out += "\tSquash = Root_Squash;\n";
  out += "\tSecType = sys;\n";
  if (e.disable_acl) out += "\tDisable_ACL = true;\n";
  if (e.disable_readdirplus) out += "\tDisableReaddirPlus = true;\n";
  std::vector<const GClient*> sorted;
  for (const auto& c : e.clients) sorted.push_back(&c);
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const GClient* a, const GClient* b) {
                     return a->precedence < b->precedence;
                   });
  for (const GClient* c : sorted) {
    out += "\tCLIENT {\n";
    out += fmt::format("\t\tClients = {};\n", c->clients);
    out += fmt::format("\t\tAccess_Type = {};\n", c->rw ? "RW" : "RO");
    out += fmt::format("\t\tSquash = {};\n", SquashName(*c));
    out += fmt::format("\t\tAnonymous_Uid = {};\n", c->anonuid);
    out += fmt::format("\t\tAnonymous_Gid = {};\n", c->anongid);
    out += fmt::format("\t\tSecType = {};\n",
                       c->sectypes.empty() ? "sys" : Join(c->sectypes));
    out += fmt::format("\t\tPrivilegedPort = {};\n",
                       c->privileged ? "true" : "false");
    out += "\t}\n";
  }
  out += "}\n";
  return out;
}

void Writer::Finish() {
  // The NFSv4 root: the path of a client with fsid=0/root; two are an error.
  const std::string* root = nullptr;
  const GClient* root_client = nullptr;
  for (auto& e : exports_) {
    for (const auto& c : e.clients) {
      if (!c.root_fsid) continue;
      if (root && *root != e.path) {
        Error(c.where,
              fmt::format("fsid=0 for {} and for {} ({}:{}): Ganesha has "
                          "one NFSv4 root",
                          QuoteForMessage(e.path), QuoteForMessage(*root),
                          *root_client->where.file, root_client->where.line));
        continue;
      }
      root = &e.path;
      root_client = &c;
    }
    // Options that Ganesha sets for the whole export must agree: each
    // client is compared with the one before it.
    const GClient* before = nullptr;
    for (const auto& c : e.clients) {
      for (const ExportWideOption& o : kExportWideOptions) {
        bool value = (c.*o.value).value_or(false);
        if (before && (before->*o.value).value_or(false) != value)
          Error(c.*o.value ? c.*o.written_at : c.where,
                fmt::format("{} for some clients of {} only: Ganesha sets {} "
                            "for the whole export",
                            o.name, QuoteForMessage(e.path), o.setting));
        e.*o.applies = value;
      }
      before = &c;
    }
  }
  if (out_->HasErrors()) return;
  AssignIds();
  std::string config;
  for (const auto& e : exports_) {
    if (e.clients.empty()) continue;
    if (!config.empty()) config += "\n";
    config += Block(e, root);
  }
  out_->config = std::move(config);
}

}  // namespace

bool GaneshaResult::HasErrors() const {
  for (const auto& d : diagnostics)
    if (d.severity == Severity::kError) return true;
  return false;
}

std::string NormaliseGaneshaPath(std::string_view path) {
  return NormalExportPath(path);
}

std::uint16_t GaneshaHomeExportId(std::string_view normalised_path) {
  std::uint32_t h = 2166136261u;
  for (char c : normalised_path) {
    h ^= static_cast<unsigned char>(c);
    h *= 16777619u;
  }
  return static_cast<std::uint16_t>(h % 65535u + 1u);
}

std::string GaneshaQuote(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (IsControl(c)) return "";
    if (c == '\\' || c == '"') out += '\\';
    out += c;
  }
  out += '"';
  return out;
}

GaneshaResult FormatGanesha(const std::vector<ExportsFile>& files) {
  GaneshaResult result;
  Writer writer(&result);
  for (const auto& file : files) writer.Add(file);
  writer.Finish();
  return result;
}

}  // namespace pxekit::exports
