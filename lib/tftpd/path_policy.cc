#include "tftpd/path_policy.h"

#include <vector>

namespace pxekit::tftp {
namespace {

PathDecision Refuse(ErrorCode code, std::string reason) {
  PathDecision decision;
  decision.error = code;
  decision.reason = std::move(reason);
  return decision;
}

bool IsLetter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// ROOT without trailing slashes ("/" stays "/").
std::string_view TrimRoot(std::string_view root) {
  while (root.size() > 1 && root.back() == '/') root.remove_suffix(1);
  return root;
}

}  // namespace

PathDecision ConfinePath(std::string_view name, std::string_view root) {
  if (name.empty())
    return Refuse(ErrorCode::kIllegalOperation, "empty file name");
  for (char c : name) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f)
      return Refuse(ErrorCode::kAccessViolation,
                    "control character in file name");
  }
  if (name.find('\\') != std::string_view::npos)
    return Refuse(ErrorCode::kAccessViolation,
                  "backslash in file name (add a remap rule: rg \\\\ /)");
  if (name.size() >= 2 && IsLetter(name[0]) && name[1] == ':')
    return Refuse(ErrorCode::kAccessViolation,
                  "drive letter in file name (add a remap rule: ri ^[a-z]:)");

  PathDecision decision;
  std::string_view rest = name;
  root = TrimRoot(root);
  if (rest.front() == '/') {
    decision.absolute = true;
    if (root.size() > 1 && rest.substr(0, root.size()) == root &&
        (rest.size() == root.size() || rest[root.size()] == '/')) {
      rest.remove_prefix(root.size());
      decision.absolute = false;
      decision.had_root_prefix = true;
    }
  }
  std::vector<std::string_view> parts;
  while (!rest.empty()) {
    std::size_t slash = rest.find('/');
    std::string_view part = rest.substr(0, slash);
    rest = slash == std::string_view::npos ? std::string_view()
                                           : rest.substr(slash + 1);
    if (part.empty() || part == ".") continue;
    if (part == "..")
      return Refuse(ErrorCode::kAccessViolation, "'..' in file name");
    parts.push_back(part);
  }
  if (parts.empty())
    return Refuse(ErrorCode::kAccessViolation, "names a directory");
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) decision.relative.push_back('/');
    decision.relative.append(parts[i]);
  }
  decision.ok = true;
  return decision;
}

}  // namespace pxekit::tftp
