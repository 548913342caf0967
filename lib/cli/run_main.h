#pragma once
// The one place where errors become exit statuses.
//
// Tool code throws ToolError (message + status) when it must stop; RunMain
// catches it after RAII has unwound, prints "prog: message", and returns the
// status. It also turns a failed write to stdout (a full disk, a closed
// pipe's EIO) into exit 74, so `wakeonlan -n > /full/disk` never claims
// success.

#include <functional>
#include <stdexcept>
#include <string>

#include "cli/exit_codes.h"

namespace pxekit {

class ToolError : public std::runtime_error {
 public:
  ToolError(int exit_code, const std::string& message)
      : std::runtime_error(message), exit_code_(exit_code) {}
  int exit_code() const { return exit_code_; }

 private:
  int exit_code_;
};

class Diag;

int RunMain(Diag& diag, const std::function<int()>& body);

}  // namespace pxekit
