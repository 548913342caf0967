// The pxe-poweroff exchange (lib/power: PowerAgent and PowerExchange) under
// an attacker on the path who sees everything and may inject, drop, replay
// and corrupt datagrams, and whose clock steps the input chooses. The input
// is a script of up to 48 steps: raw datagrams to the agent or the sender,
// honest HELLO/CHALLENGE/REQUEST rounds (each leg delivered or dropped),
// requests signed for any challenge seen with the trusted or an untrusted
// key, for this agent or another, with a bit flipped or not, replays of
// anything sent before, and time passing past the challenges' lifetime.
//
// Properties of the agent: no reply is larger than its datagram; it acts
// (kAccepted) only on a REQUEST signed by the trusted key, for its own id,
// naming a challenge it issued with that sender nonce, within the lifetime,
// and at most once per challenge; kDuplicate only for the very bytes it
// accepted, with the same ACK; a HELLO gets a CHALLENGE with its id, the
// HELLO's nonce and an agent nonce never issued before; a sender's message
// gets nothing; a REFUSED names the agent and the request's digest; the
// challenge table stays within its bound. Properties of the sender: it signs
// only for a challenge that echoes its current HELLO nonce and names the
// expected agent, and it counts an ACK or REFUSED only when it carries the
// digest of a request it made (and, for an ACK, its action). And whatever
// happened before, an honest round then still powers the host off.
#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "crypto/ed25519.h"
#include "fuzz_check.h"
#include "fuzz_input.h"
#include "power/power_agent.h"
#include "power/power_packet.h"
#include "power/power_sender.h"
#include "power/power_signing.h"

namespace {

using namespace pxekit;
using Bytes = std::vector<std::uint8_t>;

// RFC 8032 TEST 1 (trusted by the agent) and TEST 2 (not trusted).
constexpr const char* kTrustedPem =
    "-----BEGIN PRIVATE KEY-----\n"
    "MC4CAQAwBQYDK2VwBCIEIJ1hsZ3v/VpguoRK9JLsLMREScVpezJpGXA7rAMcrn9g\n"
    "-----END PRIVATE KEY-----\n";
constexpr const char* kUntrustedPem =
    "-----BEGIN PRIVATE KEY-----\n"
    "MC4CAQAwBQYDK2VwBCIEIEzNCJso/5banbbDRuwRTg9bijGfNaumJNqM9u1PuKb7\n"
    "-----END PRIVATE KEY-----\n";

const Ed25519KeyPair& Key(bool trusted) {
  static const Ed25519KeyPair* keys[2] = {
      new Ed25519KeyPair(Ed25519KeyPair::FromPem(kUntrustedPem).value()),
      new Ed25519KeyPair(Ed25519KeyPair::FromPem(kTrustedPem).value())};
  return *keys[trusted ? 1 : 0];
}

const MacAddr kAgentId(MacAddr::Bytes{0x02, 0, 0, 0, 0, 0x01});
const MacAddr kOtherId(MacAddr::Bytes{0x02, 0, 0, 0, 0, 0x02});

// The target's own Ed25519 work, remembered across inputs: the attacker's
// signatures (case 3) and the check that an accepted REQUEST carries the
// trusted key's signature. Each is a pure function of what the memo is keyed
// by (Ed25519 signing is deterministic, RFC 8032 5.1.6; the keys are fixed),
// and the random source restarts with every input, so the same challenges
// and requests come back and the memos answer most calls. OpenSSL took over
// half of each execution; the agent's and the sender's own signing and
// verifying, the code under test, still run every time. Bounded: cleared
// when full.
constexpr std::size_t kMemoSize = 4096;

// A memo key: the datagram's bytes in a std::string. GCC 12 at -O3 warns of a
// 2^63-byte memcmp in std::vector's operator<=> (a false positive that
// stopped `make check-release`).
std::string MemoKey(const Bytes& bytes) {
  return std::string(bytes.begin(), bytes.end());
}

// VerifyPowerRequest(r, {trusted key}) for the REQUEST datagram `d` that
// decodes to `r`.
bool SignedByTrusted(const Bytes& d, const PowerRequest& r) {
  static auto* memo = new std::map<std::string, bool>;
  std::string key = MemoKey(d);
  if (auto it = memo->find(key); it != memo->end()) return it->second;
  if (memo->size() >= kMemoSize) memo->clear();
  std::vector<Ed25519PublicKey> trusted = {Key(true).public_key()};
  bool ok = VerifyPowerRequest(r, trusted);
  memo->emplace(std::move(key), ok);
  return ok;
}

// SignPowerRequest for challenge `c` with the action, target and key that
// the low three bits of `how` choose; nullopt when signing failed.
std::optional<PowerRequest> AttackerSigns(const PowerChallenge& c,
                                          std::uint8_t how) {
  static auto* memo = new std::map<std::string, std::optional<PowerRequest>>;
  std::string key = MemoKey(EncodePowerMessage(c));
  key.push_back(static_cast<char>(how & 7));
  if (auto it = memo->find(key); it != memo->end()) return it->second;
  if (memo->size() >= kMemoSize) memo->clear();
  auto r = SignPowerRequest(
      c, how & 1 ? PowerAction::kReboot : PowerAction::kPowerOff,
      how & 2 ? kOtherId : kAgentId, Key((how & 4) == 0));
  std::optional<PowerRequest> out;
  if (r.ok()) out = *r;
  memo->emplace(std::move(key), out);
  return out;
}

struct Issued {
  PowerNonce sender_nonce;
  MonoTime at;
};

struct World {
  PowerAgent agent;
  PowerExchange sender;
  std::optional<MacAddr> expected;
  PowerAction action;
  std::chrono::milliseconds ttl;
  std::size_t capacity;
  MonoTime now{};
  std::uint64_t counter = 0;
  RandomSource random;
  std::map<PowerNonce, Issued> issued;     // every challenge the agent made
  std::vector<PowerChallenge> challenges;  // seen on the wire, in order
  std::map<PowerNonce, Bytes> accepted;    // agent nonce -> the REQUEST
  std::vector<Bytes> to_agent;             // every datagram sent to it
  std::set<Sha256Digest> sender_requests;  // digests of what it signed
  std::optional<PowerNonce> hello_nonce;   // the sender's current HELLO
  std::size_t actions = 0;

