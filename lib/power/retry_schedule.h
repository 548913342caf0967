#pragma once
// When the sender resends to a host that has not answered: exponential
// back-off from `first` up to `cap`, every delay shortened by up to
// `jitter` of itself so that hundreds of hosts retried together do not stay
// in lock-step, and nothing planned after the run's deadline. Pure: the
// caller passes the clock reading and the random fraction.

#include <chrono>
#include <optional>

#include "power/nonce_table.h"  // MonoTime

namespace pxekit {

struct RetrySchedule {
  std::chrono::milliseconds first{250};
  std::chrono::milliseconds cap{2000};
  double jitter = 0.25;  // 0..1: the largest share taken off a delay
};

// The pause after send number `sends` (1 = after the first send): first,
// 2 x first, 4 x first, ... never more than cap, less a share of
// `random_fraction` (0..1, clamped) x jitter.
std::chrono::milliseconds RetryDelay(const RetrySchedule& schedule,
                                     unsigned sends, double random_fraction);

// When to send again after send number `sends` went at `last_send`; nullopt
// when that would be at or after `deadline` (no send could be answered).
std::optional<MonoTime> NextRetry(const RetrySchedule& schedule,
                                  MonoTime last_send, unsigned sends,
                                  MonoTime deadline, double random_fraction);

}  // namespace pxekit
