#include "bootcfg/generate.h"

#include <fmt/format.h>

#include "bootcfg/marker.h"
#include "bootcfg/names.h"
#include "util/ascii.h"
#include "util/hex.h"
#include "util/text.h"

namespace pxekit {
namespace {

const std::string& LabelFor(const BootSpec& spec, const HostEntry* host) {
  return host && !host->label.empty() ? host->label : spec.label;
}

// "# host pc3 10.0.0.3": which host a per-client file is for, when known.
std::string HostComment(const HostEntry* host) {
  if (!host || (host->name.empty() && !host->ip)) return {};
  std::string text = "# host";
  if (!host->name.empty()) text += " " + host->name;
  if (host->ip) text += " " + host->ip->ToString();
  return text + "\n";
}

std::string MacHexRaw(const MacAddr& mac) { return ToHex(mac.bytes()); }

std::string PxelinuxBody(const BootSpec& spec, const HostEntry* host) {
  const std::string& label = LabelFor(spec, host);
  std::string out = HostComment(host);
  std::string globals;
  if (spec.menu) globals += "UI menu.c32\n";
  if (spec.prompt || spec.timeout_s)
    globals += fmt::format("PROMPT {}\n", spec.prompt ? 1 : 0);
  // TIMEOUT counts tenths, and TIMEOUT 0 waits for ever: --timeout 0 (boot
  // at once) is PROMPT 0 without a TIMEOUT line.
  if (spec.timeout_s && *spec.timeout_s > 0)
    globals += fmt::format("TIMEOUT {}\n", *spec.timeout_s * 10);
  if (!globals.empty()) out += globals + "\n";
  out += fmt::format("DEFAULT {}\nLABEL {}\n", label, label);
  if (spec.menu) out += fmt::format("MENU LABEL {}\n", label);
  out += fmt::format("KERNEL {}\n", spec.kernel);
  std::string append;
  if (!spec.initrds.empty())
    append = fmt::format("initrd={}", fmt::join(spec.initrds, ","));
  std::string args = KernelArguments(spec);
  if (!args.empty()) append += (append.empty() ? "" : " ") + args;
  if (!append.empty()) out += fmt::format("APPEND {}\n", append);
  return out;
}

std::string GrubPath(const std::string& path, GrubPathBase base) {
  if (path.starts_with("$")) return GrubQuoteVariable(path);
  if (path.starts_with("(")) return GrubQuote(path);
  std::string_view rest = path;
  while (rest.starts_with("/")) rest.remove_prefix(1);
  if (base == GrubPathBase::kRoot) return GrubQuote(fmt::format("/{}", rest));
  return GrubQuote(fmt::format("(tftp)/{}", rest));
}

std::string GrubBody(const BootSpec& spec, const HostEntry* host,
                     GrubPathBase base) {
  const std::string& label = LabelFor(spec, host);
  std::string out = HostComment(host);
  // GRUB counts seconds, as --timeout does, and timeout=0 boots at once, as
  // --timeout 0 does. GRUB without a timeout waits at its menu for ever:
  // only right when a prompt or menu was asked for, so that an unattended
  // lab boot never stops at a menu nobody sees (pxelinux's meaning).
  bool wait = spec.prompt || spec.menu;
  if (spec.timeout_s)
    out += fmt::format("set timeout={}\n", *spec.timeout_s);
  else if (!wait)
    out += "set timeout=0\n";
  if (wait) out += "set timeout_style=menu\n";
  out += fmt::format("set default={}\n\n", GrubQuote(label));
  out += fmt::format("menuentry {} --id {} {{\n", GrubQuote(label),
                     GrubQuote(label));
  out += fmt::format("\tlinux {}", GrubPath(spec.kernel, base));
  std::string args = KernelArguments(spec);
  // Split on blanks and quote each word, so that a '$' or ';' in --append
  // reaches the kernel instead of GRUB's lexer.
  std::size_t pos = 0;
  while (pos < args.size()) {
    std::size_t end = args.find(' ', pos);
    if (end == std::string::npos) end = args.size();
    if (end > pos)
      out += " " + GrubQuote(std::string_view(args).substr(pos, end - pos));
    pos = end + 1;
  }
  out += "\n";
  if (!spec.initrds.empty()) {
    out += "\tinitrd";
    for (const std::string& initrd : spec.initrds)
      out += " " + GrubPath(initrd, base);
    out += "\n";
  }
  out += "}\n";
  return out;
}

// A script label of our own that differs from the boot entry's label.
std::string OwnLabel(std::string base, const std::string& entry) {
  while (base == entry) base += "_";
  return base;
}

// Where iPXE loads a kernel or initrd from: the path as given (relative to
// the script's URI), or a URL under --http-base.
std::string IpxeFile(const std::string& path, const std::string& http_base) {
  return http_base.empty() ? path : HttpBootUrl(http_base, path);
}

// Characters RFC 3986 allows in a URL path as they are, less the quote,
// which iPXE's command line is not certain to pass through.
bool UrlPathChar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
      (c >= '0' && c <= '9'))
    return true;
  return std::string_view("-._~!$&()*+,;=:@/").find(c) !=
         std::string_view::npos;
}

