#include "reload.h"

#include <cerrno>
#include <cstring>
#include <string_view>

#include <fcntl.h>
#include <fmt/format.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include "os/unique_fd.h"

extern char** environ;

namespace pxekit {

ReloadOutcome RunExportfsReload() {
  ReloadOutcome outcome;
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) {
    outcome.kind = ReloadOutcome::kFailed;
    outcome.message = fmt::format("pipe: {}", std::strerror(errno));
    return outcome;
  }
  UniqueFd read_end(pipe_fds[0]);
  UniqueFd write_end(pipe_fds[1]);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  // Its stderr into the pipe, its stdout to ours is pointless: stderr too,
  // so that what it says comes back in one message.
  posix_spawn_file_actions_adddup2(&actions, write_end.get(), STDERR_FILENO);
  posix_spawn_file_actions_adddup2(&actions, write_end.get(), STDOUT_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null",
                                   O_RDONLY, 0);
  char arg0[] = "exportfs";
  char arg1[] = "-ra";
  char* argv[] = {arg0, arg1, nullptr};
  pid_t pid = -1;
  int err = ::posix_spawnp(&pid, "exportfs", &actions, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  write_end.reset();
  if (err != 0) {
    outcome.kind =
        err == ENOENT ? ReloadOutcome::kMissing : ReloadOutcome::kFailed;
    outcome.message = err == ENOENT ? "exportfs not found on PATH (install "
                                      "nfs-kernel-server)"
                                    : fmt::format("cannot run exportfs: {}",
                                                  std::strerror(err));
    return outcome;
  }
  constexpr std::size_t kMaxMessage = 64 * 1024;
  std::string text;
  char buffer[4096];
  for (;;) {
    ssize_t n = ::read(read_end.get(), buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    if (text.size() < kMaxMessage)
      text.append(buffer, static_cast<std::size_t>(n));
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r'))
    text.pop_back();
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
    outcome.message = text;
    return outcome;
  }
  outcome.kind = ReloadOutcome::kFailed;
  std::string why = WIFEXITED(status)
                        ? fmt::format("exit status {}", WEXITSTATUS(status))
                        : fmt::format("killed by signal {}", WTERMSIG(status));
  outcome.message = text.empty() ? why : fmt::format("{} ({})", text, why);
  return outcome;
}

}  // namespace pxekit
