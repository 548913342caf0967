#include "bootcfg/tftp_path.h"

#include <vector>

#include <fmt/format.h>

#include "util/text.h"

namespace pxekit {

TftpPath ResolveTftpPath(std::string_view cwd, std::string_view name) {
  TftpPath result;
  if (name.find("://") != std::string_view::npos) {
    result.kind = TftpPath::Kind::kRemote;
    return result;
  }
  std::string joined;
  if (std::size_t colons = name.find("::"); colons != std::string_view::npos) {
    if (colons != 0) {
      result.kind = TftpPath::Kind::kRemote;
      return result;
    }
    joined = std::string(name.substr(2));
  } else if (name.starts_with("/")) {
    joined = std::string(name);
  } else {
    joined = cwd.empty() ? std::string(name)
                         : std::string(cwd) + "/" + std::string(name);
  }
  result.request_length = joined.size();

  std::vector<std::string_view> parts;
  std::string_view rest = joined;
  while (!rest.empty()) {
    std::size_t slash = rest.find('/');
    std::string_view part = rest.substr(0, slash);
    rest.remove_prefix(slash == std::string_view::npos ? rest.size()
                                                       : slash + 1);
    if (part.empty() || part == ".") continue;
    if (part == "..") {
      result.has_dot_dot = true;
      // A chrooted server resolves ".." at the root to the root itself.
      if (parts.empty())
        result.escapes_root = true;
      else
        parts.pop_back();
      continue;
    }
    parts.push_back(part);
  }
  for (std::string_view part : parts) {
    if (!result.path.empty()) result.path.push_back('/');
    result.path.append(part);
  }
  return result;
}

Result<std::string> DirectoryUnderRoot(std::string_view option,
                                       std::string_view dir) {
  TftpPath path = ResolveTftpPath("", dir);
  if (path.kind != TftpPath::Kind::kLocal)
    return Fail(fmt::format(
        "{} {}: expected a directory under the TFTP root, not a URL or "
        "HOST::PATH",
        option, QuoteForMessage(dir)));
  if (path.has_dot_dot)
    return Fail(fmt::format(
        "{} {}: '..' is not allowed: the directory must stay under the TFTP "
        "root (--root)",
        option, QuoteForMessage(dir)));
  return path.path;
}

}  // namespace pxekit
