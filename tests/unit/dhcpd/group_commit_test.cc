// GroupCommit: when pxe-dhcpd syncs the lease journal and sends its ACKs.
#include "dhcpd/group_commit.h"

#include <catch2/catch.hpp>

namespace pxekit {

using Send = GroupCommit::Send;
using Step = GroupCommit::Step;

TEST_CASE("GroupCommit sends replies without leases at once",
          "[dhcpd][group_commit]") {
  GroupCommit commit;
  CHECK(commit.Admit(true, false) == Send::kNow);       // an OFFER, a NAK
  CHECK(commit.Admit(false, false) == Send::kNothing);  // noise
  CHECK(commit.AfterBatch() == Step::kWait);            // nothing to sync
  CHECK_FALSE(commit.TakeCommit());
}

TEST_CASE("GroupCommit holds ACKs for one timer window",
          "[dhcpd][group_commit]") {
  GroupCommit commit;
  CHECK(commit.Admit(true, true) == Send::kAfterSync);
  CHECK(commit.Admit(true, true) == Send::kAfterSync);
  CHECK(commit.waiting() == 2);
  CHECK(commit.AfterBatch() == Step::kArmTimer);
  CHECK(commit.timer_armed());
  // The next batch joins the running window.
  CHECK(commit.Admit(true, true) == Send::kAfterSync);
  CHECK(commit.AfterBatch() == Step::kWait);
  // The timer fires: one sync for all three.
  CHECK(commit.TakeCommit());
  CHECK(commit.waiting() == 0);
  CHECK_FALSE(commit.unsynced());
  CHECK_FALSE(commit.timer_armed());
  CHECK_FALSE(commit.TakeCommit());
  // A new ACK arms a new window.
  CHECK(commit.Admit(true, true) == Send::kAfterSync);
  CHECK(commit.AfterBatch() == Step::kArmTimer);
}

TEST_CASE("GroupCommit syncs a full group at once", "[dhcpd][group_commit]") {
  GroupCommit commit(3);
  for (int i = 0; i < 2; ++i)
    CHECK(commit.Admit(true, true) == Send::kAfterSync);
  CHECK(commit.AfterBatch() == Step::kArmTimer);
  CHECK(commit.Admit(true, true) == Send::kAfterSync);
  CHECK(commit.AfterBatch() == Step::kSyncNow);
  CHECK(commit.TakeCommit());  // and the window timer is no longer wanted
  CHECK_FALSE(commit.timer_armed());
  CHECK(GroupCommit().AfterBatch() == Step::kWait);
  CHECK(GroupCommit::kLimit == 64);
}

TEST_CASE("GroupCommit syncs leases that no reply waits for",
          "[dhcpd][group_commit]") {
  GroupCommit commit;
  // A RELEASE or DECLINE: journal records, no reply.
  CHECK(commit.Admit(false, true) == Send::kNothing);
  CHECK(commit.unsynced());
  CHECK(commit.waiting() == 0);
  CHECK(commit.AfterBatch() == Step::kArmTimer);
  CHECK(commit.TakeCommit());
  CHECK_FALSE(commit.unsynced());
}

TEST_CASE("GroupCommit commit at exit or maintenance cancels the window",
          "[dhcpd][group_commit]") {
  GroupCommit commit;
  CHECK(commit.Admit(true, true) == Send::kAfterSync);
  CHECK(commit.AfterBatch() == Step::kArmTimer);
  CHECK(commit.TakeCommit());
  CHECK_FALSE(commit.timer_armed());
  // With nothing pending a commit does nothing, and leaves no timer.
  CHECK_FALSE(commit.TakeCommit());
  CHECK_FALSE(commit.timer_armed());
}

}  // namespace pxekit
