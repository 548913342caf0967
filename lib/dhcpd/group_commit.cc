#include "dhcpd/group_commit.h"

namespace pxekit {

GroupCommit::Send GroupCommit::Admit(bool has_reply, bool has_commits) {
  if (has_commits) unsynced_ = true;
  if (!has_reply) return Send::kNothing;
  if (!has_commits) return Send::kNow;
  ++waiting_;
  return Send::kAfterSync;
}

GroupCommit::Step GroupCommit::AfterBatch() {
  if (waiting_ >= limit_) return Step::kSyncNow;
  if (unsynced_ && !timer_armed_) {
    timer_armed_ = true;
    return Step::kArmTimer;
  }
  return Step::kWait;
}

bool GroupCommit::TakeCommit() {
  timer_armed_ = false;
  if (!unsynced_ && waiting_ == 0) return false;
  unsynced_ = false;
  waiting_ = 0;
  return true;
}

}  // namespace pxekit
