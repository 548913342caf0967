#include "power/power_sender.h"

#include <catch2/catch.hpp>

#include "unit/power/power_test_keys.h"

namespace pxekit {
namespace {

using std::chrono::seconds;

const MonoTime kNow{seconds(50)};

struct CountingRandom {
  std::uint8_t next = 1;
  bool operator()(std::span<std::uint8_t> out) {
    for (auto& b : out) b = next++;
    return true;
  }
};

PowerMessage Decode(const std::vector<std::uint8_t>& bytes) {
  auto message = DecodePowerMessage(bytes);
  REQUIRE(message.ok());
  return message.value();
}

struct Fixture {
  Ed25519KeyPair key = NewKey();
  PowerAgent agent{[this] {
    PowerAgentConfig config;
    config.id = kHostA;
    config.keys = {key.public_key()};
    return config;
  }()};
  CountingRandom sender_rng;
  CountingRandom agent_rng{200};

  // The agent's answer to `datagram`, now.
  AgentDecision Deliver(std::span<const std::uint8_t> datagram) {
    return agent.Handle(datagram, kNow, std::ref(agent_rng));
  }
  // A HELLO from `exchange`, the agent's CHALLENGE, and what `exchange`
  // makes of it, signing with `signer`.
  PowerExchange::Event Greet(PowerExchange& exchange,
                             const Ed25519KeyPair& signer) {
    auto challenge = Deliver(exchange.Hello(std::ref(sender_rng)));
    return exchange.OnChallenge(Decode(challenge.reply), signer);
  }
  PowerExchange::Event Greet(PowerExchange& exchange) {
    return Greet(exchange, key);
  }
};

}  // namespace

TEST_CASE("A sender and an agent complete the exchange", "[power]") {
  Fixture f;
  PowerExchange exchange(PowerAction::kPowerOff, kHostA);
  REQUIRE(f.Greet(exchange) == PowerExchange::Event::kRequestReady);
  CHECK(exchange.agent_id() == kHostA);
  auto decision = f.Deliver(exchange.request_bytes());
  REQUIRE(decision.kind == AgentDecision::Kind::kAccepted);
  CHECK(exchange.OnReply(Decode(decision.reply)) ==
        PowerExchange::Event::kAcked);
}

TEST_CASE("The sender ignores answers to other exchanges", "[power]") {
  Fixture f;
  PowerExchange mine(PowerAction::kPowerOff, std::nullopt);
  PowerExchange other(PowerAction::kPowerOff, std::nullopt);
  CountingRandom other_rng{100};
  auto my_hello = mine.Hello(std::ref(f.sender_rng));
  auto other_hello = other.Hello(std::ref(other_rng));
  auto other_challenge = f.Deliver(other_hello);
  // A challenge for someone else's HELLO (or a spoofed one) changes nothing.
  CHECK(mine.OnChallenge(Decode(other_challenge.reply), f.key) ==
        PowerExchange::Event::kUnrelated);
  CHECK_FALSE(mine.request().has_value());

  // An ACK for another request is not ours either.
  REQUIRE(other.OnChallenge(Decode(other_challenge.reply), f.key) ==
          PowerExchange::Event::kRequestReady);
  auto other_ack = f.Deliver(other.request_bytes());
  auto my_challenge = f.Deliver(my_hello);
  REQUIRE(mine.OnChallenge(Decode(my_challenge.reply), f.key) ==
          PowerExchange::Event::kRequestReady);
  CHECK(mine.OnReply(Decode(other_ack.reply)) ==
        PowerExchange::Event::kUnrelated);
  CHECK(mine.OnReply(Decode(my_hello)) == PowerExchange::Event::kUnrelated);
}

TEST_CASE("The sender refuses to sign for an unexpected agent id", "[power]") {
  Fixture f;
  PowerExchange exchange(PowerAction::kPowerOff, kHostB);
  CHECK(f.Greet(exchange) == PowerExchange::Event::kWrongHost);
  CHECK(exchange.agent_id() == kHostA);
  CHECK_FALSE(exchange.request().has_value());
}

TEST_CASE("The sender learns the refusal reason", "[power]") {
  Fixture f;
  auto wrong_key = NewKey();
  PowerExchange exchange(PowerAction::kReboot, std::nullopt);
  REQUIRE(f.Greet(exchange, wrong_key) == PowerExchange::Event::kRequestReady);
  auto decision = f.Deliver(exchange.request_bytes());
  CHECK(exchange.OnReply(Decode(decision.reply)) ==
        PowerExchange::Event::kRefused);
  CHECK(exchange.refusal_reason() == RefusalReason::kBadSignature);
}

TEST_CASE("A lost ACK - the resent request is acked and counts", "[power]") {
  Fixture f;
  PowerExchange exchange(PowerAction::kPowerOff, kHostA);
  REQUIRE(f.Greet(exchange) == PowerExchange::Event::kRequestReady);
  auto first = f.Deliver(exchange.request_bytes());
  REQUIRE(first.kind == AgentDecision::Kind::kAccepted);
  // The first ACK is lost; the retry gets the same ACK and no second action.
  auto again = f.Deliver(exchange.request_bytes());
  CHECK(again.kind == AgentDecision::Kind::kDuplicate);
  CHECK(exchange.OnReply(Decode(again.reply)) == PowerExchange::Event::kAcked);

  SECTION("an ACK arriving after a new HELLO still counts") {
    (void)exchange.Hello(std::ref(f.sender_rng));
    CHECK(exchange.OnReply(Decode(first.reply)) ==
          PowerExchange::Event::kAcked);
  }
}

TEST_CASE("A failing random source gives no HELLO", "[power]") {
  PowerExchange exchange(PowerAction::kPowerOff, std::nullopt);
  RandomSource broken = [](std::span<std::uint8_t>) { return false; };
  CHECK(exchange.Hello(broken).empty());
  CHECK(exchange.OnChallenge(PowerChallenge{}, NewKey()) ==
        PowerExchange::Event::kUnrelated);
}

}  // namespace pxekit