// The length of the iPXE setting "${...}" at the start of TEXT, or 0.
std::size_t IpxeSettingLength(std::string_view text) {
  if (!text.starts_with("${")) return 0;
  std::size_t end = text.find('}');
  return end == std::string_view::npos ? 0 : end + 1;
}

std::string IpxeBody(const BootSpec& spec, const HostEntry* host,
                     const std::string& http_base) {
  const std::string& label = LabelFor(spec, host);
  const std::string menu = OwnLabel("menu", label);
  const std::string failed = OwnLabel("failed", label);
  std::string out = "#!ipxe\n" + HostComment(host);
  // Without a per-host script, default.ipxe goes on to its own menu (or
  // entry); the menu comes first, so that a failed chain reaches it.
  if (!host)
    out += fmt::format(
        "chain --replace --autofree mac-${{net0/mac:hexraw}}.ipxe || goto "
        "{}\n",
        spec.menu ? menu : label);
  if (spec.menu) {
    out +=
        fmt::format("\n:{}\nmenu Boot menu\nitem {} {}\n", menu, label, label);
    out += fmt::format("choose --default {}", label);
    // Milliseconds; without --timeout the menu waits for ever.
    if (spec.timeout_s)
      out += fmt::format(" --timeout {}", *spec.timeout_s * 1000);
    out += fmt::format(" target || goto {}\ngoto ${{target}}\n", label);
  }
  out += fmt::format("\n:{}\n", label);
  std::string args = KernelArguments(spec);
  out += fmt::format("kernel {}{}{} || goto {}\n",
                     IpxeFile(spec.kernel, http_base), args.empty() ? "" : " ",
                     args, failed);
  for (const std::string& initrd : spec.initrds)
    out += fmt::format("initrd {} || goto {}\n", IpxeFile(initrd, http_base),
                       failed);
  out += fmt::format("boot || goto {}\n\n", failed);
  out += fmt::format(
      ":{}\necho Booting {} failed, starting the iPXE shell\nshell\n", failed,
      label);
  return out;
}

std::string DhcpdQuote(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out + "\"";
}

}  // namespace

std::string GrubQuote(std::string_view word) {
  bool plain = !word.empty();
  for (char c : word) {
    bool special = c == ' ' || c == '\t' || c == '\'' || c == '"' ||
                   c == '\\' || c == '$' || c == ';' || c == '|' || c == '&' ||
                   c == '<' || c == '>' || c == '{' || c == '}' || c == '#' ||
                   c == '\n';
    if (special) plain = false;
  }
  if (plain) return std::string(word);
  std::string out = "'";
  for (char c : word) {
    if (c == '\'')
      out += "'\\''";
    else
      out.push_back(c);
  }
  return out + "'";
}

