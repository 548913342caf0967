// pxe-dhcpd: a PXE-aware DHCPv4 server (authoritative or proxyDHCP) that
// reads the ISC dhcpd.conf subset PXE setups use.
// Standards: RFC 2131, 2132, 3004, 3046, 3396, 4578, 6842; PXE 2.1.
//
// This file is the set-up: the command line, the configuration, the lease
// file, the sockets, privileges and --daemon. The loop is in daemon.cc, the
// decisions in lib/dhcpd/policy.h.

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <memory>
#include <optional>

#include <fcntl.h>
#include <linux/capability.h>
#include <pthread.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "cli/common_options.h"
#include "cli/diag.h"
#include "cli/exit_codes.h"
#include "cli/run_main.h"
#include "configuration.h"
#include "daemon.h"
#include "dhcpd/listen_plan.h"
#include "lease/lease_journal.h"
#include "lease/pg_store.h"
#include "listeners.h"
#include "net/udp_socket.h"
#include "nl/interface_list.h"
#include "nl/neighbour.h"
#include "options.h"
#include "os/file.h"
#include "os/privileges.h"

namespace pxekit {
namespace {

constexpr const char* kDefaultPidFile = "/run/pxe-dhcpd.pid";

// The pid file of --daemon (or --pid-file): opened before the fork, so that
// a bad path stops the start where the admin sees it; written by the
// process that serves; removed on a clean exit.
class PidFile {
 public:
  explicit PidFile(std::string path) : path_(std::move(path)) {
    constexpr int kFlags = O_WRONLY | O_CLOEXEC | O_NOFOLLOW;
    fd_.reset(::open(path_.c_str(), kFlags | O_CREAT | O_EXCL, 0644));
    created_ = static_cast<bool>(fd_);
    if (!fd_ && errno == EEXIST) fd_.reset(::open(path_.c_str(), kFlags));
    if (!fd_) {
      int err = errno;
      throw ToolError(
          ExitCodeForFileErrno(err),
          fmt::format("--pid-file {}: {}", path_, std::strerror(err)));
    }
  }
  PidFile(const PidFile&) = delete;
  PidFile& operator=(const PidFile&) = delete;
  // Also when the start failed after creating it (a fork that failed).
  ~PidFile() {
    if (written_ || created_) ::unlink(path_.c_str());
  }

  void Write() {
    std::string pid = fmt::format("{}\n", ::getpid());
    if (::ftruncate(fd_.get(), 0) != 0 ||
        ::pwrite(fd_.get(), pid.data(), pid.size(), 0) !=
            static_cast<ssize_t>(pid.size()))
      throw ToolError(kExitIoErr, fmt::format("--pid-file {}: {}", path_,
                                              std::strerror(errno)));
    fd_.reset();
    written_ = true;
  }

