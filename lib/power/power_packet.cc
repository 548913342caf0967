#include "power/power_packet.h"

#include <algorithm>
#include <iterator>
#include <optional>
#include <string>

#include "util/byte_reader.h"
#include "util/enum_names.h"

namespace pxekit {
namespace {

void PutHeader(ByteWriter& w, PowerMessageType type) {
  w.Bytes(kPowerMagic);
  w.U8(kPowerVersion);
  w.U8(static_cast<std::uint8_t>(type));
  w.U16(0);
}

void PutMac(ByteWriter& w, const MacAddr& mac) { w.Bytes(mac.bytes()); }

template <std::size_t N>
void ReadArray(ByteReader& r, std::array<std::uint8_t, N>* out) {
  auto bytes = r.Bytes(N);
  if (bytes.size() == N) std::copy(bytes.begin(), bytes.end(), out->begin());
}

MacAddr ReadMac(ByteReader& r) {
  MacAddr::Bytes bytes{};
  ReadArray(r, &bytes);
  return MacAddr(bytes);
}

bool IsKnownAction(std::uint8_t value) {
  return value == static_cast<std::uint8_t>(PowerAction::kPowerOff) ||
         value == static_cast<std::uint8_t>(PowerAction::kReboot);
}

bool AllZero(std::span<const std::uint8_t> bytes) {
  return std::all_of(bytes.begin(), bytes.end(),
                     [](std::uint8_t b) { return b == 0; });
}

// What opens a REQUEST and an ACK after the header: the action, a reserved
// byte and the target.
template <typename M>
void PutActionTarget(ByteWriter& w, const M& m) {
  w.U8(static_cast<std::uint8_t>(m.action));
  w.U8(0);
  PutMac(w, m.target);
}

// The same read back; the reason when it is malformed.
template <typename M>
std::optional<std::string> ReadActionTarget(ByteReader& r, M* m) {
  std::uint8_t action = r.U8();
  if (!IsKnownAction(action)) return "unknown action";
  m->action = static_cast<PowerAction>(action);
  if (r.U8() != 0) return "reserved bytes not zero";
  m->target = ReadMac(r);
  return std::nullopt;
}

// A REQUEST after the header, up to the signature: the signed fields.
void PutRequestBody(ByteWriter& w, const PowerRequest& m) {
  PutActionTarget(w, m);
  w.Bytes(m.sender_nonce);
  w.Bytes(m.agent_nonce);
}

struct Encoder {
  ByteWriter& w;
  void operator()(const PowerHello& m) {
    PutHeader(w, PowerMessageType::kHello);
    w.Bytes(m.sender_nonce);
    w.Fill(0, kPowerShortMessageSize - w.size());
  }
  void operator()(const PowerChallenge& m) {
    PutHeader(w, PowerMessageType::kChallenge);
    w.Bytes(m.sender_nonce);
    PutMac(w, m.agent_id);
    w.U16(0);
    w.Bytes(m.agent_nonce);
  }
  void operator()(const PowerRequest& m) {
    PutHeader(w, PowerMessageType::kRequest);
    PutRequestBody(w, m);
    w.Bytes(m.signature);
  }
  void operator()(const PowerAck& m) {
    PutHeader(w, PowerMessageType::kAck);
    PutActionTarget(w, m);
    w.Bytes(m.request_digest);
  }
  void operator()(const PowerRefused& m) {
    PutHeader(w, PowerMessageType::kRefused);
    w.U8(static_cast<std::uint8_t>(m.reason));
    w.U8(0);
    PutMac(w, m.agent_id);
    w.Bytes(m.request_digest);
  }
};

// Each message's body after the header, read back as the Encoder writes it;
// the reason when it is malformed.
std::optional<std::string> ReadBody(ByteReader& r, PowerHello* m) {
  ReadArray(r, &m->sender_nonce);
  if (!AllZero(r.Rest())) return "padding not zero";
  return std::nullopt;
}

std::optional<std::string> ReadBody(ByteReader& r, PowerChallenge* m) {
  ReadArray(r, &m->sender_nonce);
  m->agent_id = ReadMac(r);
  if (r.U16() != 0) return "reserved bytes not zero";
  ReadArray(r, &m->agent_nonce);
  return std::nullopt;
}

std::optional<std::string> ReadBody(ByteReader& r, PowerRequest* m) {
  if (auto malformed = ReadActionTarget(r, m)) return malformed;
  ReadArray(r, &m->sender_nonce);
  ReadArray(r, &m->agent_nonce);
  ReadArray(r, &m->signature);
  return std::nullopt;
}

std::optional<std::string> ReadBody(ByteReader& r, PowerAck* m) {
  if (auto malformed = ReadActionTarget(r, m)) return malformed;
  ReadArray(r, &m->request_digest);
  return std::nullopt;
}

std::optional<std::string> ReadBody(ByteReader& r, PowerRefused* m) {
  m->reason = static_cast<RefusalReason>(r.U8());
  if (r.U8() != 0) return "reserved bytes not zero";
  m->agent_id = ReadMac(r);
  ReadArray(r, &m->request_digest);
  return std::nullopt;
}

// A message of type M: its body, unless it is malformed or one of the reads
// ran past the end of the datagram ("truncated").
template <typename M>
Result<PowerMessage> DecodeBody(ByteReader& r) {
  M m;
  if (auto malformed = ReadBody(r, &m)) return Fail(*malformed);
  if (!r.ok()) return Fail("truncated");
  return PowerMessage(m);
}

std::size_t SizeOf(PowerMessageType type) {
  return type == PowerMessageType::kRequest ? kPowerRequestSize
                                            : kPowerShortMessageSize;
}

}  // namespace

std::vector<std::uint8_t> EncodePowerMessage(const PowerMessage& message) {
  std::vector<std::uint8_t> out(kPowerMaxMessageSize);
  ByteWriter w(out);
  std::visit(Encoder{w}, message);
  out.resize(w.ok() ? w.size() : 0);
  return out;
}

Result<PowerMessage> DecodePowerMessage(
    std::span<const std::uint8_t> datagram) {
  ByteReader r(datagram);
  auto magic = r.Bytes(kPowerMagic.size());
  std::uint8_t version = r.U8();
  std::uint8_t type_byte = r.U8();
  std::uint16_t reserved = r.U16();
  if (!r.ok()) return Fail("shorter than a header");
  if (!std::equal(magic.begin(), magic.end(), kPowerMagic.begin()))
    return Fail("bad magic");
  if (version != kPowerVersion) return Fail("unsupported version");
  if (type_byte < 1 || type_byte > 5) return Fail("unknown message type");
  if (reserved != 0) return Fail("reserved header bytes not zero");
  auto type = static_cast<PowerMessageType>(type_byte);
  if (datagram.size() < SizeOf(type)) return Fail("truncated");
  if (datagram.size() > SizeOf(type)) return Fail("trailing bytes");

  // By type code, 1 to 5 (checked above).
  using BodyDecoder = Result<PowerMessage> (*)(ByteReader&);
  static constexpr BodyDecoder kBodyDecoders[] = {
      DecodeBody<PowerHello>, DecodeBody<PowerChallenge>,
      DecodeBody<PowerRequest>, DecodeBody<PowerAck>, DecodeBody<PowerRefused>};
  static_assert(std::size(kBodyDecoders) ==
                static_cast<std::size_t>(PowerMessageType::kRefused));
  return kBodyDecoders[type_byte - 1](r);
}

std::vector<std::uint8_t> RequestSignedBytes(const PowerRequest& request) {
  std::vector<std::uint8_t> out(kRequestSignatureContext.size() +
                                kPowerRequestSignedSize);
  ByteWriter w(out);
  w.Text(kRequestSignatureContext);
  PutHeader(w, PowerMessageType::kRequest);
  PutRequestBody(w, request);
  return out;
}

Sha256Digest RequestDigest(const PowerRequest& request) {
  return Sha256(EncodePowerMessage(request));
}

std::string_view PowerActionName(PowerAction action) {
  switch (action) {
    case PowerAction::kPowerOff:
      return "poweroff";
    case PowerAction::kReboot:
      return "reboot";
  }
  return {};
}

std::string_view RefusalReasonText(RefusalReason reason) {
  // In the order of RefusalReason, whose values start at 1.
  static constexpr std::array<std::string_view, 7> kNames = {
      "unknown reason", "malformed",    "bad signature", "wrong target",
      "unknown nonce",  "reused nonce", "expired nonce"};
  static_assert(kNames.size() == EnumCount(RefusalReason::kExpiredNonce));
  return EnumName(reason, kNames, "unknown reason");
}

}  // namespace pxekit
