// power_probe: the attacker's and the careful sender's side of the
// pxe-poweroff wire tests, built on lib/power, so that a test can do what
// the real sender never does:
//   exchange  one HELLO/CHALLENGE/REQUEST exchange, signed with --key, and
//             the REQUEST bytes saved with --save (a capture to replay)
//   forge     the same, but the REQUEST carries a made-up signature
//   replay    send the bytes of a saved REQUEST as they are
//   flood     --count malformed datagrams and --count requests with made-up
//             signatures, without waiting for answers
// It prints what came back: "acked", "refused: REASON", "challenged" or "no
// answer". Each wait is bounded by --timeout-ms. Exit 0 after an answer, 1
// after none, 2 for bad arguments.

#include <fstream>
#include <iterator>
#include <string>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "crypto/key_file.h"
#include "net/udp_socket.h"
#include "power/power_packet.h"
#include "power/power_sender.h"
#include "power/power_signing.h"

namespace {

using namespace pxekit;

struct Options {
  std::string mode;
  std::string to;
  int port = kPowerDefaultPort;
  std::string key;
  std::string save;
  std::string request;
  std::string action = "poweroff";
  int count = 100;
  int timeout_ms = 2000;
};

struct Peer {
  UniqueFd fd;
  Ipv4Addr address;
  std::uint16_t port;
};

// The next datagram from the peer that decodes, or nothing by the timeout.
std::optional<PowerMessage> Receive(const Peer& peer, int timeout_ms) {
  auto until =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  for (int i = 0; i < 1000; ++i) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        until - std::chrono::steady_clock::now());
    if (left.count() <= 0) return std::nullopt;
    auto datagram = ReceiveDatagram(peer.fd, static_cast<int>(left.count()));
    if (!datagram) return std::nullopt;
    if (datagram->source != peer.address || datagram->source_port != peer.port)
      continue;
    auto message = DecodePowerMessage(datagram->payload);
    if (message) return message.value();
  }
  return std::nullopt;
}

int Report(const std::optional<PowerMessage>& reply) {
  if (!reply) {
    fmt::print("no answer\n");
    return 1;
  }
  if (std::holds_alternative<PowerAck>(*reply)) {
    fmt::print("acked\n");
  } else if (const auto* refused = std::get_if<PowerRefused>(&*reply)) {
    fmt::print("refused: {}\n", RefusalReasonText(refused->reason));
  } else if (std::holds_alternative<PowerChallenge>(*reply)) {
    fmt::print("challenged\n");
  } else {
    fmt::print("unexpected answer\n");
  }
  return 0;
}

bool Random(std::span<std::uint8_t> out) { return RandomBytes(out); }

// HELLO, then the agent's CHALLENGE.
std::optional<PowerChallenge> Challenge(const Peer& peer,
                                        PowerNonce* sender_nonce,
                                        int timeout_ms) {
  PowerHello hello;
  if (!Random(hello.sender_nonce)) return std::nullopt;
  *sender_nonce = hello.sender_nonce;
  if (SendDatagram(peer.fd, EncodePowerMessage(hello), peer.address,
                   peer.port) != 0)
    return std::nullopt;
  auto reply = Receive(peer, timeout_ms);
  if (!reply) return std::nullopt;
  const auto* challenge = std::get_if<PowerChallenge>(&*reply);
  if (challenge == nullptr || challenge->sender_nonce != *sender_nonce)
    return std::nullopt;
  return *challenge;
}

int SendAndReport(const Peer& peer, const std::vector<std::uint8_t>& bytes,
                  const Options& options) {
  if (!options.save.empty()) {
    std::ofstream out(options.save, std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()),
              static_cast<std::streamsize>(bytes.size()));
    if (!out) {
      fmt::print(stderr, "power_probe: cannot write {}\n", options.save);
      return 2;
    }
  }
  if (SendDatagram(peer.fd, bytes, peer.address, peer.port) != 0) {
    fmt::print(stderr, "power_probe: send failed\n");
    return 1;
  }
  return Report(Receive(peer, options.timeout_ms));
}

