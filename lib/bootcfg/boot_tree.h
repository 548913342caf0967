#pragma once
// The files under a TFTP root, as the checker and `lookup` see them. The
// seam between pure checking and the disk: tools/pxe-mkcfg reads a real
// directory, tests and fuzzers use MemoryTree. Paths are relative to the
// root, '/'-separated, without a leading '/'.

#include <map>
#include <set>
#include <string>
#include <vector>

#include "util/result.h"

namespace pxekit {

class BootTree {
 public:
  virtual ~BootTree() = default;
  // Every regular file (symlinks followed), sorted.
  virtual std::vector<std::string> ListFiles() const = 0;
  // The names in one directory ("" is the root); empty when there is none.
  virtual std::vector<std::string> ListDirectory(
      const std::string& dir) const = 0;
  virtual bool IsFile(const std::string& path) const = 0;
  virtual Result<std::string> ReadFile(const std::string& path) const = 0;
  // Readable by "other": tftpd-hpa (without -p) serves nothing else, since
  // it runs as an unprivileged user.
  virtual bool IsWorldReadable(const std::string& path) const = 0;
};

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

// "a/b/c" -> "a/b"; "c" -> "".
std::string ParentPath(const std::string& path);
// "a/b/c" -> "c".
std::string BaseName(const std::string& path);

}  // namespace pxekit
