#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <string>
#include <system_error>
#include <vector>

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
  CHECK(ExitCodeForSocketErrno(EADDRINUSE) == kExitUnavailable);
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
  CHECK(text.find("tool: unknown option --no-such-option\n") !=
        std::string::npos);
  CHECK(text.find("tool: try 'tool --help' for more information\n") !=
        std::string::npos);
}

namespace {

// A program with the kinds of options pxekit's programs have, parsed the way
// they parse: the first stderr line and the status.
struct Outcome {
  int status;
  std::string message;  // first line on stderr, "" if none
};

struct Sample {
  std::string ip;
  std::vector<std::string> interfaces;
  std::uint16_t port = 9;
  int count = 1;
  unsigned long lease = 0;
  std::vector<int> ids;
  std::string label;
  std::vector<std::string> macs;
  std::string root;
  bool dry_run = false;
  bool sub_ran = false;
};

Outcome RunSample(std::vector<const char*> argv, Sample& sample) {
  CapturedStream stream;
  Diag diag("tool", stream.get());
  CLI::App app("test", "tool");
  CommonOptions common;
  AddCommonOptions(app, common, ShortV::kVerbose);
  app.add_option("-i,--ip", sample.ip, "")->type_name("IP");
  AddRepeatable(app, "-I,--interface", sample.interfaces, "", "IF");
  app.add_option("-p,--port", sample.port, "")->type_name("PORT");
  AddNumber(app, "-c,--count", sample.count, "", "N", 1, 100);
  app.add_option("--lease", sample.lease, "")->type_name("S");
  app.add_option("--id", sample.ids, "")->allow_extra_args(false);
  app.add_flag("-n,--dry-run", sample.dry_run, "");
  app.add_option("MAC", sample.macs, "");
  auto* sub = app.add_subcommand("write", "");
  sub->add_option("--root", sample.root, "")->type_name("DIR");
  sub->add_option("--label", sample.label, "")->required();
  sub->callback([&sample] { sample.sub_ran = true; });
  int status = Parse(app, std::move(argv), diag);
  std::string text = stream.Text();
  return {status, text.substr(0, text.find('\n'))};
}

Outcome RunSample(std::vector<const char*> argv) {
  Sample sample;
  return RunSample(std::move(argv), sample);
}

// A command line and the first line it must put on stderr.
struct MessageRow {
  std::vector<const char*> argv;
  const char* message;
};

// Runs each row on a fresh Sample; a failure names the row's command line.
void CheckMessages(std::initializer_list<MessageRow> rows) {
  for (const MessageRow& row : rows) {
    std::string command_line = "tool";
    for (const char* arg : row.argv)
      command_line += std::string(" '") + arg + "'";
    INFO(command_line);
    CHECK(RunSample(row.argv).message == row.message);
  }
}

}  // namespace

TEST_CASE("An empty value is a usage error for every option", "[cli]") {
  CheckMessages({
      {{"-i", "", "aa"}, "tool: --ip: empty value"},
      {{"--ip", ""}, "tool: --ip: empty value"},
      {{"--ip=", "aa"}, "tool: --ip: empty value"},
      {{"-I", "lo", "-I", ""}, "tool: --interface: empty value"},
      {{"--interface="}, "tool: --interface: empty value"},
      // Before CLI::Range could call it out of range.
      {{"-c", ""}, "tool: --count: empty value"},
      {{"-p", ""}, "tool: --port: empty value"},
      {{"aa", ""}, "tool: MAC: empty value"},
      {{"write", "--label", "x", "--root", ""}, "tool: --root: empty value"},
      {{"write", "--label=", "--root", "x"}, "tool: --label: empty value"},
  });
  Outcome outcome = RunSample({"write", "--label", ""});
  CHECK(outcome.status == kExitUsage);
  CHECK(outcome.message == "tool: --label: empty value");

  // "--x=" for something that is no option is left to the unknown-option
  // message; after "--" it is a positional.
  CHECK(RunSample({"--bogus="}).message == "tool: unknown option --bogus");
  Sample after;
  CHECK(RunSample({"--", "--ip="}, after).status == -1);
  CHECK(after.macs == std::vector<std::string>{"--ip="});
  // Non-empty values go through.
  Sample fine;
  CHECK(RunSample({"-n", "--ip=10.0.0.2", "aa"}, fine).status == -1);
  CHECK(fine.ip == "10.0.0.2");
}

