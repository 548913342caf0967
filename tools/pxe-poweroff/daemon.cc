// pxe-poweroff listen: the agent. One UDP socket and one event loop; every
// datagram goes to PowerAgent::Handle (lib/power/power_agent.h), which
// decides; this file only does what it decided: send the reply, log (rate-
// limited, since strangers can provoke refusals), and on an accepted request
// arm Wake-on-LAN, acknowledge, then run the power command.

#include <cerrno>
#include <csignal>
#include <cstring>
#include <set>

#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/types.h>

#include <fmt/format.h>

#include "cli/diag.h"
#include "cli/exit_codes.h"
#include "cli/run_main.h"
#include "keys.h"
#include "net/event_loop.h"
#include "net/limited_log.h"
#include "net/udp_socket.h"
#include "power/power_agent.h"
#include "power/power_control.h"
#include "power/power_exec.h"
#include "power_off.h"
#include "poweroff.h"
#include "util/text.h"

namespace pxekit {
namespace {

// Datagrams read per wake-up: the loop gets back to timers and signals
// however fast packets come.
constexpr int kDrainPerWakeup = 64;
// Power or --exec commands running at once; a request accepted beyond that
// is acknowledged but its command is not started (and an error logged).
constexpr std::size_t kMaxChildren = 8;

// A reply from the address the datagram was sent to (IP_PKTINFO's
// ipi_spec_dst), so that a sender which matches answers by address (as
// pxe-poweroff does) finds them on an agent with several addresses.
int SendReply(const UniqueFd& fd, std::span<const std::uint8_t> payload,
              const ReceivedDatagram& to) {
  sockaddr_in sin{};
  sin.sin_family = AF_INET;
  sin.sin_port = htons(to.source_port);
  sin.sin_addr.s_addr = to.source.NetworkOrder();
  iovec iov{const_cast<std::uint8_t*>(payload.data()), payload.size()};
  msghdr msg{};
  msg.msg_name = &sin;
  msg.msg_namelen = sizeof sin;
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(in_pktinfo))] = {};
  if (to.local != Ipv4Addr()) {
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    cmsghdr* c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = IPPROTO_IP;
    c->cmsg_type = IP_PKTINFO;
    c->cmsg_len = CMSG_LEN(sizeof(in_pktinfo));
    in_pktinfo info{};
    info.ipi_spec_dst.s_addr = to.local.NetworkOrder();
    std::memcpy(CMSG_DATA(c), &info, sizeof info);
  }
  for (int attempt = 0; attempt < 3; ++attempt) {
    ssize_t n = ::sendmsg(fd.get(), &msg, MSG_DONTWAIT);
    if (n == static_cast<ssize_t>(payload.size())) return 0;
    if (n >= 0) return EMSGSIZE;
    if (errno != EINTR) return errno;
  }
  return EINTR;
}

class Agent {
 public:
  Agent(const ListenOptions& options, Diag& diag, PowerAgentConfig config,
        std::string wol_nic, UniqueFd socket)
      : options_(options),
        diag_(diag),
        agent_(std::move(config)),
        wol_nic_(std::move(wol_nic)),
        socket_(std::move(socket)),
        refusals_(
            loop_, [this](std::string_view line) { Note(std::string(line)); },
            "refusals") {}

  void Run() {
    loop_.OnSignal(SIGTERM, [this] { Stop("SIGTERM"); });
    loop_.OnSignal(SIGINT, [this] { Stop("SIGINT"); });
    loop_.OnSignal(SIGHUP, [] {});
    loop_.OnSignal(SIGCHLD, [this] { ReapChildren(); });
    loop_.Watch(socket_.get(), EPOLLIN, [this](std::uint32_t) { Drain(); });
    loop_.Run();
    loop_.Unwatch(socket_.get());
  }

 private:
  void Stop(const char* signal) {
    diag_.Info("{}: stopping", signal);
    loop_.Stop();
  }

  void Note(std::string text) {
    if (diag_.verbosity() >= 0) diag_.Emit(text);
  }

  void Drain() {
    std::array<std::uint8_t, 2048> buffer;
    DrainDatagrams(
        socket_, buffer, kDrainPerWakeup,
        [&](std::span<const std::uint8_t> bytes, const ReceivedDatagram& from) {
          Handle(bytes, from);
        },
        // ICMP errors for earlier replies (ECONNREFUSED and the like) come
        // back here; they concern a peer, never the agent.
        [&](const std::system_error& e) {
          diag_.Debug("receive: {}", e.what());
        });
  }

  std::string Peer(const ReceivedDatagram& from) const {
    return fmt::format("{}:{}", from.source, from.source_port);
  }

  void Reply(const AgentDecision& decision, const ReceivedDatagram& from) {
    if (decision.reply.empty()) return;
    if (int err = SendReply(socket_, decision.reply, from); err != 0)
      diag_.Debug("reply to {}: {}", Peer(from), std::strerror(err));
  }

  void Handle(std::span<const std::uint8_t> datagram,
              const ReceivedDatagram& from) {
    RandomSource random = [](std::span<std::uint8_t> out) {
      return RandomBytes(out);
    };
    AgentDecision decision =
        agent_.Handle(datagram, MonoTime::clock::now(), random);
    switch (decision.kind) {
      case AgentDecision::Kind::kIgnored:
        diag_.Debug("{}: not a message for an agent; ignored", Peer(from));
        return;
      case AgentDecision::Kind::kChallenged:
        diag_.Info("{}: challenge sent", Peer(from));
        Reply(decision, from);
        return;
      case AgentDecision::Kind::kNoRandom:
        diag_.Error("{}: no random bytes for a challenge; not answered",
                    Peer(from));
        return;
      case AgentDecision::Kind::kRefused:
        if (decision.reason == RefusalReason::kMalformed)
          refusals_.Line(fmt::format("refused {} bytes from {}: malformed",
                                     datagram.size(), Peer(from)));
        else
          refusals_.Line(fmt::format("refused request from {}: {}", Peer(from),
                                     RefusalReasonText(decision.reason)));
        Reply(decision, from);
        return;
      case AgentDecision::Kind::kDuplicate:
        refusals_.Line(fmt::format(
            "request from {} again: {} was accepted before; acknowledged "
            "again, not acted on twice",
            Peer(from), PowerActionName(decision.action)));
        Reply(decision, from);
        return;
      case AgentDecision::Kind::kAccepted:
        Accept(decision, from);
        return;
    }
  }

