#include "util/log_limiter.h"

#include <algorithm>

namespace pxekit {

LogLimiter::LogLimiter(unsigned burst, double per_second)
    : burst_(std::max(1u, burst)),
      per_second_(std::max(0.0, per_second)),
      tokens_(burst_) {}

void LogLimiter::Refill(MonoTime now) {
  if (!started_) {
    started_ = true;
    last_ = now;
    return;
  }
  // A clock that went backwards adds nothing.
  if (now <= last_) return;
  std::chrono::duration<double> elapsed = now - last_;
  tokens_ = std::min(burst_, tokens_ + elapsed.count() * per_second_);
  last_ = now;
}

LogLimiter::Verdict LogLimiter::Allow(MonoTime now) {
  Refill(now);
  Verdict verdict;
  if (tokens_ < 1.0) {
    ++suppressed_;
    return verdict;
  }
  tokens_ -= 1.0;
  verdict.log = true;
  verdict.suppressed_before = suppressed_;
  suppressed_ = 0;
  return verdict;
}

std::uint64_t LogLimiter::Flush(MonoTime now) {
  Refill(now);
  if (suppressed_ == 0 || tokens_ < 1.0) return 0;
  tokens_ -= 1.0;
  std::uint64_t count = suppressed_;
  suppressed_ = 0;
  return count;
}

}  // namespace pxekit
