#pragma once
// Log lines that strangers can provoke (malformed datagrams, refused
// requests), through a LogLimiter (util/log_limiter.h) on a daemon's
// EventLoop: a burst of lines, then a steady trickle; the lines held back
// are counted and reported as "N more WHAT not logged (rate limit)" before
// the next line, or from a timer once the flood is over, so that none goes
// without a trace. One per loop: a daemon with several loops (workers) gives
// each its own LimitedLog on one SharedLogLimiter, so that the bound is the
// daemon's, not a loop's.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "net/event_loop.h"
#include "util/log_limiter.h"

namespace pxekit {

// A LogLimiter that several threads (each with its own loop) share.
class SharedLogLimiter {
 public:
  SharedLogLimiter(unsigned burst, double per_second)
      : limiter_(burst, per_second) {}

  LogLimiter::Verdict Allow(MonoTime now) {
    std::lock_guard lock(mutex_);
    return limiter_.Allow(now);
  }
  std::uint64_t Flush(MonoTime now) {
    std::lock_guard lock(mutex_);
    return limiter_.Flush(now);
  }
  std::uint64_t suppressed() const {
    std::lock_guard lock(mutex_);
    return limiter_.suppressed();
  }

 private:
  mutable std::mutex mutex_;
  LogLimiter limiter_;
};

class LimitedLog {
 public:
  using Emit = std::function<void(std::string_view line)>;
  // A burst of 20 lines, then one a second.
  static constexpr unsigned kBurst = 20;
  static constexpr double kPerSecond = 1.0;

  // `what` names the held-back lines in the report ("refusals",
  // "malformed packets"). `loop` and `emit` outlive this object.
  LimitedLog(EventLoop& loop, Emit emit, std::string what,
             unsigned burst = kBurst, double per_second = kPerSecond);
  // One of several loops' logs that share `shared` (which outlives them):
  // whichever loop's line or timer comes first reports what all held back.
  LimitedLog(EventLoop& loop, Emit emit, std::string what,
             SharedLogLimiter& shared);
  ~LimitedLog();
  LimitedLog(const LimitedLog&) = delete;
  LimitedLog& operator=(const LimitedLog&) = delete;

  // One line that wants out.
  void Line(std::string_view text);
  // Lines held back and not yet reported.
  std::uint64_t suppressed() const { return limiter_.suppressed(); }

 private:
  void Report(std::uint64_t count);
  void ScheduleFlush();

  EventLoop& loop_;
  Emit emit_;
  std::string what_;
  std::unique_ptr<SharedLogLimiter> own_;  // when not shared
  SharedLogLimiter& limiter_;
  EventLoop::TimerId flush_timer_ = 0;
};

}  // namespace pxekit
