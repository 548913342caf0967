#include "bootcfg/boot_tree.h"

namespace pxekit {

std::string ParentPath(const std::string& path) {
  std::size_t slash = path.rfind('/');
  return slash == std::string::npos ? std::string() : path.substr(0, slash);
}

std::string BaseName(const std::string& path) {
  std::size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::vector<std::string> MemoryTree::ListFiles() const {
  std::vector<std::string> paths;
  for (const auto& [path, content] : files_) paths.push_back(path);
  return paths;
}

std::vector<std::string> MemoryTree::ListDirectory(
    const std::string& dir) const {
  std::string prefix = dir.empty() ? "" : dir + "/";
  std::set<std::string> names;
  for (const auto& [path, content] : files_) {
    if (!path.starts_with(prefix)) continue;
    std::string rest = path.substr(prefix.size());
    names.insert(rest.substr(0, rest.find('/')));
  }
  return {names.begin(), names.end()};
}

bool MemoryTree::IsFile(const std::string& path) const {
  return files_.count(path) != 0;
}

Result<std::string> MemoryTree::ReadFile(const std::string& path) const {
  auto it = files_.find(path);
  if (it == files_.end()) return Fail("No such file or directory");
  return it->second;
}

bool MemoryTree::IsWorldReadable(const std::string& path) const {
  return private_.count(path) == 0;
}

}  // namespace pxekit
