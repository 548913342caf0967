#pragma once
// Policy over parsed exports files: contradictions, the risky combinations of
// the reference (no_root_squash or rw to the world), duplicates across files,
// two fsid=0 roots, and paths that are missing. Pure: the file system is
// reached only through the injected PathProbe.

#include <functional>
#include <string>
#include <vector>

#include "exports/exports.h"

namespace pxekit::exports {

enum class PathKind { kMissing, kDirectory, kOther };
using PathProbe = std::function<PathKind(const std::string& path)>;

struct CheckOptions {
  bool check_paths = true;
  PathProbe probe;  // required when check_paths
  // IPv4 networks with a prefix this short or shorter (and IPv6 networks
  // shorter than /48) count as "wider than a site".
  int wide_ipv4_prefix = 16;
  int wide_ipv6_prefix = 47;
};

// The parse diagnostics of every file, then the checker's, in file order
// (files in the order given, then by line). Duplicates and fsid clashes are
// looked for across all files, as exportfs reads them as one table.
std::vector<Diagnostic> CheckExports(const std::vector<ExportsFile>& files,
                                     const CheckOptions& options);

bool HasErrors(const std::vector<Diagnostic>& diagnostics);

}  // namespace pxekit::exports