  World(PowerAgentConfig config, std::optional<MacAddr> expected_target,
        PowerAction a)
      : agent(config),
        sender(a, expected_target),
        expected(expected_target),
        action(a),
        ttl(config.challenge_ttl),
        capacity(config.max_challenges) {
    random = [this](std::span<std::uint8_t> out) {
      ++counter;
      for (std::size_t i = 0; i < out.size(); ++i)
        out[i] = static_cast<std::uint8_t>(counter >> (8 * (i % 8)) ^ i);
      return true;
    };
  }

  // The agent handles `d`; every property of one step is checked here.
  AgentDecision ToAgent(const Bytes& d) {
    to_agent.push_back(d);
    AgentDecision out = agent.Handle(d, now, random);
    FUZZ_CHECK(out.reply.size() <= d.size());
    FUZZ_CHECK(agent.challenges().size() <= capacity);
    auto message = DecodePowerMessage(d);
    using Kind = AgentDecision::Kind;
    switch (out.kind) {
      case Kind::kChallenged: {
        const auto& hello = std::get<PowerHello>(message.value());
        auto reply = DecodePowerMessage(out.reply);
        FUZZ_CHECK(reply.ok());
        const auto& c = std::get<PowerChallenge>(*reply);
        FUZZ_CHECK(c.agent_id == kAgentId);
        FUZZ_CHECK(c.sender_nonce == hello.sender_nonce);
        FUZZ_CHECK(issued.count(c.agent_nonce) == 0);
        issued[c.agent_nonce] = Issued{c.sender_nonce, now};
        challenges.push_back(c);
        break;
      }
      case Kind::kAccepted:
      case Kind::kDuplicate: {
        FUZZ_CHECK(message.ok());
        const auto& r = std::get<PowerRequest>(*message);
        FUZZ_CHECK(SignedByTrusted(d, r));
        FUZZ_CHECK(r.target == kAgentId);
        FUZZ_CHECK(out.action == r.action);
        auto it = issued.find(r.agent_nonce);
        FUZZ_CHECK(it != issued.end());
        FUZZ_CHECK(it->second.sender_nonce == r.sender_nonce);
        auto ack = DecodePowerMessage(out.reply);
        FUZZ_CHECK(ack.ok());
        FUZZ_CHECK(std::get<PowerAck>(*ack) ==
                   (PowerAck{r.action, r.target, RequestDigest(r)}));
        if (out.kind == Kind::kAccepted) {
          FUZZ_CHECK(now >= it->second.at && now - it->second.at <= ttl);
          FUZZ_CHECK(accepted.count(r.agent_nonce) == 0);
          accepted[r.agent_nonce] = d;
          ++actions;
        } else {
          FUZZ_CHECK(accepted.count(r.agent_nonce) == 1);
          FUZZ_CHECK(accepted[r.agent_nonce] == d);
        }
        break;
      }
      case Kind::kIgnored:
        FUZZ_CHECK(message.ok());
        FUZZ_CHECK(!std::holds_alternative<PowerHello>(*message) &&
                   !std::holds_alternative<PowerRequest>(*message));
        FUZZ_CHECK(out.reply.empty());
        break;
      case Kind::kRefused:
        if (!message.ok()) {
          FUZZ_CHECK(out.reason == RefusalReason::kMalformed);
          FUZZ_CHECK(out.reply.empty());
        } else {
          const auto& r = std::get<PowerRequest>(*message);
          auto reply = DecodePowerMessage(out.reply);
          FUZZ_CHECK(reply.ok());
          FUZZ_CHECK(std::get<PowerRefused>(*reply) ==
                     (PowerRefused{out.reason, kAgentId, RequestDigest(r)}));
        }
        break;
      case Kind::kNoRandom:
        FUZZ_CHECK(false && "the random source never fails here");
    }
    return out;
  }

