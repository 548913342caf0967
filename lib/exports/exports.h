#pragma once
// exports(5) as nfs-utils 2.6.2 reads it (support/nfs/exports.c, xio.c):
// tokens split on blanks, "..." quoting, \ooo octal escapes, backslash-newline
// continuation, '#' comments only between tokens, per-line default options
// ("-ro,sync") and client[(options)] tokens. Pure codec: text in, entries and
// diagnostics out; never throws, never touches the file system.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pxekit::exports {

enum class Severity { kError, kWarning };

struct Diagnostic {
  std::string file;
  int line = 0;    // 1-based physical line; 0 when about the whole file
  int column = 0;  // 1-based byte column on that line
  Severity severity = Severity::kError;
  std::string message;
  std::string source_line;  // the physical line, for the caret

  // "file:line:col: [warning: ]message", then the line and a caret
  // (the dhcpd.conf formatter, ConfError::Format).
  std::string Format() const;
};

struct Option {
  std::string name;                  // keyword as written: "rw", "fsid"
  std::optional<std::string> value;  // after '=', when given
  int line = 0;
  int column = 0;
  std::string Text() const;  // "fsid=0"
  friend bool operator==(const Option& a, const Option& b) {
    return a.name == b.name && a.value == b.value;
  }
};

enum class ClientKind {
  kHost,      // host name or FQDN
  kIpv4,      // single IPv4 address
  kIpv6,      // single IPv6 address (no brackets)
  kNetwork4,  // a.b.c.d/len or a.b.c.d/mask
  kNetwork6,  // addr6/len
  kWildcard,  // name with * ? [..]
  kNetgroup,  // @group
  kWorld,     // * alone
  kGss,       // gss/krb5, gss/krb5i, gss/krb5p (deprecated)
};

struct ClientForm {
  ClientKind kind = ClientKind::kHost;
  int prefix_len = -1;  // networks only
};

struct Client {
  std::string host;  // decoded, without "(...)"
  ClientForm form;
  bool has_options = false;     // "(...)" was written
  std::vector<Option> options;  // its own options, in order
  int line = 0;
  int column = 0;
  std::string source_line;  // its physical line (continuations differ)
};

struct Entry {
  std::string path;  // decoded (quotes removed, \ooo decoded)
  bool has_defaults = false;
  std::vector<Option> defaults;  // "-ro,sync" after the path
  std::vector<Client> clients;
  int line = 0;
  int column = 0;
  std::string source_line;
};

struct ExportsFile {
  std::string file;
  // Entries whose line parsed without error (exportfs drops a bad line).
  std::vector<Entry> entries;
  std::vector<Diagnostic> diagnostics;
  bool HasErrors() const;
};

inline constexpr std::size_t kMaxLogicalLine = 64 * 1024;  // bytes
inline constexpr std::size_t kMaxEntries = 10000;
inline constexpr std::size_t kMaxPathBytes = 4095;  // PATH_MAX - 1
inline constexpr std::size_t kMaxDiagnostics = 200;

// Never throws. Bounds: a logical line longer than kMaxLogicalLine is an
// error and skipped; after kMaxEntries entries the rest is an error; at most
// kMaxDiagnostics diagnostics, then one that counts the rest.
ExportsFile ParseExports(std::string_view text, std::string file);

// The path without repeated or trailing slashes: "/srv/a/" and "/srv//a"
// name one directory, as realpath() makes them.
std::string NormalExportPath(std::string_view path);

// Whether exportfs reads `name` inside /etc/exports.d: it must end in
// ".exports" and not start with '.'; any other file there is silently
// ignored, which the tool should report.
bool IsExportsDirName(std::string_view name);

// One "name[=value]" option: empty when valid, else the reason (keywords are
// case-sensitive; values checked as nfs-utils does).
std::string CheckOption(const Option& option);
// Splits "a,b=c" into options; empty when valid, else the reason.
std::string ParseOptionList(std::string_view text, std::vector<Option>* out);
// The form of a client name; empty when valid, else the reason.
std::string ClassifyClient(std::string_view host, ClientForm* out);

// Keywords that contradict each other inside one option list (ro with rw,
// sync with async, two different fsids, ...). ro/rw and the squash options
// may differ between sec= sections. `index` is the later option.
struct Contradiction {
  std::size_t index = 0;
  std::string message;
};
std::vector<Contradiction> FindContradictions(const std::vector<Option>& list);

// The options exportfs applies to `client`, in order: the line's defaults,
// then its own (a later keyword overrides an earlier one).
std::vector<Option> EffectiveOptions(const Entry& entry, const Client& client);

}  // namespace pxekit::exports
