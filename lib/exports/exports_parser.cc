#include <algorithm>
#include <array>
#include <cctype>
#include <map>
#include <optional>
#include <string_view>
#include <utility>

#include <fmt/format.h>

#include "exports/exports.h"
#include "util/ascii.h"
#include "util/ipv4.h"
#include "util/ipv6.h"
#include "util/text.h"

namespace pxekit::exports {
namespace {

enum class Value { kNone, kInteger, kFsid, kOptionalPath, kRefer, kSec, kAny };

struct Keyword {
  std::string_view name;
  Value value;
};

// support/nfs/exports.c parseopts(), nfs-utils 2.6.2.
constexpr std::array kKeywords = {
    Keyword{"ro", Value::kNone},
    Keyword{"rw", Value::kNone},
    Keyword{"secure", Value::kNone},
    Keyword{"insecure", Value::kNone},
    Keyword{"sync", Value::kNone},
    Keyword{"async", Value::kNone},
    Keyword{"hide", Value::kNone},
    Keyword{"nohide", Value::kNone},
    Keyword{"crossmnt", Value::kNone},
    Keyword{"nocrossmnt", Value::kNone},
    Keyword{"wdelay", Value::kNone},
    Keyword{"no_wdelay", Value::kNone},
    Keyword{"root_squash", Value::kNone},
    Keyword{"no_root_squash", Value::kNone},
    Keyword{"all_squash", Value::kNone},
    Keyword{"no_all_squash", Value::kNone},
    Keyword{"subtree_check", Value::kNone},
    Keyword{"no_subtree_check", Value::kNone},
    Keyword{"secure_locks", Value::kNone},
    Keyword{"insecure_locks", Value::kNone},
    Keyword{"auth_nlm", Value::kNone},
    Keyword{"no_auth_nlm", Value::kNone},
    Keyword{"acl", Value::kNone},
    Keyword{"no_acl", Value::kNone},
    Keyword{"pnfs", Value::kNone},
    Keyword{"no_pnfs", Value::kNone},
    Keyword{"security_label", Value::kNone},
    Keyword{"nordirplus", Value::kNone},
    Keyword{"anonuid", Value::kInteger},
    Keyword{"anongid", Value::kInteger},
    Keyword{"squash_uids", Value::kAny},
    Keyword{"squash_gids", Value::kAny},
    Keyword{"fsid", Value::kFsid},
    Keyword{"mountpoint", Value::kOptionalPath},
    Keyword{"mp", Value::kOptionalPath},
    Keyword{"refer", Value::kRefer},
    Keyword{"replicas", Value::kRefer},
    Keyword{"sec", Value::kSec},
};

const Keyword* FindKeyword(std::string_view name) {
  for (const auto& k : kKeywords)
    if (k.name == name) return &k;
  return nullptr;
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsHex(char c) {
  return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), IsDigit);
}

// strtoul(value, &end, 0) consuming everything: decimal, 0x hex or 0 octal.
bool IsCNumber(std::string_view s) {
  if (s.empty() || s.size() > 20) return false;
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
    return std::all_of(s.begin() + 2, s.end(), IsHex);
  if (s[0] == '0')
    return std::all_of(s.begin(), s.end(),
                       [](char c) { return c >= '0' && c <= '7'; });
  return AllDigits(s);
}

std::string CheckValue(const Keyword& k, const Option& o) {
  const std::string& v = *o.value;
  switch (k.value) {
    case Value::kNone:
      return "";
    case Value::kInteger: {
      std::string_view digits = v;
      if (!digits.empty() && digits[0] == '-') digits.remove_prefix(1);
      if (!AllDigits(digits) || digits.size() > 10 ||
          std::stoull(std::string(digits)) > 0xffffffffull)
        return fmt::format("{}={}: not a number (ids are numeric)", o.name,
                           QuoteForMessage(v));
      return "";
    }
    case Value::kFsid: {
      if (v == "root" || IsCNumber(v)) return "";
      std::size_t hex = 0;
      for (char c : v) {
        if (IsHex(c))
          ++hex;
        else if (c != '-' && c != ':')
          hex = 99;
      }
      if (hex == 32) return "";
      return fmt::format(
          "fsid={}: want a number, 'root' or a UUID of 32 hex digits",
          QuoteForMessage(v));
    }
    case Value::kOptionalPath:
      if (v.empty() || v[0] != '/')
        return fmt::format("{}={}: want an absolute path", o.name,
                           QuoteForMessage(v));
      return "";
    case Value::kRefer: {
      // path@host[+host][:path@host[+host]]...
      std::string_view rest = v;
      while (true) {
        std::string_view part = rest.substr(0, rest.find(':'));
        std::size_t at = part.find('@');
        if (at == std::string_view::npos || at == 0 || at + 1 == part.size() ||
            part[0] != '/')
          return fmt::format("{}={}: want path@host[+host][:path@host...]",
                             o.name, QuoteForMessage(v));
        if (part.size() == rest.size()) break;
        rest.remove_prefix(part.size() + 1);
      }
      return "";
    }
    case Value::kSec: {
      std::string_view rest = v;
      while (true) {
        std::string_view flavor = rest.substr(0, rest.find(':'));
        static constexpr std::array kFlavors = {
            std::string_view("sys"),  std::string_view("unix"),
            std::string_view("null"), std::string_view("none"),
            std::string_view("krb5"), std::string_view("krb5i"),
            std::string_view("krb5p")};
        if (std::find(kFlavors.begin(), kFlavors.end(), flavor) ==
            kFlavors.end())
          return fmt::format(
              "sec={}: unknown flavor {} (sys, krb5, krb5i, krb5p)",
              QuoteForMessage(v), QuoteForMessage(flavor));
        if (flavor.size() == rest.size()) break;
        rest.remove_prefix(flavor.size() + 1);
      }
      return "";
    }
    case Value::kAny:
      if (v.empty()) return fmt::format("{}= needs a value", o.name);
      return "";
  }
  return "";
}

bool IsHostChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' ||
         c == '_';
}

