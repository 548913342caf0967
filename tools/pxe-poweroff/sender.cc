// pxe-poweroff HOST...: the sender. Every host gets its own PowerExchange
// (lib/power/power_sender.h) but all share one UDP socket and one event
// loop, so 200 hosts take about as long as one: HELLOs go out together, each
// CHALLENGE is answered as it arrives, and each host is resent to on its own
// back-off timer (lib/power/retry_schedule.h) until it acknowledges, refuses
// for good, or --wait runs out.

#include <cerrno>
#include <cstring>
#include <map>
#include <memory>
#include <optional>
#include <random>

#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fmt/format.h>

#include "cli/diag.h"
#include "cli/exit_codes.h"
#include "cli/input.h"
#include "cli/output.h"
#include "cli/run_main.h"
#include "keys.h"
#include "net/datagram_batch.h"
#include "net/event_loop.h"
#include "net/resolve.h"
#include "net/udp_socket.h"
#include "os/file.h"
#include "power/power_sender.h"
#include "power/retry_schedule.h"
#include "power/target_list.h"
#include "poweroff.h"
#include "util/ipv4.h"
#include "util/text.h"

namespace pxekit {
namespace {

// Datagrams read per wake-up, so timers keep running under a flood.
constexpr int kDrainPerWakeup = 256;
constexpr int kReceiveBuffer = 1 << 20;

struct Inputs : ListInputs {
  std::vector<PowerTarget> targets;
};

void AddList(const std::string& content, const std::string& source,
             Inputs& inputs, Diag& diag) {
  PowerTargetList list = ParsePowerTargetList(content, source);
  inputs.CountList(content, source, list.errors, diag);
  for (PowerTarget& target : list.targets)
    inputs.targets.push_back(std::move(target));
}

Inputs CollectTargets(const SenderOptions& options, Diag& diag) {
  Inputs inputs;
  for (std::size_t i = 0; i < options.hosts.size(); ++i) {
    auto host = CheckPowerHost(options.hosts[i]);
    if (!host) {
      inputs.BadArgument(i, host.error(), diag);
      continue;
    }
    inputs.targets.push_back(
        PowerTarget{*host, std::nullopt, fmt::format("argument {}", i + 1)});
  }
  if (!options.file.empty()) {
    std::string source = options.file == "-" ? "<stdin>" : options.file;
    AddList(ReadInputOrThrow(options.file, PathInMessages::kQuoted), source,
            inputs, diag);
  } else if (options.hosts.empty()) {
    if (options.stdin_is_tty)
      throw ToolError(kExitUsage,
                      "no host given (as arguments, with -f FILE, or on "
                      "standard input); try 'pxe-poweroff --help'");
    AddList(ReadInputOrThrow("-"), "<stdin>", inputs, diag);
  }
  if (options.hosts.empty()) inputs.ThrowIfAllEmpty("host");
  return inputs;
}

Result<Ipv4Addr> Resolve(const std::string& host) {
  if (IsIpv4Shaped(host)) return Ipv4Addr::Parse(host);
  return ResolveIpv4(host);
}

enum class Outcome { kPending, kAcked, kRefused, kNoAnswer };

struct HostRun {
  HostRun(PowerTarget t, Ipv4Addr a, PowerExchange e)
      : target(std::move(t)), address(a), exchange(std::move(e)) {}
  PowerTarget target;
  Ipv4Addr address;
  PowerExchange exchange;
  bool requested = false;  // a REQUEST is out; retries resend it
  unsigned sends = 0;
  Outcome outcome = Outcome::kPending;
  std::optional<RefusalReason> refusal;  // the last one
  int send_error = 0;
  EventLoop::TimerId timer = 0;
};

// A refusal that a new challenge may cure (the agent restarted, or the
// challenge aged): the host is asked again on its next retry.
bool Retryable(RefusalReason reason) {
  return reason == RefusalReason::kUnknownNonce ||
         reason == RefusalReason::kReusedNonce ||
         reason == RefusalReason::kExpiredNonce;
}

class Sender {
 public:
  Sender(const SenderOptions& options, Diag& diag, Ed25519KeyPair key,
         std::vector<HostRun> hosts, UniqueFd socket)
      : options_(options),
        diag_(diag),
        key_(std::move(key)),
        hosts_(std::move(hosts)),
        socket_(std::move(socket)),
        jitter_(Seed()) {
    for (std::size_t i = 0; i < hosts_.size(); ++i)
      by_address_.emplace(hosts_[i].address.value(), i);
  }

