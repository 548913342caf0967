#include "tftpd/workers.h"

#include <algorithm>

namespace pxekit::tftp {

WorkerPlan PlanWorkers(std::size_t requested, std::size_t cpus,
                       std::optional<PortRange> range) {
  WorkerPlan plan;
  plan.count = requested != 0 ? requested : std::max<std::size_t>(cpus, 1);
  if (plan.count > kMaxWorkers) {
    plan.count = kMaxWorkers;
    if (requested != 0) plan.capped_by = "at most 64 workers";
  }
  if (range) {
    std::size_t ports = std::size_t{range->hi} - range->lo + 1;
    if (plan.count > ports) {
      plan.count = ports;
      if (requested != 0) plan.capped_by = "-R has fewer ports than workers";
    }
  }
  return plan;
}

std::optional<PortRange> WorkerPortRange(std::optional<PortRange> range,
                                         std::size_t index,
                                         std::size_t workers) {
  if (!range || workers == 0 || index >= workers) return range;
  std::size_t ports = std::size_t{range->hi} - range->lo + 1;
  std::size_t first = range->lo + index * ports / workers;
  std::size_t last = range->lo + (index + 1) * ports / workers - 1;
  if (last < first) return std::nullopt;  // more workers than ports
  return PortRange{static_cast<std::uint16_t>(first),
                   static_cast<std::uint16_t>(last)};
}

bool SessionQuota::TryStart() {
  std::size_t running = running_.load(std::memory_order_relaxed);
  do {
    if (running >= max_sessions_) {
      refused_.fetch_add(1, std::memory_order_relaxed);
      return false;
    }
  } while (!running_.compare_exchange_weak(running, running + 1,
                                           std::memory_order_relaxed));
  std::size_t peak = peak_.load(std::memory_order_relaxed);
  while (running + 1 > peak &&
         !peak_.compare_exchange_weak(peak, running + 1,
                                      std::memory_order_relaxed)) {
  }
  return true;
}

std::uint64_t SessionQuota::Finish(End how) {
  running_.fetch_sub(1, std::memory_order_relaxed);
  return Ended(how).fetch_add(1, std::memory_order_relaxed) + 1;
}

SessionQuota::Counts SessionQuota::counts() const {
  Counts counts;
  counts.running = running_.load(std::memory_order_relaxed);
  counts.peak = peak_.load(std::memory_order_relaxed);
  counts.complete = Ended(End::kComplete).load(std::memory_order_relaxed);
  counts.failed = Ended(End::kFailed).load(std::memory_order_relaxed);
  counts.vanished = Ended(End::kVanished).load(std::memory_order_relaxed);
  counts.refused = refused_.load(std::memory_order_relaxed);
  return counts;
}

}  // namespace pxekit::tftp