// Keyword pairs that contradict each other inside one option list.
struct Pair {
  std::string_view a, b;
  bool per_flavor;  // may differ between sec= sections
};
constexpr Pair kPairs[] = {
    {"ro", "rw", true},
    {"root_squash", "no_root_squash", true},
    {"all_squash", "no_all_squash", true},
    {"sync", "async", false},
    {"hide", "nohide", false},
    {"crossmnt", "nocrossmnt", false},
    {"secure", "insecure", false},
    {"wdelay", "no_wdelay", false},
    {"subtree_check", "no_subtree_check", false},
    {"secure_locks", "insecure_locks", false},
    {"auth_nlm", "no_auth_nlm", false},
    {"secure_locks", "no_auth_nlm", false},
    {"auth_nlm", "insecure_locks", false},
    {"acl", "no_acl", false},
    {"pnfs", "no_pnfs", false},
};

// One character of a logical line and where it came from.
struct Pos {
  int line = 0;
  int column = 0;
};

struct Token {
  std::string text;
  std::vector<Pos> pos;  // one per byte of text, plus one for its end
};

class LineParser {
 public:
  // `logical` and `pos` outlive the parser: ParseExports reuses them for
  // every line.
  LineParser(ExportsFile* out, const std::vector<std::string_view>& physical,
             std::string_view logical, const std::vector<Pos>& pos)
      : out_(out), physical_(physical), text_(logical), pos_(pos) {}

  // Adds an entry unless the line is blank, a comment, or has an error.
  void Run();

 private:
  void Error(Pos at, std::string message) {
    Diagnostic d;
    d.file = out_->file;
    d.line = at.line;
    d.column = at.column;
    d.message = std::move(message);
    if (at.line >= 1 && static_cast<std::size_t>(at.line) <= physical_.size())
      d.source_line = std::string(physical_[at.line - 1]);
    out_->diagnostics.push_back(std::move(d));
    failed_ = true;
  }
  Pos PosAt(std::size_t i) const {
    return i < pos_.size() ? pos_[i] : (pos_.empty() ? Pos{} : pos_.back());
  }
  // xskipcomment + xgettok: false at the end of the line or on a comment.
  bool NextToken(Token* token);
  bool ParseOptions(const Token& token, std::size_t begin, std::size_t end,
                    std::vector<Option>* out);

  ExportsFile* out_;
  const std::vector<std::string_view>& physical_;
  std::string_view text_;
  const std::vector<Pos>& pos_;
  std::size_t i_ = 0;
  bool failed_ = false;
};

