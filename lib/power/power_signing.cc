#include "power/power_signing.h"

namespace pxekit {

Result<PowerRequest> SignPowerRequest(const PowerChallenge& challenge,
                                      PowerAction action, const MacAddr& target,
                                      const Ed25519KeyPair& key) {
  PowerRequest request;
  request.action = action;
  request.target = target;
  request.sender_nonce = challenge.sender_nonce;
  request.agent_nonce = challenge.agent_nonce;
  auto signature = key.Sign(RequestSignedBytes(request));
  if (!signature.ok()) return signature.failure();
  request.signature = signature.value();
  return request;
}

bool VerifyPowerRequest(const PowerRequest& request,
                        std::span<const Ed25519PublicKey> keys) {
  std::vector<std::uint8_t> signed_bytes = RequestSignedBytes(request);
  for (const auto& key : keys)
    if (key.Verify(signed_bytes, request.signature)) return true;
  return false;
}

}  // namespace pxekit