 private:
  std::string path_;
  UniqueFd fd_;
  bool created_ = false;
  bool written_ = false;
};

// --daemon changes to "/": paths the daemon uses later (compaction, SIGHUP,
// the pid file at exit) must not depend on the directory it started in.
void MakeAbsolute(std::string* path) {
  if (path->empty() || path->front() == '/') return;
  std::error_code ec;
  std::string absolute = std::filesystem::absolute(*path, ec).string();
  if (ec) throw ToolError(kExitOsErr, fmt::format("getcwd: {}", ec.message()));
  *path = std::move(absolute);
}

void Daemonize() {
  pid_t pid = ::fork();
  if (pid < 0)
    throw ToolError(kExitOsErr, fmt::format("fork: {}", std::strerror(errno)));
  if (pid > 0) ::_exit(0);
  ::setsid();
  pid = ::fork();
  if (pid < 0) ::_exit(kExitOsErr);
  if (pid > 0) ::_exit(0);
  if (::chdir("/") != 0) {
  }
  int null = ::open("/dev/null", O_RDWR | O_CLOEXEC);
  if (null >= 0) {
    ::dup2(null, STDIN_FILENO);
    ::dup2(null, STDOUT_FILENO);
    ::close(null);
  }
}

// --lease-store: connected, its schema the one this program writes.
std::unique_ptr<PgLeaseStore> ConnectStore(const std::string& conninfo) {
  auto store = PgLeaseStore::Connect(conninfo);
  if (!store)
    throw ToolError(kExitUnavailable,
                    fmt::format("lease store: {}", store.error()));
  return std::move(store.value());
}

// --init-store: create or upgrade the schema, say what was done.
int InitStore(const DhcpdOptions& options) {
  if (options.lease_store.empty())
    throw ToolError(kExitUsage, "--init-store needs --lease-store");
  auto store = ConnectStore(options.lease_store);
  auto change = store->InitSchema();
  if (!change)
    throw ToolError(kExitUnavailable,
                    fmt::format("lease store: {}", change.error()));
  if (change->from == change->to)
    fmt::print("lease store: schema version {} (already current)\n",
               change->to);
  else if (change->from == 0)
    fmt::print("lease store: schema version {} (created)\n", change->to);
  else
    fmt::print("lease store: schema version {} (upgraded from {})\n",
               change->to, change->from);
  return kExitOk;
}

// --import-leases: copy a lease file's leases into the store. A lease
// whose address the store gives to another client is not copied (exit 1).
int ImportLeases(const DhcpdOptions& options, Diag& diag) {
  if (options.lease_store.empty())
    throw ToolError(kExitUsage, "--import-leases needs --lease-store");
  auto contents = ReadFileContents(options.import_leases, std::size_t{1} << 30);
  if (!contents)
    throw ToolError(ExitCodeForFileErrno(contents.failure().sys_errno),
                    fmt::format("{}: {}", options.import_leases,
                                std::strerror(contents.failure().sys_errno)));
  LeaseFileContents parsed = ParseLeaseFile(*contents);
  for (const std::string& warning : parsed.warnings)
    diag.Warn("{}: {}", options.import_leases, warning);
  auto store = ConnectStore(options.lease_store);
  if (auto schema = store->CheckSchema(); !schema)
    throw ToolError(kExitConfig,
                    fmt::format("lease store: {}", schema.error()));
  for (const Lease& lease : parsed.leases) store->Record(lease);
  std::string error;
  if (!store->Sync(&error))
    throw ToolError(kExitUnavailable, fmt::format("lease store: {}", error));
  std::vector<Lease> refused = store->TakeRefused();
  for (const Lease& lease : refused)
    diag.Error("{}: {} is leased to another client in the store: not imported",
               options.import_leases, lease.address);
  fmt::print("{} leases imported from {}, {} refused\n",
             parsed.leases.size() - refused.size(), options.import_leases,
             refused.size());
  return refused.empty() ? kExitOk : kExitSomeFailed;
}

// Everything after option parsing. Returns the exit status.
int RunDhcpd(DhcpdOptions& options, Diag& diag) {
  diag.set_verbosity(options.common.Verbosity());
  if (options.init_store) return InitStore(options);
  if (!options.import_leases.empty()) return ImportLeases(options, diag);
  if (options.daemon) {
    MakeAbsolute(&options.config);
    MakeAbsolute(&options.lease_file);
    MakeAbsolute(&options.pid_file);
  }
  Configuration config;
  ConfigurationError error;
  if (!LoadConfiguration(options, &config, &error)) {
    for (const std::string& earlier : error.earlier) diag.Error("{}", earlier);
    throw ToolError(error.exit_code, error.message);
  }
  for (const std::string& warning : config.conf.warnings)
    diag.Warn("{}", warning);
  for (const std::string& note : config.conf.notes) diag.Info("{}", note);
  if (options.test_config) {
    diag.Info("configuration OK: {} subnets, {} hosts, {} classes",
              config.conf.subnets.size(), config.conf.hosts.size(),
              config.conf.classes.size());
    return kExitOk;
  }

  // An unknown --user stops the start before any file or socket is touched.
  std::optional<UserIds> user;
  if (!options.user.empty()) {
    auto found = LookUpUser(options.user);
    if (!found)
      throw ToolError(kExitUsage, fmt::format("--user: {}", found.error()));
    user = *found;
  }

  // A SIGHUP while starting (a reload right after a start) must neither kill
  // the server nor be lost: blocked, it waits for the loop's signalfd.
  sigset_t hup;
  sigemptyset(&hup);
  sigaddset(&hup, SIGHUP);
  ::pthread_sigmask(SIG_BLOCK, &hup, nullptr);

  LeaseJournal journal(options.lease_file);
  std::unique_ptr<PgLeaseStore> shared;
  LeaseFileContents loaded_contents;
  auto* loaded = &loaded_contents;
  if (!options.lease_store.empty()) {
    // Several servers share it: no lock, no file.
    shared = ConnectStore(options.lease_store);
    if (auto schema = shared->CheckSchema(); !schema)
      throw ToolError(kExitConfig,
                      fmt::format("lease store: {}", schema.error()));
    auto leases = shared->LoadAll();
    if (!leases)
      throw ToolError(kExitUnavailable,
                      fmt::format("lease store: {}", leases.error()));
    loaded_contents.leases = std::move(leases.value());
  } else {
    // Before reading: a second server on the same file stops here, at once.
    if (auto locked = journal.Lock(); !locked) {
      int err = locked.failure().sys_errno;
      throw ToolError(
          err == EWOULDBLOCK ? kExitUnavailable : ExitCodeForFileErrno(err),
          locked.error());
    }
    auto read = journal.Load();
    if (!read)
      throw ToolError(ExitCodeForFileErrno(read.failure().sys_errno),
                      fmt::format("lease file {}", read.error()));
    loaded_contents = std::move(read.value());
  }
  for (const std::string& warning : loaded->warnings)
    diag.Warn("{}: {}", options.lease_file, warning);
  bool corrupt = !loaded->warnings.empty();

  std::optional<PidFile> pid_file;
  if (options.daemon || !options.pid_file.empty())
    pid_file.emplace(options.pid_file.empty() ? kDefaultPidFile
                                              : options.pid_file);

  std::vector<Listener> listeners = OpenListeners(options, config.conf, diag);

  Daemon daemon(options, diag, std::move(config), std::move(listeners),
                std::move(journal), std::move(shared));
  daemon.policy().LoadLeases(loaded->leases);
  bool to_file = options.lease_store.empty();
  // Start from a compact file: one block per address. A file that did not
  // read cleanly is kept as PATH~ first, as ISC keeps dhcpd.leases~.
  if (to_file) {
    if (auto compacted =
            daemon.journal().Compact(daemon.policy().leases().All(), corrupt);
        !compacted)
      throw ToolError(ExitCodeForFileErrno(compacted.failure().sys_errno),
                      fmt::format("lease file: {}", compacted.error()));
  }
  if (corrupt)
    diag.Warn("{}: the file as read is kept as {}~", options.lease_file,
              options.lease_file);
  diag.Info("{} leases read from {}", loaded->leases.size(),
            to_file ? options.lease_file : std::string("the lease store"));
  try {
    daemon.SetNeighbours(std::make_unique<NeighbourTable>());
  } catch (const std::system_error& e) {
    diag.Warn("neighbour table: {}", e.what());
  }
  // Interfaces that go down and come back, or get their address later, are
  // served again without a restart.
  try {
    daemon.FollowInterfaces(std::make_unique<LinkMonitor>(),
                            MakeListenRequest(options));
  } catch (const std::system_error& e) {
    diag.Warn("interface changes will not be followed: {}", e.what());
  }

  if (user) {
    // The journal must stay writable after the switch.
    if (to_file && ::fchown(daemon.journal().fd(), user->uid, user->gid) != 0)
      diag.Warn("chown {}: {}", options.lease_file, std::strerror(errno));
    auto dropped = DropPrivileges(
        *user, {CAP_NET_BIND_SERVICE, CAP_NET_RAW, CAP_NET_ADMIN});
    if (!dropped)
      throw ToolError(kExitNoPerm,
                      fmt::format("dropping privileges: {}", dropped.error()));
    diag.Info("running as {} ({}:{})", user->name, user->uid, user->gid);
  }
  if (options.daemon) {
    Daemonize();
    daemon.journal().WriteLockPid();
  }
  if (pid_file) pid_file->Write();
  return daemon.Run();
}

}  // namespace
}  // namespace pxekit

