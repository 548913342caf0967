#pragma once
// Log lines that strangers can provoke (malformed datagrams, refused
// requests), through a LogLimiter (util/log_limiter.h) on a daemon's
// EventLoop: a burst of lines, then a steady trickle; the lines held back
// are counted and reported as "N more WHAT not logged (rate limit)" before
// the next line, or from a timer once the flood is over, so that none goes
// without a trace. One per loop: a daemon with several loops (workers) has
// one each, and its bound is per loop.

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "net/event_loop.h"
#include "util/log_limiter.h"

namespace pxekit {

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
  LogLimiter limiter_;
  EventLoop::TimerId flush_timer_ = 0;
};

}  // namespace pxekit
