#include "power/power_sender.h"

#include <algorithm>

#include "power/power_signing.h"

namespace pxekit {
namespace {

// Requests remembered per exchange: more than any sane number of retries.
constexpr std::size_t kMaxRequests = 32;

}  // namespace

std::vector<std::uint8_t> PowerExchange::Hello(const RandomSource& random) {
  PowerHello hello;
  sender_nonce_.reset();
  if (!random || !random(hello.sender_nonce)) return {};
  sender_nonce_ = hello.sender_nonce;
  return EncodePowerMessage(hello);
}

PowerExchange::Event PowerExchange::OnChallenge(const PowerMessage& message,
                                                const Ed25519KeyPair& key) {
  const auto* challenge = std::get_if<PowerChallenge>(&message);
  if (challenge == nullptr || !sender_nonce_ ||
      challenge->sender_nonce != *sender_nonce_)
    return Event::kUnrelated;
  // A second challenge for the same HELLO (a duplicate, or the answer to a
  // resent HELLO) replaces the first: only the newest can still be live.
  agent_id_ = challenge->agent_id;
  if (expected_target_ && *expected_target_ != challenge->agent_id)
    return Event::kWrongHost;
  auto request =
      SignPowerRequest(*challenge, action_, challenge->agent_id, key);
  if (!request.ok()) return Event::kSignFailed;
  request_ = request.value();
  request_bytes_ = EncodePowerMessage(*request_);
  if (sent_digests_.size() >= kMaxRequests)
    sent_digests_.erase(sent_digests_.begin());
  sent_digests_.push_back(Sha256(request_bytes_));
  return Event::kRequestReady;
}

PowerExchange::Event PowerExchange::OnReply(const PowerMessage& message) {
  auto sent = [this](const Sha256Digest& digest) {
    return std::find(sent_digests_.begin(), sent_digests_.end(), digest) !=
           sent_digests_.end();
  };
  if (const auto* ack = std::get_if<PowerAck>(&message)) {
    if (!sent(ack->request_digest) || ack->action != action_)
      return Event::kUnrelated;
    return Event::kAcked;
  }
  if (const auto* refused = std::get_if<PowerRefused>(&message)) {
    if (!sent(refused->request_digest)) return Event::kUnrelated;
    refusal_reason_ = refused->reason;
    return Event::kRefused;
  }
  return Event::kUnrelated;
}

}  // namespace pxekit