std::string GrubQuoteVariable(std::string_view path) {
  // GRUB's variable names: a letter or '_' then letters, digits and '_', or
  // digits (the positional ones); ${NAME} braces them.
  auto name_length = [](std::string_view s) -> std::size_t {
    auto alpha = [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    };
    auto digit = [](char c) { return c >= '0' && c <= '9'; };
    std::size_t n = 0;
    if (s.empty()) return 0;
    if (digit(s[0])) {
      while (n < s.size() && digit(s[n])) ++n;
    } else if (alpha(s[0])) {
      while (n < s.size() && (alpha(s[n]) || digit(s[n]))) ++n;
    }
    return n;
  };
  if (!path.starts_with("$")) return GrubQuote(path);
  std::size_t end = 0;  // just after the variable reference
  if (path.starts_with("${")) {
    std::size_t n = name_length(path.substr(2));
    if (n > 0 && path.size() > 2 + n && path[2 + n] == '}') end = 3 + n;
  } else {
    std::size_t n = name_length(path.substr(1));
    if (n > 0) end = 1 + n;
  }
  if (end == 0) return GrubQuote(path);
  std::string out = "\"";
  out += path.substr(0, end);
  for (char c : path.substr(end)) {
    if (c == '$' || c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out + "\"";
}

std::vector<GeneratedFile> GeneratePxelinux(
    const BootSpec& spec, const std::vector<HostEntry>& hosts) {
  std::vector<GeneratedFile> files;
  if (hosts.empty()) {
    files.push_back(
        {"pxelinux.cfg/default", AddMarker(PxelinuxBody(spec, nullptr))});
    return files;
  }
  for (const HostEntry& host : hosts)
    files.push_back({"pxelinux.cfg/" + host.mac.PxelinuxName(),
                     AddMarker(PxelinuxBody(spec, &host))});
  return files;
}

std::vector<GeneratedFile> GenerateGrub(const BootSpec& spec,
                                        const std::vector<HostEntry>& hosts,
                                        const std::string& grub_prefix,
                                        GrubPathBase path_base) {
  std::string dir = grub_prefix;
  while (!dir.empty() && dir.back() == '/') dir.pop_back();
  while (!dir.empty() && dir.front() == '/') dir.erase(0, 1);
  std::string base = dir.empty() ? "" : dir + "/";
  std::vector<GeneratedFile> files;
  if (hosts.empty()) {
    files.push_back(
        {base + "grub.cfg", AddMarker(GrubBody(spec, nullptr, path_base))});
    return files;
  }
  for (const HostEntry& host : hosts) {
    std::string content = AddMarker(GrubBody(spec, &host, path_base));
    files.push_back({base + "grub.cfg-" + host.mac.PxelinuxName(), content});
    if (host.ip)
      files.push_back({base + "grub.cfg-" + HexIp(*host.ip), content});
  }
  return files;
}

std::vector<GeneratedFile> GenerateIpxe(const BootSpec& spec,
                                        const std::vector<HostEntry>& hosts,
                                        const std::string& http_base) {
  std::vector<GeneratedFile> files;
  files.push_back(
      {"default.ipxe", AddMarker(IpxeBody(spec, nullptr, http_base))});
  for (const HostEntry& host : hosts)
    files.push_back({"mac-" + MacHexRaw(host.mac) + ".ipxe",
                     AddMarker(IpxeBody(spec, &host, http_base))});
  return files;
}

Result<std::string> ValidateHttpBase(std::string_view url) {
  constexpr std::string_view kOption = "--http-base";
  if (url.empty()) return Fail(fmt::format("{}: must not be empty", kOption));
  auto bad = [&](std::string_view why) -> Result<std::string> {
    return Fail(fmt::format("{} {}: {}", kOption, QuoteForMessage(url), why));
  };
  std::size_t colon = url.find("://");
  std::string scheme =
      AsciiLower(url.substr(0, colon == std::string_view::npos ? 0 : colon));
  if (scheme != "http" && scheme != "https")
    return bad(
        "must be an http:// or https:// URL (the server that holds the "
        "kernel and initrds)");
  std::string_view rest = url.substr(colon + 3);
  for (std::size_t i = 0; i < rest.size(); ++i) {
    char c = rest[i];
    if (std::size_t n = IpxeSettingLength(rest.substr(i)); n > 0) {
      i += n - 1;
      continue;
    }
    if (c == '?' || c == '#')
      return bad(fmt::format(
          "{} cannot appear in a base URL (file names are added to it); "
          "write it as %{:02X}",
          DescribeChar(c), static_cast<unsigned char>(c)));
    if (c == '%') {
      if (i + 2 >= rest.size() || HexDigitValue(rest[i + 1]) < 0 ||
          HexDigitValue(rest[i + 2]) < 0)
        return bad("'%' must start a %XX escape (two hex digits)");
      continue;
    }
    if (!UrlPathChar(c) && c != '[' && c != ']')
      return bad(fmt::format("{} cannot appear in a URL{}", DescribeChar(c),
                             static_cast<unsigned char>(c) > 0x20 &&
                                     static_cast<unsigned char>(c) < 0x7f
                                 ? fmt::format("; write it as %{:02X}",
                                               static_cast<unsigned char>(c))
                             : c == ' ' ? "; write a blank as %20"
                                        : ""));
  }
  std::string_view authority = rest.substr(0, rest.find('/'));
  std::string_view host = authority.substr(authority.rfind('@') + 1);
  if (!host.starts_with('[')) host = host.substr(0, host.find(':'));
  if (host.empty()) return bad("names no server (http://SERVER[:PORT]/...)");
  std::string out = scheme + "://" + std::string(rest);
  while (out.ends_with('/')) out.pop_back();
  return out + "/";
}

std::string HttpBootUrl(std::string_view base, std::string_view path) {
  if (path.find("://") != std::string_view::npos) return std::string(path);
  while (path.starts_with('/')) path.remove_prefix(1);
  std::string out(base);
  for (std::size_t i = 0; i < path.size(); ++i) {
    char c = path[i];
    if (std::size_t n = IpxeSettingLength(path.substr(i)); n > 0) {
      out.append(path.substr(i, n));
      i += n - 1;
    } else if (UrlPathChar(c)) {
      out.push_back(c);
    } else {
      out += fmt::format("%{:02X}", static_cast<unsigned char>(c));
    }
  }
  return out;
}

std::string DhcpdHostName(const HostEntry& host) {
  return host.name.empty() ? "host-" + MacHexRaw(host.mac) : host.name;
}

std::string GenerateDhcpdHosts(const std::vector<HostEntry>& hosts,
                               const DhcpdHostOptions& options) {
  std::string out;
  for (const HostEntry& host : hosts) {
    if (!out.empty()) out += "\n";
    out += fmt::format("host {} {{\n", DhcpdHostName(host));
    out += fmt::format("  hardware ethernet {};\n", host.mac);
    if (host.ip) out += fmt::format("  fixed-address {};\n", *host.ip);
    if (options.next_server)
      out += fmt::format("  next-server {};\n", *options.next_server);
    if (!options.filename.empty())
      out += fmt::format("  filename {};\n", DhcpdQuote(options.filename));
    out += "}\n";
  }
  return AddMarker(out);
}

}  // namespace pxekit