  // The sender gets `d` (from the agent or from the attacker).
  PowerExchange::Event ToSender(const Bytes& d) {
    auto message = DecodePowerMessage(d);
    if (!message.ok()) return PowerExchange::Event::kUnrelated;
    if (std::holds_alternative<PowerChallenge>(*message)) {
      const auto& c = std::get<PowerChallenge>(*message);
      auto event = sender.OnChallenge(*message, Key(true));
      bool ours = hello_nonce && c.sender_nonce == *hello_nonce;
      if (!ours) FUZZ_CHECK(event == PowerExchange::Event::kUnrelated);
      if (event == PowerExchange::Event::kRequestReady) {
        FUZZ_CHECK(!expected || *expected == c.agent_id);
        const auto& r = *sender.request();
        FUZZ_CHECK(r.agent_nonce == c.agent_nonce &&
                   r.sender_nonce == c.sender_nonce && r.target == c.agent_id &&
                   r.action == action);
        FUZZ_CHECK(EncodePowerMessage(r) == sender.request_bytes());
        sender_requests.insert(Sha256(sender.request_bytes()));
      } else if (ours) {
        FUZZ_CHECK(event == PowerExchange::Event::kWrongHost);
        FUZZ_CHECK(expected && *expected != c.agent_id);
      }
      return event;
    }
    auto event = sender.OnReply(*message);
    if (event == PowerExchange::Event::kAcked) {
      const auto& ack = std::get<PowerAck>(*message);
      FUZZ_CHECK(sender_requests.count(ack.request_digest) == 1);
      FUZZ_CHECK(ack.action == action);
    } else if (event == PowerExchange::Event::kRefused) {
      const auto& refused = std::get<PowerRefused>(*message);
      FUZZ_CHECK(sender_requests.count(refused.request_digest) == 1);
      FUZZ_CHECK(sender.refusal_reason() == refused.reason);
    } else {
      FUZZ_CHECK(event == PowerExchange::Event::kUnrelated);
    }
    return event;
  }

