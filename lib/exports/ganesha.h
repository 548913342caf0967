#pragma once
// NFS-Ganesha EXPORT blocks from parsed exports(5) files, so that one
// exports file drives knfsd or Ganesha (issue 11, exports.md). Pure: entries
// in, config text out; an option Ganesha cannot express is an error naming
// it (file:line:col), never a silent drop.

#include <string>
#include <vector>

#include "exports/exports.h"

namespace pxekit::exports {

struct GaneshaResult {
  std::string config;                    // the EXPORT blocks, when no errors
  std::vector<Diagnostic> diagnostics;   // errors (and warnings)
  bool HasErrors() const;
};

// Export_Id is stable for a path (the same path always gets the same id,
// whatever else is in the files); Pseudo is the path unless fsid=0/root
// makes it the NFSv4 pseudo root.
GaneshaResult FormatGanesha(const std::vector<ExportsFile>& files);

}  // namespace pxekit::exports
