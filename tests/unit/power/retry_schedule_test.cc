#include "power/retry_schedule.h"

#include <catch2/catch.hpp>

namespace pxekit {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

const MonoTime kStart{seconds(500)};

TEST_CASE("Retry delays double from the first up to the cap", "[power]") {
  RetrySchedule schedule{
      .first = milliseconds(250), .cap = milliseconds(2000), .jitter = 0.25};
  CHECK(RetryDelay(schedule, 1, 0.0) == milliseconds(250));
  CHECK(RetryDelay(schedule, 2, 0.0) == milliseconds(500));
  CHECK(RetryDelay(schedule, 3, 0.0) == milliseconds(1000));
  CHECK(RetryDelay(schedule, 4, 0.0) == milliseconds(2000));
  CHECK(RetryDelay(schedule, 5, 0.0) == milliseconds(2000));
  // A huge count neither overflows nor loops for long.
  CHECK(RetryDelay(schedule, 4000000000u, 0.0) == milliseconds(2000));
}

TEST_CASE("Jitter only shortens a retry delay and by at most its share",
          "[power]") {
  RetrySchedule schedule{
      .first = milliseconds(1000), .cap = milliseconds(1000), .jitter = 0.25};
  CHECK(RetryDelay(schedule, 1, 1.0) == milliseconds(750));
  CHECK(RetryDelay(schedule, 1, 0.5) == milliseconds(875));
  // Out-of-range fractions are clamped.
  CHECK(RetryDelay(schedule, 1, 7.0) == milliseconds(750));
  CHECK(RetryDelay(schedule, 1, -3.0) == milliseconds(1000));
  schedule.jitter = 1.0;
  // Never zero: a retry is never due at once.
  CHECK(RetryDelay(schedule, 1, 1.0) == milliseconds(1));
}

TEST_CASE("No retry is planned at or after the deadline", "[power]") {
  RetrySchedule schedule{
      .first = milliseconds(250), .cap = milliseconds(2000), .jitter = 0.0};
  MonoTime deadline = kStart + seconds(10);
  // Sends at 0, 0.25, 0.75, 1.75, 3.75, 5.75, 7.75, 9.75 s: eight in 10 s.
  MonoTime at = kStart;
  unsigned sends = 1;
  std::vector<milliseconds> times{milliseconds(0)};
  while (auto next = NextRetry(schedule, at, sends, deadline, 0.0)) {
    at = *next;
    ++sends;
    times.push_back(std::chrono::duration_cast<milliseconds>(at - kStart));
    REQUIRE(sends < 100);
  }
  CHECK(times == std::vector<milliseconds>{
                     milliseconds(0), milliseconds(250), milliseconds(750),
                     milliseconds(1750), milliseconds(3750), milliseconds(5750),
                     milliseconds(7750), milliseconds(9750)});
  CHECK_FALSE(NextRetry(schedule, kStart, 1, kStart + milliseconds(250), 0.0));
  CHECK(NextRetry(schedule, kStart, 1, kStart + milliseconds(251), 0.0));
}

}  // namespace
}  // namespace pxekit
