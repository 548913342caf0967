#include "net/event_loop.h"

#include <pthread.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "net/socket_io.h"

namespace pxekit {
namespace {

constexpr std::uint64_t kTimerToken = 1;
constexpr std::uint64_t kSignalToken = 2;

}  // namespace

EventLoop::EventLoop() {
  epoll_ = UniqueFd(::epoll_create1(EPOLL_CLOEXEC));
  if (!epoll_) ThrowErrno("epoll_create1");
  timer_fd_ =
      UniqueFd(::timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK));
  if (!timer_fd_) ThrowErrno("timerfd_create");
  epoll_event event{};
  event.events = EPOLLIN;
  event.data.u64 = kTimerToken;
  if (::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, timer_fd_.get(), &event) != 0)
    ThrowErrno("epoll_ctl(timerfd)");
  sigemptyset(&signal_set_);
  sigemptyset(&saved_mask_);
}

EventLoop::~EventLoop() {
  if (signals_blocked_) {
    signal_fd_.reset();
    // Signals that arrived after the last dispatch stay pending and would be
    // delivered with their default action on unblocking; drop them.
    timespec zero{};
    while (::sigtimedwait(&signal_set_, nullptr, &zero) > 0) {
    }
    ::pthread_sigmask(SIG_SETMASK, &saved_mask_, nullptr);
  }
}

void EventLoop::Watch(int fd, std::uint32_t events, FdCallback callback) {
  if (watching(fd)) Unwatch(fd);
  std::uint64_t token = next_token_++;
  epoll_event event{};
  event.events = events;
  event.data.u64 = token;
  if (::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, fd, &event) != 0)
    ThrowErrno("epoll_ctl(add)");
  tokens_[fd] = token;
  watchers_.emplace(token, Watcher{fd, std::move(callback)});
}

void EventLoop::Modify(int fd, std::uint32_t events) {
  auto it = tokens_.find(fd);
  if (it == tokens_.end()) return;
  epoll_event event{};
  event.events = events;
  event.data.u64 = it->second;
  if (::epoll_ctl(epoll_.get(), EPOLL_CTL_MOD, fd, &event) != 0)
    ThrowErrno("epoll_ctl(mod)");
}

void EventLoop::Unwatch(int fd) {
  auto it = tokens_.find(fd);
  if (it == tokens_.end()) return;
  // Fails only when the fd was closed already, which removed it anyway.
  ::epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, fd, nullptr);
  watchers_.erase(it->second);
  tokens_.erase(it);
}

EventLoop::TimerId EventLoop::AddTimer(Clock::time_point deadline,
                                       TimerCallback callback) {
  TimerId id = next_timer_++;
  bool earliest = timers_.empty() || deadline < timers_.begin()->first.first;
  timers_.emplace(std::make_pair(deadline, id), std::move(callback));
  timer_deadlines_.emplace(id, deadline);
  if (earliest) ArmTimerFd();
  return id;
}

void EventLoop::CancelTimer(TimerId id) {
  auto it = timer_deadlines_.find(id);
  if (it == timer_deadlines_.end()) return;
  timers_.erase(std::make_pair(it->second, id));
  timer_deadlines_.erase(it);
  // The timerfd may now fire early for nothing; FireDueTimers re-arms it.
}

void EventLoop::ArmTimerFd() {
  itimerspec spec{};
  if (!timers_.empty()) {
    auto since_epoch = timers_.begin()->first.first.time_since_epoch();
    auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(since_epoch)
                  .count();
    if (ns <= 0) ns = 1;  // zero would disarm the timer
    spec.it_value.tv_sec = static_cast<time_t>(ns / 1000000000);
    spec.it_value.tv_nsec = static_cast<long>(ns % 1000000000);
  }
  if (::timerfd_settime(timer_fd_.get(), TFD_TIMER_ABSTIME, &spec, nullptr) !=
      0)
    ThrowErrno("timerfd_settime");
}

void EventLoop::FireDueTimers() {
  // One read takes every expiration a timerfd holds; a second would only
  // fail with EAGAIN (a system call per timer round for nothing).
  std::uint64_t expirations;
  [[maybe_unused]] ssize_t n =
      ::read(timer_fd_.get(), &expirations, sizeof expirations);
  auto now = Clock::now();
  // Timers added by callbacks for "now" wait for the next round, so a timer
  // that re-adds itself cannot starve the descriptors.
  std::vector<TimerId> due;
  for (auto& [key, callback] : timers_) {
    if (key.first > now) break;
    due.push_back(key.second);
  }
  for (TimerId id : due) {
    auto it = timer_deadlines_.find(id);
    if (it == timer_deadlines_.end()) continue;  // cancelled by a callback
    auto node = timers_.extract(std::make_pair(it->second, id));
    timer_deadlines_.erase(it);
    node.mapped()();
  }
  ArmTimerFd();
}

void EventLoop::OnSignal(int signo, std::function<void()> callback) {
  if (!signals_blocked_) {
    sigset_t none;
    sigemptyset(&none);
    ::pthread_sigmask(SIG_BLOCK, &none, &saved_mask_);
    signals_blocked_ = true;
  }
  sigaddset(&signal_set_, signo);
  int err = ::pthread_sigmask(SIG_BLOCK, &signal_set_, nullptr);
  if (err != 0) {
    errno = err;
    ThrowErrno("pthread_sigmask");
  }
  int fd = ::signalfd(signal_fd_ ? signal_fd_.get() : -1, &signal_set_,
                      SFD_CLOEXEC | SFD_NONBLOCK);
  if (fd < 0) ThrowErrno("signalfd");
  if (!signal_fd_) {
    signal_fd_ = UniqueFd(fd);
    epoll_event event{};
    event.events = EPOLLIN;
    event.data.u64 = kSignalToken;
    if (::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, fd, &event) != 0)
      ThrowErrno("epoll_ctl(signalfd)");
  }
  signal_callbacks_[signo] = std::move(callback);
}

void EventLoop::DrainSignals() {
  signalfd_siginfo info;
  while (::read(signal_fd_.get(), &info, sizeof info) ==
         static_cast<ssize_t>(sizeof info)) {
    auto it = signal_callbacks_.find(static_cast<int>(info.ssi_signo));
    if (it != signal_callbacks_.end()) it->second();
  }
}

int EventLoop::RunOnce(std::chrono::milliseconds timeout) {
  epoll_event events[64];
  int count;
  do {
    count = ::epoll_wait(epoll_.get(), events, 64,
                         static_cast<int>(timeout.count()));
  } while (count < 0 && errno == EINTR);
  if (count < 0) ThrowErrno("epoll_wait");
  int dispatched = 0;
  for (int i = 0; i < count; ++i) {
    std::uint64_t token = events[i].data.u64;
    if (token == kTimerToken) {
      FireDueTimers();
    } else if (token == kSignalToken) {
      DrainSignals();
    } else {
      auto it = watchers_.find(token);
      if (it == watchers_.end()) continue;  // unwatched by an earlier callback
      // Copy: the callback may Unwatch itself, destroying the stored one.
      FdCallback callback = it->second.callback;
      callback(events[i].events);
    }
    ++dispatched;
  }
  return dispatched;
}

void EventLoop::Run() {
  stopped_ = false;
  while (!stopped_) RunOnce(std::chrono::milliseconds(-1));
}

}  // namespace pxekit
