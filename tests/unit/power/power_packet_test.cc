#include "power/power_packet.h"

#include <catch2/catch.hpp>

#include "util/hex.h"

namespace pxekit {
namespace {

PowerNonce Nonce(std::uint8_t first) {
  PowerNonce nonce{};
  for (std::size_t i = 0; i < nonce.size(); ++i)
    nonce[i] = static_cast<std::uint8_t>(first + i);
  return nonce;
}

const MacAddr kAgent(MacAddr::Bytes{0x02, 0x00, 0x00, 0x00, 0x00, 0x07});

PowerRequest SampleRequest() {
  PowerRequest request;
  request.action = PowerAction::kReboot;
  request.target = kAgent;
  request.sender_nonce = Nonce(0x10);
  request.agent_nonce = Nonce(0x20);
  for (std::size_t i = 0; i < request.signature.size(); ++i)
    request.signature[i] = static_cast<std::uint8_t>(0x80 + i);
  return request;
}

std::vector<PowerMessage> Samples() {
  Sha256Digest digest{};
  digest.fill(0xab);
  return {
      PowerHello{Nonce(1)},
      PowerChallenge{Nonce(1), kAgent, Nonce(0x40)},
      SampleRequest(),
      PowerAck{PowerAction::kPowerOff, kAgent, digest},
      PowerRefused{RefusalReason::kReusedNonce, kAgent, digest},
  };
}

}  // namespace

TEST_CASE("A HELLO is header then sender nonce then zeros: 48 bytes",
          "[power]") {
  auto bytes = EncodePowerMessage(PowerHello{Nonce(1)});
  CHECK(ToHex(bytes) ==
        "5058504f"
        "01"
        "01"
        "0000"
        "0102030405060708090a0b0c0d0e0f10" +
            std::string(48, '0'));
}

TEST_CASE("A CHALLENGE puts the agent id at 24 and its nonce at 32",
          "[power]") {
  auto bytes =
      EncodePowerMessage(PowerChallenge{Nonce(1), kAgent, Nonce(0x40)});
  CHECK(ToHex(bytes) ==
        "5058504f"
        "01"
        "02"
        "0000"
        "0102030405060708090a0b0c0d0e0f10"
        "020000000007"
        "0000"
        "404142434445464748494a4b4c4d4e4f");
}

TEST_CASE("A REQUEST is 112 bytes with the signature last", "[power]") {
  auto bytes = EncodePowerMessage(SampleRequest());
  REQUIRE(bytes.size() == kPowerRequestSize);
  std::string hex = ToHex(bytes);
  CHECK(hex.substr(0, 96) ==
        "5058504f"
        "01"
        "03"
        "0000"
        "02"
        "00"
        "020000000007"
        "101112131415161718191a1b1c1d1e1f"
        "202122232425262728292a2b2c2d2e2f");
  CHECK(hex.substr(96, 4) == "8081");
  CHECK(hex.substr(220) == "bebf");
}

TEST_CASE("ACK and REFUSED carry the request digest at 16", "[power]") {
  Sha256Digest digest{};
  digest.fill(0xab);
  std::string digest_hex;
  for (int i = 0; i < 32; ++i) digest_hex += "ab";
  auto ack = EncodePowerMessage(PowerAck{PowerAction::kReboot, kAgent, digest});
  CHECK(ToHex(ack) ==
        "5058504f"
        "01"
        "04"
        "0000"
        "02"
        "00"
        "020000000007" +
            digest_hex);
  auto refused = EncodePowerMessage(
      PowerRefused{RefusalReason::kBadSignature, kAgent, digest});
  CHECK(ToHex(refused) ==
        "5058504f"
        "01"
        "05"
        "0000"
        "02"
        "00"
        "020000000007" +
            digest_hex);
}

TEST_CASE("Every message decodes back to itself", "[power]") {
  for (const auto& message : Samples()) {
    auto bytes = EncodePowerMessage(message);
    CAPTURE(ToHex(bytes));
    auto decoded = DecodePowerMessage(bytes);
    REQUIRE(decoded.ok());
    CHECK(*decoded == message);
  }
}

TEST_CASE("Truncated messages are refused at every length", "[power]") {
  for (const auto& message : Samples()) {
    auto bytes = EncodePowerMessage(message);
    for (std::size_t n = 0; n < bytes.size(); ++n) {
      CAPTURE(bytes.size(), n);
      CHECK_FALSE(DecodePowerMessage(std::span(bytes).first(n)).ok());
    }
  }
}

TEST_CASE("Oversized messages and trailing bytes are refused", "[power]") {
  for (const auto& message : Samples()) {
    auto bytes = EncodePowerMessage(message);
    bytes.push_back(0);
    auto decoded = DecodePowerMessage(bytes);
    REQUIRE_FALSE(decoded.ok());
    CHECK(decoded.error() == "trailing bytes");
  }
  std::vector<std::uint8_t> huge = EncodePowerMessage(SampleRequest());
  huge.resize(65507, 0);
  CHECK_FALSE(DecodePowerMessage(huge).ok());
}

TEST_CASE("Header and reserved fields are checked", "[power]") {
  const auto good = EncodePowerMessage(SampleRequest());
  REQUIRE(DecodePowerMessage(good).ok());
  struct Case {
    std::size_t offset;
    std::uint8_t value;
    const char* error;
  };
  for (const Case& c : {
           Case{0, 'Q', "bad magic"},
           Case{3, 'o', "bad magic"},
           Case{4, 2, "unsupported version"},
           Case{4, 0, "unsupported version"},
           Case{5, 0, "unknown message type"},
           Case{5, 6, "unknown message type"},
           Case{6, 1, "reserved header bytes not zero"},
           Case{7, 0x80, "reserved header bytes not zero"},
           Case{8, 0, "unknown action"},
           Case{8, 3, "unknown action"},
           Case{9, 1, "reserved bytes not zero"},
       }) {
    auto bytes = good;
    bytes[c.offset] = c.value;
    CAPTURE(c.offset, c.value);
    auto decoded = DecodePowerMessage(bytes);
    REQUIRE_FALSE(decoded.ok());
    CHECK(decoded.error() == c.error);
  }
  auto hello = EncodePowerMessage(PowerHello{Nonce(1)});
  hello[47] = 1;
  CHECK(DecodePowerMessage(hello).error() == "padding not zero");
  auto challenge = EncodePowerMessage(PowerChallenge{});
  challenge[31] = 1;
  CHECK(DecodePowerMessage(challenge).error() == "reserved bytes not zero");
}

TEST_CASE("A type byte with the wrong size is refused", "[power]") {
  // A 48-byte message relabelled as a REQUEST, and the reverse.
  auto hello = EncodePowerMessage(PowerHello{Nonce(1)});
  hello[5] = static_cast<std::uint8_t>(PowerMessageType::kRequest);
  CHECK(DecodePowerMessage(hello).error() == "truncated");
  auto request = EncodePowerMessage(SampleRequest());
  request[5] = static_cast<std::uint8_t>(PowerMessageType::kAck);
  CHECK(DecodePowerMessage(request).error() == "trailing bytes");
}

TEST_CASE("A REFUSED keeps reasons this version does not know", "[power]") {
  PowerRefused refused{static_cast<RefusalReason>(200), kAgent, {}};
  auto decoded = DecodePowerMessage(EncodePowerMessage(refused));
  REQUIRE(decoded.ok());
  CHECK(std::get<PowerRefused>(*decoded) == refused);
  CHECK(RefusalReasonText(refused.reason) == "unknown reason");
  CHECK(RefusalReasonText(RefusalReason::kWrongTarget) == "wrong target");
  CHECK(PowerActionName(PowerAction::kReboot) == "reboot");
}

TEST_CASE("The signed bytes are the context then the first 48 bytes",
          "[power]") {
  auto request = SampleRequest();
  auto signed_bytes = RequestSignedBytes(request);
  REQUIRE(signed_bytes.size() == 24 + 48);
  std::string context(signed_bytes.begin(), signed_bytes.begin() + 24);
  CHECK(context == std::string("pxe-poweroff request v1\0", 24));
  auto encoded = EncodePowerMessage(request);
  CHECK(std::equal(signed_bytes.begin() + 24, signed_bytes.end(),
                   encoded.begin()));
  // The signature is not part of what it signs, every other field is.
  auto other = request;
  other.signature[0] ^= 1;
  CHECK(RequestSignedBytes(other) == signed_bytes);
  CHECK(RequestDigest(other) != RequestDigest(request));
  other = request;
  other.action = PowerAction::kPowerOff;
  CHECK(RequestSignedBytes(other) != signed_bytes);
}

}  // namespace pxekit
