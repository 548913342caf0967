#pragma once
// Rate-limited logging for what strangers can provoke (an agent's refusals):
// a token bucket. Up to `burst` lines at once, then `per_second` a second;
// what is held back is counted, and the next line allowed (or Flush, from a
// timer) reports "N more suppressed" first. A flood thus costs a bounded
// number of log lines, and none is lost without a trace. Pure: the caller
// passes the monotonic time.

#include <chrono>
#include <cstdint>

#include "util/mono_time.h"

namespace pxekit {

class LogLimiter {
 public:
  struct Verdict {
    bool log = false;  // write this line
    // Lines held back since the last report: write "N more suppressed"
    // before this line when non-zero (only ever set when `log` is).
    std::uint64_t suppressed_before = 0;
  };

  LogLimiter(unsigned burst, double per_second);

  // For each line that wants out.
  Verdict Allow(MonoTime now);
  // From a timer: the held-back count to report now (taking a token), or 0
  // when there is none or no token yet.
  std::uint64_t Flush(MonoTime now);

  std::uint64_t suppressed() const { return suppressed_; }

 private:
  void Refill(MonoTime now);

  double burst_;
  double per_second_;
  double tokens_;
  bool started_ = false;
  MonoTime last_{};
  std::uint64_t suppressed_ = 0;
};

}  // namespace pxekit
