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
#include <string_view>

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

// The usage error (exit 64) for a value an option or argument cannot take,
// in the one form the programs use: "--uuid 'x': why", "PATH 'x': why" (the
// value quoted as QuoteForMessage does).
ToolError OptionValueError(std::string_view option, std::string_view value,
                           std::string_view why);

class Diag;

int RunMain(Diag& diag, const std::function<int()>& body);

}  // namespace pxekit
