#include "power/power_exec.h"

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>

#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

extern char** environ;

namespace pxekit {
namespace {

constexpr const char* kDefaultPath =
    "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

bool IsExecutableFile(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
         ::access(path.c_str(), X_OK) == 0;
}

ProgramExit FromWaitStatus(int status) {
  ProgramExit result;
  if (WIFEXITED(status)) {
    result.exited = true;
    result.code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    result.signal = WTERMSIG(status);
  }
  return result;
}

Failure SysFailure(const std::string& what, int err) {
  Failure failure = Fail(fmt::format("{}: {}", what, std::strerror(err)));
  failure.sys_errno = err;
  return failure;
}

// Frees what posix_spawn needs, whatever path leaves SpawnProgram.
struct SpawnAttributes {
  posix_spawnattr_t attr;
  bool ready = false;
  SpawnAttributes() { ready = ::posix_spawnattr_init(&attr) == 0; }
  ~SpawnAttributes() {
    if (ready) ::posix_spawnattr_destroy(&attr);
  }
  SpawnAttributes(const SpawnAttributes&) = delete;
  SpawnAttributes& operator=(const SpawnAttributes&) = delete;
};

}  // namespace

std::optional<std::string> FindInPath(std::string_view name,
                                      std::string_view path_env) {
  if (name.empty()) return std::nullopt;
  if (name.find('/') != std::string_view::npos) {
    std::string path(name);
    if (IsExecutableFile(path)) return path;
    return std::nullopt;
  }
  std::size_t start = 0;
  while (start <= path_env.size()) {
    std::size_t colon = path_env.find(':', start);
    if (colon == std::string_view::npos) colon = path_env.size();
    std::string_view dir = path_env.substr(start, colon - start);
    std::string candidate =
        dir.empty() ? std::string(name) : fmt::format("{}/{}", dir, name);
    if (IsExecutableFile(candidate)) return candidate;
    start = colon + 1;
  }
  return std::nullopt;
}

std::string ProgramSearchPath() {
  const char* path = std::getenv("PATH");
  return path != nullptr ? path : kDefaultPath;
}

bool SystemdRunning(const std::string& marker) {
  struct stat st {};
  return ::lstat(marker.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

Result<pid_t> SpawnProgram(const std::vector<std::string>& argv,
                           const std::vector<std::string>& extra_env) {
  if (argv.empty() || argv[0].empty()) return Fail("no program to run");

  std::vector<char*> args;
  for (const std::string& arg : argv)
    args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);

  std::vector<char*> env;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    std::string_view current(*entry);
    bool replaced = false;
    for (const std::string& extra : extra_env) {
      std::size_t eq = extra.find('=');
      std::string_view name = std::string_view(extra).substr(0, eq + 1);
      if (current.substr(0, name.size()) == name) replaced = true;
    }
    if (!replaced) env.push_back(*entry);
  }
  for (const std::string& extra : extra_env)
    env.push_back(const_cast<char*>(extra.c_str()));
  env.push_back(nullptr);

  SpawnAttributes attributes;
  if (!attributes.ready) return SysFailure("posix_spawnattr_init", ENOMEM);
  sigset_t empty;
  sigemptyset(&empty);
  sigset_t defaults;
  sigfillset(&defaults);
  sigdelset(&defaults, SIGKILL);
  sigdelset(&defaults, SIGSTOP);
  int rc = ::posix_spawnattr_setsigmask(&attributes.attr, &empty);
  if (rc == 0)
    rc = ::posix_spawnattr_setsigdefault(&attributes.attr, &defaults);
  if (rc == 0)
    rc = ::posix_spawnattr_setflags(
        &attributes.attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  if (rc != 0) return SysFailure("posix_spawnattr", rc);

  pid_t pid = -1;
  rc = ::posix_spawn(&pid, args[0], nullptr, &attributes.attr, args.data(),
                     env.data());
  if (rc != 0) return SysFailure(argv[0], rc);
  return pid;
}

std::string ProgramExit::Describe() const {
  if (exited) return fmt::format("exit status {}", code);
  return fmt::format("killed by signal {}", signal);
}

Result<ProgramExit> WaitForProgram(pid_t pid) {
  int status = 0;
  for (;;) {
    pid_t done = ::waitpid(pid, &status, 0);
    if (done == pid) return FromWaitStatus(status);
    if (done < 0 && errno == EINTR) continue;
    return SysFailure("waitpid", errno);
  }
}

std::optional<ProgramExit> ReapProgram(pid_t pid) {
  int status = 0;
  pid_t done = ::waitpid(pid, &status, WNOHANG);
  if (done != pid) return std::nullopt;
  return FromWaitStatus(status);
}

}  // namespace pxekit
