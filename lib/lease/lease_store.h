#pragma once
// Where changed leases go before a reply is sent. Two implementations: the
// append-only lease file (lease_journal.h, the embedded default) and a
// PostgreSQL database shared by several servers (pg_store.h). The DHCP
// policy never sees either: it returns the leases an exchange changed, and
// the daemon records them here and holds the reply until Sync() succeeded.
// Tests use MemoryLeaseStore.

#include <string>
#include <vector>

#include "lease/lease.h"
#include "util/result.h"

namespace pxekit {

class LeaseStore {
 public:
  virtual ~LeaseStore() = default;

  // Every lease the store holds, the final state per address, by address.
  virtual Result<std::vector<Lease>> LoadAll() = 0;

  // Queues `lease`; it is durable after the next successful Sync().
  virtual void Record(const Lease& lease) = 0;
  // Makes every recorded lease durable, all of them in one commit (group
  // commit). false with a reason when that failed: then none of them was
  // committed, and the caller must not send the ACKs that depend on them.
  virtual bool Sync(std::string* error) = 0;
  // The leases the last successful Sync() did not commit because the store
  // gives their address to another client (another server sharing the
  // store committed it first). Their replies must not be sent. Always
  // empty for a store with a single writer.
  virtual std::vector<Lease> TakeRefused() { return {}; }
};

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