bool LineParser::NextToken(Token* token) {
  while (i_ < text_.size() && IsAsciiSpace(text_[i_])) ++i_;
  if (i_ >= text_.size() || text_[i_] == '#') return false;
  token->text.clear();
  token->pos.clear();
  // At most the rest of the line, and its end: one allocation, not one per
  // doubling (a parse made ~1,600 allocations per KiB of input).
  token->text.reserve(text_.size() - i_);
  token->pos.reserve(text_.size() - i_ + 1);
  bool quoted = false;
  Pos quote_pos;
  while (i_ < text_.size() && (quoted || !IsAsciiSpace(text_[i_]))) {
    char c = text_[i_];
    Pos p = PosAt(i_);
    ++i_;
    if (c == '"') {
      quoted = !quoted;
      quote_pos = p;
      continue;
    }
    token->text.push_back(c);
    token->pos.push_back(p);
    std::string& t = token->text;
    std::size_t n = t.size();
    if (n >= 4 && t[n - 4] == '\\' && t[n - 3] >= '0' && t[n - 3] <= '7' &&
        t[n - 2] >= '0' && t[n - 2] <= '7' && t[n - 1] >= '0' &&
        t[n - 1] <= '7') {
      int value =
          (t[n - 3] - '0') * 64 + (t[n - 2] - '0') * 8 + (t[n - 1] - '0');
      if (value < 256) {
        Pos at = token->pos[n - 4];
        t.resize(n - 4);
        token->pos.resize(n - 4);
        t.push_back(static_cast<char>(value));
        token->pos.push_back(at);
      }
    }
  }
  token->pos.push_back(PosAt(i_));
  if (quoted) Error(quote_pos, "unbalanced '\"': the quote is never closed");
  // exportfs reads C strings: a NUL (raw or \000) would cut the word short.
  if (std::size_t nul = token->text.find('\0'); nul != std::string::npos)
    Error(token->pos[nul], "NUL byte (\\000) in a word");
  return true;
}

bool LineParser::ParseOptions(const Token& token, std::size_t begin,
                              std::size_t end, std::vector<Option>* out) {
  std::size_t start = begin;
  bool ok = true;
  while (true) {
    std::size_t comma = token.text.find(',', start);
    std::size_t stop = std::min(comma, end);
    std::string_view item(token.text.data() + start, stop - start);
    Pos at = token.pos[start];
    Option o;
    o.line = at.line;
    o.column = at.column;
    std::size_t eq = item.find('=');
    o.name = std::string(item.substr(0, eq));
    if (eq != std::string_view::npos)
      o.value = std::string(item.substr(eq + 1));
    if (item.empty()) {
      Error(at, "syntax error: empty option in the option list");
      ok = false;
    } else if (std::string why = CheckOption(o); !why.empty()) {
      Error(at, why);
      ok = false;
    } else {
      out->push_back(std::move(o));
    }
    if (stop == end) break;
    start = stop + 1;
  }
  return ok;
}

