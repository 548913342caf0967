#pragma once
// The side-effect half of power_control.h: where programs are, whether
// systemd runs, and starting the power command (or an --exec command) as a
// child process. posix_spawn, so nothing of the parent's state runs in the
// child: every pxekit descriptor is close-on-exec already, and the child gets
// an empty signal mask and default dispositions (an event loop that blocks
// SIGTERM for its signalfd must not hand that on to /bin/sh or systemctl).

#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.h"

namespace pxekit {

// The first executable regular file `name` in the ':'-separated `path_env`
// (empty entries mean the current directory, as in execvp). `name` holding a
// '/' is checked as it is.
std::optional<std::string> FindInPath(std::string_view name,
                                      std::string_view path_env);
// $PATH, or a default when unset: /usr/local/sbin:/usr/local/bin:/usr/sbin:
// /usr/bin:/sbin:/bin.
std::string ProgramSearchPath();

// systemd's own test (sd_booted): /run/systemd/system is a directory.
bool SystemdRunning(const std::string& marker = "/run/systemd/system");

// Starts argv[0] (a path) with argv, the current environment plus
// `extra_env` ("NAME=value", replacing any NAME already set). Failure
// carries sys_errno.
Result<pid_t> SpawnProgram(const std::vector<std::string>& argv,
                           const std::vector<std::string>& extra_env);

struct ProgramExit {
  bool exited = false;  // exit() with `code`; else killed by `signal`
  int code = 0;
  int signal = 0;
  bool success() const { return exited && code == 0; }
  // "exit status 3", "killed by signal 9"
  std::string Describe() const;
};

// Waits for `pid`, retrying on EINTR.
Result<ProgramExit> WaitForProgram(pid_t pid);
// Without blocking: nullopt while `pid` runs (or is no child of ours).
std::optional<ProgramExit> ReapProgram(pid_t pid);

}  // namespace pxekit