int Exchange(const Peer& peer, const Options& options, bool forge) {
  PowerAction action = options.action == "reboot" ? PowerAction::kReboot
                                                  : PowerAction::kPowerOff;
  PowerNonce sender_nonce{};
  auto challenge = Challenge(peer, &sender_nonce, options.timeout_ms);
  if (!challenge) {
    fmt::print("no answer\n");
    return 1;
  }
  PowerRequest request;
  if (forge) {
    request.action = action;
    request.target = challenge->agent_id;
    request.sender_nonce = challenge->sender_nonce;
    request.agent_nonce = challenge->agent_nonce;
    if (!Random(request.signature)) return 2;
  } else {
    auto key = LoadPrivateKeyFile(options.key);
    if (!key) {
      fmt::print(stderr, "power_probe: {}: {}\n", options.key, key.error());
      return 2;
    }
    auto signed_request =
        SignPowerRequest(*challenge, action, challenge->agent_id, key.value());
    if (!signed_request) return 2;
    request = signed_request.value();
  }
  return SendAndReport(peer, EncodePowerMessage(request), options);
}

int Replay(const Peer& peer, const Options& options) {
  std::ifstream in(options.request, std::ios::binary);
  std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                                  std::istreambuf_iterator<char>());
  if (bytes.empty()) {
    fmt::print(stderr, "power_probe: {}: no request to replay\n",
               options.request);
    return 2;
  }
  Options no_save = options;
  no_save.save.clear();
  return SendAndReport(peer, bytes, no_save);
}

int Flood(const Peer& peer, const Options& options) {
  std::vector<std::uint8_t> junk(37, 0x5a);
  PowerRequest request;
  request.target = MacAddr(MacAddr::Bytes{0x02, 0, 0, 0, 0, 0x01});
  for (int i = 0; i < options.count; ++i) {
    (void)SendDatagram(peer.fd, junk, peer.address, peer.port);
    if (!Random(request.agent_nonce) || !Random(request.signature)) return 2;
    (void)SendDatagram(peer.fd, EncodePowerMessage(request), peer.address,
                       peer.port);
  }
  fmt::print("sent {}\n", 2 * options.count);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  CLI::App app("pxe-poweroff wire test probe", "power_probe");
  app.add_option("MODE", options.mode, "exchange, forge, replay or flood")
      ->required()
      ->check(CLI::IsMember({"exchange", "forge", "replay", "flood"}));
  app.add_option("--to", options.to, "Agent's IPv4 address")->required();
  app.add_option("--port", options.port, "Agent's UDP port");
  app.add_option("--key", options.key, "Private key (exchange)");
  app.add_option("--save", options.save, "Write the REQUEST sent to FILE");
  app.add_option("--request", options.request, "REQUEST bytes (replay)");
  app.add_option("--action", options.action, "poweroff or reboot");
  app.add_option("--count", options.count, "Datagrams of each kind (flood)");
  app.add_option("--timeout-ms", options.timeout_ms, "Wait for each answer");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return 2;
  }
  auto address = Ipv4Addr::Parse(options.to);
  if (!address || options.port < 1 || options.port > 65535 ||
      options.timeout_ms < 1 || options.timeout_ms > 60000 ||
      options.count < 1 || options.count > 100000) {
    fmt::print(stderr,
               "power_probe: bad --to, --port, --count or --timeout-ms\n");
    return 2;
  }
  Peer peer{OpenUdp4Socket(), *address,
            static_cast<std::uint16_t>(options.port)};
  if (options.mode == "exchange") {
    if (options.key.empty()) {
      fmt::print(stderr, "power_probe: exchange needs --key\n");
      return 2;
    }
    return Exchange(peer, options, false);
  }
  if (options.mode == "forge") return Exchange(peer, options, true);
  if (options.mode == "replay") return Replay(peer, options);
  return Flood(peer, options);
}