void LineParser::Run() {
  Token path;
  if (!NextToken(&path) || failed_) return;
  Entry entry;
  entry.path = path.text;
  entry.line = path.pos[0].line;
  entry.column = path.pos[0].column;
  if (entry.line >= 1 &&
      static_cast<std::size_t>(entry.line) <= physical_.size())
    entry.source_line = std::string(physical_[entry.line - 1]);
  if (path.text.empty() || path.text[0] != '/') {
    Error(path.pos[0],
          fmt::format("path {} is not absolute", QuoteForMessage(path.text)));
  } else if (path.text.size() > kMaxPathBytes) {
    Error(path.pos[0], fmt::format("path longer than {} bytes", kMaxPathBytes));
  }
  Token token;
  bool first = true;
  while (!failed_ && NextToken(&token)) {
    if (failed_) break;
    Pos at = token.pos[0];
    if (token.text.empty()) {
      Error(at, "syntax error: empty client name (\"\")");
      break;
    }
    if (token.text[0] == '-') {
      if (!first) {
        Error(at, "default options (-opts) must come right after the path");
        break;
      }
      // Defaults apply to each client, whose option list ends at the first
      // ')': an option that holds one could never be written there (a
      // stray ')' is also most likely a '(' left out).
      if (std::size_t close = token.text.find(')');
          close != std::string::npos) {
        Error(token.pos[close],
              "syntax error: ')' in default options: no option may hold "
              "one, a client's option list ends there");
        break;
      }
      entry.has_defaults = true;
      ParseOptions(token, 1, token.text.size(), &entry.defaults);
      first = false;
      continue;
    }
    first = false;
    Client client;
    client.line = at.line;
    client.column = at.column;
    if (at.line >= 1 && static_cast<std::size_t>(at.line) <= physical_.size())
      client.source_line = std::string(physical_[at.line - 1]);
    std::size_t open = token.text.find('(');
    client.host = token.text.substr(0, open);
    if (open != std::string::npos) {
      client.has_options = true;
      std::size_t close = token.text.find(')', open);
      if (close == std::string::npos) {
        Error(token.pos[open],
              "syntax error: bad option list: no ')' in this word (no blanks "
              "are allowed inside the parentheses)");
        break;
      }
      if (close + 1 != token.text.size()) {
        Pos after = token.pos[close + 1];
        Error(after, token.text[close + 1] == '#'
                         ? "syntax error: bad option list: a comment needs a "
                           "blank before '#'"
                         : "syntax error: bad option list: text after ')'");
        break;
      }
      if (open == 0) {
        Error(at, fmt::format(
                      "blank before '(': exportfs reads {} as a separate "
                      "client with no host name and exports {} to the whole "
                      "world (*) with these options; write host{} without "
                      "the blank",
                      QuoteForMessage(token.text), QuoteForMessage(entry.path),
                      token.text));
        break;
      }
      if (close > open + 1 &&
          !ParseOptions(token, open + 1, close, &client.options))
        break;
    }
    if (std::string why = ClassifyClient(client.host, &client.form);
        !why.empty()) {
      Error(at, why);
      break;
    }
    entry.clients.push_back(std::move(client));
  }
  if (failed_) return;
  if (entry.clients.empty()) {
    Error(path.pos[0],
          fmt::format("no client for {}: exportfs would export it to the "
                      "whole world (*); name the hosts or networks",
                      QuoteForMessage(entry.path)));
    return;
  }
  out_->entries.push_back(std::move(entry));
}

}  // namespace

bool IsExportsDirName(std::string_view name) {
  constexpr std::string_view kSuffix = ".exports";
  return name.size() > kSuffix.size() && name[0] != '.' &&
         name.ends_with(kSuffix);
}

std::string Option::Text() const { return value ? name + "=" + *value : name; }

bool ExportsFile::HasErrors() const {
  return std::any_of(
      diagnostics.begin(), diagnostics.end(),
      [](const Diagnostic& d) { return d.severity == Severity::kError; });
}

std::string Diagnostic::Format() const {
  return FormatSourceMessage(
      file, line, column,
      severity == Severity::kWarning ? "warning: " + message : message,
      source_line);
}

std::string CheckOption(const Option& option) {
  const Keyword* k = FindKeyword(option.name);
  if (k == nullptr) {
    for (const auto& known : kKeywords)
      if (EqualsIgnoreAsciiCase(known.name, option.name))
        return fmt::format(
            "unknown keyword {} (keywords are case-sensitive: {})",
            QuoteForMessage(option.name), known.name);
    return fmt::format("unknown keyword {}", QuoteForMessage(option.name));
  }
  if (k->value == Value::kNone && option.value)
    return fmt::format("option {} takes no value", option.name);
  if (!option.value) {
    if (k->value == Value::kNone || k->value == Value::kOptionalPath) return "";
    return fmt::format("option {} needs a value: {}=...", option.name,
                       option.name);
  }
  return CheckValue(*k, option);
}

std::string ParseOptionList(std::string_view text, std::vector<Option>* out) {
  std::size_t start = 0;
  while (true) {
    std::size_t comma = text.find(',', start);
    std::string_view item = text.substr(start, comma - start);
    if (item.empty()) return "empty option in the option list";
    Option o;
    std::size_t eq = item.find('=');
    o.name = std::string(item.substr(0, eq));
    if (eq != std::string_view::npos)
      o.value = std::string(item.substr(eq + 1));
    if (std::string why = CheckOption(o); !why.empty()) return why;
    out->push_back(std::move(o));
    if (comma == std::string_view::npos) return "";
    start = comma + 1;
  }
}

