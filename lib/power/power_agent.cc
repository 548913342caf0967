#include "power/power_agent.h"

#include "power/power_signing.h"

namespace pxekit {

PowerAgent::PowerAgent(PowerAgentConfig config)
    : config_(std::move(config)),
      challenges_(config_.max_challenges, config_.challenge_ttl) {}

AgentDecision PowerAgent::Refuse(RefusalReason reason,
                                 const PowerRequest& request) {
  AgentDecision decision;
  decision.kind = AgentDecision::Kind::kRefused;
  decision.reason = reason;
  decision.reply = EncodePowerMessage(
      PowerRefused{reason, config_.id, RequestDigest(request)});
  return decision;
}

AgentDecision PowerAgent::Handle(std::span<const std::uint8_t> datagram,
                                 MonoTime now, const RandomSource& random) {
  AgentDecision decision;
  auto message = DecodePowerMessage(datagram);
  if (!message.ok()) {
    decision.kind = AgentDecision::Kind::kRefused;
    decision.reason = RefusalReason::kMalformed;
    return decision;
  }

  if (const auto* hello = std::get_if<PowerHello>(&message.value())) {
    PowerChallenge challenge;
    challenge.sender_nonce = hello->sender_nonce;
    challenge.agent_id = config_.id;
    if (!random || !random(challenge.agent_nonce)) {
      decision.kind = AgentDecision::Kind::kNoRandom;
      return decision;
    }
    challenges_.Issue(challenge.agent_nonce, challenge.sender_nonce, now);
    decision.kind = AgentDecision::Kind::kChallenged;
    decision.reply = EncodePowerMessage(challenge);
    return decision;
  }

  const auto* request = std::get_if<PowerRequest>(&message.value());
  if (request == nullptr) return decision;  // a sender's message: ignored

  // Nothing in the request is trusted before this.
  if (!VerifyPowerRequest(*request, config_.keys))
    return Refuse(RefusalReason::kBadSignature, *request);
  if (request->target != config_.id)
    return Refuse(RefusalReason::kWrongTarget, *request);
  Sha256Digest digest = RequestDigest(*request);
  switch (challenges_.Consume(request->agent_nonce, request->sender_nonce,
                              digest, now)) {
    case NonceTable::Use::kFresh:
      decision.kind = AgentDecision::Kind::kAccepted;
      break;
    case NonceTable::Use::kDuplicate:
      decision.kind = AgentDecision::Kind::kDuplicate;
      break;
    case NonceTable::Use::kUnknown:
      return Refuse(RefusalReason::kUnknownNonce, *request);
    case NonceTable::Use::kReused:
      return Refuse(RefusalReason::kReusedNonce, *request);
    case NonceTable::Use::kExpired:
      return Refuse(RefusalReason::kExpiredNonce, *request);
  }

  decision.action = request->action;
  decision.reply =
      EncodePowerMessage(PowerAck{request->action, request->target, digest});
  return decision;
}

}  // namespace pxekit
