#pragma once
// The agent's policy, with no sockets, clocks or randomness of its own: the
// I/O loop passes each datagram with the monotonic time and a random source,
// sends `reply` when it is not empty, and acts on kAccepted.
//
// Order of checks for a REQUEST: it must decode (else kMalformed, no reply);
// then one of the configured keys must have signed it (else kBadSignature);
// only then are its fields trusted: the target must be this agent's id (else
// kWrongTarget), and its nonces must name a live challenge that this agent
// issued and that was not used (else kUnknownNonce, kReusedNonce or
// kExpiredNonce). A captured REQUEST is thus useless on replay, on this host
// (the challenge is spent) and on any other (the challenge is unknown there
// and the target differs). The exact accepted request sent again is
// kDuplicate: acknowledged again, so a sender whose ACK was lost can stop
// retrying, but never acted on twice.
//
// Replies are never larger than what provoked them, and packets meant for a
// sender (CHALLENGE, ACK, REFUSED) get no answer, so agents cannot be made to
// talk to each other. ACK and REFUSED are not signed (the agent holds no
// private key): they carry SHA-256 of the REQUEST, so only a peer that saw
// the REQUEST can forge one.

#include <chrono>
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "crypto/ed25519.h"
#include "power/nonce_table.h"
#include "power/power_packet.h"
#include "util/mac_addr.h"

namespace pxekit {

struct PowerAgentConfig {
  MacAddr id;                          // the target id it answers to
  std::vector<Ed25519PublicKey> keys;  // a REQUEST signed by any is valid
  std::size_t max_challenges = 256;    // bound on unauthenticated state
  std::chrono::milliseconds challenge_ttl{30000};
};

// Fills its argument with random bytes; false when it could not.
using RandomSource = std::function<bool(std::span<std::uint8_t>)>;

struct AgentDecision {
  enum class Kind {
    kIgnored,     // not for an agent (a sender's message); no reply
    kChallenged,  // HELLO answered with a CHALLENGE
    kAccepted,    // act on `action`; `reply` is the ACK
    kDuplicate,   // the accepted request again (its ACK was lost): `reply`
                  // is the same ACK; do NOT act again
    kRefused,     // `reason`; `reply` is REFUSED, empty when malformed
    kNoRandom,    // the random source failed; no reply
  };
  Kind kind = Kind::kIgnored;
  PowerAction action = PowerAction::kPowerOff;
  RefusalReason reason = RefusalReason::kMalformed;
  std::vector<std::uint8_t> reply;
};

class PowerAgent {
 public:
  explicit PowerAgent(PowerAgentConfig config);

  AgentDecision Handle(std::span<const std::uint8_t> datagram, MonoTime now,
                       const RandomSource& random);

  const NonceTable& challenges() const { return challenges_; }

 private:
  AgentDecision Refuse(RefusalReason reason, const PowerRequest& request);

  PowerAgentConfig config_;
  NonceTable challenges_;
};

}  // namespace pxekit