std::string ClassifyClient(std::string_view host, ClientForm* out) {
  *out = ClientForm{};
  std::string quoted = QuoteForMessage(host);
  if (host.empty()) return "empty client name";
  if (host == "*") {
    out->kind = ClientKind::kWorld;
    return "";
  }
  if (host[0] == '@') {
    out->kind = ClientKind::kNetgroup;
    if (host.size() == 1) return "empty netgroup name after '@'";
    if (!std::all_of(host.begin() + 1, host.end(), IsHostChar))
      return fmt::format("client {}: not a netgroup name", quoted);
    return "";
  }
  if (host.substr(0, 4) == "gss/") {
    out->kind = ClientKind::kGss;
    std::string_view flavor = host.substr(4);
    if (flavor == "krb5" || flavor == "krb5i" || flavor == "krb5p") return "";
    return fmt::format(
        "client {}: unknown flavor (gss/krb5, gss/krb5i, "
        "gss/krb5p; better sec=krb5...)",
        quoted);
  }
  if (host[0] == '[')
    return fmt::format(
        "client {}: IPv6 addresses are written without brackets in exports "
        "(this never matches a host)",
        quoted);
  if (std::size_t slash = host.find('/'); slash != std::string_view::npos) {
    std::string_view addr = host.substr(0, slash);
    std::string_view len = host.substr(slash + 1);
    if (addr.find(':') != std::string_view::npos) {
      out->kind = ClientKind::kNetwork6;
      if (!IsIpv6Address(addr))
        return fmt::format("client {}: not an IPv6 network address", quoted);
      if (!AllDigits(len) || len.size() > 3 ||
          std::stoi(std::string(len)) > 128)
        return fmt::format("client {}: want a prefix length 0-128", quoted);
      out->prefix_len = std::stoi(std::string(len));
      return "";
    }
    out->kind = ClientKind::kNetwork4;
    if (!Ipv4Addr::Parse(addr).ok())
      return fmt::format(
          "client {}: not an IPv4 network address (no wildcards or names "
          "before '/')",
          quoted);
    if (AllDigits(len) && len.size() <= 2 &&
        std::stoi(std::string(len)) <= 32) {
      out->prefix_len = std::stoi(std::string(len));
      return "";
    }
    auto mask = Ipv4Prefix::NetmaskToLength(len);
    if (!Ipv4Addr::Parse(len).ok() || !mask.ok())
      return fmt::format(
          "client {}: want a prefix length 0-32 or a contiguous netmask",
          quoted);
    out->prefix_len = *mask;
    return "";
  }
  if (host.find(':') != std::string_view::npos) {
    out->kind = ClientKind::kIpv6;
    if (!IsIpv6Address(host))
      return fmt::format("client {}: not an IPv6 address", quoted);
    return "";
  }
  if (host.find_first_of("*?[") != std::string_view::npos) {
    out->kind = ClientKind::kWildcard;
    bool ip_like = std::all_of(host.begin(), host.end(), [](char c) {
      return IsDigit(c) || c == '.' || c == '*' || c == '?' || c == '[' ||
             c == ']' || c == '-';
    });
    if (ip_like)
      return fmt::format(
          "client {}: wildcards match host names, never IP addresses; use a "
          "network such as 10.0.0.0/24",
          quoted);
    bool ok = std::all_of(host.begin(), host.end(), [](char c) {
      return IsHostChar(c) || c == '*' || c == '?' || c == '[' || c == ']' ||
             c == '!' || c == '^';
    });
    if (!ok) return fmt::format("client {}: not a host name pattern", quoted);
    return "";
  }
  if (IsIpv4Shaped(host)) {
    out->kind = ClientKind::kIpv4;
    if (!Ipv4Addr::Parse(host).ok())
      return fmt::format("client {}: not an IPv4 address", quoted);
    return "";
  }
  out->kind = ClientKind::kHost;
  if (!std::all_of(host.begin(), host.end(), IsHostChar) || host[0] == '-' ||
      host[0] == '.')
    return fmt::format("client {}: not a host name", quoted);
  return "";
}

