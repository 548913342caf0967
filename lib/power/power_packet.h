#pragma once
// The pxe-poweroff wire format: a challenge-response exchange over UDP in
// which the agent never has to trust a clock.
//
//   sender                           agent
//   HELLO(sender nonce)        ->
//                              <-    CHALLENGE(sender nonce, agent id,
//                                              agent nonce)
//   REQUEST(action, target,    ->
//     sender nonce, agent nonce,
//     Ed25519 signature)
//                              <-    ACK(action, target, SHA-256(REQUEST))
//                                 or REFUSED(reason, agent id,
//                                            SHA-256(REQUEST))
//
// Every message starts with the same 8-byte header; all sizes are fixed and
// multi-byte fields big-endian. Offsets below are from the datagram start.
//
//   header   0  4  magic "PXPO"
//            4  1  version, 1
//            5  1  type: 1 HELLO, 2 CHALLENGE, 3 REQUEST, 4 ACK, 5 REFUSED
//            6  2  reserved, 0
//   HELLO (48 bytes)
//            8 16  sender nonce (random, echoed in the CHALLENGE)
//           24 24  zero padding: a HELLO is as large as the CHALLENGE it
//                  asks for, so the agent cannot be used as an amplifier
//   CHALLENGE (48 bytes)
//            8 16  sender nonce, copied from the HELLO
//           24  6  agent id (the MAC of the agent's WoL interface)
//           30  2  reserved, 0
//           32 16  agent nonce (random, single use, short-lived)
//   REQUEST (112 bytes)
//            8  1  action: 1 poweroff, 2 reboot
//            9  1  reserved, 0
//           10  6  target id (must equal the agent id)
//           16 16  sender nonce
//           32 16  agent nonce, copied from the CHALLENGE
//           48 64  Ed25519 signature over kRequestSignatureContext (24
//                  bytes, NUL included) followed by bytes 0-47
//   ACK (48 bytes)
//            8  1  action, copied from the REQUEST
//            9  1  reserved, 0
//           10  6  target id, copied from the REQUEST
//           16 32  SHA-256 of the whole 112-byte REQUEST
//   REFUSED (48 bytes)
//            8  1  reason (RefusalReason; unknown values are kept)
//            9  1  reserved, 0
//           10  6  agent id
//           16 32  SHA-256 of the whole 112-byte REQUEST refused
//
// Decoding refuses a wrong magic, version, type or size, any nonzero
// reserved or padding byte, an unknown action, and trailing bytes: a
// datagram is exactly one message. Nothing here throws.

#include <array>
#include <cstdint>
#include <span>
#include <string_view>
#include <variant>
#include <vector>

#include "crypto/ed25519.h"
#include "util/mac_addr.h"
#include "util/result.h"

namespace pxekit {

// The UDP port agents listen on unless told otherwise (pxe-poweroff -p).
inline constexpr std::uint16_t kPowerDefaultPort = 7390;

inline constexpr std::array<std::uint8_t, 4> kPowerMagic = {'P', 'X', 'P', 'O'};
inline constexpr std::uint8_t kPowerVersion = 1;
inline constexpr std::size_t kPowerHeaderSize = 8;
inline constexpr std::size_t kPowerShortMessageSize = 48;
inline constexpr std::size_t kPowerRequestSize = 112;
// The signed part of a REQUEST: everything before the signature.
inline constexpr std::size_t kPowerRequestSignedSize = 48;
// Domain separation: a signature over a REQUEST can never be taken for a
// signature over anything else made with the same key.
inline constexpr std::string_view kRequestSignatureContext{
    "pxe-poweroff request v1\0", 24};
inline constexpr std::size_t kPowerMaxMessageSize = kPowerRequestSize;

enum class PowerMessageType : std::uint8_t {
  kHello = 1,
  kChallenge = 2,
  kRequest = 3,
  kAck = 4,
  kRefused = 5,
};

enum class PowerAction : std::uint8_t { kPowerOff = 1, kReboot = 2 };

enum class RefusalReason : std::uint8_t {
  kMalformed = 1,
  kBadSignature = 2,
  kWrongTarget = 3,
  kUnknownNonce = 4,
  kReusedNonce = 5,
  kExpiredNonce = 6,
};

using PowerNonce = std::array<std::uint8_t, 16>;

struct PowerHello {
  PowerNonce sender_nonce{};
  friend bool operator==(const PowerHello&, const PowerHello&) = default;
};

struct PowerChallenge {
  PowerNonce sender_nonce{};
  MacAddr agent_id;
  PowerNonce agent_nonce{};
  friend bool operator==(const PowerChallenge&,
                         const PowerChallenge&) = default;
};

struct PowerRequest {
  PowerAction action = PowerAction::kPowerOff;
  MacAddr target;
  PowerNonce sender_nonce{};
  PowerNonce agent_nonce{};
  Ed25519Signature signature{};
  friend bool operator==(const PowerRequest&, const PowerRequest&) = default;
};

struct PowerAck {
  PowerAction action = PowerAction::kPowerOff;
  MacAddr target;
  Sha256Digest request_digest{};
  friend bool operator==(const PowerAck&, const PowerAck&) = default;
};

struct PowerRefused {
  RefusalReason reason = RefusalReason::kMalformed;
  MacAddr agent_id;
  Sha256Digest request_digest{};
  friend bool operator==(const PowerRefused&, const PowerRefused&) = default;
};

using PowerMessage = std::variant<PowerHello, PowerChallenge, PowerRequest,
                                  PowerAck, PowerRefused>;

// The datagram for `message`: 48 bytes, or 112 for a REQUEST.
std::vector<std::uint8_t> EncodePowerMessage(const PowerMessage& message);

// Exactly one message, or why not.
Result<PowerMessage> DecodePowerMessage(std::span<const std::uint8_t> datagram);

// What the REQUEST's signature covers: kRequestSignatureContext, then the
// first kPowerRequestSignedSize bytes of the encoded REQUEST.
std::vector<std::uint8_t> RequestSignedBytes(const PowerRequest& request);

// SHA-256 of the encoded REQUEST, signature included: what ACK and REFUSED
// carry so that the sender can tell which request they answer.
Sha256Digest RequestDigest(const PowerRequest& request);

// "poweroff", "reboot"; empty for other values.
std::string_view PowerActionName(PowerAction action);
// "bad signature", "wrong target", ...; "unknown reason" for other values.
std::string_view RefusalReasonText(RefusalReason reason);

}  // namespace pxekit
