// The I/O side of pxe-dhcpd: sockets, the lease file, signals and the
// loop. Every decision is made by Server::Handle (lib/dhcpd/server.h).

#include "pxe_dhcpd.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <memory>
#include <optional>

#include <fcntl.h>
#include <linux/capability.h>
#include <pthread.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include "cli/diag.h"
#include "cli/exit_codes.h"
#include "cli/run_main.h"
#include "configuration.h"
#include "dhcp/dhcp_options.h"
#include "lease/lease_journal.h"
#include "net/datagram_batch.h"
#include "net/event_loop.h"
#include "net/udp_socket.h"
#include "nl/interface_list.h"
#include "nl/neighbour.h"
#include "os/privileges.h"

namespace pxekit {
namespace {

// Compact when the journal has grown by this much since the last rewrite.
constexpr std::size_t kCompactAfterBytes = 16u << 20;
// Datagrams per recvmmsg, and recvmmsg calls per wake-up.
constexpr std::size_t kBatch = 32;
constexpr int kRounds = 2;
// Group commit: an ACK waits at most this long for others to share its
// fsync; this many waiting ACKs are committed at once.
constexpr auto kGroupWindow = std::chrono::microseconds(1000);
constexpr std::size_t kGroupLimit = 64;
// Room for a burst that arrives during an fsync.
constexpr int kReceiveBuffer = 4 << 20;

struct Listener {
  UniqueFd fd;
  std::string interface;
  int ifindex = 0;
  Ipv4Prefix local;
  std::uint16_t port = 67;
};

std::string DumpOptions(const DhcpMessage& message) {
  std::string out = fmt::format(
      "op {} xid {:08x} flags {:04x} ciaddr {} yiaddr {} siaddr {} giaddr {} "
      "chaddr {}",
      message.op, message.xid, message.flags, message.ciaddr, message.yiaddr,
      message.siaddr, message.giaddr, message.Mac());
  if (!message.sname.empty())
    out += fmt::format(" sname \"{}\"", message.sname);
  if (!message.file.empty()) out += fmt::format(" file \"{}\"", message.file);
  for (const DhcpOption& option : message.options.list()) {
    const OptionDef* def = FindOptionByCode(option.code);
    out += fmt::format(
        "\n    option {} {} = {}", option.code,
        def != nullptr ? def->name : "unknown",
        FormatOptionValue(def != nullptr ? def->type : OptionType::kBytes,
                          option.data));
  }
  return out;
}

// The interface address that lies in a declared subnet, else the first.
std::optional<Ipv4Prefix> LocalAddress(const Interface& interface,
                                       const DhcpdConf& conf) {
  for (const Ipv4Prefix& prefix : interface.ipv4)
    if (conf.FindSubnet(prefix.address()) != nullptr) return prefix;
  if (!interface.ipv4.empty()) return interface.ipv4.front();
  return std::nullopt;
}

// Without SO_REUSEADDR a second server on the same device and port fails
// to bind (EADDRINUSE) instead of sharing the port and NAKing the first
// one's clients. Sockets on different devices never conflict. A proxy
// shares port 67 with the link's real DHCP server (which sets SO_REUSEADDR,
// as dnsmasq does), but port 4011 is its own.
UniqueFd OpenListenSocket(Ipv4Addr address, std::uint16_t port,
                          const std::string& device, bool share) {
  UniqueFd fd = OpenUdp4Socket();
  if (share) EnableReuseAddress(fd);
  EnableBroadcast(fd);
  EnablePacketInfo(fd);
  (void)SetReceiveBuffer(fd, kReceiveBuffer);
  if (!device.empty()) BindToDevice(fd, device);
  try {
    BindAddress(fd, address, port);
  } catch (const std::system_error& e) {
    int err = e.code().value();
    std::string where =
        fmt::format("port {} on {}{}", port, address,
                    device.empty() ? "" : fmt::format(" via {}", device));
    throw ToolError(
        ExitCodeForSocketErrno(err),
        err == EADDRINUSE
            ? fmt::format("{}: address in use (is another DHCP server "
                          "running on this interface?)",
                          where)
            : fmt::format("{}: {}", where, std::strerror(err)));
  }
  return fd;
}

std::vector<Listener> OpenListeners(const DhcpdOptions& options,
                                    const DhcpdConf& conf, Diag& diag) {
  std::vector<Interface> interfaces = ListInterfaces();
  std::vector<const Interface*> chosen;
  std::optional<Ipv4Addr> listen;
  if (!options.listen.empty()) {
    auto address = Ipv4Addr::Parse(options.listen);
    if (!address)
      throw ToolError(kExitUsage, fmt::format("--listen '{}': {}",
                                              options.listen, address.error()));
    listen = *address;
  }
  for (const std::string& name : options.interfaces) {
    const Interface* interface = FindInterface(interfaces, name);
    // "-i eth0 -i eth0" is one interface, not a port in use by itself.
    if (interface != nullptr &&
        std::find(chosen.begin(), chosen.end(), interface) != chosen.end())
      continue;
    if (interface == nullptr)
      throw ToolError(kExitUnavailable,
                      fmt::format("interface '{}': no such interface", name));
    if (!interface->IsUp())
      throw ToolError(kExitUnavailable,
                      fmt::format("interface '{}': interface is down", name));
    // As ISC dhcpd: an interface named to serve addresses needs a declared
    // subnet for its network, or it would answer nobody. A relay-only
    // server (--listen) and a proxy serve no network of their own.
    bool in_subnet = false;
    for (const Ipv4Prefix& prefix : interface->ipv4)
      if (conf.FindSubnet(prefix.address()) != nullptr) in_subnet = true;
    if (!in_subnet && !options.proxy && options.listen.empty()) {
      std::string addresses;
      for (const Ipv4Prefix& prefix : interface->ipv4)
        addresses += fmt::format("{}{}", addresses.empty() ? "" : ", ", prefix);
      throw ToolError(
          kExitUnavailable,
          fmt::format("interface '{}' ({}): no declared subnet holds its "
                      "address; declare one (--subnet or a subnet block)",
                      name, addresses.empty() ? "no IPv4 address" : addresses));
    }
    chosen.push_back(interface);
  }
  if (chosen.empty() && listen) {
    for (const Interface& interface : interfaces)
      for (const Ipv4Prefix& prefix : interface.ipv4)
        if (prefix.address() == *listen) chosen.push_back(&interface);
    if (chosen.empty())
      throw ToolError(
          kExitUnavailable,
          fmt::format("--listen {}: no interface has this address", *listen));
  }
  if (chosen.empty()) {
    // ISC's rule: serve the interfaces that have an address in a declared
    // subnet (proxy mode: every up Ethernet interface with an address).
    for (const Interface& interface : interfaces) {
      if (!interface.IsUp() || interface.IsLoopback()) continue;
      for (const Ipv4Prefix& prefix : interface.ipv4) {
        if (options.proxy || conf.FindSubnet(prefix.address()) != nullptr) {
          chosen.push_back(&interface);
          break;
        }
      }
    }
    if (chosen.empty())
      throw ToolError(kExitUnavailable,
                      "no interface has an address in a declared subnet; "
                      "name one with --interface");
  }
  std::vector<Listener> listeners;
  std::vector<std::uint16_t> ports{static_cast<std::uint16_t>(options.port)};
  if (options.proxy) ports.push_back(4011);
  for (const Interface* interface : chosen) {
    auto local = listen ? std::optional<Ipv4Prefix>(Ipv4Prefix(*listen, 32))
                        : LocalAddress(*interface, conf);
    if (listen)
      for (const Ipv4Prefix& prefix : interface->ipv4)
        if (prefix.address() == *listen) local = prefix;
    if (!local)
      diag.Warn(
          "interface '{}' has no IPv4 address: replies carry server "
          "identifier 0.0.0.0",
          interface->name);
    for (std::uint16_t port : ports) {
      Listener listener;
      listener.interface = interface->name;
      listener.ifindex = interface->index;
      listener.local = local.value_or(Ipv4Prefix());
      listener.port = port;
      // With --listen the socket has its address and no device: a relay
      // (perfdhcp) must be able to own port 67 on another address.
      listener.fd = OpenListenSocket(listen.value_or(Ipv4Addr::Any()), port,
                                     listen && options.interfaces.empty()
                                         ? std::string()
                                         : interface->name,
                                     options.proxy && port != 4011);
      diag.Info("listening on {}:{} via {} (server address {})",
                listen.value_or(Ipv4Addr::Any()), port, interface->name,
                listener.local.address());
      listeners.push_back(std::move(listener));
    }
  }
  return listeners;
}

class Daemon {
 public:
  Daemon(const DhcpdOptions& options, Diag& diag, Configuration config,
         std::vector<Listener> listeners, LeaseJournal journal)
      : options_(options),
        diag_(diag),
        server_(std::move(config.conf), WithDumps(std::move(config.settings))),
        listeners_(std::move(listeners)),
        journal_(std::move(journal)) {}

