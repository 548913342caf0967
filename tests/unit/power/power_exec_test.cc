#include "power/power_exec.h"

#include <csignal>
#include <fstream>
#include <sstream>

#include <sys/stat.h>

#include <catch2/catch.hpp>

#include "unit/scratch_dir.h"

namespace pxekit {
namespace {

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST_CASE("Programs are found in PATH order and must be executable",
          "[power]") {
  ScratchDir dir;
  std::string a = dir.Path("a"), b = dir.Path("b");
  REQUIRE(::mkdir(a.c_str(), 0755) == 0);
  REQUIRE(::mkdir(b.c_str(), 0755) == 0);
  std::ofstream(a + "/tool") << "#!/bin/sh\n";
  std::ofstream(b + "/tool") << "#!/bin/sh\n";
  REQUIRE(::chmod((a + "/tool").c_str(), 0644) == 0);  // not executable
  REQUIRE(::chmod((b + "/tool").c_str(), 0755) == 0);
  CHECK(FindInPath("tool", a + ":" + b) ==
        std::optional<std::string>(b + "/tool"));
  CHECK_FALSE(FindInPath("tool", a));
  CHECK_FALSE(FindInPath("missing", a + ":" + b));
  CHECK(FindInPath(b + "/tool", "") == std::optional<std::string>(b + "/tool"));
  // A directory of that name is no program.
  REQUIRE(::mkdir((a + "/dir").c_str(), 0755) == 0);
  CHECK_FALSE(FindInPath("dir", a));
}

TEST_CASE("systemd is running when its runtime directory exists", "[power]") {
  ScratchDir dir;
  REQUIRE_FALSE(dir.path.empty());
  CHECK(SystemdRunning(dir.path));
  CHECK_FALSE(SystemdRunning(dir.path + "/missing"));
  std::ofstream(dir.path + "/file") << "x";
  CHECK_FALSE(SystemdRunning(dir.path + "/file"));
}

TEST_CASE(
    "A spawned command gets the extra environment and a clean signal "
    "mask",
    "[power]") {
  ScratchDir dir;
  std::string out = dir.Path("out");
  // The parent blocks SIGTERM, as an event loop with a signalfd does; the
  // child must not inherit that, or 'systemctl poweroff' could not be
  // stopped and a shell could not be killed.
  sigset_t block, saved;
  sigemptyset(&block);
  sigaddset(&block, SIGTERM);
  REQUIRE(::pthread_sigmask(SIG_BLOCK, &block, &saved) == 0);
  ::setenv("PXEKIT_ACTION", "stale", 1);
  auto pid = SpawnProgram(
      {"/bin/sh", "-c",
       "echo \"$PXEKIT_ACTION\" > \"$0\"; grep '^SigBlk' /proc/self/status "
       ">> \"$0\"; exit 3",
       out},
      {"PXEKIT_ACTION=reboot"});
  ::pthread_sigmask(SIG_SETMASK, &saved, nullptr);
  ::unsetenv("PXEKIT_ACTION");
  REQUIRE(pid.ok());
  auto done = WaitForProgram(*pid);
  REQUIRE(done.ok());
  CHECK(done->exited);
  CHECK(done->code == 3);
  CHECK_FALSE(done->success());
  CHECK(done->Describe() == "exit status 3");
  CHECK(ReadAll(out) == "reboot\nSigBlk:\t0000000000000000\n");
}

TEST_CASE("A missing program is a spawn error with its errno", "[power]") {
  auto pid = SpawnProgram({"/nonexistent/pxekit-program"}, {});
  if (pid.ok()) {
    // glibc may report exec failure as exit 127 of the child.
    auto done = WaitForProgram(*pid);
    REQUIRE(done.ok());
    CHECK(done->code == 127);
  } else {
    CHECK(pid.failure().sys_errno == ENOENT);
  }
  CHECK_FALSE(SpawnProgram({}, {}).ok());
}

TEST_CASE("A child that has not finished is not reaped", "[power]") {
  auto pid = SpawnProgram({"/bin/sleep", "30"}, {});
  REQUIRE(pid.ok());
  CHECK_FALSE(ReapProgram(*pid));
  ::kill(*pid, SIGKILL);
  auto done = WaitForProgram(*pid);
  REQUIRE(done.ok());
  CHECK_FALSE(done->exited);
  CHECK(done->signal == SIGKILL);
  CHECK(done->Describe() == "killed by signal 9");
}

}  // namespace
}  // namespace pxekit
