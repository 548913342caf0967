#pragma once
// The agent's one-time challenges. Anyone can send a HELLO, so the table is
// bounded: when full, the oldest challenge is forgotten to make room (a HELLO
// flood can make a sender retry, never grow memory). A challenge answers one
// REQUEST only, and only within `ttl` of the monotonic clock the caller
// passes in (never the wall clock, which a diskless host may have wrong).
// Spent and expired challenges are remembered until evicted, so a refusal can
// say "reused" or "expired" rather than "unknown".

#include <chrono>
#include <cstddef>
#include <deque>

#include "power/power_packet.h"
#include "util/mono_time.h"

namespace pxekit {

class NonceTable {
 public:
  enum class Use {
    kFresh,      // spent now, by the request with this digest
    kDuplicate,  // already spent by the very same request (a retransmission)
    kUnknown,
    kReused,  // already spent by a different request
    kExpired,
  };

  NonceTable(std::size_t capacity, std::chrono::milliseconds ttl)
      : capacity_(capacity == 0 ? 1 : capacity), ttl_(ttl) {}

  // Records a challenge handed out at `now`, evicting the oldest when full.
  void Issue(const PowerNonce& agent_nonce, const PowerNonce& sender_nonce,
             MonoTime now);
  // kFresh (and the challenge is spent by `request_digest`) only for a
  // challenge issued with this pair of nonces, not yet used, and younger
  // than ttl at `now`. kDuplicate when the same request spent it before, so
  // the agent can acknowledge a retransmission again without acting again.
  Use Consume(const PowerNonce& agent_nonce, const PowerNonce& sender_nonce,
              const Sha256Digest& request_digest, MonoTime now);

  std::size_t size() const { return entries_.size(); }
  std::size_t capacity() const { return capacity_; }

 private:
  struct Entry {
    PowerNonce agent_nonce;
    PowerNonce sender_nonce;
    MonoTime issued;
    bool used = false;
    Sha256Digest spent_by{};
  };

  std::size_t capacity_;
  std::chrono::milliseconds ttl_;
  std::deque<Entry> entries_;  // oldest first
};

}  // namespace pxekit