  void Accept(const AgentDecision& decision, const ReceivedDatagram& from) {
    std::string_view action = PowerActionName(decision.action);
    Note(fmt::format("accepted {} request from {}", action, Peer(from)));
    if (options_.dry_run) {
      std::string command =
          options_.exec.empty()
              ? DescribeCommandOrWhy(decision.action)
              : "/bin/sh -c " + QuoteForMessage(options_.exec);
      Note(
          fmt::format("dry run: would arm Wake-on-LAN on {}, acknowledge, "
                      "then run: {}",
                      wol_nic_, command));
      Reply(decision, from);
      Note(fmt::format("dry run: acknowledged {}; nothing else done",
                       Peer(from)));
      return;
    }
    // WoL first: once the ACK is out the sender may stop caring, and once
    // the power command runs the network may go at any moment.
    ArmWakeOnLan(wol_nic_, diag_);
    Reply(decision, from);
    std::vector<std::string> argv;
    std::vector<std::string> env;
    if (!options_.exec.empty()) {
      argv = {"/bin/sh", "-c", options_.exec};
      env = ActionEnvironment(decision.action);
    } else {
      try {
        argv = PowerCommand(decision.action);
      } catch (const ToolError& e) {
        diag_.Error("cannot {}: {}", action, e.what());
        return;
      }
    }
    if (children_.size() >= kMaxChildren) {
      diag_.Error("{} commands still running; not starting another",
                  children_.size());
      return;
    }
    auto pid = SpawnProgram(argv, env);
    if (!pid) {
      diag_.Error("cannot run {}: {}", DescribeCommand(argv), pid.error());
      return;
    }
    children_.insert(*pid);
    Note(fmt::format("running: {} (pid {})", DescribeCommand(argv), *pid));
  }

  std::string DescribeCommandOrWhy(PowerAction action) {
    try {
      return DescribeCommand(PowerCommand(action));
    } catch (const ToolError& e) {
      return fmt::format("nothing ({})", e.what());
    }
  }

  void ReapChildren() {
    for (auto it = children_.begin(); it != children_.end();) {
      auto done = ReapProgram(*it);
      if (!done) {
        ++it;
        continue;
      }
      if (done->success())
        diag_.Info("command (pid {}) finished", *it);
      else
        diag_.Error("command (pid {}) failed: {}", *it, done->Describe());
      it = children_.erase(it);
    }
  }

  const ListenOptions& options_;
  Diag& diag_;
  PowerAgent agent_;
  std::string wol_nic_;
  UniqueFd socket_;
  EventLoop loop_;
  // Lines strangers can cause (refusals), through a limiter: a burst of
  // 20, then one a second. After loop_, which it uses.
  LimitedLog refusals_;
  std::set<pid_t> children_;
};

UniqueFd OpenAgentSocket(const ListenOptions& options) {
  UniqueFd fd = OpenUdp4Socket();
  EnablePacketInfo(fd);
  auto port = static_cast<std::uint16_t>(options.port);
  try {
    if (!options.interface.empty()) BindToDevice(fd, options.interface);
  } catch (const std::system_error& e) {
    int err = e.code().value();
    throw ToolError(
        ExitCodeForSocketErrno(err),
        fmt::format("--interface {}: {}", QuoteForMessage(options.interface),
                    err == ENODEV ? "no such interface" : std::strerror(err)));
  }
  try {
    BindAddress(fd, Ipv4Addr::Any(), port);
  } catch (const std::system_error& e) {
    int err = e.code().value();
    throw ToolError(
        ExitCodeForSocketErrno(err),
        fmt::format("UDP port {}: {}", port,
                    err == EADDRINUSE
                        ? "address in use (is another agent running?)"
                        : std::strerror(err)));
  }
  return fd;
}

}  // namespace

int RunListen(const ListenOptions& options, Diag& diag) {
  PowerAgentConfig config;
  std::vector<std::string> key_paths = options.keys;
  if (key_paths.empty()) key_paths.push_back(kDefaultPublicKey);
  for (const std::string& path : key_paths)
    config.keys.push_back(LoadAgentKey(path));

  WolNic nic = FindWolNic(options.wol_interface, options.interface);
  config.id = nic.mac;
  UniqueFd socket = OpenAgentSocket(options);

  std::string keys;
  for (const Ed25519PublicKey& key : config.keys)
    keys += fmt::format("{}{}", keys.empty() ? "" : ", ", key.Fingerprint());
  if (diag.verbosity() >= 0)
    diag.Emit(
        fmt::format("listening on UDP port {}{} as {} (Wake-on-LAN interface "
                    "{}){}; keys: {}",
                    options.port,
                    options.interface.empty() ? "" : " on " + options.interface,
                    nic.mac, nic.name,
                    options.dry_run         ? "; dry run"
                    : !options.exec.empty() ? "; --exec instead of powering off"
                                            : "",
                    keys));

  Agent agent(options, diag, std::move(config), nic.name, std::move(socket));
  agent.Run();
  return kExitOk;
}

}  // namespace pxekit
