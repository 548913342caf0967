#include "net/limited_log.h"

#include <utility>

#include <fmt/format.h>

namespace pxekit {

LimitedLog::LimitedLog(EventLoop& loop, Emit emit, std::string what,
                       unsigned burst, double per_second)
    : loop_(loop),
      emit_(std::move(emit)),
      what_(std::move(what)),
      own_(std::make_unique<SharedLogLimiter>(burst, per_second)),
      limiter_(*own_) {}

LimitedLog::LimitedLog(EventLoop& loop, Emit emit, std::string what,
                       SharedLogLimiter& shared)
    : loop_(loop),
      emit_(std::move(emit)),
      what_(std::move(what)),
      limiter_(shared) {}

LimitedLog::~LimitedLog() { loop_.CancelTimer(flush_timer_); }

void LimitedLog::Line(std::string_view text) {
  LogLimiter::Verdict verdict = limiter_.Allow(EventLoop::Clock::now());
  if (verdict.suppressed_before > 0) Report(verdict.suppressed_before);
  if (verdict.log) emit_(text);
  ScheduleFlush();
}

void LimitedLog::Report(std::uint64_t count) {
  emit_(fmt::format("{} more {} not logged (rate limit)", count, what_));
}

// Reports the held-back count once the flood is over, even when no further
// line comes to carry it. Ends when nothing is held back (by any loop that
// shares the limiter: the first timer to find a token reports for all).
void LimitedLog::ScheduleFlush() {
  if (flush_timer_ != 0 || limiter_.suppressed() == 0) return;
  flush_timer_ = loop_.AddTimerAfter(std::chrono::seconds(1), [this] {
    flush_timer_ = 0;
    if (std::uint64_t count = limiter_.Flush(EventLoop::Clock::now()))
      Report(count);
    ScheduleFlush();
  });
}

}  // namespace pxekit