TEST_CASE("Integer options take decimal numbers only", "[cli]") {
  CheckMessages({
      {{"-p", "0x10"}, "tool: --port: '0x10' is not a decimal number"},
      {{"-p", "010"},
       "tool: --port: '010' is not a decimal number (no leading zeros)"},
      {{"-p", "+9"}, "tool: --port: '+9' is not a decimal number"},
      {{"-p", "9x"}, "tool: --port: '9x' is not a number"},
      {{"-p", "08"},
       "tool: --port: '08' is not a decimal number (no leading zeros)"},
      {{"-c", "0x2"}, "tool: --count: '0x2' is not a decimal number"},
      {{"-c", "two"}, "tool: --count: 'two' is not a number"},
      {{"-c", "101"}, "tool: --count: '101' is not in 1-100"},
      {{"--lease", "0X1f"}, "tool: --lease: '0X1f' is not a decimal number"},
      {{"--id", "1", "--id", "0x2"},
       "tool: --id: '0x2' is not a decimal number"},
  });
  CHECK(RunSample({"-p", "0x10"}).status == kExitUsage);
  CheckMessages({
      // An unsigned option without a range check: CLI11 alone makes -5
      // 2^64-5.
      {{"--lease", "-5"}, "tool: --lease: '-5' is negative"},
      // uint16_t without a range check: CLI11 refuses what does not fit.
      {{"-p", "70000"}, "tool: --port: '70000' is out of range"},
      {{"-p", "-1"}, "tool: --port: '-1' is out of range"},
  });

  Sample sample;
  CHECK(RunSample({"-p", "16", "-c", "0", "--lease", "0"}, sample).status ==
        kExitUsage);
  Sample fine;
  CHECK(RunSample({"-p", "16", "-c", "10", "--lease", "86400", "--id", "0",
                   "--id", "-3"},
                  fine)
            .status == -1);
  CHECK(fine.port == 16);
  CHECK(fine.lease == 86400);
  CHECK(fine.ids == std::vector<int>{0, -3});
  // A string option keeps what looks like a number as it is.
  Sample text;
  CHECK(RunSample({"-i", "0x10", "0x10", "write", "--label", "010"}, text)
            .status == -1);
  CHECK(text.ip == "0x10");
  CHECK(text.label == "010");
  CHECK(text.macs == std::vector<std::string>{"0x10"});
}

TEST_CASE("A repeatable option takes one value per flag", "[cli]") {
  Sample sample;
  CHECK(
      RunSample({"-I", "eth0", "--interface", "eth1", "--interface=eth2", "aa"},
                sample)
          .status == -1);
  CHECK(sample.interfaces == std::vector<std::string>{"eth0", "eth1", "eth2"});
  // The word after the value is not the option's: here it is a MAC.
  CHECK(sample.macs == std::vector<std::string>{"aa"});
  Sample next;
  CHECK(RunSample({"-I", "eth0", "bb", "cc"}, next).status == -1);
  CHECK(next.interfaces == std::vector<std::string>{"eth0"});
  CHECK(next.macs == std::vector<std::string>{"bb", "cc"});
}

TEST_CASE("A number option: its range is checked and its help says TYPE only",
          "[cli]") {
  CHECK(RunSample({"-c", "0"}).message == "tool: --count: '0' is not in 1-100");
  CHECK(RunSample({"-c", "101"}).status == kExitUsage);
  Sample edges;
  CHECK(RunSample({"-c", "100"}, edges).status == -1);
  CHECK(edges.count == 100);
  CHECK(RunSample({"-c", "1"}, edges).status == -1);
  CHECK(edges.count == 1);

  CLI::App app("test", "tool");
  int count = 0;
  std::vector<std::string> interfaces;
  std::string root;
  unsigned port = 0;
  AddNumber(app, "-c,--count", count, "Send N times", "N", 1, 100);
  AddRepeatable(app, "-I", interfaces, "Interface", "IF");
  // AddValue: any one value, named by what it takes, not CLI11's TEXT/UINT.
  AddValue(app, "-r,--root", root, "the root", "DIR");
  AddValue(app, "--port", port, "the port", "PORT");
  std::string help = app.help();
  CHECK(help.find("-c,--count N") != std::string::npos);
  CHECK(help.find("-I IF") != std::string::npos);
  CHECK(help.find("-r,--root DIR") != std::string::npos);
  CHECK(help.find("--port PORT") != std::string::npos);
  CHECK(help.find("1 - 100") == std::string::npos);
  CHECK(help.find("INT") == std::string::npos);
  CHECK(help.find("TEXT") == std::string::npos);
  CHECK_NOTHROW(
      app.parse(std::vector<std::string>{"69", "--port", "/srv", "--root"}));
  CHECK(root == "/srv");
  CHECK(port == 69);
}

