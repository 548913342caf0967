#include "power/power_agent.h"

#include <catch2/catch.hpp>

#include "unit/power/power_test_keys.h"

#include "power/power_signing.h"
#include "util/hex.h"

namespace pxekit {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

const MonoTime kStart{seconds(1000)};

// Distinct, reproducible "random" bytes: a counter in the first bytes.
struct CountingRandom {
  std::uint32_t next = 1;
  bool operator()(std::span<std::uint8_t> out) {
    std::fill(out.begin(), out.end(), 0);
    std::uint32_t value = next++;
    for (std::size_t i = 0; i < 4 && i < out.size(); ++i)
      out[i] = static_cast<std::uint8_t>(value >> (8 * i));
    return true;
  }
};

PowerAgentConfig ConfigFor(const MacAddr& id, const Ed25519KeyPair& key) {
  PowerAgentConfig config;
  config.id = id;
  config.keys = {key.public_key()};
  config.max_challenges = 8;
  config.challenge_ttl = seconds(30);
  return config;
}

// The sender's side of the exchange, up to a signed REQUEST.
struct Sender {
  const Ed25519KeyPair& key;
  PowerNonce sender_nonce{};
  std::uint8_t counter = 0;

  std::vector<std::uint8_t> Hello() {
    sender_nonce.fill(++counter);
    return EncodePowerMessage(PowerHello{sender_nonce});
  }
  PowerChallenge ReadChallenge(const AgentDecision& decision) {
    REQUIRE(decision.kind == AgentDecision::Kind::kChallenged);
    auto message = DecodePowerMessage(decision.reply);
    REQUIRE(message.ok());
    auto challenge = std::get<PowerChallenge>(*message);
    CHECK(challenge.sender_nonce == sender_nonce);
    return challenge;
  }
  PowerRequest Sign(const PowerChallenge& challenge,
                    PowerAction action = PowerAction::kPowerOff,
                    std::optional<MacAddr> target = std::nullopt) {
    auto request = SignPowerRequest(challenge, action,
                                    target.value_or(challenge.agent_id), key);
    REQUIRE(request.ok());
    return request.value();
  }
};

// HELLO -> CHALLENGE -> signed REQUEST, not yet sent.
PowerRequest Exchange(PowerAgent& agent, Sender& sender, CountingRandom& rng,
                      MonoTime now = kStart,
                      PowerAction action = PowerAction::kPowerOff) {
  auto decision = agent.Handle(sender.Hello(), now, std::ref(rng));
  return sender.Sign(sender.ReadChallenge(decision), action);
}

void CheckRefused(const AgentDecision& decision, RefusalReason reason,
                  const PowerRequest& request, const MacAddr& agent_id) {
  REQUIRE(decision.kind == AgentDecision::Kind::kRefused);
  CHECK(decision.reason == reason);
  auto reply = DecodePowerMessage(decision.reply);
  REQUIRE(reply.ok());
  auto refused = std::get<PowerRefused>(*reply);
  CHECK(refused.reason == reason);
  CHECK(refused.agent_id == agent_id);
  CHECK(refused.request_digest == RequestDigest(request));
}

// The usual set-up: the agent of host A trusting one key, its random
// source, and a sender holding that key.
struct AgentA {
  Ed25519KeyPair key = NewKey();
  PowerAgent agent{ConfigFor(kHostA, key)};
  CountingRandom rng;
  Sender sender{key};
};

}  // namespace

TEST_CASE_METHOD(AgentA,
                 "A signed request for a fresh challenge is accepted and acked",
                 "[power]") {
  auto hello = sender.Hello();
  auto challenged = agent.Handle(hello, kStart, std::ref(rng));
  // Never an amplifier: the challenge is no larger than the hello.
  CHECK(challenged.reply.size() <= hello.size());
  auto challenge = sender.ReadChallenge(challenged);
  CHECK(challenge.agent_id == kHostA);
  auto request = sender.Sign(challenge, PowerAction::kReboot);

  auto decision = agent.Handle(EncodePowerMessage(request), kStart + seconds(1),
                               std::ref(rng));
  REQUIRE(decision.kind == AgentDecision::Kind::kAccepted);
  CHECK(decision.action == PowerAction::kReboot);
  auto reply = DecodePowerMessage(decision.reply);
  REQUIRE(reply.ok());
  auto ack = std::get<PowerAck>(*reply);
  CHECK(ack.action == PowerAction::kReboot);
  CHECK(ack.target == kHostA);
  CHECK(ack.request_digest == Sha256(EncodePowerMessage(request)));
}