  Bytes Hello() {
    Bytes hello = sender.Hello(random);
    FUZZ_CHECK(!hello.empty());
    hello_nonce =
        std::get<PowerHello>(DecodePowerMessage(hello).value()).sender_nonce;
    return hello;
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  fuzz::FuzzInput in(data, size);
  PowerAgentConfig config;
  config.id = kAgentId;
  config.keys = {Key(true).public_key()};
  config.max_challenges = in.Range(1, 8);
  config.challenge_ttl = std::chrono::milliseconds(in.Range(1, 60000));
  std::uint8_t who = in.U8();
  std::optional<MacAddr> expected;
  if (who % 3 == 1) expected = kAgentId;
  if (who % 3 == 2) expected = kOtherId;
  PowerAction action = who & 8 ? PowerAction::kReboot : PowerAction::kPowerOff;
  World w(config, expected, action);

  for (int step = 0; step < 48 && !in.empty(); ++step) {
    switch (in.U8() % 7) {
      case 0: {  // any bytes to the agent
        auto bytes = in.Block(kPowerMaxMessageSize + 8);
        w.ToAgent(Bytes(bytes.begin(), bytes.end()));
        break;
      }
      case 1: {  // any bytes to the sender
        auto bytes = in.Block(kPowerMaxMessageSize + 8);
        w.ToSender(Bytes(bytes.begin(), bytes.end()));
        break;
      }
      case 2: {  // an honest round; each leg may be lost
        std::uint8_t legs = in.U8();
        Bytes hello = w.Hello();
        if (legs & 1) break;
        auto challenged = w.ToAgent(hello);
        if (legs & 2) break;
        auto event = w.ToSender(challenged.reply);
        if (event != PowerExchange::Event::kRequestReady || (legs & 4)) break;
        auto answer = w.ToAgent(w.sender.request_bytes());
        if (legs & 8) break;
        w.ToSender(answer.reply);
        break;
      }
      case 3: {  // a request signed for a challenge seen, maybe corrupted
        std::uint8_t how = in.U8();
        std::size_t flip = in.U8();
        if (w.challenges.empty()) break;
        const auto& c = w.challenges[in.U8() % w.challenges.size()];
        auto r = AttackerSigns(c, how);
        FUZZ_CHECK(r.has_value());
        Bytes bytes = EncodePowerMessage(*r);
        if (how & 8) bytes[flip % bytes.size()] ^= 1 << (how >> 5);
        w.ToAgent(bytes);
        break;
      }
      case 4: {  // a replay of anything the agent got before
        std::size_t pick = in.U16();
        if (w.to_agent.empty()) break;
        Bytes old = w.to_agent[pick % w.to_agent.size()];
        w.ToAgent(old);
        break;
      }
      case 5:  // time passes
        w.now += std::chrono::milliseconds(in.U16());
        break;
      default: {  // a HELLO with a nonce the attacker picked
        PowerHello hello;
        auto nonce = in.Bytes(hello.sender_nonce.size());
        std::copy(nonce.begin(), nonce.end(), hello.sender_nonce.begin());
        w.ToAgent(EncodePowerMessage(hello));
        break;
      }
    }
  }
  FUZZ_CHECK(w.actions == w.accepted.size());

  // Whatever happened, an honest round still works.
  auto challenged = w.ToAgent(w.Hello());
  FUZZ_CHECK(challenged.kind == AgentDecision::Kind::kChallenged);
  auto event = w.ToSender(challenged.reply);
  if (expected && *expected != kAgentId) {
    FUZZ_CHECK(event == PowerExchange::Event::kWrongHost);
    return 0;
  }
  FUZZ_CHECK(event == PowerExchange::Event::kRequestReady);
  auto answer = w.ToAgent(w.sender.request_bytes());
  FUZZ_CHECK(answer.kind == AgentDecision::Kind::kAccepted);
  FUZZ_CHECK(answer.action == action);
  FUZZ_CHECK(w.ToSender(answer.reply) == PowerExchange::Event::kAcked);
  return 0;
}