namespace {

// A program of subcommands as pxe-mkcfg sets one up, its stderr captured.
struct SubcommandTool {
  CapturedStream stream;
  Diag diag{"tool", stream.get()};
  CLI::App app{"test", "tool"};
  CommonOptions common;
  SubcommandTool() {
    AddCommonOptions(app, common, ShortV::kVerbose);
    AllowOneSubcommand(app);
  }
};

}  // namespace

TEST_CASE("A usage error points at the --help that shows the option", "[cli]") {
  // The last stderr line for each command line: a subcommand's options are
  // in its own --help, not in the program's.
  auto hint = [](std::vector<const char*> argv) {
    SubcommandTool tool;
    CLI::App& app = tool.app;
    std::string label;
    std::string root;
    std::vector<std::string> files;
    CLI::App* write = app.add_subcommand("write", "");
    write->add_option("--label", label, "")->required();
    write->add_option("FILE", files, "");
    app.add_subcommand("check", "")->add_option("--root", root, "");
    write->add_option("--root", root, "");
    CHECK(Parse(app, std::move(argv), tool.diag) == kExitUsage);
    std::string text = tool.stream.Text();
    std::size_t last = text.rfind('\n', text.size() - 2);
    return text.substr(last == std::string::npos ? 0 : last + 1);
  };
  const std::string program = "tool: try 'tool --help' for more information\n";
  const std::string write =
      "tool: try 'tool write --help' for more information\n";
  CHECK(hint({"--bogus"}) == program);
  CHECK(hint({"frob"}) == program);
  CHECK(hint({"write"}) == write);  // --label is required
  CHECK(hint({"write", "--frob"}) == write);
  CHECK(hint({"write", "--label", "x", ""}) == write);  // FILE: empty value
  CHECK(hint({"-v", "write", "--label="}) == write);
  CHECK(hint({"check", "--root="}) ==
        "tool: try 'tool check --help' for more information\n");
  // Two subcommands take --root: the one given is named.
  CHECK(hint({"write", "--label", "x", "--root="}) == write);
  CHECK(hint({"--label=", "write"}) == program);  // before any subcommand
  CHECK(hint({"check", "--root"}) ==
        "tool: try 'tool check --help' for more information\n");
}

TEST_CASE("A subcommand sets the command the program runs", "[cli]") {
  enum class Command { kNone, kWrite, kCheck };
  auto run = [](std::vector<const char*> argv) {
    SubcommandTool tool;
    Command command = Command::kNone;
    AddCommand(tool.app, "write", "", command, Command::kWrite);
    AddCommand(tool.app, "check", "", command, Command::kCheck);
    int status = Parse(tool.app, std::move(argv), tool.diag);
    return std::pair(status, command);
  };
  CHECK(run({"check"}) == std::pair(-1, Command::kCheck));
  CHECK(run({"-v", "write", "-q"}) == std::pair(-1, Command::kWrite));
  CHECK(run({}) == std::pair(-1, Command::kNone));
  CHECK(run({"frob"}).first == kExitUsage);
}

TEST_CASE("Option parser errors read 'what: why'", "[cli]") {
  CheckMessages({
      {{"--bogus"}, "tool: unknown option --bogus"},
      {{"--bogus=3"}, "tool: unknown option --bogus"},
      {{"-Z"}, "tool: unknown option -Z"},
      {{"-i"}, "tool: --ip: no value given"},
      {{"write", "--label", "x", "extra"}, "tool: unexpected argument 'extra'"},
      // The unknown option, not what follows from it (--label missing).
      {{"write", "--frob"}, "tool: unknown option --frob"},
      {{"write"}, "tool: --label is required"},
      {{"--bogus\x1b[2J"}, "tool: unknown option '--bogus\\x1b[2J'"},
  });

  CapturedStream stream;
  Diag diag("tool", stream.get());
  CLI::App app("test", "tool");
  CommonOptions common;
  AddCommonOptions(app, common, ShortV::kVerbose);
  app.add_subcommand("pxelinux", "");
  app.add_subcommand("grub", "");
  CHECK(Parse(app, {"pxelinx"}, diag) == kExitUsage);
  CHECK(stream.Text() ==
        "tool: unknown subcommand 'pxelinx'\n"
        "tool: try 'tool --help' for more information\n");
}

TEST_CASE("OptionValueError is a usage error with the value quoted", "[cli]") {
  ToolError plain = OptionValueError("--uuid", "x y", "not a UUID");
  CHECK(plain.exit_code() == kExitUsage);
  CHECK(std::string(plain.what()) == "--uuid 'x y': not a UUID");
  // Control bytes in the value are escaped, as everywhere in messages.
  ToolError control = OptionValueError("PATH", "a\nb", "no such file");
  CHECK(control.exit_code() == kExitUsage);
  CHECK(std::string(control.what()) == "PATH 'a\\x0ab': no such file");
}

}  // namespace pxekit
