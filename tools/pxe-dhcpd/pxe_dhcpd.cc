// The I/O side of pxe-dhcpd: sockets, the lease file, signals and the
// loop. Every decision is made by Server::Handle (lib/dhcpd/server.h).

#include "pxe_dhcpd.h"

#include <array>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <ctime>
#include <memory>
#include <optional>

#include <fcntl.h>
#include <linux/capability.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include "cli/diag.h"
#include "cli/exit_codes.h"
#include "cli/run_main.h"
#include "configuration.h"
#include "dhcp/dhcp_options.h"
#include "lease/lease_journal.h"
#include "net/event_loop.h"
#include "net/udp_socket.h"
#include "nl/interface_list.h"
#include "nl/neighbour.h"
#include "os/privileges.h"

namespace pxekit {
namespace {

// Compact when the journal has grown by this much since the last rewrite.
constexpr std::size_t kCompactAfterBytes = 16u << 20;
// Datagrams handled per wake-up before their leases share one fsync.
constexpr int kBatch = 256;

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
  if (!message.sname.empty()) out += fmt::format(" sname \"{}\"", message.sname);
  if (!message.file.empty()) out += fmt::format(" file \"{}\"", message.file);
  for (const DhcpOption& option : message.options.list()) {
    const OptionDef* def = FindOptionByCode(option.code);
    out += fmt::format("\n    option {} {} = {}", option.code,
                       def != nullptr ? def->name : "unknown",
                       FormatOptionValue(def != nullptr ? def->type
                                                        : OptionType::kBytes,
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

UniqueFd OpenListenSocket(Ipv4Addr address, std::uint16_t port,
                          const std::string& device) {
  UniqueFd fd = OpenUdp4Socket();
  EnableReuseAddress(fd);
  EnableBroadcast(fd);
  EnablePacketInfo(fd);
  if (!device.empty()) BindToDevice(fd, device);
  BindAddress(fd, address, port);
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
    if (interface == nullptr)
      throw ToolError(kExitUnavailable,
                      fmt::format("interface '{}': no such interface", name));
    if (!interface->IsUp())
      throw ToolError(kExitUnavailable,
                      fmt::format("interface '{}': interface is down", name));
    chosen.push_back(interface);
  }
  if (chosen.empty() && listen) {
    for (const Interface& interface : interfaces)
      for (const Ipv4Prefix& prefix : interface.ipv4)
        if (prefix.address() == *listen) chosen.push_back(&interface);
    if (chosen.empty())
      throw ToolError(kExitUnavailable,
                      fmt::format("--listen {}: no interface has this address",
                                  *listen));
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
      diag.Warn("interface '{}' has no IPv4 address: replies carry server "
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
                                         : interface->name);
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
        server_(std::move(config.conf), std::move(config.settings)),
        listeners_(std::move(listeners)),
        journal_(std::move(journal)) {}

  Server& server() { return server_; }
  LeaseJournal& journal() { return journal_; }

  void SetNeighbours(std::unique_ptr<NeighbourTable> table) {
    neighbours_ = std::move(table);
  }

  int Run() {
    EventLoop loop;
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
    std::string error;
    if (!journal_.Sync(&error)) diag_.Error("lease file: {}", error);
    diag_.Info("exiting on signal");
    return kExitOk;
  }

 private:
  struct Pending {
    Listener* listener;
    Outbound reply;
    bool needs_commit;
  };

  void OnReadable(Listener& listener) {
    std::vector<Pending> pending;
    ReceivedDatagram info;
    UnixTime now = static_cast<UnixTime>(std::time(nullptr));
    bool any_commit = false;
    for (int i = 0; i < kBatch; ++i) {
      std::optional<std::size_t> size;
      try {
        size = TryReceiveDatagram(listener.fd, buffer_, &info);
      } catch (const std::system_error& e) {
        diag_.Error("{}: {}", listener.interface, e.what());
        break;
      }
      if (!size) break;
      Inbound in;
      in.bytes = std::span<const std::uint8_t>(buffer_.data(), *size);
      in.source = info.source;
      in.source_port = info.source_port;
      in.local_port = listener.port;
      in.local = listener.local;
      in.interface = listener.interface;
      Exchange exchange = server_.Handle(in, now);
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
      for (const Lease& lease : exchange.commits) journal_.Record(lease);
      any_commit = any_commit || !exchange.commits.empty();
      if (exchange.reply)
        pending.push_back(Pending{&listener, std::move(*exchange.reply),
                                  !exchange.commits.empty()});
    }
    // Group commit: every lease of this burst in one write and one fsync,
    // before any ACK that depends on them leaves.
    bool durable = true;
    if (any_commit) {
      std::string error;
      durable = journal_.Sync(&error);
      if (!durable)
        diag_.Error("lease file: {}: holding back the ACKs of this burst",
                    error);
    }
    for (Pending& p : pending)
      if (durable || !p.needs_commit) Send(*p.listener, p.reply);
  }

  void Send(Listener& listener, const Outbound& reply) {
    ReplyDestination dest = reply.destination;
    if (dest.neighbour) {
      int err = neighbours_ ? neighbours_->Add(listener.ifindex, dest.address,
                                               *dest.neighbour)
                            : -1;
      if (err < 0) {
        // Without the entry the kernel would ARP for an address nobody
        // has yet; broadcast reaches the client instead.
        if (!neighbour_warned_)
          diag_.Warn("cannot add neighbour entries ({}); broadcasting replies",
                     neighbours_ ? NeighbourTable::Describe(err)
                                 : "no netlink socket");
        neighbour_warned_ = true;
        dest.address = Ipv4Addr::LimitedBroadcast();
      }
    }
    int err = SendDatagram(listener.fd, reply.bytes, dest.address, dest.port);
    if (err != 0)
      diag_.Error("send to {}:{} via {}: {}", dest.address, dest.port,
                  listener.interface, std::strerror(err));
  }

  void Reload() {
    Configuration config;
    ConfigurationError error;
    if (!LoadConfiguration(options_, &config, &error)) {
      diag_.Error("reload failed, keeping the old configuration: {}",
                  error.message);
      return;
    }
    for (const std::string& warning : config.conf.warnings)
      diag_.Warn("{}", warning);
    server_.Reconfigure(std::move(config.conf), std::move(config.settings));
    if (diag_.verbosity() >= 0) diag_.Emit("configuration reloaded");
  }

  void Maintain() {
    if (journal_.appended_bytes() < kCompactAfterBytes) return;
    auto compacted = journal_.Compact(server_.leases().All());
    if (!compacted)
      diag_.Warn("lease file compaction: {}", compacted.error());
  }

  const DhcpdOptions& options_;
  Diag& diag_;
  Server server_;
  std::vector<Listener> listeners_;
  LeaseJournal journal_;
  std::unique_ptr<NeighbourTable> neighbours_;
  bool neighbour_warned_ = false;
  std::array<std::uint8_t, 4096> buffer_{};
};

void Daemonize() {
  pid_t pid = ::fork();
  if (pid < 0) throw ToolError(kExitOsErr, fmt::format("fork: {}", std::strerror(errno)));
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
  Configuration config;
  ConfigurationError error;
  if (!LoadConfiguration(options, &config, &error))
    throw ToolError(error.exit_code, error.message);
  for (const std::string& warning : config.conf.warnings)
    diag.Warn("{}", warning);
  for (const std::string& note : config.conf.notes) diag.Info("{}", note);
  if (options.test_config) {
    diag.Info("configuration OK: {} subnets, {} hosts, {} classes",
              config.conf.subnets.size(), config.conf.hosts.size(),
              config.conf.classes.size());
    return kExitOk;
  }

  std::vector<Listener> listeners = OpenListeners(options, config.conf, diag);

  LeaseJournal journal(options.lease_file);
  auto loaded = journal.Load();
  if (!loaded)
    throw ToolError(ExitCodeForFileErrno(loaded.failure().sys_errno),
                    fmt::format("lease file {}", loaded.error()));
  for (const std::string& warning : loaded->warnings)
    diag.Warn("{}: {}", options.lease_file, warning);
  std::string directory = options.lease_file.substr(
      0, options.lease_file.rfind('/') == std::string::npos
             ? 0
             : options.lease_file.rfind('/'));
  if (!directory.empty()) ::mkdir(directory.c_str(), 0755);

  Daemon daemon(options, diag, std::move(config), std::move(listeners),
                std::move(journal));
  daemon.server().LoadLeases(loaded->leases);
  // Start from a compact file: one block per address.
  if (auto compacted = daemon.journal().Compact(daemon.server().leases().All());
      !compacted)
    throw ToolError(ExitCodeForFileErrno(compacted.failure().sys_errno),
                    fmt::format("lease file: {}", compacted.error()));
  diag.Info("{} leases read from {}", loaded->leases.size(), options.lease_file);
  try {
    daemon.SetNeighbours(std::make_unique<NeighbourTable>());
  } catch (const std::system_error& e) {
    diag.Warn("neighbour table: {}", e.what());
  }

  if (!options.user.empty()) {
    auto user = LookUpUser(options.user);
    if (!user) throw ToolError(kExitUsage, fmt::format("--user: {}", user.error()));
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
  if (options.daemon) Daemonize();
  return daemon.Run();
}

}  // namespace pxekit
