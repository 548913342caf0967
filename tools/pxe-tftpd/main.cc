// pxe-tftpd: a TFTP server for PXE boot, a drop-in for tftpd-hpa's
// standalone mode. Standards: RFC 1350 (TFTP), RFC 2347 (options), RFC 2348
// (blksize), RFC 2349 (timeout, tsize), RFC 7440 (windowsize); RFC 1123
// 4.2.3.1 (Sorcerer's Apprentice).

#include <fcntl.h>
#include <grp.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
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
#include "os/root_dir.h"
#include "tftpd/remap.h"
#include "util/text.h"

namespace pxekit {
namespace {

// The command line, as given (checked in RunTftpd).
struct TftpdOptions {
  CommonOptions common;
  std::string root;
  std::string address = "0.0.0.0:69";  // -a ADDR[:PORT]
  bool secure = false;                 // -s
  bool create = false;                 // -c
  std::string user;                    // -u; empty: nobody when root
  std::string umask;                   // -U, octal; empty: not given
  bool permissive = false;             // -p
  int blocksize = 1468;                // -B
  std::string port_range;              // -R LO:HI
  std::string map_file;                // -m
  std::vector<std::string> refuse;     // -r
  long retransmit_us = 1000000;        // -T
  bool listen = false;                 // -l (accepted, no effect)
  bool foreground = false;             // -L (accepted, no effect)
  int max_window = 64;                 // -W
  int max_clients = 500;               // --max-clients
};

struct ListenAddress {
  Ipv4Addr address;
  std::uint16_t port = 69;
};

std::optional<std::uint16_t> ParsePort(std::string_view text) {
  unsigned value = 0;
  auto [end, ec] =
      std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 1 ||
      value > 65535)
    return std::nullopt;
  return static_cast<std::uint16_t>(value);
}

// tftpd-hpa's -a: [ADDR][:PORT]; IPv6 ("[::1]:69") is not served yet.
ListenAddress ParseListenAddress(const std::string& text) {
  ListenAddress out;
  if (!text.empty() && text.front() == '[')
    throw ToolError(kExitUsage,
                    fmt::format("--address {}: IPv6 is not supported; "
                                "give an IPv4 address",
                                QuoteForMessage(text)));
  std::string_view host = text;
  std::size_t colon = host.rfind(':');
  if (colon != std::string_view::npos) {
    auto port = ParsePort(host.substr(colon + 1));
    if (!port)
      throw ToolError(kExitUsage,
                      fmt::format("--address {}: port is not in 1-65535",
                                  QuoteForMessage(text)));
    out.port = *port;
    host = host.substr(0, colon);
  }
  if (!host.empty()) {
    auto address = Ipv4Addr::Parse(host);
    if (!address)
      throw ToolError(kExitUsage,
                      fmt::format("--address {}: {}", QuoteForMessage(text),
                                  address.error()));
    out.address = *address;
  }
  return out;
}

std::pair<std::uint16_t, std::uint16_t> ParsePortRange(
    const std::string& text) {
  std::size_t colon = text.find(':');
  std::optional<std::uint16_t> lo, hi;
  if (colon != std::string::npos) {
    lo = ParsePort(std::string_view(text).substr(0, colon));
    hi = ParsePort(std::string_view(text).substr(colon + 1));
  }
  if (!lo || !hi || *lo > *hi)
    throw ToolError(kExitUsage,
                    fmt::format("--port-range {}: expected LO:HI with "
                                "1 <= LO <= HI <= 65535",
                                QuoteForMessage(text)));
  return {*lo, *hi};
}

mode_t ParseUmask(const std::string& text) {
  unsigned value = 0;
  auto [end, ec] =
      std::from_chars(text.data(), text.data() + text.size(), value, 8);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() ||
      value > 0777)
    throw ToolError(kExitUsage,
                    fmt::format("--umask {}: expected an octal mask "
                                "0-777",
                                QuoteForMessage(text)));
  return static_cast<mode_t>(value);
}

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

struct Account {
  uid_t uid;
  gid_t gid;
  std::string name;
};

std::optional<Account> LookupUser(const std::string& name) {
  passwd* pw = ::getpwnam(name.c_str());
  if (pw == nullptr) return std::nullopt;
  return Account{pw->pw_uid, pw->pw_gid, name};
}

void DropPrivileges(const Account& account) {
  if (::setgroups(1, &account.gid) != 0 || ::setgid(account.gid) != 0 ||
      ::setuid(account.uid) != 0)
    throw ToolError(kExitOsErr, fmt::format("dropping privileges to {}: {}",
                                            QuoteForMessage(account.name),
                                            std::strerror(errno)));
  if (account.uid != 0 && ::setuid(0) == 0)
    throw ToolError(kExitOsErr, "dropping privileges: root could be regained");
}