TEST_CASE_METHOD(AgentA, "Challenges carry fresh nonces from the random source",
                 "[power]") {
  auto first =
      sender.ReadChallenge(agent.Handle(sender.Hello(), kStart, std::ref(rng)));
  auto second =
      sender.ReadChallenge(agent.Handle(sender.Hello(), kStart, std::ref(rng)));
  CHECK(first.agent_nonce != second.agent_nonce);
  CHECK(agent.challenges().size() == 2);
}

TEST_CASE_METHOD(AgentA, "A forged request is refused as a bad signature",
                 "[power]") {
  auto request = Exchange(agent, sender, rng);

  SECTION("signature bytes changed") { request.signature[5] ^= 0x01; }
  SECTION("action changed after signing") {
    request.action = PowerAction::kReboot;
  }
  SECTION("target changed after signing") { request.target = kHostB; }
  SECTION("agent nonce changed after signing") {
    request.agent_nonce[15] ^= 0x80;
  }
  SECTION("all zero signature") { request.signature.fill(0); }
  auto decision =
      agent.Handle(EncodePowerMessage(request), kStart, std::ref(rng));
  CheckRefused(decision, RefusalReason::kBadSignature, request, kHostA);
}

TEST_CASE("A request signed with another key is refused", "[power]") {
  auto key = NewKey();
  auto intruder = NewKey();
  PowerAgent agent(ConfigFor(kHostA, key));
  CountingRandom rng;
  Sender sender{intruder};
  auto request = Exchange(agent, sender, rng);
  auto decision =
      agent.Handle(EncodePowerMessage(request), kStart, std::ref(rng));
  CheckRefused(decision, RefusalReason::kBadSignature, request, kHostA);
  // The refused request did not spend the challenge: the real sender may
  // still answer it (only a key holder can).
  CHECK(agent.challenges().size() == 1);
}

TEST_CASE("Any one of several configured keys is accepted", "[power]") {
  auto old_key = NewKey();
  auto new_key = NewKey();
  auto config = ConfigFor(kHostA, old_key);
  config.keys.push_back(new_key.public_key());
  PowerAgent agent(config);
  CountingRandom rng;
  for (const auto* key : {&old_key, &new_key}) {
    Sender sender{*key};
    auto request = Exchange(agent, sender, rng);
    auto decision =
        agent.Handle(EncodePowerMessage(request), kStart, std::ref(rng));
    CHECK(decision.kind == AgentDecision::Kind::kAccepted);
  }
}

TEST_CASE_METHOD(AgentA,
                 "Truncated and oversized requests are malformed with no reply",
                 "[power]") {
  auto bytes = EncodePowerMessage(Exchange(agent, sender, rng));

  REQUIRE(bytes.size() == kPowerRequestSize);
  std::vector<std::uint8_t> truncated(bytes.begin(), bytes.begin() + 111);
  auto oversized = bytes;
  oversized.push_back(0);
  for (const auto& datagram :
       {truncated, oversized, std::vector<std::uint8_t>{}}) {
    auto decision = agent.Handle(datagram, kStart, std::ref(rng));
    CHECK(decision.kind == AgentDecision::Kind::kRefused);
    CHECK(decision.reason == RefusalReason::kMalformed);
    CHECK(decision.reply.empty());
  }
  // The intact request still works afterwards.
  CHECK(agent.Handle(bytes, kStart, std::ref(rng)).kind ==
        AgentDecision::Kind::kAccepted);
}