  Server& server() { return server_; }
  LeaseJournal& journal() { return journal_; }

  void SetNeighbours(std::unique_ptr<NeighbourTable> table) {
    neighbours_ = std::move(table);
  }

  int Run() {
    EventLoop loop;
    loop_ = &loop;
    for (Listener& listener : listeners_)
      loop.Watch(listener.fd.get(), EPOLLIN,
                 [this, &listener](std::uint32_t) { OnReadable(listener); });
    loop.OnSignal(SIGHUP, [this] { Reload(); });
    loop.OnSignal(SIGTERM, [&loop] { loop.Stop(); });
    loop.OnSignal(SIGINT, [&loop] { loop.Stop(); });
    std::function<void()> maintenance = [&] {
      Maintain();
      loop.AddTimerAfter(std::chrono::seconds(60), maintenance);
    };
    loop.AddTimerAfter(std::chrono::seconds(60), maintenance);
    diag_.Info("ready: {} leases", server_.leases().size());
    loop.Run();
    Commit();  // ACKs already decided go out, their leases durable
    loop_ = nullptr;
    diag_.Info("exiting on signal");
    return kExitOk;
  }

 private:
  struct Pending {
    Listener* listener;
    Outbound reply;
  };

  ServerSettings WithDumps(ServerSettings settings) const {
    settings.keep_messages = diag_.verbosity() >= 1;
    return settings;
  }

