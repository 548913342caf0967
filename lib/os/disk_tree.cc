#include "os/disk_tree.h"

#include <algorithm>
#include <system_error>

#include "os/file.h"

namespace pxekit {

namespace fs = std::filesystem;

std::vector<std::string> DiskTree::ListFiles() const {
  std::vector<std::string> files;
  std::error_code ec;
  fs::recursive_directory_iterator it(
      root_, fs::directory_options::skip_permission_denied, ec);
  std::size_t seen = 0;
  for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (++seen > kMaxEntries) break;
    if (it.depth() >= kMaxDepth) it.disable_recursion_pending();
    std::error_code type_ec;
    if (!it->is_regular_file(type_ec)) continue;
    files.push_back(it->path().lexically_relative(root_).generic_string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::vector<std::string> DiskTree::ListDirectory(const std::string& dir) const {
  std::vector<std::string> names;
  std::error_code ec;
  for (fs::directory_iterator it(root_ / dir, ec);
       !ec && it != fs::directory_iterator(); it.increment(ec)) {
    names.push_back(it->path().filename().string());
    if (names.size() > kMaxEntries) break;
  }
  std::sort(names.begin(), names.end());
  return names;
}

bool DiskTree::IsFile(const std::string& path) const {
  if (path.empty()) return false;
  std::error_code ec;
  return fs::is_regular_file(root_ / path, ec);
}

bool DiskTree::IsWorldReadable(const std::string& path) const {
  std::error_code ec;
  auto status = fs::status(root_ / path, ec);
  return !ec &&
         (status.permissions() & fs::perms::others_read) != fs::perms::none;
}

Result<std::string> DiskTree::ReadFile(const std::string& path) const {
  return ReadFileContents((root_ / path).string());
}

}  // namespace pxekit