// Each transfer holds a socket and a file.
void RaiseFileLimit(std::size_t clients, Diag& diag) {
  rlimit limit;
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return;
  rlim_t want = static_cast<rlim_t>(clients) * 2 + 64;
  if (limit.rlim_cur >= want) return;
  limit.rlim_cur = std::min(want, limit.rlim_max);
  ::setrlimit(RLIMIT_NOFILE, &limit);
  if (limit.rlim_cur < want)
    diag.Warn("the descriptor limit ({}) is too low for --max-clients {}",
              limit.rlim_cur, clients);
}

int RunTftpd(TftpdOptions& options, Diag& diag) {
  diag.set_verbosity(options.common.Verbosity());
  ListenAddress listen = ParseListenAddress(options.address);
  DaemonConfig config;
  if (!options.port_range.empty())
    config.port_range = ParsePortRange(options.port_range);
  config.max_clients = static_cast<std::size_t>(options.max_clients);
  tftp::ServerPolicy& policy = config.policy;
  policy.allow_write = options.create;
  policy.limits.max_blksize = static_cast<std::size_t>(options.blocksize);
  policy.limits.max_window = static_cast<std::size_t>(options.max_window);
  policy.retransmit.initial = std::chrono::microseconds(options.retransmit_us);
  policy.limits.max_timeout_option = std::chrono::seconds(
      std::max<long>(1, (options.retransmit_us + 999999) / 1000000));
  for (std::string name : options.refuse) {
    for (char& c : name)
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    policy.limits.refused.insert(name);
  }
  std::optional<mode_t> umask_value;
  if (!options.umask.empty()) umask_value = ParseUmask(options.umask);

  bool root_user = ::geteuid() == 0;
  std::optional<Account> account;
  std::string user =
      options.user.empty() && root_user ? "nobody" : options.user;
  if (!user.empty()) {
    account = LookupUser(user);
    if (!account)
      throw ToolError(kExitUsage, fmt::format("--user {}: no such user",
                                              QuoteForMessage(user)));
    if (!root_user) {
      diag.Warn("--user {}: not started as root; keeping the current user",
                QuoteForMessage(user));
      account.reset();
    }
  }

  struct stat st;
  if (::stat(options.root.c_str(), &st) != 0)
    throw ToolError(InputErrnoExit(errno),
                    fmt::format("ROOT {}: {}", QuoteForMessage(options.root),
                                std::strerror(errno)));
  if (!S_ISDIR(st.st_mode))
    throw ToolError(kExitNoInput, fmt::format("ROOT {}: not a directory",
                                              QuoteForMessage(options.root)));
  // Request names are matched against ROOT's absolute path ("/srv/tftp/f"
  // is taken relative to ROOT), so a relative ROOT must act as its
  // absolute path does.
  policy.root = options.root;
  if (options.root.front() != '/') {
    std::unique_ptr<char, decltype(&std::free)> absolute(
        ::realpath(options.root.c_str(), nullptr), &std::free);
    if (!absolute)
      throw ToolError(InputErrnoExit(errno),
                      fmt::format("ROOT {}: {}", QuoteForMessage(options.root),
                                  std::strerror(errno)));
    policy.root = absolute.get();
  }

  std::optional<MapFile> map;
  tftp::RemapRules rules;
  if (!options.map_file.empty()) {
    map = OpenMapDir(options.map_file);
    rules = LoadRules(*map, diag);
  }

  UniqueFd socket = OpenUdp4Socket();
  EnablePacketInfo(socket);
  try {
    BindAddress(socket, listen.address, listen.port);
  } catch (const std::system_error& e) {
    throw ToolError(ExitCodeForSocketErrno(e.code().value()), e.what());
  }

  std::string serve_root = options.root;
  if (options.secure) {
    if (root_user) {
      if (::chroot(options.root.c_str()) != 0 || ::chdir("/") != 0)
        throw ToolError(kExitOsErr, fmt::format("chroot {}: {}",
                                                QuoteForMessage(options.root),
                                                std::strerror(errno)));
      serve_root = "/";
    } else {
      diag.Warn(
          "--secure: not started as root, so no chroot; paths stay "
          "confined to ROOT anyway");
    }
  }
  RootDirOptions store_options;
  store_options.permissive = options.permissive;
  store_options.allow_create = options.create;
  store_options.permission_hint = "see -p";
  RootDir store(serve_root, store_options);
  if (account) DropPrivileges(*account);
  // What the checks below are about: the user the requests will come as.
  const std::string as_user =
      account ? fmt::format(" for user {}", QuoteForMessage(account->name))
              : std::string();
  // ROOT was opened with the privileges of the start; the requests come
  // with the user's. Refuse to start rather than refuse every request.
  if (int err = store.CheckLookup())
    throw ToolError(kExitNoInput,
                    fmt::format("ROOT {}: {}{} (it needs search permission, x)",
                                QuoteForMessage(options.root),
                                std::strerror(err), as_user));
  // -c with a ROOT the user cannot write: every new upload would be refused.
  if (options.create) {
    if (int err = store.CheckCreate())
      diag.Warn(
          "--create: ROOT {}: {}{}; uploads can only overwrite "
          "world-writable files (make ROOT writable for new ones)",
          QuoteForMessage(options.root), std::strerror(err), as_user);
  }
  if (map) {
    UniqueFd probe(::openat(map->dir.get(), map->base.c_str(),
                            O_RDONLY | O_CLOEXEC | O_NOCTTY));
    if (!probe)
      diag.Warn("{}: {}{}; SIGHUP cannot re-read it", map->display,
                std::strerror(errno), as_user);
  }
  // tftpd-hpa: new files are world-readable/writable unless -p or -U.
  if (umask_value)
    ::umask(*umask_value);
  else if (!options.permissive)
    ::umask(0);
  RaiseFileLimit(config.max_clients, diag);

  EventLoop loop;
  TftpDaemon daemon(loop, std::move(socket), store, std::move(config), diag);
  daemon.SetRules(std::move(rules));
  loop.OnSignal(SIGTERM, [&] { loop.Stop(); });
  loop.OnSignal(SIGINT, [&] { loop.Stop(); });
  loop.OnSignal(SIGHUP, [&] {
    if (!map) return;
    try {
      tftp::RemapRules fresh = LoadRules(*map, diag);
      diag.Emit(
          fmt::format("{}: reloaded, {} rules", map->display, fresh.size()));
      daemon.SetRules(std::move(fresh));
    } catch (const ToolError& e) {
      diag.Error("{}; keeping the previous rules", e.what());
    }
  });
  diag.Info("serving {} on {}:{}{}", QuoteForMessage(options.root),
            listen.address, listen.port,
            account ? fmt::format(" as {}", account->name) : "");
  loop.Run();
  diag.Info("stopping; {} transfers cut short", daemon.incomplete());
  return kExitOk;
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
  app.add_option("-a,--address", options.address,
                 "Listen on ADDR[:PORT] (IPv4; default 0.0.0.0:69)")
      ->type_name("ADDR[:PORT]");
  app.add_flag("-s,--secure", options.secure,
               "chroot into ROOT when started as root (paths are always "
               "confined to ROOT)");
  app.add_flag("-c,--create", options.create,
               "Allow write requests: create new files, overwrite "
               "world-writable ones");
  app.add_option("-u,--user", options.user,
                 "Drop privileges to USER after binding (default nobody when "
                 "started as root)")
      ->type_name("USER");
  app.add_option("-U,--umask", options.umask,
                 "umask for created files, octal (default 0; with -p, "
                 "inherited)")
      ->type_name("UMASK");
  app.add_flag("-p,--permissive", options.permissive,
               "Only Unix permissions decide (no world-readable/writable "
               "requirement)");
  app.add_option("-B,--blocksize", options.blocksize,
                 "Largest blksize granted (default 1468)")
      ->type_name("MAX")
      ->check(CLI::Range(512, 65464).description(""));
  app.add_option("-R,--port-range", options.port_range,
                 "Take transfer ports (server TIDs) from LO:HI")
      ->type_name("LO:HI");
  app.add_option(
         "-m,--map-file", options.map_file,
         "Remap file names with the tftpd-hpa rules in FILE (re-read on "
         "SIGHUP)")
      ->type_name("FILE");
  app.add_option("-r,--refuse", options.refuse,
                 "Ignore the option OPTION in requests (repeatable)")
      ->type_name("OPTION")
      ->allow_extra_args(false);
  app.add_option("-T,--retransmit", options.retransmit_us,
                 "Initial and longest base retransmit timeout in microseconds "
                 "(default 1000000; adapts down to the measured round trip)")
      ->type_name("USEC")
      ->check(CLI::Range(10000L, 255000000L).description(""));
  app.add_flag("-l,--listen", options.listen,
               "Accepted for tftpd-hpa compatibility (always standalone)");
  app.add_flag(
      "-L,--foreground", options.foreground,
      "Accepted for tftpd-hpa compatibility (always in the foreground)");
  app.add_option("-W,--max-window", options.max_window,
                 "Largest windowsize granted, RFC 7440 (default 64)")
      ->type_name("N")
      ->check(CLI::Range(1, 65535).description(""));
  app.add_option("--max-clients", options.max_clients,
                 "Transfers served at once; more requests are dropped (default "
                 "500)")
      ->type_name("N")
      ->check(CLI::Range(1, 100000).description(""));
  app.add_option("ROOT", options.root, "Directory to serve")->required();

  if (auto status = ParseCommandLine(app, argc, argv, diag)) return *status;
  return RunMain(diag, [&] { return RunTftpd(options, diag); });
}
