#include "wakeonlan.h"

#include <cerrno>
#include <chrono>
#include <cstring>
#include <map>
#include <thread>
#include <variant>

#include <fmt/format.h>
#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cli/diag.h"
#include "cli/exit_codes.h"
#include "cli/input.h"
#include "cli/output.h"
#include "cli/run_main.h"
#include "net/packet_socket.h"
#include "net/resolve.h"
#include "net/udp_socket.h"
#include "nl/interface_list.h"
#include "os/file.h"
#include "util/hex.h"
#include "util/ipv4.h"
#include "util/text.h"
#include "wol/ethers.h"

namespace pxekit {
namespace {

constexpr const char* kEthersPath = "/etc/ethers";

struct Inputs : ListInputs {
  std::vector<WakeTarget> targets;
};

void AddList(std::string_view content, const std::string& source,
             const MacNameLookup& lookup, Inputs& inputs, Diag& diag) {
  WakeList list = ParseWakeList(content, source, lookup);
  inputs.CountList(content, source, list.errors, diag);
  for (WakeTarget& target : list.targets)
    inputs.targets.push_back(std::move(target));
}

Inputs CollectTargets(const WakeonlanOptions& options, Diag& diag) {
  Inputs inputs;
  // /etc/ethers is read only when a token is not a MAC, and only once.
  MacNameLookup lookup =
      EthersNameLookup([] { return ReadFileContents(kEthersPath); });

  // Debian's order: the file first, then the arguments.
  if (!options.file.empty()) {
    std::string source = options.file == "-" ? "<stdin>" : options.file;
    AddList(ReadInputOrThrow(options.file), source, lookup, inputs, diag);
  }
  for (std::size_t i = 0; i < options.macs.size(); ++i) {
    auto mac = ParseWakeMac(options.macs[i], lookup);
    if (!mac) {
      inputs.BadArgument(i, mac.error(), diag);
      continue;
    }
    inputs.targets.push_back(
        WakeTarget{*mac, {}, {}, fmt::format("argument {}", i + 1)});
  }
  if (options.file.empty() && options.macs.empty()) {
    if (options.stdin_is_tty)
      throw ToolError(kExitUsage,
                      "no MAC address given (as arguments, with -f FILE, or on "
                      "standard input); "
                      "try 'wakeonlan --help'");
    AddList(ReadInputOrThrow("-"), "<stdin>", lookup, inputs, diag);
  }
  if (options.macs.empty()) inputs.ThrowIfAllEmpty("MAC address");
  return inputs;
}

std::string DescribeDestination(const PlannedSend& send) {
  std::string where =
      send.kind == PlannedSend::Kind::kUdp
          ? fmt::format("{}:{}", send.address, send.port)
          : fmt::format("{} (ethertype 0x0842)", send.frame_destination);
  if (!send.interface_name.empty()) where += " via " + send.interface_name;
  return where;
}

void PrintDryRun(const SendPlan& plan, int count) {
  // One line a packet, -c N times over as the packets would go, fields for
  // awk: kind destination interface target payload. A host name is printed
  // as given: a dry run looks nothing up.
  for (int round = 0; round < count; ++round) {
    for (const PlannedSend& send : plan.sends) {
      std::string destination;
      if (send.kind == PlannedSend::Kind::kEthernet)
        destination = send.frame_destination.ToString();
      else if (!send.host_name.empty())
        destination = fmt::format("{}:{}", send.host_name, send.port);
      else
        destination = fmt::format("{}:{}", send.address, send.port);
      Print("{} {} {} {} {}\n",
            send.kind == PlannedSend::Kind::kUdp ? "udp" : "eth", destination,
            send.interface_name.empty() ? "-" : send.interface_name,
            send.target, ToHex(send.payload));
    }
  }
}

// Sockets, opened once and reused for every target and round.
class Senders {
 public:
  // Opens everything the plan needs up front, so a missing privilege stops
  // the run before the first packet rather than half-way through a list.
  explicit Senders(const SendPlan& plan) {
    for (const PlannedSend& send : plan.sends) {
      if (send.kind == PlannedSend::Kind::kEthernet) {
        if (!packet_) packet_ = OpenRawOrThrow();
      } else if (!udp_.count(send.interface_name)) {
        UniqueFd fd = OpenUdp4Socket();
        EnableBroadcast(fd);
        if (!send.interface_name.empty()) BindToDevice(fd, send.interface_name);
        udp_.emplace(send.interface_name, std::move(fd));
      }
    }
  }

