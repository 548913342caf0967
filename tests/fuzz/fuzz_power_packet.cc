// pxe-poweroff datagrams: any bytes give a message or an error, never a
// crash. A datagram that decodes is canonical (encoding the message gives the
// same bytes back), and a message built from the input survives
// encode-then-decode unchanged. The same bytes fed to an agent get no reply
// larger than themselves, no power action before it issued a challenge, and
// at most one after (a replay is only acknowledged again). The agent trusts the
// RFC 8032 TEST 1 key, whose private half is public, so that seeds can carry
// valid signatures and reach the accept path.
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>

#include "fuzz_check.h"
#include "power/power_agent.h"
#include "power/power_packet.h"

namespace {

// Builds a message of every kind from the input bytes, so that the
// round-trip property is checked on structured values too.
struct Filler {
  const std::uint8_t* data;
  std::size_t size;
  std::size_t at = 0;
  std::uint8_t Next() { return size == 0 ? 0 : data[at++ % size]; }
  template <std::size_t N>
  void Fill(std::array<std::uint8_t, N>* out) {
    for (auto& b : *out) b = Next();
  }
  pxekit::MacAddr Mac() {
    pxekit::MacAddr::Bytes bytes{};
    Fill(&bytes);
    return pxekit::MacAddr(bytes);
  }
  pxekit::PowerAction Action() {
    return Next() & 1 ? pxekit::PowerAction::kReboot
                      : pxekit::PowerAction::kPowerOff;
  }
  // A REQUEST or an ACK with its action and target filled in.
  template <typename M>
  M WithActionTarget() {
    M m;
    m.action = Action();
    m.target = Mac();
    return m;
  }
};

pxekit::PowerMessage Structured(Filler& f) {
  using namespace pxekit;
  switch (f.Next() % 5) {
    case 0: {
      PowerHello m;
      f.Fill(&m.sender_nonce);
      return m;
    }
    case 1: {
      PowerChallenge m;
      f.Fill(&m.sender_nonce);
      m.agent_id = f.Mac();
      f.Fill(&m.agent_nonce);
      return m;
    }
    case 2: {
      auto m = f.WithActionTarget<PowerRequest>();
      f.Fill(&m.sender_nonce);
      f.Fill(&m.agent_nonce);
      f.Fill(&m.signature);
      return m;
    }
    case 3: {
      auto m = f.WithActionTarget<PowerAck>();
      f.Fill(&m.request_digest);
      return m;
    }
    default: {
      PowerRefused m;
      m.reason = static_cast<RefusalReason>(f.Next());
      m.agent_id = f.Mac();
      f.Fill(&m.request_digest);
      return m;
    }
  }
}

// RFC 8032 TEST 1 public key.
constexpr pxekit::Ed25519PublicKeyBytes kAgentKey = {
    0xd7, 0x5a, 0x98, 0x01, 0x82, 0xb1, 0x0a, 0xb7, 0xd5, 0x4b, 0xfe,
    0xd3, 0xc9, 0x64, 0x07, 0x3a, 0x0e, 0xe1, 0x72, 0xf3, 0xda, 0xa6,
    0x23, 0x25, 0xaf, 0x02, 0x1a, 0x68, 0xf7, 0x07, 0x51, 0x1a};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  using namespace pxekit;
  std::span<const std::uint8_t> input(data, size);

  auto decoded = DecodePowerMessage(input);
  if (decoded.ok()) {
    auto encoded = EncodePowerMessage(*decoded);
    FUZZ_CHECK(encoded.size() == size);
    FUZZ_CHECK(std::equal(encoded.begin(), encoded.end(), input.begin()));
  } else {
    FUZZ_CHECK(!decoded.error().empty());
  }

  Filler filler{data, size};
  PowerMessage message = Structured(filler);
  auto bytes = EncodePowerMessage(message);
  FUZZ_CHECK(bytes.size() == kPowerShortMessageSize ||
             bytes.size() == kPowerRequestSize);
  auto again = DecodePowerMessage(bytes);
  FUZZ_CHECK(again.ok());
  FUZZ_CHECK(*again == message);

  PowerAgentConfig config;
  config.id = MacAddr(MacAddr::Bytes{0x02, 0, 0, 0, 0, 1});
  config.keys = {Ed25519PublicKey(kAgentKey)};
  config.max_challenges = 4;
  PowerAgent agent(config);
  std::uint8_t counter = 0;
  RandomSource random = [&counter](std::span<std::uint8_t> out) {
    for (auto& b : out) b = ++counter;
    return true;
  };
  MonoTime now{};
  // Before any challenge nothing is accepted, whatever the signature.
  auto first = agent.Handle(input, now, random);
  FUZZ_CHECK(first.kind != AgentDecision::Kind::kAccepted);
  FUZZ_CHECK(first.reply.size() <= size);
  // A HELLO with a zero sender nonce gets agent nonce 01..10 (the counter).
  auto hello = EncodePowerMessage(PowerHello{});
  auto challenged = agent.Handle(hello, now, random);
  FUZZ_CHECK(challenged.kind == AgentDecision::Kind::kChallenged);
  FUZZ_CHECK(challenged.reply.size() <= hello.size());
  // Now a request signed with the RFC key for that challenge may pass (the
  // seed request_signed_for_first_challenge does), but only once.
  auto second = agent.Handle(input, now, random);
  FUZZ_CHECK(second.reply.size() <= size);
  if (second.kind == AgentDecision::Kind::kAccepted) {
    auto replay = agent.Handle(input, now, random);
    FUZZ_CHECK(replay.kind == AgentDecision::Kind::kDuplicate);
    FUZZ_CHECK(replay.reply == second.reply);
  }
  FUZZ_CHECK(agent.challenges().size() <= 4);
  return 0;
}
