#pragma once
// A TFTP root held in memory, for the checker's unit tests and fuzzers: the
// fake behind the BootTree seam (the real one is os/disk_tree.h).

#include <map>
#include <set>
#include <string>
#include <vector>

#include "bootcfg/boot_tree.h"

namespace pxekit {

// A tree held in memory: path -> content.
class MemoryTree : public BootTree {
 public:
  MemoryTree() = default;
  explicit MemoryTree(std::map<std::string, std::string> files)
      : files_(std::move(files)) {}

  void Add(const std::string& path, std::string content) {
    files_[path] = std::move(content);
  }
  // Marks a file as readable by its owner only.
  void MakePrivate(const std::string& path) { private_.insert(path); }

  std::vector<std::string> ListFiles() const override;
  std::vector<std::string> ListDirectory(const std::string& dir) const override;
  bool IsFile(const std::string& path) const override;
  Result<std::string> ReadFile(const std::string& path) const override;
  bool IsWorldReadable(const std::string& path) const override;

 private:
  std::map<std::string, std::string> files_;
  std::set<std::string> private_;
};

inline std::vector<std::string> MemoryTree::ListFiles() const {
  std::vector<std::string> paths;
  for (const auto& [path, content] : files_) paths.push_back(path);
  return paths;
}

inline std::vector<std::string> MemoryTree::ListDirectory(
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

inline bool MemoryTree::IsFile(const std::string& path) const {
  return files_.count(path) != 0;
}

inline Result<std::string> MemoryTree::ReadFile(const std::string& path) const {
  auto it = files_.find(path);
  if (it == files_.end()) return Fail("No such file or directory");
  return it->second;
}

inline bool MemoryTree::IsWorldReadable(const std::string& path) const {
  return private_.count(path) == 0;
}

}  // namespace pxekit
