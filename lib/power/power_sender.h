#pragma once
// The sender's side of the exchange (power_packet.h), pure: the tool's event
// loop keeps one PowerExchange per host, sends Hello(), feeds every datagram
// from that host to OnChallenge / OnReply, and resends on its own timer.
// Datagrams that do not belong to this exchange (another HELLO's challenge,
// an answer to another request: off-path spoofs or stale retries) are
// reported as kUnrelated and change nothing.

#include <optional>
#include <vector>

#include "crypto/ed25519.h"
#include "power/power_agent.h"
#include "power/power_packet.h"

namespace pxekit {

class PowerExchange {
 public:
  enum class Event {
    kUnrelated,     // not an answer to what this exchange sent; ignore it
    kRequestReady,  // request_bytes() is the REQUEST to send
    kWrongHost,     // the challenge names another agent id than expected
    kSignFailed,
    kAcked,    // the agent accepted this request
    kRefused,  // refusal_reason() says why
  };

  // `expected_target`: the MAC the admin named for this host, if any; the
  // request then goes only to an agent with that id.
  PowerExchange(PowerAction action, std::optional<MacAddr> expected_target)
      : action_(action), expected_target_(expected_target) {}

  // A HELLO with a fresh sender nonce; empty when `random` fails. Calling it
  // again (a retry) starts over with a new nonce; an ACK for a request sent
  // earlier in this exchange still counts.
  std::vector<std::uint8_t> Hello(const RandomSource& random);

  Event OnChallenge(const PowerMessage& message, const Ed25519KeyPair& key);
  Event OnReply(const PowerMessage& message);

  const std::vector<std::uint8_t>& request_bytes() const {
    return request_bytes_;
  }
  const std::optional<PowerRequest>& request() const { return request_; }
  RefusalReason refusal_reason() const { return refusal_reason_; }
  const MacAddr& agent_id() const { return agent_id_; }

 private:
  PowerAction action_;
  std::optional<MacAddr> expected_target_;
  std::optional<PowerNonce> sender_nonce_;
  std::optional<PowerRequest> request_;
  std::vector<std::uint8_t> request_bytes_;
  std::vector<Sha256Digest> sent_digests_;  // newest last, bounded
  MacAddr agent_id_;
  RefusalReason refusal_reason_ = RefusalReason::kMalformed;
};

}  // namespace pxekit
