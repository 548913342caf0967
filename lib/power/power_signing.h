#pragma once
// Signing and verifying a REQUEST (power_packet.h says what is covered).

#include <span>

#include "crypto/ed25519.h"
#include "power/power_packet.h"
#include "util/result.h"

namespace pxekit {

// The sender's half: a REQUEST answering `challenge`, signed with `key`.
// `target` is normally challenge.agent_id, or the MAC the admin named.
Result<PowerRequest> SignPowerRequest(const PowerChallenge& challenge,
                                      PowerAction action, const MacAddr& target,
                                      const Ed25519KeyPair& key);

// true when one of `keys` made the request's signature.
bool VerifyPowerRequest(const PowerRequest& request,
                        std::span<const Ed25519PublicKey> keys);

}  // namespace pxekit