  int Send(const PlannedSend& send) {
    if (send.kind == PlannedSend::Kind::kEthernet)
      return SendFrame(packet_, send.interface_index, send.frame_destination,
                       kEtherTypeWakeOnLan, send.payload);
    return SendDatagram(udp_.at(send.interface_name), send.payload,
                        send.address, send.port);
  }

 private:
  static UniqueFd OpenRawOrThrow() {
    try {
      return OpenPacketSocket(kEtherTypeWakeOnLan);
    } catch (const std::system_error& e) {
      if (e.code().value() == EPERM || e.code().value() == EACCES)
        throw ToolError(
            kExitNoPerm,
            "raw Ethernet frames (-e) need CAP_NET_RAW: run as root");
      throw;
    }
  }

  UniqueFd packet_;
  std::map<std::string, UniqueFd> udp_;
};

}  // namespace

int RunWakeonlan(WakeonlanOptions& options, Diag& diag) {
  diag.set_verbosity(options.common.Verbosity());
  if (!options.ip.empty()) {
    if (IsIpv4Shaped(options.ip)) {
      auto address = Ipv4Addr::Parse(options.ip);
      if (!address)
        throw OptionValueError(
            "--ip", options.ip,
            fmt::format("invalid IPv4 address: {}", address.error()));
    }
    options.wake.host = options.ip;
  }
  if (!options.password.empty()) {
    auto password = ParseSecureOnPassword(options.password);
    if (!password)
      throw OptionValueError("--password", options.password, password.error());
    options.wake.password = *password;
  }
  if (options.wake.ethernet_broadcast && !options.wake.ethernet)
    throw ToolError(kExitUsage,
                    "--broadcast only applies to raw frames; add -e");
  if (options.wake.ethernet && options.wake.host)
    throw ToolError(
        kExitUsage,
        "-i names an IP destination, which raw frames (-e) do not have");

  Inputs inputs = CollectTargets(options, diag);

  std::vector<Interface> interfaces;
  if (!options.wake.interfaces.empty() || options.wake.all_interfaces ||
      options.wake.ethernet)
    interfaces = ListInterfaces();
  // A dry run resolves nothing: no DNS query leaves the machine.
  HostResolver resolve;
  // PlanSends parses digits-and-dots itself and never resolves them, so
  // "300.0.0.1" never reaches DNS.
  if (!options.dry_run) resolve = ResolveIpv4;
  auto planned = PlanSends(inputs.targets, options.wake, interfaces, resolve);
  if (auto* failure = std::get_if<PlanFailure>(&planned))
    throw ToolError(kExitUnavailable, failure->message);
  const SendPlan& plan = std::get<SendPlan>(planned);

  int failed = 0;
  for (const TargetFailure& failure : plan.failures) {
    diag.Error("{}: {}: {}", failure.origin, failure.target, failure.message);
    ++failed;
  }

  if (options.dry_run) {
    PrintDryRun(plan, options.count);
  } else if (!plan.sends.empty()) {
    for (const PlannedSend& send : plan.sends)
      if (!send.interface_name.empty())
        diag.Info("{}: {} via interface {} (index {})", send.origin,
                  send.target, send.interface_name, send.interface_index);
    Senders senders(plan);
    for (int round = 0; round < options.count; ++round) {
      if (round > 0 && options.interval_ms > 0)
        std::this_thread::sleep_for(
            std::chrono::milliseconds(options.interval_ms));
      for (const PlannedSend& send : plan.sends) {
        std::string where = DescribeDestination(send);
        if (!options.common.quiet)
          Print("Sending magic packet to {} with {}\n", where, send.target);
        diag.Debug("payload {}", ToHex(send.payload));
        if (int err = senders.Send(send); err != 0) {
          diag.Error("{}: send to {}: {}", send.origin, where,
                     std::strerror(err));
          ++failed;
        }
      }
    }
  }

  if (inputs.bad_lines > 0) return kExitDataErr;
  if (failed > 0) return kExitSomeFailed;
  return kExitOk;
}

}  // namespace pxekit
