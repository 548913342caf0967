#pragma once
// Where changed leases go before a reply is sent. Two implementations: the
// append-only lease file (lease_journal.h, the embedded default) and a
// PostgreSQL database shared by several servers (pg_store.h). The DHCP
// policy never sees either: it returns the leases an exchange changed, and
// the daemon records them here and holds the reply until Sync() succeeded.
// The unit tests use tests/support/memory_lease_store.h.

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

}  // namespace pxekit
