#include "power/nonce_table.h"

#include <openssl/crypto.h>

namespace pxekit {

void NonceTable::Issue(const PowerNonce& agent_nonce,
                       const PowerNonce& sender_nonce, MonoTime now) {
  while (entries_.size() >= capacity_) entries_.pop_front();
  entries_.push_back(Entry{agent_nonce, sender_nonce, now, false, {}});
}

NonceTable::Use NonceTable::Consume(const PowerNonce& agent_nonce,
                                    const PowerNonce& sender_nonce,
                                    const Sha256Digest& request_digest,
                                    MonoTime now) {
  for (auto& entry : entries_) {
    // Constant time: the comparison leaks nothing about stored nonces.
    if (CRYPTO_memcmp(entry.agent_nonce.data(), agent_nonce.data(),
                      agent_nonce.size()) != 0)
      continue;
    if (CRYPTO_memcmp(entry.sender_nonce.data(), sender_nonce.data(),
                      sender_nonce.size()) != 0)
      return Use::kUnknown;
    if (entry.used)
      return entry.spent_by == request_digest ? Use::kDuplicate : Use::kReused;
    // A clock that went backwards counts as expired too: never trust it.
    if (now < entry.issued || now - entry.issued > ttl_) return Use::kExpired;
    entry.used = true;
    entry.spent_by = request_digest;
    return Use::kFresh;
  }
  return Use::kUnknown;
}

}  // namespace pxekit
