#pragma once
// Where changed leases go before a reply is sent. The daemon's store is the
// append-only lease file (lease_journal.h); tests use MemoryLeaseStore.

#include <string>
#include <vector>

#include "lease/lease.h"

namespace pxekit {

class LeaseStore {
 public:
  virtual ~LeaseStore() = default;
  // Queues `lease`; it is durable after the next successful Sync().
  virtual void Record(const Lease& lease) = 0;
  // Makes every recorded lease durable (one write and one fsync for all of
  // them: group commit). false with a reason when that failed, in which case
  // the caller must not send the ACKs that depend on them.
  virtual bool Sync(std::string* error) = 0;
};

class MemoryLeaseStore : public LeaseStore {
 public:
  void Record(const Lease& lease) override { pending_.push_back(lease); }
  bool Sync(std::string*) override {
    synced_.insert(synced_.end(), pending_.begin(), pending_.end());
    pending_.clear();
    ++syncs_;
    return true;
  }
  const std::vector<Lease>& synced() const { return synced_; }
  int syncs() const { return syncs_; }

 private:
  std::vector<Lease> pending_;
  std::vector<Lease> synced_;
  int syncs_ = 0;
};

}  // namespace pxekit