  void OnReadable(Listener& listener) {
    std::vector<Pending> now_replies;
    UnixTime now = static_cast<UnixTime>(std::time(nullptr));
    for (int round = 0; round < kRounds; ++round) {
      std::size_t count = 0;
      try {
        count = batch_.Receive(listener.fd);
      } catch (const std::system_error& e) {
        diag_.Error("{}: {}", listener.interface, e.what());
        break;
      }
      if (count == 0) break;
      for (std::size_t i = 0; i < count; ++i) {
        Inbound in;
        in.bytes = batch_.payload(i);
        in.source = batch_.source(i);
        in.source_port = batch_.source_port(i);
        in.local_port = listener.port;
        in.local = listener.local;
        in.interface = listener.interface;
        Exchange exchange = server_.Handle(in, now);
        Log(exchange);
        if (!exchange.reply) {
          for (const Lease& lease : exchange.commits) journal_.Record(lease);
          has_unsynced_ = has_unsynced_ || !exchange.commits.empty();
          continue;
        }
        if (exchange.commits.empty()) {
          // OFFERs and NAKs depend on nothing on disk: out at once.
          now_replies.push_back(Pending{&listener, std::move(*exchange.reply)});
          continue;
        }
        for (const Lease& lease : exchange.commits) journal_.Record(lease);
        has_unsynced_ = true;
        awaiting_commit_.push_back(
            Pending{&listener, std::move(*exchange.reply)});
      }
    }
    SendAll(now_replies);
    // Group commit: ACKs wait up to kGroupWindow for company, then share one
    // write and one fsync; a full group goes at once.
    if (awaiting_commit_.size() >= kGroupLimit) {
      Commit();
    } else if (has_unsynced_ && commit_timer_ == 0 && loop_ != nullptr) {
      commit_timer_ = loop_->AddTimerAfter(kGroupWindow, [this] {
        commit_timer_ = 0;
        Commit();
      });
    }
  }

  void Commit() {
    if (commit_timer_ != 0 && loop_ != nullptr)
      loop_->CancelTimer(commit_timer_);
    commit_timer_ = 0;
    if (!has_unsynced_ && awaiting_commit_.empty()) return;
    std::string error;
    bool durable = journal_.Sync(&error);
    has_unsynced_ = false;
    if (!durable) {
      diag_.Error("lease file: {}: {} ACKs not sent", error,
                  awaiting_commit_.size());
      awaiting_commit_.clear();
      return;
    }
    std::vector<Pending> ready;
    ready.swap(awaiting_commit_);
    SendAll(ready);
  }

  void Log(const Exchange& exchange) {
    // -q keeps the exchanges out of the log (errors only).
    if (!exchange.log.empty() && diag_.verbosity() >= 0)
      diag_.Emit(exchange.log);
    if (diag_.verbosity() >= 1 && exchange.request)
      diag_.Emit(fmt::format("  request {}", DumpOptions(*exchange.request)));
    if (diag_.verbosity() >= 1 && exchange.reply)
      diag_.Emit(fmt::format("  reply to {}:{} {}",
                             exchange.reply->destination.address,
                             exchange.reply->destination.port,
                             DumpOptions(exchange.reply->message)));
  }

  // Sends per socket with one sendmmsg each.
  void SendAll(std::vector<Pending>& replies) {
    if (replies.empty()) return;
    for (Listener& listener : listeners_) {
      std::vector<OutgoingDatagram> out;
      std::vector<const Pending*> sources;
      for (Pending& p : replies) {
        if (p.listener != &listener) continue;
        ReplyDestination dest = Route(listener, p.reply.destination);
        out.push_back(OutgoingDatagram{p.reply.bytes, dest.address, dest.port});
        sources.push_back(&p);
      }
      if (out.empty()) continue;
      std::vector<int> errors = SendDatagrams(listener.fd, out);
      for (std::size_t i = 0; i < errors.size(); ++i)
        if (errors[i] != 0)
          diag_.Error("send to {}:{} via {}: {}", out[i].address, out[i].port,
                      listener.interface, std::strerror(errors[i]));
    }
  }

