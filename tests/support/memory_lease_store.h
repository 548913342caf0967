#pragma once
// A lease store held in memory, for the unit tests: the fake behind the
// LeaseStore seam (the real ones are lease/lease_journal.h and
// lease/pg_store.h). Sync() always succeeds and counts its calls.

#include <string>
#include <vector>

#include "lease/lease_store.h"

namespace pxekit {

class MemoryLeaseStore : public LeaseStore {
 public:
  Result<std::vector<Lease>> LoadAll() override { return synced_; }
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
