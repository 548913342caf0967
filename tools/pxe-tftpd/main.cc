// pxe-tftpd: a TFTP server for PXE boot, a drop-in for tftpd-hpa's
// standalone mode. Standards: RFC 1350 (TFTP), RFC 2347 (options), RFC 2348
// (blksize), RFC 2349 (timeout, tsize), RFC 7440 (windowsize); RFC 1123
// 4.2.3.1 (Sorcerer's Apprentice).

#include <fcntl.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <optional>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "cli/common_options.h"
#include "cli/diag.h"
#include "cli/exit_codes.h"
#include "cli/output.h"
#include "cli/run_main.h"
#include "daemon.h"
#include "net/event_loop.h"
#include "net/udp_socket.h"
#include "os/file.h"
#include "os/privileges.h"
#include "os/root_dir.h"
#include "tftpd/config.h"
#include "tftpd/remap.h"
#include "tftpd/workers.h"
#include "util/text.h"

namespace pxekit {
namespace {

// The command line: CLI11 fills it, tftp::MakeTftpdConfig checks it.
struct TftpdOptions {
  CommonOptions common;
  tftp::TftpdFlags flags;
};

// ROOT and the map file are inputs: missing or unreadable, for whatever
// reason (permission, a name too long, an I/O error), is 66 as the man
// page's EXIT STATUS says; a map file too large to be one is 78.
int InputErrnoExit(int err) {
  return err == EFBIG ? kExitConfig : kExitNoInput;
}

// The map file stays reachable after chroot and privilege drop through a
// descriptor of its directory, so SIGHUP can re-read it.
struct MapFile {
  std::string display;
  UniqueFd dir;
  std::string base;
};

MapFile OpenMapDir(const std::string& path) {
  MapFile map;
  map.display = path;
  std::size_t slash = path.rfind('/');
  std::string dir =
      slash == std::string::npos ? "." : path.substr(0, slash + 1);
  map.base = slash == std::string::npos ? path : path.substr(slash + 1);
  map.dir = UniqueFd(::open(dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!map.dir)
    throw ToolError(InputErrnoExit(errno),
                    fmt::format("{}: {}", path, std::strerror(errno)));
  return map;
}

// The rules, or a ToolError (66 unreadable, 78 bad syntax) after printing
// every error as FILE:LINE:COL with the line and a caret.
tftp::RemapRules LoadRules(const MapFile& map, Diag& diag) {
  UniqueFd fd(::openat(map.dir.get(), map.base.c_str(),
                       O_RDONLY | O_CLOEXEC | O_NOCTTY));
  if (!fd)
    throw ToolError(InputErrnoExit(errno),
                    fmt::format("{}: {}", map.display, std::strerror(errno)));
  auto text = ReadAllFromFd(fd.get());
  if (!text)
    throw ToolError(InputErrnoExit(text.failure().sys_errno),
                    fmt::format("{}: {}", map.display, text.error()));
  std::vector<tftp::RemapParseError> errors;
  tftp::RemapRules rules = tftp::RemapRules::Parse(*text, &errors);
  for (const auto& error : errors) {
    diag.Error("{}:{}:{}: {}", map.display, error.line, error.column,
               error.message);
    if (error.line_text.size() <= 200 && error.column >= 1)
      WriteText(stderr, SourceCaret(error.line_text, error.column) + "\n");
  }
  if (!errors.empty())
    throw ToolError(kExitConfig,
                    fmt::format("{}: {} error{} in the map file", map.display,
                                errors.size(), errors.size() == 1 ? "" : "s"));
  return rules;
}

// The CPUs this process may run on (its affinity mask, as taskset sets it).
std::size_t UsableCpus() {
  cpu_set_t set;
  if (::sched_getaffinity(0, sizeof set, &set) == 0)
    return static_cast<std::size_t>(CPU_COUNT(&set));
  long online = ::sysconf(_SC_NPROCESSORS_ONLN);
  return online > 0 ? static_cast<std::size_t>(online) : 1;
}

// One listening socket per worker. Several share the port through
// SO_REUSEPORT (the kernel hashes each client to one of them). A probe bound
// first without SO_REUSEPORT keeps "port in use" an error (exit 69): a
// socket that sets SO_REUSEPORT could otherwise join another server's
// group on the same port and share its clients.
std::vector<UniqueFd> OpenListenSockets(const tftp::ListenAddress& listen,
                                        std::size_t count) {
  std::vector<UniqueFd> sockets;
  try {
    std::uint16_t port = listen.port;
    if (count > 1) {
      UniqueFd probe = OpenUdp4Socket();
      BindAddress(probe, listen.address, port);
      port = LocalPort(probe);
    }
    for (std::size_t i = 0; i < count; ++i) {
      UniqueFd socket = OpenUdp4Socket();
      EnablePacketInfo(socket);
      if (count > 1) {
        int on = 1;
        if (::setsockopt(socket.get(), SOL_SOCKET, SO_REUSEPORT, &on,
                         sizeof on) != 0)
          throw std::system_error(errno, std::generic_category(),
                                  "setsockopt SO_REUSEPORT");
      }
      BindAddress(socket, listen.address, port);
      sockets.push_back(std::move(socket));
    }
  } catch (const std::system_error& e) {
    throw ToolError(ExitCodeForSocketErrno(e.code().value()), e.what());
  }
  return sockets;
}

// Each transfer holds a socket and a file; each worker a few more.
void RaiseFileLimit(std::size_t clients, std::size_t workers, Diag& diag) {
  rlimit limit;
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return;
  rlim_t want = static_cast<rlim_t>(clients) * 2 + 64 + workers * 8;
  if (limit.rlim_cur >= want) return;
  limit.rlim_cur = std::min(want, limit.rlim_max);
  ::setrlimit(RLIMIT_NOFILE, &limit);
  if (limit.rlim_cur < want)
    diag.Warn("the descriptor limit ({}) is too low for --max-clients {}",
              limit.rlim_cur, clients);
}

int RunTftpd(TftpdOptions& options, Diag& diag) {
  diag.set_verbosity(options.common.Verbosity());
  const tftp::TftpdFlags& flags = options.flags;
  bool root_user = ::geteuid() == 0;
  auto made = tftp::MakeTftpdConfig(flags, root_user);
  if (!made) throw ToolError(kExitUsage, made.error());
  tftp::TftpdConfig& settings = made.value();
  DaemonConfig config;
  config.policy = settings.policy;
  tftp::ServerPolicy& policy = config.policy;
  tftp::WorkerPlan plan =
      tftp::PlanWorkers(settings.workers, UsableCpus(), settings.port_range);
  if (*plan.capped_by != '\0')
    diag.Warn("--workers {}: {}; running {}", settings.workers, plan.capped_by,
              plan.count);
  const tftp::ListenAddress listen = settings.listen;

  std::optional<UserIds> account;
  if (!settings.user.empty()) {
    auto found = LookUpUser(settings.user);
    if (!found)
      throw OptionValueError("--user", settings.user,
                             found.failure().sys_errno != 0
                                 ? std::strerror(found.failure().sys_errno)
                                 : "no such user");
    if (settings.user_ignored)
      diag.Warn("--user {}: not started as root; keeping the current user",
                QuoteForMessage(settings.user));
    else
      account = found.value();
  }

  struct stat st;
  if (::stat(flags.root.c_str(), &st) != 0)
    throw ToolError(InputErrnoExit(errno),
                    fmt::format("ROOT {}: {}", QuoteForMessage(flags.root),
                                std::strerror(errno)));
  if (!S_ISDIR(st.st_mode))
    throw ToolError(kExitNoInput, fmt::format("ROOT {}: not a directory",
                                              QuoteForMessage(flags.root)));
  // Request names are matched against ROOT's absolute path ("/srv/tftp/f"
  // is taken relative to ROOT), so a relative ROOT must act as its
  // absolute path does.
  policy.root = flags.root;
  if (flags.root.front() != '/') {
    std::unique_ptr<char, decltype(&std::free)> absolute(
        ::realpath(flags.root.c_str(), nullptr), &std::free);
    if (!absolute)
      throw ToolError(InputErrnoExit(errno),
                      fmt::format("ROOT {}: {}", QuoteForMessage(flags.root),
                                  std::strerror(errno)));
    policy.root = absolute.get();
  }

  std::optional<MapFile> map;
  tftp::RemapRules rules;
  if (!flags.map_file.empty()) {
    map = OpenMapDir(flags.map_file);
    rules = LoadRules(*map, diag);
  }

  std::vector<UniqueFd> sockets = OpenListenSockets(listen, plan.count);

  std::string serve_root = flags.root;
  if (settings.chroot || settings.secure_ignored) {
    if (settings.chroot) {
      if (::chroot(flags.root.c_str()) != 0 || ::chdir("/") != 0)
        throw ToolError(kExitOsErr, fmt::format("chroot {}: {}",
                                                QuoteForMessage(flags.root),
                                                std::strerror(errno)));
      serve_root = "/";
    } else {
      diag.Warn(
          "--secure: not started as root, so no chroot; paths stay "
          "confined to ROOT anyway");
    }
  }
  RootDirOptions store_options;
  store_options.permissive = flags.permissive;
  store_options.allow_create = flags.create;
  store_options.permission_hint = "see -p";
  RootDir store(serve_root, store_options);
  if (account) {
    // Nothing to keep: the listening socket is bound already.
    auto dropped = DropPrivileges(*account, {});
    if (!dropped)
      throw ToolError(kExitOsErr,
                      fmt::format("dropping privileges to {}: {}",
                                  QuoteForMessage(account->name),
                                  std::strerror(dropped.failure().sys_errno)));
  }
  // What the checks below are about: the user the requests will come as.
  const std::string as_user =
      account ? fmt::format(" for user {}", QuoteForMessage(account->name))
              : std::string();
  // ROOT was opened with the privileges of the start; the requests come
  // with the user's. Refuse to start rather than refuse every request.
  if (int err = store.CheckLookup())
    throw ToolError(
        kExitNoInput,
        fmt::format("ROOT {}: {}{} (it needs search permission, x)",
                    QuoteForMessage(flags.root), std::strerror(err), as_user));
  // -c with a ROOT the user cannot write: every new upload would be refused.
  if (flags.create) {
    if (int err = store.CheckCreate())
      diag.Warn(
          "--create: ROOT {}: {}{}; uploads can only overwrite "
          "world-writable files (make ROOT writable for new ones)",
          QuoteForMessage(flags.root), std::strerror(err), as_user);
  }
  if (map) {
    UniqueFd probe(::openat(map->dir.get(), map->base.c_str(),
                            O_RDONLY | O_CLOEXEC | O_NOCTTY));
    if (!probe)
      diag.Warn("{}: {}{}; SIGHUP cannot re-read it", map->display,
                std::strerror(errno), as_user);
  }
  // tftpd-hpa: new files are world-readable/writable unless -p or -U.
  if (settings.umask) ::umask(static_cast<mode_t>(*settings.umask));
  RaiseFileLimit(settings.max_clients, plan.count, diag);

  // The main thread only handles signals; the workers serve. The signals
  // are blocked here (OnSignal) before any worker starts, so every worker
  // thread inherits the mask and the signalfd below gets them all.
  EventLoop loop;
  int status = kExitOk;
  SharedRules shared_rules;
  shared_rules.Set(std::move(rules));
  tftp::SessionQuota quota(settings.max_clients);
  SharedLogLimiter junk_limit(LimitedLog::kBurst, LimitedLog::kPerSecond);
  const WorkerShared shared{store, shared_rules, quota, junk_limit, diag};
  loop.OnSignal(SIGTERM, [&] { loop.Stop(); });
  loop.OnSignal(SIGINT, [&] { loop.Stop(); });
  loop.OnSignal(SIGHUP, [&] {
    if (!map) return;
    try {
      tftp::RemapRules fresh = LoadRules(*map, diag);
      diag.Emit(
          fmt::format("{}: reloaded, {} rules", map->display, fresh.size()));
      shared_rules.Set(std::move(fresh));
    } catch (const ToolError& e) {
      diag.Error("{}; keeping the previous rules", e.what());
    }
  });
  // Counters across every worker, on demand (always printed, even -q).
  loop.OnSignal(SIGUSR1, [&] {
    tftp::SessionQuota::Counts counts = quota.counts();
    diag.Emit(fmt::format(
        "stats: {} transfers running (at most {} at once), {} complete, {} "
        "failed or refused, {} abandoned by vanished clients, {} dropped "
        "(--max-clients {}); {} workers",
        counts.running, counts.peak, counts.complete, counts.failed,
        counts.vanished, counts.refused, quota.max_sessions(), plan.count));
  });
  // A worker whose loop fails stops the program (exit 71).
  UniqueFd worker_failed(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  if (!worker_failed)
    throw ToolError(kExitOsErr,
                    fmt::format("eventfd: {}", std::strerror(errno)));
  loop.Watch(worker_failed.get(), EPOLLIN, [&](std::uint32_t) {
    status = kExitOsErr;
    loop.Stop();
  });
  std::vector<std::unique_ptr<TftpWorker>> workers;
  for (std::size_t i = 0; i < plan.count; ++i) {
    DaemonConfig slice = config;
    slice.port_range =
        tftp::WorkerPortRange(settings.port_range, i, plan.count);
    workers.push_back(std::make_unique<TftpWorker>(
        std::move(sockets[i]), std::move(slice), shared, [&worker_failed] {
          std::uint64_t one = 1;
          [[maybe_unused]] ssize_t n =
              ::write(worker_failed.get(), &one, sizeof one);
        }));
  }
  for (auto& worker : workers) worker->Start();
  diag.Info("serving {} on {}:{}{} with {} worker{}",
            QuoteForMessage(flags.root), listen.address, listen.port,
            account ? fmt::format(" as {}", account->name) : "", plan.count,
            plan.count == 1 ? "" : "s");
  loop.Run();
  for (auto& worker : workers) worker->Stop();
  std::size_t cut_short = 0;
  for (auto& worker : workers) cut_short += worker->Join();
  loop.Unwatch(worker_failed.get());
  diag.Info("stopping; {} transfers cut short", cut_short);
  return status;
}

}  // namespace
}  // namespace pxekit

int main(int argc, char** argv) {
  using namespace pxekit;
  Diag diag("pxe-tftpd");
  TftpdOptions options;

  CLI::App app(
      "Serve the files below ROOT over TFTP (RFC 1350, 2347-2349, 7440) to PXE "
      "clients. Runs in the foreground; options keep tftpd-hpa's meanings.",
      "pxe-tftpd");
  AddCommonOptions(app, options.common, ShortV::kVerbose);
  AddValue(app, "-a,--address", options.flags.address,
           "Listen on ADDR[:PORT] (IPv4; default 0.0.0.0:69)", "ADDR[:PORT]");
  app.add_flag("-s,--secure", options.flags.secure,
               "chroot into ROOT when started as root (paths are always "
               "confined to ROOT)");
  app.add_flag("-c,--create", options.flags.create,
               "Allow write requests: create new files, overwrite "
               "world-writable ones");
  AddValue(app, "-u,--user", options.flags.user,
           "Drop privileges to USER after binding (default nobody when "
           "started as root)",
           "USER");
  AddValue(app, "-U,--umask", options.flags.umask,
           "umask for created files, octal (default 0; with -p, "
           "inherited)",
           "UMASK");
  app.add_flag("-p,--permissive", options.flags.permissive,
               "Only Unix permissions decide (no world-readable/writable "
               "requirement)");
  AddNumber(app, "-B,--blocksize", options.flags.blocksize,
            "Largest blksize granted (default 1468)", "MAX", 512, 65464);
  AddValue(app, "-R,--port-range", options.flags.port_range,
           "Take transfer ports (server TIDs) from LO:HI", "LO:HI");
  AddValue(app, "-m,--map-file", options.flags.map_file,
           "Remap file names with the tftpd-hpa rules in FILE (re-read on "
           "SIGHUP)",
           "FILE");
  AddRepeatable(app, "-r,--refuse", options.flags.refuse,
                "Ignore the option OPTION in requests (repeatable)", "OPTION");
  AddNumber(app, "-T,--retransmit", options.flags.retransmit_us,
            "Initial and longest base retransmit timeout in microseconds "
            "(default 1000000; adapts down to the measured round trip)",
            "USEC", 10000L, 255000000L);
  app.add_flag("-l,--listen", options.flags.listen,
               "Accepted for tftpd-hpa compatibility (always standalone)");
  app.add_flag(
      "-L,--foreground", options.flags.foreground,
      "Accepted for tftpd-hpa compatibility (always in the foreground)");
  AddNumber(app, "-W,--max-window", options.flags.max_window,
            "Largest windowsize granted, RFC 7440 (default 64)", "N", 1, 65535);
  AddNumber(app, "--max-clients", options.flags.max_clients,
            "Transfers served at once; more requests are dropped (default "
            "500)",
            "N", 1, 100000);
  AddNumber(app, "--workers", options.flags.workers,
            "Worker threads serving at once, each with its own socket on "
            "the port (default 0: one per CPU)",
            "N", 0, 64);
  app.add_option("ROOT", options.flags.root, "Directory to serve")->required();

  if (auto status = ParseCommandLine(app, argc, argv, diag)) return *status;
  return RunMain(diag, [&] { return RunTftpd(options, diag); });
}
