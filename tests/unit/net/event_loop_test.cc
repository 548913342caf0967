#include "net/event_loop.h"

#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <string>
#include <vector>

using namespace std::chrono_literals;
using pxekit::EventLoop;
using pxekit::UniqueFd;

namespace {

struct SocketPair {
  UniqueFd a, b;
  SocketPair() {
    int fds[2];
    REQUIRE(::socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, fds) == 0);
    a = UniqueFd(fds[0]);
    b = UniqueFd(fds[1]);
  }
};

// Runs the loop until `done` or 200 rounds of 10 ms, so a broken loop fails
// the test instead of hanging it.
template <typename Pred>
void RunUntil(EventLoop& loop, Pred done) {
  for (int i = 0; i < 200 && !done(); ++i) loop.RunOnce(10ms);
}

}  // namespace

TEST_CASE("EventLoop dispatches a readable descriptor") {
  EventLoop loop;
  SocketPair pair;
  std::string got;
  loop.Watch(pair.b.get(), EPOLLIN, [&](std::uint32_t events) {
    CHECK((events & EPOLLIN) != 0);
    char buffer[16];
    ssize_t n = ::read(pair.b.get(), buffer, sizeof buffer);
    got.assign(buffer, static_cast<std::size_t>(n));
  });
  REQUIRE(::write(pair.a.get(), "ping", 4) == 4);
  RunUntil(loop, [&] { return !got.empty(); });
  CHECK(got == "ping");
}

TEST_CASE("EventLoop timers fire in deadline order and cancel works") {
  EventLoop loop;
  std::vector<int> order;
  auto now = EventLoop::Clock::now();
  loop.AddTimer(now + 30ms, [&] { order.push_back(3); });
  loop.AddTimer(now + 10ms, [&] { order.push_back(1); });
  auto cancelled = loop.AddTimer(now + 20ms, [&] { order.push_back(2); });
  loop.CancelTimer(cancelled);
  loop.CancelTimer(cancelled);  // twice is harmless
  RunUntil(loop, [&] { return order.size() == 2; });
  CHECK(order == std::vector<int>{1, 3});
  CHECK(loop.timer_count() == 0);
}

TEST_CASE("EventLoop: a timer in the past runs on the next round") {
  EventLoop loop;
  bool ran = false;
  loop.AddTimer(EventLoop::Clock::now() - 1s, [&] { ran = true; });
  RunUntil(loop, [&] { return ran; });
  CHECK(ran);
}

TEST_CASE("EventLoop: a callback may unwatch another ready descriptor") {
  EventLoop loop;
  SocketPair first, second;
  int calls = 0;
  loop.Watch(first.b.get(), EPOLLIN, [&](std::uint32_t) {
    ++calls;
    loop.Unwatch(second.b.get());
    loop.Unwatch(first.b.get());
  });
  loop.Watch(second.b.get(), EPOLLIN, [&](std::uint32_t) {
    ++calls;
    loop.Unwatch(first.b.get());
    loop.Unwatch(second.b.get());
  });
  REQUIRE(::write(first.a.get(), "x", 1) == 1);
  REQUIRE(::write(second.a.get(), "y", 1) == 1);
  RunUntil(loop, [&] { return calls > 0; });
  loop.RunOnce(20ms);
  CHECK(calls == 1);
  CHECK_FALSE(loop.watching(first.b.get()));
  CHECK_FALSE(loop.watching(second.b.get()));
}

TEST_CASE("EventLoop delivers signals as callbacks and Stop ends Run") {
  EventLoop loop;
  int hups = 0;
  loop.OnSignal(SIGHUP, [&] {
    ++hups;
    loop.Stop();
  });
  // A safety timer: if the signal never arrives, Run still ends.
  loop.AddTimerAfter(5s, [&] { loop.Stop(); });
  REQUIRE(::kill(::getpid(), SIGHUP) == 0);
  loop.Run();
  CHECK(hups == 1);
}
