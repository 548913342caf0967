#pragma once
// One epoll loop for a daemon: file descriptors, timers and signals, all
// dispatched from a single thread (no thread per client). Timers share one
// timerfd armed for the earliest deadline, so a thousand retransmit timers
// cost one descriptor; signals arrive through a signalfd, so handlers run as
// ordinary callbacks instead of async-signal context.
//
// Callbacks may add or remove watches and timers, including their own, while
// the loop dispatches: each watch has a token, and an event whose token is
// gone by the time it is dispatched is dropped.

#include <sys/epoll.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <unordered_map>
#include <utility>
#include <vector>

#include <signal.h>

#include "os/unique_fd.h"

namespace pxekit {

class EventLoop {
 public:
  using Clock = std::chrono::steady_clock;  // CLOCK_MONOTONIC on Linux
  using FdCallback = std::function<void(std::uint32_t events)>;
  using TimerCallback = std::function<void()>;
  using TimerId = std::uint64_t;

  // Throws std::system_error when epoll or timerfd cannot be created.
  EventLoop();
  ~EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  // Calls `callback` with the epoll event mask whenever `fd` is ready for
  // `events` (EPOLLIN, EPOLLOUT, ...). The loop does not own `fd`; Unwatch it
  // before closing it. Watching an fd twice replaces the first watch.
  void Watch(int fd, std::uint32_t events, FdCallback callback);
  void Modify(int fd, std::uint32_t events);
  void Unwatch(int fd);
  bool watching(int fd) const { return tokens_.count(fd) != 0; }

  // Runs `callback` once at `deadline` (or as soon as possible if it has
  // passed). Returns an id for CancelTimer.
  TimerId AddTimer(Clock::time_point deadline, TimerCallback callback);
  TimerId AddTimerAfter(Clock::duration delay, TimerCallback callback) {
    return AddTimer(Clock::now() + delay, std::move(callback));
  }
  // Cancelling a timer that already ran (or id 0) does nothing.
  void CancelTimer(TimerId id);
  std::size_t timer_count() const { return timers_.size(); }

  // Blocks `signo` for this thread and delivers it to `callback` from the
  // loop. The previous signal mask is restored when the loop is destroyed.
  void OnSignal(int signo, std::function<void()> callback);

  // Dispatches until Stop() is called from a callback.
  void Run();
  // Waits at most `timeout` for events and dispatches what arrived; for
  // tests and for callers with their own outer loop. Returns the number of
  // callbacks run.
  int RunOnce(std::chrono::milliseconds timeout);
  void Stop() { stopped_ = true; }

 private:
  struct Watcher {
    int fd;
    FdCallback callback;
  };

  void ArmTimerFd();
  void FireDueTimers();
  void DrainSignals();

  UniqueFd epoll_;
  UniqueFd timer_fd_;
  UniqueFd signal_fd_;
  sigset_t signal_set_;
  sigset_t saved_mask_;
  bool signals_blocked_ = false;
  std::unordered_map<int, std::function<void()>> signal_callbacks_;

  std::uint64_t next_token_ = 3;                   // 1: timerfd, 2: signalfd
  std::unordered_map<int, std::uint64_t> tokens_;  // fd -> token
  std::unordered_map<std::uint64_t, Watcher> watchers_;  // token -> watch

  TimerId next_timer_ = 1;
  std::map<std::pair<Clock::time_point, TimerId>, TimerCallback> timers_;
  std::unordered_map<TimerId, Clock::time_point> timer_deadlines_;
  bool stopped_ = false;
};

}  // namespace pxekit
