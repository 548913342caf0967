#pragma once

#include <string>
#include <vector>

#include "cli/common_options.h"

namespace pxekit {

class Diag;

enum class ExportsCommand { kLine, kCheck, kAdd, kRemove, kGanesha };

inline constexpr const char* kDefaultExportsFile =
    "/etc/exports.d/pxekit.exports";

// The option flags of line and add, as given.
struct ExportFlags {
  bool rw = false;
  bool ro = false;
  bool root_squash = false;
  bool no_root_squash = false;
  bool all_squash = false;
  bool sync = false;
  bool async = false;
  bool subtree_check = false;
  std::string fsid;
  std::string sec;
  std::vector<std::string> options;  // --option X, in order
};

struct ExportsOptions {
  CommonOptions common;
  ExportsCommand command = ExportsCommand::kLine;

  // line, add, remove
  std::string path;
  std::vector<std::string> clients;
  ExportFlags flags;

  // check, ganesha
  std::vector<std::string> files;
  bool no_path_check = false;  // check and add
  bool strict = false;

  // add, remove
  std::string file = kDefaultExportsFile;
  bool dry_run = false;
  bool reload = false;

  bool stdin_is_tty = false;
};

// Everything after option parsing. Returns the exit status.
int RunExports(ExportsOptions& options, Diag& diag);

}  // namespace pxekit
