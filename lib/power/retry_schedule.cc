#include "power/retry_schedule.h"

#include <algorithm>

namespace pxekit {

std::chrono::milliseconds RetryDelay(const RetrySchedule& schedule,
                                     unsigned sends, double random_fraction) {
  using std::chrono::milliseconds;
  milliseconds first = std::max(schedule.first, milliseconds(1));
  milliseconds cap = std::max(schedule.cap, first);
  milliseconds delay = first;
  // Doubling stops at the cap, so a huge `sends` cannot overflow.
  for (unsigned i = 1; i < sends && delay < cap; ++i) delay = delay * 2;
  delay = std::min(delay, cap);
  double fraction = std::clamp(random_fraction, 0.0, 1.0);
  double jitter = std::clamp(schedule.jitter, 0.0, 1.0);
  auto cut = static_cast<milliseconds::rep>(static_cast<double>(delay.count()) *
                                            jitter * fraction);
  return std::max(delay - milliseconds(cut), milliseconds(1));
}

std::optional<MonoTime> NextRetry(const RetrySchedule& schedule,
                                  MonoTime last_send, unsigned sends,
                                  MonoTime deadline, double random_fraction) {
  MonoTime next = last_send + RetryDelay(schedule, sends, random_fraction);
  if (next >= deadline) return std::nullopt;
  return next;
}

}  // namespace pxekit