  void Run() {
    MonoTime start = MonoTime::clock::now();
    deadline_ = start + std::chrono::seconds(options_.wait_seconds);
    loop_.Watch(socket_.get(), EPOLLIN, [this](std::uint32_t) { Drain(); });
    pending_ = hosts_.size();
    for (std::size_t i = 0; i < hosts_.size(); ++i) Send(i);
    // Bounded by the deadline: every turn waits at most until then.
    while (pending_ > 0) {
      MonoTime now = MonoTime::clock::now();
      if (now >= deadline_) break;
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline_ - now);
      loop_.RunOnce(std::max(left, std::chrono::milliseconds(1)));
    }
    loop_.Unwatch(socket_.get());
    for (HostRun& host : hosts_)
      if (host.outcome == Outcome::kPending) host.outcome = Outcome::kNoAnswer;
  }

  const std::vector<HostRun>& hosts() const { return hosts_; }

 private:
  static std::uint64_t Seed() {
    std::uint64_t seed = 0;
    std::array<std::uint8_t, 8> bytes{};
    if (RandomBytes(bytes))
      for (std::uint8_t b : bytes) seed = seed << 8 | b;
    return seed;
  }

  double Fraction() {
    return std::uniform_real_distribution<double>(0.0, 1.0)(jitter_);
  }

  // A HELLO, or the REQUEST again once there is one; then the next retry.
  void Send(std::size_t i) {
    HostRun& host = hosts_[i];
    host.timer = 0;
    if (host.outcome != Outcome::kPending) return;
    std::vector<std::uint8_t> hello;
    std::span<const std::uint8_t> payload;
    if (host.requested) {
      payload = host.exchange.request_bytes();
    } else {
      RandomSource random = [](std::span<std::uint8_t> out) {
        return RandomBytes(out);
      };
      hello = host.exchange.Hello(random);
      if (hello.empty())
        throw ToolError(kExitOsErr, "no random bytes for a nonce");
      payload = hello;
    }
    diag_.Debug("{}: sending {} ({})", host.target.host,
                host.requested ? "the request" : "a hello", host.sends + 1);
    int err = SendDatagram(socket_, payload, host.address,
                           static_cast<std::uint16_t>(options_.port));
    if (err != 0) {
      if (host.send_error != err)
        diag_.Debug("{}: send: {}", host.target.host, std::strerror(err));
      host.send_error = err;
    }
    ++host.sends;
    MonoTime now = MonoTime::clock::now();
    auto next = NextRetry(schedule_, now, host.sends, deadline_, Fraction());
    if (next) host.timer = loop_.AddTimer(*next, [this, i] { Send(i); });
  }

  void Finish(HostRun& host, Outcome outcome) {
    if (host.outcome != Outcome::kPending) return;
    host.outcome = outcome;
    loop_.CancelTimer(host.timer);
    host.timer = 0;
    --pending_;
  }

  void Drain() {
    std::array<std::uint8_t, 2048> buffer;
    DrainDatagrams(
        socket_, buffer, kDrainPerWakeup,
        [&](std::span<const std::uint8_t> bytes, const ReceivedDatagram& from) {
          if (from.source_port != options_.port) return;
          auto it = by_address_.find(from.source.value());
          if (it == by_address_.end()) return;
          auto message = DecodePowerMessage(bytes);
          if (message) OnMessage(it->second, *message);
        },
        // An ICMP error for an earlier datagram (port unreachable): the
        // host is not listening yet; its retries go on.
        [&](const std::system_error& e) {
          diag_.Debug("receive: {}", e.what());
        });
  }

  void OnMessage(std::size_t i, const PowerMessage& message) {
    HostRun& host = hosts_[i];
    if (host.outcome != Outcome::kPending) return;
    if (std::holds_alternative<PowerChallenge>(message)) {
      // One REQUEST per challenge round: a late or duplicated CHALLENGE
      // must not make a second request the agent could accept as well.
      if (host.requested) return;
      switch (host.exchange.OnChallenge(message, key_)) {
        case PowerExchange::Event::kRequestReady: {
          diag_.Info("{}: challenged by agent {}; sending the signed request",
                     host.target.host, host.exchange.agent_id());
          host.requested = true;
          loop_.CancelTimer(host.timer);
          Send(i);
          return;
        }
        case PowerExchange::Event::kWrongHost:
          diag_.Error("{}: answered as agent {}, not {}: request not sent",
                      host.target.host, host.exchange.agent_id(),
                      host.target.mac ? host.target.mac->ToString() : "?");
          host.refusal = RefusalReason::kWrongTarget;
          Finish(host, Outcome::kRefused);
          return;
        case PowerExchange::Event::kSignFailed:
          throw ToolError(kExitOsErr, "cannot sign a request with the key");
        default:
          return;
      }
    }
    switch (host.exchange.OnReply(message)) {
      case PowerExchange::Event::kAcked:
        diag_.Info("{}: acknowledged after {} datagrams", host.target.host,
                   host.sends);
        Finish(host, Outcome::kAcked);
        return;
      case PowerExchange::Event::kRefused: {
        RefusalReason reason = host.exchange.refusal_reason();
        host.refusal = reason;
        if (Retryable(reason)) {
          // Start over with a new challenge at the next retry.
          diag_.Debug("{}: refused ({}); asking for a new challenge",
                      host.target.host, RefusalReasonText(reason));
          host.requested = false;
          return;
        }
        Finish(host, Outcome::kRefused);
        return;
      }
      default:
        return;
    }
  }

