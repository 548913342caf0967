#include "net/limited_log.h"

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

namespace pxekit {
namespace {

using namespace std::chrono_literals;

TEST_CASE("LimitedLog lets a burst through and reports the rest later",
          "[net]") {
  EventLoop loop;
  std::vector<std::string> lines;
  {
    // A burst of 3, then 20 a second: the flush timer (1 s) finds a token.
    LimitedLog log(
        loop, [&](std::string_view line) { lines.emplace_back(line); },
        "malformed datagrams", 3, 20.0);
    for (int i = 0; i < 10; ++i) log.Line("junk " + std::to_string(i));
    CHECK(lines == std::vector<std::string>{"junk 0", "junk 1", "junk 2"});
    CHECK(log.suppressed() == 7);
    CHECK(loop.timer_count() == 1);
    // The report comes from the timer, without a further line to carry it;
    // bounded: 300 rounds of at most 10 ms.
    for (int i = 0; i < 300 && lines.size() < 4; ++i) loop.RunOnce(10ms);
    REQUIRE(lines.size() == 4);
    CHECK(lines[3] == "7 more malformed datagrams not logged (rate limit)");
    CHECK(log.suppressed() == 0);
    // Nothing held back: no timer runs on.
    CHECK(loop.timer_count() == 0);
    log.Line("junk 10");  // a token again: logged at once
    CHECK(lines.back() == "junk 10");
    // A new flood arms the timer again; destroying the log cancels it.
    for (int i = 0; i < 100; ++i) log.Line("more");
    CHECK(loop.timer_count() == 1);
  }
  CHECK(loop.timer_count() == 0);
}

TEST_CASE("LimitedLog reports before the next line that gets through",
          "[net]") {
  EventLoop loop;
  std::vector<std::string> lines;
  LimitedLog log(
      loop, [&](std::string_view line) { lines.emplace_back(line); },
      "refusals", 1, 1000.0);
  log.Line("a");
  log.Line("b");  // held back: no token yet
  CHECK(lines == std::vector<std::string>{"a"});
  // At 1,000 a second a token is back within a few ms.
  for (int i = 0; i < 300 && lines.size() < 3; ++i) {
    std::this_thread::sleep_for(2ms);
    log.Line("c");
  }
  REQUIRE(lines.size() >= 3);
  CHECK(lines[1].find(" more refusals not logged (rate limit)") !=
        std::string::npos);
  CHECK(lines[2] == "c");
}

TEST_CASE("LimitedLogs on one SharedLogLimiter share its bound", "[net]") {
  // Two loops (workers) with a burst of 3 between them, 20 a second after.
  SharedLogLimiter shared(3, 20.0);
  EventLoop loop_a, loop_b;
  std::vector<std::string> lines;
  auto emit = [&](std::string_view line) { lines.emplace_back(line); };
  {
    LimitedLog a(loop_a, emit, "refusals", shared);
    LimitedLog b(loop_b, emit, "refusals", shared);
    for (int i = 0; i < 5; ++i) {
      a.Line("a" + std::to_string(i));
      b.Line("b" + std::to_string(i));
    }
    CHECK(lines == std::vector<std::string>{"a0", "b0", "a1"});
    CHECK(shared.suppressed() == 7);
    CHECK(a.suppressed() == 7);
    // Each loop armed its timer; the first to find a token reports all 7,
    // the other finds nothing left and reports nothing. Bounded: 300
    // rounds of at most 10 ms each.
    for (int i = 0; i < 300 && (loop_a.timer_count() + loop_b.timer_count());
         ++i) {
      loop_a.RunOnce(5ms);
      loop_b.RunOnce(5ms);
    }
    REQUIRE(lines.size() == 4);
    CHECK(lines[3] == "7 more refusals not logged (rate limit)");
    CHECK(loop_a.timer_count() + loop_b.timer_count() == 0);
  }
}

TEST_CASE("A SharedLogLimiter holds across threads", "[net]") {
  // No refill: of 2 x 1000 lines from two threads, exactly the burst of 5
  // gets through, and every other line is counted.
  SharedLogLimiter shared(5, 0.0);
  std::atomic<int> logged{0};
  auto work = [&] {
    EventLoop loop;
    LimitedLog log(
        loop, [&](std::string_view) { ++logged; }, "refusals", shared);
    for (int i = 0; i < 1000; ++i) log.Line("junk");
  };
  std::thread one(work), two(work);
  one.join();
  two.join();
  CHECK(logged == 5);
  CHECK(shared.suppressed() == 1995);
}

}  // namespace
}  // namespace pxekit
