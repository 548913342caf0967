#include "cli/run_main.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <new>
#include <system_error>

#include <fmt/format.h>

#include "cli/diag.h"
#include "util/text.h"

namespace pxekit {

ToolError OptionValueError(std::string_view option, std::string_view value,
                           std::string_view why) {
  return ToolError(kExitUsage, fmt::format("{} {}: {}", option,
                                           QuoteForMessage(value), why));
}

int RunMain(Diag& diag, const std::function<int()>& body) {
  int status = kExitOk;
  try {
    status = body();
  } catch (const ToolError& e) {
    diag.Error("{}", e.what());
    status = e.exit_code();
  } catch (const std::system_error& e) {
    diag.Error("{}", e.what());
    status = e.code().category() == std::system_category()
                 ? ExitCodeForSocketErrno(e.code().value())
                 : kExitOsErr;
  } catch (const std::bad_alloc&) {
    diag.Error("out of memory");
    status = kExitOsErr;
  } catch (const std::exception& e) {
    diag.Error("internal error: {}", e.what());
    status = kExitOsErr;
  }
  if (std::fflush(stdout) != 0 || std::ferror(stdout)) {
    int err = errno;
    diag.Error("write error: stdout: {}",
               err != 0 ? std::strerror(err) : "I/O error");
    if (status == kExitOk) status = kExitIoErr;
  }
  return status;
}

}  // namespace pxekit
