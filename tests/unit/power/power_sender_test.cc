#include "power/power_sender.h"

#include <catch2/catch.hpp>

namespace pxekit {
namespace {

using std::chrono::seconds;

const MacAddr kHostA(MacAddr::Bytes{0x02, 0, 0, 0, 0, 0x0a});
const MacAddr kHostB(MacAddr::Bytes{0x02, 0, 0, 0, 0, 0x0b});
const MonoTime kNow{seconds(50)};

struct CountingRandom {
  std::uint8_t next = 1;
  bool operator()(std::span<std::uint8_t> out) {
    for (auto& b : out) b = next++;
    return true;
  }
};

Ed25519KeyPair NewKey() {
  auto key = Ed25519KeyPair::Generate();
  REQUIRE(key.ok());
  return std::move(key).value();
}

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
};

}  // namespace

TEST_CASE("A sender and an agent complete the exchange", "[power]") {
  Fixture f;
  PowerExchange exchange(PowerAction::kPowerOff, kHostA);
  auto challenge = f.agent.Handle(exchange.Hello(std::ref(f.sender_rng)), kNow,
                                  std::ref(f.agent_rng));
  REQUIRE(exchange.OnChallenge(Decode(challenge.reply), f.key) ==
          PowerExchange::Event::kRequestReady);
  CHECK(exchange.agent_id() == kHostA);
  auto decision =
      f.agent.Handle(exchange.request_bytes(), kNow, std::ref(f.agent_rng));
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
  auto other_challenge =
      f.agent.Handle(other_hello, kNow, std::ref(f.agent_rng));
  // A challenge for someone else's HELLO (or a spoofed one) changes nothing.
  CHECK(mine.OnChallenge(Decode(other_challenge.reply), f.key) ==
        PowerExchange::Event::kUnrelated);
  CHECK_FALSE(mine.request().has_value());

  // An ACK for another request is not ours either.
  REQUIRE(other.OnChallenge(Decode(other_challenge.reply), f.key) ==
          PowerExchange::Event::kRequestReady);
  auto other_ack =
      f.agent.Handle(other.request_bytes(), kNow, std::ref(f.agent_rng));
  auto my_challenge = f.agent.Handle(my_hello, kNow, std::ref(f.agent_rng));
  REQUIRE(mine.OnChallenge(Decode(my_challenge.reply), f.key) ==
          PowerExchange::Event::kRequestReady);
  CHECK(mine.OnReply(Decode(other_ack.reply)) ==
        PowerExchange::Event::kUnrelated);
  CHECK(mine.OnReply(Decode(my_hello)) == PowerExchange::Event::kUnrelated);
}

TEST_CASE("The sender refuses to sign for an unexpected agent id", "[power]") {
  Fixture f;
  PowerExchange exchange(PowerAction::kPowerOff, kHostB);
  auto challenge = f.agent.Handle(exchange.Hello(std::ref(f.sender_rng)), kNow,
                                  std::ref(f.agent_rng));
  CHECK(exchange.OnChallenge(Decode(challenge.reply), f.key) ==
        PowerExchange::Event::kWrongHost);
  CHECK(exchange.agent_id() == kHostA);
  CHECK_FALSE(exchange.request().has_value());
}

TEST_CASE("The sender learns the refusal reason", "[power]") {
  Fixture f;
  auto wrong_key = NewKey();
  PowerExchange exchange(PowerAction::kReboot, std::nullopt);
  auto challenge = f.agent.Handle(exchange.Hello(std::ref(f.sender_rng)), kNow,
                                  std::ref(f.agent_rng));
  REQUIRE(exchange.OnChallenge(Decode(challenge.reply), wrong_key) ==
          PowerExchange::Event::kRequestReady);
  auto decision =
      f.agent.Handle(exchange.request_bytes(), kNow, std::ref(f.agent_rng));
  CHECK(exchange.OnReply(Decode(decision.reply)) ==
        PowerExchange::Event::kRefused);
  CHECK(exchange.refusal_reason() == RefusalReason::kBadSignature);
}

TEST_CASE("A lost ACK - the resent request is acked and counts", "[power]") {
  Fixture f;
  PowerExchange exchange(PowerAction::kPowerOff, kHostA);
  auto challenge = f.agent.Handle(exchange.Hello(std::ref(f.sender_rng)), kNow,
                                  std::ref(f.agent_rng));
  REQUIRE(exchange.OnChallenge(Decode(challenge.reply), f.key) ==
          PowerExchange::Event::kRequestReady);
  auto first =
      f.agent.Handle(exchange.request_bytes(), kNow, std::ref(f.agent_rng));
  REQUIRE(first.kind == AgentDecision::Kind::kAccepted);
  // The first ACK is lost; the retry gets the same ACK and no second action.
  auto again =
      f.agent.Handle(exchange.request_bytes(), kNow, std::ref(f.agent_rng));
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
