#include <cerrno>
#include <cstdio>
#include <string>
#include <system_error>

#include <catch2/catch.hpp>

#include "cli/common_options.h"
#include "cli/diag.h"
#include "cli/exit_codes.h"
#include "cli/run_main.h"

namespace pxekit {
namespace {

// Captures what a Diag writes.
class CapturedStream {
 public:
  CapturedStream() : file_(std::tmpfile()) {}
  ~CapturedStream() { std::fclose(file_); }
  std::FILE* get() { return file_; }
  std::string Text() {
    std::fflush(file_);
    std::rewind(file_);
    std::string text;
    char buffer[256];
    while (std::size_t n = std::fread(buffer, 1, sizeof buffer, file_))
      text.append(buffer, n);
    return text;
  }

 private:
  std::FILE* file_;
};

int Parse(CLI::App& app, std::vector<const char*> argv, Diag& diag) {
  argv.insert(argv.begin(), app.get_name().c_str());
  auto status =
      ParseCommandLine(app, static_cast<int>(argv.size()), argv.data(), diag);
  return status.value_or(-1);
}

}  // namespace

TEST_CASE("Diag writes prog: message and honours verbosity", "[cli]") {
  CapturedStream stream;
  Diag diag("wakeonlan", stream.get());
  diag.Error("{}: {}", "macs.txt:3:1", "bad MAC");
  diag.Info("hidden at verbosity 0");
  diag.set_verbosity(1);
  diag.Info("shown at 1");
  diag.Debug("hidden at 1");
  diag.set_verbosity(-1);
  diag.Warn("hidden when quiet");
  diag.Error("errors always show");
  CHECK(stream.Text() ==
        "wakeonlan: macs.txt:3:1: bad MAC\n"
        "wakeonlan: shown at 1\n"
        "wakeonlan: errors always show\n");
}

TEST_CASE("RunMain maps errors to exit codes after unwinding", "[cli]") {
  CapturedStream stream;
  Diag diag("tool", stream.get());
  CHECK(RunMain(diag, [] { return 0; }) == kExitOk);
  CHECK(RunMain(diag, [] { return kExitSomeFailed; }) == kExitSomeFailed);
  CHECK(RunMain(diag, []() -> int {
          throw ToolError(kExitUnavailable, "eth9: no such interface");
        }) == kExitUnavailable);
  CHECK(RunMain(diag, []() -> int {
          throw std::system_error(EACCES, std::system_category(), "socket");
        }) == kExitNoPerm);
  CHECK(RunMain(diag, []() -> int {
          throw std::system_error(ENOMEM, std::system_category(), "mmap");
        }) == kExitOsErr);
  CHECK(RunMain(diag, []() -> int { throw std::runtime_error("bug"); }) ==
        kExitOsErr);
  std::string text = stream.Text();
  CHECK(text.find("tool: eth9: no such interface\n") != std::string::npos);
  CHECK(text.find("tool: socket: Permission denied\n") != std::string::npos);
  CHECK(text.find("tool: internal error: bug\n") != std::string::npos);
}

TEST_CASE("Errno values map to the documented exit codes", "[cli]") {
  CHECK(ExitCodeForFileErrno(ENOENT) == kExitNoInput);
  CHECK(ExitCodeForFileErrno(EACCES) == kExitNoPerm);
  CHECK(ExitCodeForFileErrno(EIO) == kExitIoErr);
  CHECK(ExitCodeForFileErrno(EFBIG) == kExitDataErr);
  CHECK(ExitCodeForSocketErrno(ENODEV) == kExitUnavailable);
  CHECK(ExitCodeForSocketErrno(EPERM) == kExitNoPerm);
  CHECK(ExitCodeForSocketErrno(EMFILE) == kExitOsErr);
}

TEST_CASE("Common options: usage errors exit 64 - help and version exit 0",
          "[cli]") {
  CapturedStream stream;
  Diag diag("tool", stream.get());
  {
    CLI::App app("test", "tool");
    CommonOptions options;
    AddCommonOptions(app, options, ShortV::kVerbose);
    CHECK(Parse(app, {"-v", "-v", "-q"}, diag) == -1);
    CHECK(options.verbose == 2);
    CHECK(options.quiet);
    CHECK(options.Verbosity() == -1);
  }
  {
    CLI::App app("test", "tool");
    CommonOptions options;
    AddCommonOptions(app, options, ShortV::kVerbose);
    CHECK(Parse(app, {"--no-such-option"}, diag) == kExitUsage);
  }
  {
    CLI::App app("test", "tool");
    CommonOptions options;
    AddCommonOptions(app, options, ShortV::kVersion);
    CHECK(Parse(app, {"--verbose", "--verbose"}, diag) == -1);
    CHECK(options.verbose == 2);
  }
  CHECK(VersionString("wakeonlan").rfind("wakeonlan (pxekit) ", 0) == 0);
  std::string text = stream.Text();
  CHECK(text.find("tool: The following argument was not expected: "
                  "--no-such-option\n") != std::string::npos);
  CHECK(text.find("tool: try 'tool --help' for more information\n") !=
        std::string::npos);
}

}  // namespace pxekit
