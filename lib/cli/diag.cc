#include "cli/diag.h"

#include "cli/output.h"

namespace pxekit {

void Diag::Emit(std::string_view message) {
  WriteText(stream_, fmt::format("{}: {}\n", prog_, message));
  std::fflush(stream_);
}

}  // namespace pxekit
