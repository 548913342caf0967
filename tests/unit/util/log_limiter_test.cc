#include "util/log_limiter.h"

#include <catch2/catch.hpp>

namespace pxekit {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

const MonoTime kStart{seconds(100)};

// Lines a flood writes: the allowed ones plus each "N more" report.
struct Tally {
  std::uint64_t lines = 0;
  std::uint64_t reported = 0;  // sum of the N in "N more suppressed"
  std::uint64_t allowed = 0;
  void Take(const LogLimiter::Verdict& verdict) {
    if (verdict.suppressed_before > 0) {
      ++lines;
      reported += verdict.suppressed_before;
    }
    if (verdict.log) {
      ++lines;
      ++allowed;
    }
  }
};

TEST_CASE("A flood of refusals logs a bounded number of lines", "[util]") {
  LogLimiter limiter(20, 1.0);
  Tally tally;
  for (int i = 0; i < 100000; ++i) tally.Take(limiter.Allow(kStart));
  CHECK(tally.allowed == 20);
  CHECK(tally.lines == 20);
  CHECK(limiter.suppressed() == 100000 - 20);
  // Once the flood stops, a timer reports what was held back, once.
  CHECK(limiter.Flush(kStart) == 0);  // no token yet
  CHECK(limiter.Flush(kStart + seconds(1)) == 100000 - 20);
  CHECK(limiter.suppressed() == 0);
  CHECK(limiter.Flush(kStart + seconds(5)) == 0);
}

TEST_CASE("A long flood logs about one line a second and counts the rest",
          "[util]") {
  LogLimiter limiter(5, 1.0);
  Tally tally;
  // 60 s of 1000 bad packets a second.
  for (int ms = 0; ms < 60000; ++ms)
    tally.Take(limiter.Allow(kStart + milliseconds(ms)));
  tally.reported += limiter.Flush(kStart + seconds(62));
  CHECK(tally.allowed >= 5 + 58);
  CHECK(tally.allowed <= 5 + 60);
  CHECK(tally.lines <= 2 * tally.allowed);
  // Every packet is either logged or counted in a report: none vanishes.
  CHECK(tally.allowed + tally.reported == 60000);
}

TEST_CASE("A quiet agent logs every refusal", "[util]") {
  LogLimiter limiter(3, 1.0);
  for (int i = 0; i < 50; ++i) {
    auto verdict = limiter.Allow(kStart + seconds(2 * i));
    CHECK(verdict.log);
    CHECK(verdict.suppressed_before == 0);
  }
}

TEST_CASE("A log limiter ignores a clock that goes backwards", "[util]") {
  LogLimiter limiter(1, 1.0);
  CHECK(limiter.Allow(kStart).log);
  CHECK_FALSE(limiter.Allow(kStart - seconds(50)).log);
  CHECK_FALSE(limiter.Allow(kStart).log);
  auto verdict = limiter.Allow(kStart + seconds(1));
  CHECK(verdict.log);
  CHECK(verdict.suppressed_before == 2);
}

}  // namespace
}  // namespace pxekit
