#pragma once
// pxe-tftpd's worker decisions, without threads or sockets: how many
// workers serve (--workers), which transfer ports each may bind (-R split
// between them), and the session limit they share (--max-clients) with the
// counters the stats line and the log report.
//
// Every worker has its own event loop and its own SO_REUSEPORT socket on the
// listening port; the kernel hashes each client's address and port to one
// of them, so a client's repeated request reaches the worker that runs its
// transfer, and that worker owns the transfer's socket to the end.

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <optional>

#include "tftpd/config.h"
#include "util/enum_names.h"

namespace pxekit::tftp {

// At most this many workers, whatever the machine.
inline constexpr std::size_t kMaxWorkers = 64;

struct WorkerPlan {
  std::size_t count = 1;
  // Why fewer workers than asked for (empty: as asked, or automatic).
  const char* capped_by = "";
};

// `requested` is --workers (0: one per CPU, `cpus`). Never more than
// kMaxWorkers, and with -R never more workers than ports in the range (each
// worker needs a port of its own).
WorkerPlan PlanWorkers(std::size_t requested, std::size_t cpus,
                       std::optional<PortRange> range);

// Worker `index`'s share of -R: consecutive, disjoint slices covering the
// whole range, sizes differing by at most one, so two workers never race
// for one port. nullopt without a range (the kernel picks the port, and it
// is never one another socket holds).
std::optional<PortRange> WorkerPortRange(std::optional<PortRange> range,
                                         std::size_t index,
                                         std::size_t workers);

// --max-clients across every worker, and what the transfers came to. Safe
// to use from every worker's thread at once (atomics, no lock): a request
// takes a slot with TryStart, its transfer's end gives it back with End.
// One shared limit rather than a slice per worker: the kernel's hash does
// not spread clients evenly, and a busy worker must not refuse a client
// while another one idles.
class SessionQuota {
 public:
  explicit SessionQuota(std::size_t max_sessions)
      : max_sessions_(max_sessions) {}

  // Takes a slot; false (counted as refused) when --max-clients transfers
  // are running.
  bool TryStart();
  // How a transfer ended.
  enum class End {
    kComplete,  // the whole file went across
    kFailed,    // an error (ours or the client's), a refused request or a
                // tsize probe
    kVanished,  // the client stopped answering: given up after the retries
    kStopped,   // the server stopped while it ran
  };
  // Gives the slot back; returns the count of transfers that ended this
  // way so far, this one included.
  std::uint64_t Finish(End how);

  struct Counts {
    std::size_t running = 0;
    std::size_t peak = 0;  // the most that ever ran at once
    std::uint64_t complete = 0;
    std::uint64_t failed = 0;
    std::uint64_t vanished = 0;
    std::uint64_t refused = 0;
  };
  Counts counts() const;
  std::size_t max_sessions() const { return max_sessions_; }

 private:
  const std::size_t max_sessions_;
  std::atomic<std::size_t> running_{0};
  std::atomic<std::size_t> peak_{0};
  // The transfers that ended, one counter per End.
  std::array<std::atomic<std::uint64_t>, EnumCount(End::kStopped)> ended_{};
  std::atomic<std::uint64_t>& Ended(End how) {
    return ended_[static_cast<std::size_t>(how)];
  }
  const std::atomic<std::uint64_t>& Ended(End how) const {
    return ended_[static_cast<std::size_t>(how)];
  }
  std::atomic<std::uint64_t> refused_{0};
};

}  // namespace pxekit::tftp
