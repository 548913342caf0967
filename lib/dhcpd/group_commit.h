#pragma once
// When pxe-dhcpd makes the lease journal durable: an ACK may only go out
// once its lease is on disk, and one fsync per ACK would cap the server at
// the disk's sync rate. So ACKs wait up to window() for company, then share
// one write and one fsync; a full group (limit ACKs) goes at once. OFFERs
// and NAKs depend on nothing on disk and go at once. The daemon does the
// I/O (journal, timer, sends); this class only keeps count and decides.

#include <chrono>
#include <cstddef>

namespace pxekit {

class GroupCommit {
 public:
  static constexpr std::chrono::microseconds kWindow{1000};
  static constexpr std::size_t kLimit = 64;

  explicit GroupCommit(std::size_t limit = kLimit) : limit_(limit) {}

  enum class Send {
    kNow,        // no lease to make durable: send at once
    kAfterSync,  // hold the reply until the next sync
    kNothing,    // no reply (a RELEASE, a DECLINE, ignored noise)
  };
  // One exchange: `has_commits` when it wrote leases to the journal.
  Send Admit(bool has_reply, bool has_commits);

  enum class Step {
    kWait,      // nothing unsynced, or the window timer already runs
    kArmTimer,  // start the window timer (then call Sync when it fires)
    kSyncNow,   // a full group: sync and send now
  };
  // After a batch of exchanges.
  Step AfterBatch();

  // Starts a commit (the timer fired, a full group, maintenance, exit):
  // false when there is nothing to sync. Either way the window timer is
  // no longer wanted, and the held replies belong to this commit: the
  // caller syncs, then sends them (or drops them if the sync failed).
  bool TakeCommit();

  std::size_t waiting() const { return waiting_; }
  bool unsynced() const { return unsynced_; }
  bool timer_armed() const { return timer_armed_; }

 private:
  std::size_t limit_;
  std::size_t waiting_ = 0;  // replies held for the next sync
  bool unsynced_ = false;    // journal records written since the last sync
  bool timer_armed_ = false;
};

}  // namespace pxekit