std::vector<Contradiction> FindContradictions(const std::vector<Option>& list) {
  std::vector<Contradiction> out;
  // name -> where it was set; per-flavor keywords reset at each sec=.
  std::map<std::string, std::size_t> seen;
  std::optional<std::size_t> fsid;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const Option& o = list[i];
    if (o.name == "sec") {
      for (const auto& p : kPairs)
        if (p.per_flavor) {
          seen.erase(std::string(p.a));
          seen.erase(std::string(p.b));
        }
      continue;
    }
    if (o.name == "fsid") {
      if (fsid && !(list[*fsid] == o))
        out.push_back({i, fmt::format("two fsids in one option list: {} and {}",
                                      list[*fsid].Text(), o.Text())});
      fsid = i;
      continue;
    }
    for (const auto& p : kPairs) {
      std::string_view other;
      if (o.name == p.a) other = p.b;
      if (o.name == p.b) other = p.a;
      if (other.empty()) continue;
      if (seen.count(std::string(other)))
        out.push_back({i, fmt::format("{} contradicts {} in the same option "
                                      "list",
                                      o.name, other)});
    }
    seen[o.name] = i;
  }
  return out;
}

std::vector<Option> EffectiveOptions(const Entry& entry, const Client& client) {
  std::vector<Option> all = entry.defaults;
  all.insert(all.end(), client.options.begin(), client.options.end());
  return all;
}

ExportsFile ParseExports(std::string_view text, std::string file) {
  ExportsFile out;
  out.file = std::move(file);
  text = SkipUtf8Bom(text);
  std::vector<std::string_view> physical;
  {
    std::string_view rest = text;
    while (!rest.empty()) physical.push_back(TakeLine(rest));
  }
  std::size_t n = 0;
  std::string logical;
  std::vector<Pos> pos;
  while (n < physical.size()) {
    // One logical line: backslash-newline becomes one blank and the next
    // line's leading blanks are skipped (xio.c xgetc).
    logical.clear();
    pos.clear();
    bool too_long = false;
    int first_line = static_cast<int>(n) + 1;
    bool skip_blanks = false;
    while (n < physical.size()) {
      std::string_view line = physical[n];
      int line_no = static_cast<int>(n) + 1;
      ++n;
      std::size_t k = 0;
      if (skip_blanks)
        while (k < line.size() && (line[k] == ' ' || line[k] == '\t')) ++k;
      bool continued = !line.empty() && line.back() == '\\';
      std::size_t end = continued ? line.size() - 1 : line.size();
      if (logical.size() + (end - k) + 1 > kMaxLogicalLine) too_long = true;
      if (!too_long) {
        for (; k < end; ++k) {
          logical.push_back(line[k]);
          pos.push_back(Pos{line_no, static_cast<int>(k) + 1});
        }
        if (continued) {
          logical.push_back(' ');
          pos.push_back(Pos{line_no, static_cast<int>(end) + 1});
        }
      }
      if (!continued) break;
      skip_blanks = true;
    }
    pos.push_back(pos.empty() ? Pos{first_line, 1}
                              : Pos{pos.back().line, pos.back().column + 1});
    if (too_long) {
      Diagnostic d;
      d.file = out.file;
      d.line = first_line;
      d.column = 1;
      d.message = fmt::format("line longer than {} bytes", kMaxLogicalLine);
      out.diagnostics.push_back(std::move(d));
      continue;
    }
    if (out.entries.size() >= kMaxEntries) {
      std::string_view t = TrimAsciiSpace(logical);
      if (!t.empty() && t[0] != '#') {
        Diagnostic d;
        d.file = out.file;
        d.line = first_line;
        d.column = 1;
        d.message = fmt::format("more than {} exports; the rest is not read",
                                kMaxEntries);
        out.diagnostics.push_back(std::move(d));
        break;
      }
      continue;
    }
    LineParser(&out, physical, logical, pos).Run();
  }
  if (out.diagnostics.size() > kMaxDiagnostics) {
    std::size_t extra = out.diagnostics.size() - kMaxDiagnostics;
    out.diagnostics.resize(kMaxDiagnostics);
    Diagnostic d;
    d.file = out.file;
    d.message = fmt::format("{} more errors not shown", extra);
    out.diagnostics.push_back(std::move(d));
  }
  return out;
}

std::string NormalExportPath(std::string_view path) {
  std::string out;
  for (char c : path) {
    if (c == '/' && !out.empty() && out.back() == '/') continue;
    out.push_back(c);
  }
  while (out.size() > 1 && out.back() == '/') out.pop_back();
  return out;
}

}  // namespace pxekit::exports
