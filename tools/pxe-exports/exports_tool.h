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

// The flags that each stand for one exports(5) option without a value, in
// the order --help lists them and OptionsOf writes them.
struct ExportFlagOption {
  const char* flag;    // "--no-root-squash"
  const char* option;  // "no_root_squash"
  bool ExportFlags::*set;
  const char* help;
};
inline constexpr ExportFlagOption kExportFlagOptions[] = {
    {"--rw", "rw", &ExportFlags::rw, "Read-write (rw)"},
    {"--ro", "ro", &ExportFlags::ro, "Read-only (ro, exportfs's default)"},
    {"--root-squash", "root_squash", &ExportFlags::root_squash,
     "Map the client's root to the anonymous user (root_squash, the "
     "default)"},
    {"--no-root-squash", "no_root_squash", &ExportFlags::no_root_squash,
     "Keep the client's root as root (no_root_squash; needed for an NFS "
     "root file system)"},
    {"--all-squash", "all_squash", &ExportFlags::all_squash,
     "Map every user to the anonymous user (all_squash)"},
    {"--sync", "sync", &ExportFlags::sync,
     "Reply after data is on disk (sync, the default)"},
    {"--async", "async", &ExportFlags::async,
     "Reply before data is on disk (async: faster, loses data if the "
     "server crashes)"},
    {"--subtree-check", "subtree_check", &ExportFlags::subtree_check,
     "Check that files are inside the exported tree (subtree_check; "
     "default no_subtree_check)"},
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