TEST_CASE_METHOD(AgentA,
                 "The same request replayed is acked again but never acted on",
                 "[power]") {
  auto request = Exchange(agent, sender, rng);
  auto bytes = EncodePowerMessage(request);
  auto accepted = agent.Handle(bytes, kStart, std::ref(rng));
  REQUIRE(accepted.kind == AgentDecision::Kind::kAccepted);
  // At once, and an hour later: the same ACK (the sender may have lost the
  // first), and no action.
  for (MonoTime when : {kStart, kStart + seconds(3600)}) {
    auto again = agent.Handle(bytes, when, std::ref(rng));
    CHECK(again.kind == AgentDecision::Kind::kDuplicate);
    CHECK(again.reply == accepted.reply);
  }
}

TEST_CASE_METHOD(AgentA,
                 "Another request for a spent nonce is refused as reused",
                 "[power]") {
  auto challenge =
      sender.ReadChallenge(agent.Handle(sender.Hello(), kStart, std::ref(rng)));
  auto poweroff = sender.Sign(challenge, PowerAction::kPowerOff);
  auto reboot = sender.Sign(challenge, PowerAction::kReboot);
  REQUIRE(
      agent.Handle(EncodePowerMessage(poweroff), kStart, std::ref(rng)).kind ==
      AgentDecision::Kind::kAccepted);
  CheckRefused(agent.Handle(EncodePowerMessage(reboot), kStart, std::ref(rng)),
               RefusalReason::kReusedNonce, reboot, kHostA);
}

TEST_CASE("A request replayed to another host with the same key is refused",
          "[power]") {
  auto key = NewKey();
  PowerAgent host_a(ConfigFor(kHostA, key));
  PowerAgent host_b(ConfigFor(kHostB, key));
  CountingRandom rng_a;
  // Host B's random source gives the same nonces as A's: even then the
  // captured request is no use there.
  CountingRandom rng_b;
  Sender sender{key};
  auto request = Exchange(host_a, sender, rng_a);
  auto bytes = EncodePowerMessage(request);

  SECTION("B has a challenge with the same nonces: the target differs") {
    auto hello_b = EncodePowerMessage(PowerHello{sender.sender_nonce});
    REQUIRE(host_b.Handle(hello_b, kStart, std::ref(rng_b)).kind ==
            AgentDecision::Kind::kChallenged);
    CheckRefused(host_b.Handle(bytes, kStart, std::ref(rng_b)),
                 RefusalReason::kWrongTarget, request, kHostB);
  }
  SECTION("B handed out no challenge") {
    CheckRefused(host_b.Handle(bytes, kStart, std::ref(rng_b)),
                 RefusalReason::kWrongTarget, request, kHostB);
  }
  SECTION("a clone of A with the same id never issued the nonce") {
    PowerAgent clone(ConfigFor(kHostA, key));
    CheckRefused(clone.Handle(bytes, kStart, std::ref(rng_b)),
                 RefusalReason::kUnknownNonce, request, kHostA);
  }
  // A itself still accepts it once.
  CHECK(host_a.Handle(bytes, kStart, std::ref(rng_a)).kind ==
        AgentDecision::Kind::kAccepted);
}

TEST_CASE_METHOD(AgentA, "A request for an expired challenge is refused",
                 "[power]") {
  auto late = Exchange(agent, sender, rng);
  CheckRefused(
      agent.Handle(EncodePowerMessage(late),
                   kStart + seconds(30) + milliseconds(1), std::ref(rng)),
      RefusalReason::kExpiredNonce, late, kHostA);

  auto in_time = Exchange(agent, sender, rng);
  CHECK(agent
            .Handle(EncodePowerMessage(in_time), kStart + seconds(30),
                    std::ref(rng))
            .kind == AgentDecision::Kind::kAccepted);

  // A monotonic clock that went backwards is not trusted either.
  auto backwards = Exchange(agent, sender, rng);
  CheckRefused(agent.Handle(EncodePowerMessage(backwards),
                            kStart - milliseconds(1), std::ref(rng)),
               RefusalReason::kExpiredNonce, backwards, kHostA);
}