int main(int argc, char** argv) {
  using namespace pxekit;
  Diag diag("pxe-dhcpd");
  DhcpdOptions options;

  CLI::App app(
      "A PXE-aware DHCPv4 server. Configure it with an ISC dhcpd.conf subset "
      "(-c), with flags, or both (flags apply after the file).",
      "pxe-dhcpd");
  AddCommonOptions(app, options.common, ShortV::kVerbose);
  AddValue(app, "-c,--config", options.config,
           "Read the dhcpd.conf subset from FILE", "FILE");
  app.add_flag("-t,--test-config", options.test_config,
               "Check the configuration and exit (0 good, 78 bad)");
  AddValue(app, "--lease-file", options.lease_file,
           "Lease file (default /var/lib/pxekit/dhcpd.leases)", "PATH");
  AddValue(app, "--lease-store", options.lease_store,
           "Keep leases in a PostgreSQL database that several servers "
           "share, instead of the lease file (any libpq connection "
           "string, e.g. postgresql:///pxekit)",
           "CONNINFO");
  app.add_flag("--init-store", options.init_store,
               "Create or upgrade the --lease-store schema, then exit");
  AddValue(app, "--import-leases", options.import_leases,
           "Copy the leases of an ISC dhcpd.leases FILE into the "
           "--lease-store, then exit",
           "FILE");
  app.add_flag("-f,--foreground", options.foreground,
               "Stay in the foreground (the default; for ISC compatibility)");
  app.add_flag("--daemon", options.daemon,
               "Fork into the background once the sockets are bound, and "
               "write a pid file");
  AddValue(app, "--pid-file", options.pid_file,
           "Write the server's PID to PATH (default with --daemon: "
           "/run/pxe-dhcpd.pid)",
           "PATH");
  AddRepeatable(app, "-i,--interface", options.interfaces,
                "Serve on interface IF (repeatable)", "IF");
  app.add_flag("--wait-interfaces", options.wait_interfaces,
               "Start even when a named interface is missing, down or has no "
               "address in a declared subnet; serve it once it has");
  AddValue(app, "--listen", options.listen,
           "Bind to ADDR instead of all addresses (relay-only service)",
           "ADDR");
  AddNumber(app, "--port", options.port, "UDP port to serve (default 67)",
            "PORT", 1, 65535);
  AddRepeatable(app, "--subnet", options.subnets,
                "Serve subnet CIDR (e.g. 198.18.0.0/24; repeatable, one "
                "per interface)",
                "CIDR");
  AddRepeatable(app, "--range", options.ranges,
                "Hand out addresses A to B of the subnet that holds them "
                "(without --subnet: the subnet of the interface that has an "
                "address in it; repeatable)",
                "A-B");
  AddValue(app, "--router", options.router, "Default gateway (option 3)", "IP");
  AddRepeatable(app, "--dns", options.dns, "DNS server (option 6, repeatable)",
                "IP");
  AddValue(app, "--domain", options.domain, "Domain name (option 15)", "NAME");
  AddNumber(app, "--lease-time", options.lease_time,
            "Default lease time in seconds (default 43200)", "S", 60u,
            0xffffffffu);
  AddValue(app, "--next-server", options.next_server,
           "TFTP server for siaddr (default: this server's address)", "IP");
  AddValue(app, "--filename", options.filename,
           "Boot file for BIOS clients, and the default", "FILE");
  AddValue(app, "--efi-filename", options.efi_filename,
           "Boot file for x64 UEFI clients (arch 7 and 9)", "FILE");
  AddValue(app, "--arm64-filename", options.arm64_filename,
           "Boot file for ARM64 UEFI clients (arch 11)", "FILE");
  AddValue(app, "--ipxe-script", options.ipxe_script,
           "Boot script URL for clients whose user class is iPXE", "URL");
  AddValue(app, "--http-url", options.http_url,
           "Boot URL for UEFI HTTP boot clients (vendor class HTTPClient)",
           "URL");
  AddRepeatable(app, "--host", options.hosts,
                "Reserve IP for MAC, optionally naming it (repeatable)",
                "MAC=IP[,NAME]");
  app.add_flag("--proxy", options.proxy,
               "proxyDHCP: hand out no addresses, answer PXE clients on 67 "
               "and 4011");
  AddValue(app, "--user", options.user,
           "Drop root for USER after binding the sockets", "USER");

  if (auto status = ParseCommandLine(app, argc, argv, diag)) return *status;
  return RunMain(diag, [&] { return RunDhcpd(options, diag); });
}