  // Adds the neighbour entry a unicast to yiaddr needs; falls back to
  // broadcast when that is impossible.
  ReplyDestination Route(Listener& listener, ReplyDestination dest) {
    if (!dest.neighbour) return dest;
    int err = neighbours_ ? neighbours_->Add(listener.ifindex, dest.address,
                                             *dest.neighbour)
                          : -1;
    if (err < 0) {
      // Without the entry the kernel would ARP for an address nobody has
      // yet; broadcast reaches the client instead.
      if (!neighbour_warned_)
        diag_.Warn(
            "cannot add neighbour entries ({}); broadcasting replies",
            neighbours_ ? NeighbourTable::Describe(err) : "no netlink socket");
      neighbour_warned_ = true;
      dest.address = Ipv4Addr::LimitedBroadcast();
    }
    return dest;
  }

  void Reload() {
    Configuration config;
    ConfigurationError error;
    if (!LoadConfiguration(options_, &config, &error)) {
      for (const std::string& earlier : error.earlier)
        diag_.Error("{}", earlier);
      diag_.Error("reload failed, keeping the old configuration: {}",
                  error.message);
      return;
    }
    for (const std::string& warning : config.conf.warnings)
      diag_.Warn("{}", warning);
    server_.Reconfigure(std::move(config.conf),
                        WithDumps(std::move(config.settings)));
    if (diag_.verbosity() >= 0) diag_.Emit("configuration reloaded");
  }

  void Maintain() {
    server_.ExpireLeases(static_cast<UnixTime>(std::time(nullptr)));
    if (journal_.appended_bytes() < kCompactAfterBytes) return;
    Commit();
    auto compacted = journal_.Compact(server_.leases().All());
    if (!compacted) diag_.Warn("lease file compaction: {}", compacted.error());
  }

  const DhcpdOptions& options_;
  Diag& diag_;
  Server server_;
  std::vector<Listener> listeners_;
  LeaseJournal journal_;
  std::unique_ptr<NeighbourTable> neighbours_;
  bool neighbour_warned_ = false;
  EventLoop* loop_ = nullptr;
  DatagramBatch batch_{kBatch, 2048};
  std::vector<Pending> awaiting_commit_;
  bool has_unsynced_ = false;
  EventLoop::TimerId commit_timer_ = 0;
};

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

}  // namespace

int RunDhcpd(DhcpdOptions& options, Diag& diag) {
  diag.set_verbosity(options.common.Verbosity());
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
  // Before reading: a second server on the same file stops here, at once.
  if (auto locked = journal.Lock(); !locked) {
    int err = locked.failure().sys_errno;
    throw ToolError(
        err == EWOULDBLOCK ? kExitUnavailable : ExitCodeForFileErrno(err),
        locked.error());
  }
  auto loaded = journal.Load();
  if (!loaded)
    throw ToolError(ExitCodeForFileErrno(loaded.failure().sys_errno),
                    fmt::format("lease file {}", loaded.error()));
  for (const std::string& warning : loaded->warnings)
    diag.Warn("{}: {}", options.lease_file, warning);
  bool corrupt = !loaded->warnings.empty();

  std::optional<PidFile> pid_file;
  if (options.daemon || !options.pid_file.empty())
    pid_file.emplace(options.pid_file.empty() ? kDefaultPidFile
                                              : options.pid_file);

  std::vector<Listener> listeners = OpenListeners(options, config.conf, diag);

  Daemon daemon(options, diag, std::move(config), std::move(listeners),
                std::move(journal));
  daemon.server().LoadLeases(loaded->leases);
  // Start from a compact file: one block per address. A file that did not
  // read cleanly is kept as PATH~ first, as ISC keeps dhcpd.leases~.
  if (auto compacted =
          daemon.journal().Compact(daemon.server().leases().All(), corrupt);
      !compacted)
    throw ToolError(ExitCodeForFileErrno(compacted.failure().sys_errno),
                    fmt::format("lease file: {}", compacted.error()));
  if (corrupt)
    diag.Warn("{}: the file as read is kept as {}~", options.lease_file,
              options.lease_file);
  diag.Info("{} leases read from {}", loaded->leases.size(),
            options.lease_file);
  try {
    daemon.SetNeighbours(std::make_unique<NeighbourTable>());
  } catch (const std::system_error& e) {
    diag.Warn("neighbour table: {}", e.what());
  }

  if (user) {
    // The journal must stay writable after the switch.
    if (::fchown(daemon.journal().fd(), user->uid, user->gid) != 0)
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

}  // namespace pxekit