  const SenderOptions& options_;
  Diag& diag_;
  Ed25519KeyPair key_;
  std::vector<HostRun> hosts_;
  UniqueFd socket_;
  std::map<std::uint32_t, std::size_t> by_address_;
  EventLoop loop_;
  RetrySchedule schedule_;
  std::mt19937_64 jitter_;
  MonoTime deadline_{};
  std::size_t pending_ = 0;
};

UniqueFd OpenSenderSocket(const SenderOptions& options) {
  UniqueFd fd = OpenUdp4Socket();
  if (!options.interface.empty()) {
    try {
      BindToDevice(fd, options.interface);
    } catch (const std::system_error& e) {
      int err = e.code().value();
      throw ToolError(
          ExitCodeForSocketErrno(err),
          fmt::format(
              "-I {}: {}", QuoteForMessage(options.interface),
              err == ENODEV ? "no such interface" : std::strerror(err)));
    }
  }
  // Room for every host's CHALLENGE arriving at once.
  (void)SetReceiveBuffer(fd, kReceiveBuffer);
  return fd;
}

}  // namespace

int RunSender(const SenderOptions& options, Diag& diag) {
  // The key first: without it nothing can be sent, and a missing key is
  // the likeliest mistake in a new cron line.
  Ed25519KeyPair key = LoadSenderKey(options.key);
  Inputs inputs = CollectTargets(options, diag);
  PowerAction action = ActionFromName(options.action);

  int failed = inputs.bad_lines;
  std::vector<HostRun> hosts;
  // Output lines in input order; a host listed twice is asked once (two
  // accepted requests would run the action twice) and reported for each.
  std::vector<std::pair<std::string, std::size_t>> report;
  std::map<std::uint32_t, std::size_t> seen;
  for (PowerTarget& target : inputs.targets) {
    auto address = Resolve(target.host);
    if (!address) {
      diag.Error("{}: {}: {}", target.origin, target.host, address.error());
      ++failed;
      continue;
    }
    auto [it, fresh] = seen.emplace(address->value(), hosts.size());
    if (!fresh) {
      const HostRun& first = hosts[it->second];
      if (first.target.mac != target.mac)
        diag.Warn(
            "{}: {} is {} again, with another MAC; asked once, as "
            "listed first",
            target.origin, target.host, *address);
      report.emplace_back(target.host, it->second);
      continue;
    }
    report.emplace_back(target.host, hosts.size());
    HostRun host{target, *address, PowerExchange(action, target.mac)};
    hosts.push_back(std::move(host));
  }
  if (hosts.empty()) {
    if (failed > 0) throw ToolError(kExitDataErr, "no valid host to power off");
    return kExitOk;  // a list of only comments: nothing to do
  }

  Sender sender(options, diag, std::move(key), std::move(hosts),
                OpenSenderSocket(options));
  sender.Run();

  for (const auto& [name, index] : report) {
    const HostRun& host = sender.hosts()[index];
    switch (host.outcome) {
      case Outcome::kAcked:
        Print("{}: acked\n", name);
        continue;
      case Outcome::kRefused:
        Print("{}: refused: {}\n", name,
              RefusalReasonText(
                  host.refusal.value_or(RefusalReason::kMalformed)));
        break;
      default:
        if (host.refusal)
          Print("{}: refused: {}\n", name, RefusalReasonText(*host.refusal));
        else
          Print("{}: no answer\n", name);
        if (host.send_error != 0)
          diag.Error("{}: send: {}", name, std::strerror(host.send_error));
        break;
    }
    ++failed;
  }
  return failed > 0 ? kExitSomeFailed : kExitOk;
}

}  // namespace pxekit
