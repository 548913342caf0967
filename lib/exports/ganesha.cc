// PLACEHOLDER, replaced by the Ganesha writer (issue 11).
#include "exports/ganesha.h"

namespace pxekit::exports {

bool GaneshaResult::HasErrors() const {
  for (const auto& d : diagnostics)
    if (d.severity == Severity::kError) return true;
  return false;
}

GaneshaResult FormatGanesha(const std::vector<ExportsFile>&) {
  GaneshaResult result;
  Diagnostic d;
  d.message = "the Ganesha writer is not implemented yet";
  result.diagnostics.push_back(d);
  return result;
}

}  // namespace pxekit::exports