TEST_CASE_METHOD(AgentA,
                 "A nonce this agent never issued is refused as unknown",
                 "[power]") {
  PowerChallenge invented{sender.sender_nonce, kHostA, {}};
  invented.agent_nonce.fill(0x77);
  auto request = sender.Sign(invented);
  CheckRefused(agent.Handle(EncodePowerMessage(request), kStart, std::ref(rng)),
               RefusalReason::kUnknownNonce, request, kHostA);

  SECTION("a real agent nonce with another sender nonce is unknown too") {
    auto real = sender.ReadChallenge(
        agent.Handle(sender.Hello(), kStart, std::ref(rng)));
    real.sender_nonce[0] ^= 1;
    auto mixed = sender.Sign(real);
    CheckRefused(agent.Handle(EncodePowerMessage(mixed), kStart, std::ref(rng)),
                 RefusalReason::kUnknownNonce, mixed, kHostA);
  }
}

TEST_CASE_METHOD(AgentA,
                 "The challenge table is bounded and evicts the oldest first",
                 "[power]") {
  // 8 challenges at most

  auto oldest = Exchange(agent, sender, rng);
  // A flood of unauthenticated HELLOs.
  std::vector<std::uint8_t> flood_hello =
      EncodePowerMessage(PowerHello{PowerNonce{}});
  for (int i = 0; i < 1000; ++i)
    REQUIRE(agent.Handle(flood_hello, kStart, std::ref(rng)).kind ==
            AgentDecision::Kind::kChallenged);
  CHECK(agent.challenges().size() == 8);
  CHECK(agent.challenges().capacity() == 8);

  CheckRefused(agent.Handle(EncodePowerMessage(oldest), kStart, std::ref(rng)),
               RefusalReason::kUnknownNonce, oldest, kHostA);
  // The newest challenge is still there.
  auto newest = Exchange(agent, sender, rng);
  CHECK(agent.Handle(EncodePowerMessage(newest), kStart, std::ref(rng)).kind ==
        AgentDecision::Kind::kAccepted);
  CHECK(agent.challenges().size() == 8);
}

TEST_CASE_METHOD(AgentA, "A wrong target refusal does not spend the challenge",
                 "[power]") {
  auto challenge =
      sender.ReadChallenge(agent.Handle(sender.Hello(), kStart, std::ref(rng)));
  auto wrong = sender.Sign(challenge, PowerAction::kPowerOff, kHostB);
  CheckRefused(agent.Handle(EncodePowerMessage(wrong), kStart, std::ref(rng)),
               RefusalReason::kWrongTarget, wrong, kHostA);
  auto right = sender.Sign(challenge);
  CHECK(agent.Handle(EncodePowerMessage(right), kStart, std::ref(rng)).kind ==
        AgentDecision::Kind::kAccepted);
}

TEST_CASE_METHOD(AgentA,
                 "Messages meant for a sender are ignored without a reply",
                 "[power]") {
  for (const PowerMessage& message :
       {PowerMessage(PowerChallenge{}), PowerMessage(PowerAck{}),
        PowerMessage(PowerRefused{})}) {
    auto decision =
        agent.Handle(EncodePowerMessage(message), kStart, std::ref(rng));
    CHECK(decision.kind == AgentDecision::Kind::kIgnored);
    CHECK(decision.reply.empty());
  }
  CHECK(agent.challenges().size() == 0);
}

TEST_CASE("A failing random source gives no challenge and no state",
          "[power]") {
  auto key = NewKey();
  PowerAgent agent(ConfigFor(kHostA, key));
  RandomSource broken = [](std::span<std::uint8_t>) { return false; };
  auto decision =
      agent.Handle(EncodePowerMessage(PowerHello{}), kStart, broken);
  CHECK(decision.kind == AgentDecision::Kind::kNoRandom);
  CHECK(decision.reply.empty());
  CHECK(agent.challenges().size() == 0);
  CHECK(agent.Handle(EncodePowerMessage(PowerHello{}), kStart, nullptr).kind ==
        AgentDecision::Kind::kNoRandom);
}

}  // namespace pxekit
