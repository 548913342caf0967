#pragma once
// The lease store in a PostgreSQL database, shared by several pxe-dhcpd.
//
// The table is Kea's `lease4` (address as a bigint, hwaddr, client_id,
// valid_lifetime, expire, subnet_id, fqdn_fwd, fqdn_rev, hostname, state,
// user_context), so that admins' SQL reports carry over; what Kea has no
// column for (pxekit's binding state, starts, cltt, bootp) is kept in
// user_context as {"pxekit": {...}}. `schema_version` says which layout the
// database has; InitSchema() creates or upgrades it, idempotently.
//
// Sync() commits every recorded lease with one statement (one round trip,
// one transaction: group commit). An address is claimed in the database:
// the row for it is inserted, or updated only when nobody else holds it
// (not active or declined past its expiry, or the same client). So of two
// servers committing the same free address, one wins and the other finds
// the lease in TakeRefused(), to offer another address. With
// synchronous_commit on (PostgreSQL's default) a successful Sync() is on
// the database's disk.
//
// Several servers: each keeps its own view of the pool. LoadHeld() reads
// every lease that holds an address in the given ranges in one query, so a
// server that lost a race learns all the other servers' leases at once.
//
// libpq only; I/O. Only Connect() blocks (at start). A lost connection
// fails the Sync() in progress (nothing of it is committed) and every call
// after it fails at once, until Tick() has reconnected: Tick() drives a
// non-blocking connect (PQconnectStart/PQconnectPoll, bounded by
// connect_timeout, 5 s unless the connection string says otherwise),
// retrying with back-off (at once, then 1 s, doubling up to 8 s: a try
// costs the server nothing, and a database back after a restart is found
// within seconds, well inside any lease's renewal time). The
// caller calls Tick() again after next_tick(). A host name in the
// connection string is still resolved with a blocking lookup: give an
// address (hostaddr) or a socket directory. A query waits for its answer;
// tcp_user_timeout (10 s unless the connection string says otherwise)
// fails one sent to a host that vanished without closing the connection.

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "lease/lease_store.h"
#include "util/ipv4.h"
#include "util/result.h"

struct pg_conn;
struct pg_result;

namespace pxekit {

struct PgConnFree {
  void operator()(pg_conn* conn) const;
};
struct PgResultFree {
  void operator()(pg_result* result) const;
};
using PgConnPtr = std::unique_ptr<pg_conn, PgConnFree>;
using PgResultPtr = std::unique_ptr<pg_result, PgResultFree>;

// The schema this code writes. Kea's numbering is its own; ours starts at 1.
inline constexpr int kPgSchemaVersion = 1;

struct PgSchemaChange {
  int from = 0;  // 0: there was no schema
  int to = 0;
};

class PgLeaseStore : public LeaseStore {
 public:
  // Any connection string libpq accepts ("postgresql://…", "host=/run/x
  // dbname=y"). Fails when the first connection fails.
  static Result<std::unique_ptr<PgLeaseStore>> Connect(std::string conninfo);

  // Creates the tables, or upgrades them to kPgSchemaVersion. Safe to run
  // twice and from two servers at once (an advisory lock serializes it).
  Result<PgSchemaChange> InitSchema();
  // The database's schema version; 0 when InitSchema() never ran.
  Result<int> SchemaVersion();
  // Fails unless the schema is the one this code writes (say what to run).
  Result<bool> CheckSchema();

  Result<std::vector<Lease>> LoadAll() override;
  // The lease for one address, to answer a client another server leased to.
  Result<std::optional<Lease>> Find(Ipv4Addr address);
  // Every lease in `ranges` that holds its address at `now` (bound or
  // declined, not expired): one query.
  Result<std::vector<Lease>> LoadHeld(const std::vector<Ipv4Range>& ranges,
                                      UnixTime now);

  void Record(const Lease& lease) override;
  bool Sync(std::string* error) override;
  std::vector<Lease> TakeRefused() override;

  bool connected() const;
  // Never blocks. Connected: notices a connection the server closed.
  // Not connected: starts a connection attempt when the back-off allows,
  // or advances the one under way. Returns true when the connection came
  // back in this call.
  bool Tick();
  // When to call Tick() next.
  std::chrono::milliseconds next_tick() const;
  // Why the store is down ("" when connected).
  const std::string& last_error() const { return last_error_; }
  // Waits between failed reconnects: `first`, doubling up to `most`.
  void set_reconnect_backoff(std::chrono::milliseconds first,
                             std::chrono::milliseconds most);
  const std::string& conninfo() const { return conninfo_; }

 private:
  enum class Link { kUp, kConnecting, kWaiting };

  explicit PgLeaseStore(std::string conninfo) : conninfo_(conninfo) {}
  // true when connected; else false with why (and when the next try is).
  bool EnsureConnected(std::string* error);
  // The connection broke (`why`): reconnect from Tick(), first at once.
  void Lost(std::string why);
  // A connection attempt failed: wait the next back-off step.
  void Failed(std::string why);
  Result<std::vector<Lease>> Select(const std::string& where,
                                    const std::vector<std::string>& params);

  std::string conninfo_;
  PgConnPtr conn_;
  // Last record per address wins; ordered, so that concurrent batches lock
  // rows in the same order and cannot deadlock.
  std::map<std::uint32_t, Lease> pending_;
  std::vector<Lease> refused_;
  std::chrono::milliseconds backoff_first_{1000};
  std::chrono::milliseconds backoff_most_{8000};
  std::chrono::milliseconds backoff_{0};
  std::chrono::steady_clock::time_point retry_at_{};
  std::chrono::steady_clock::time_point connect_deadline_{};
  Link link_ = Link::kUp;
  bool poll_writing_ = false;  // what the connect in progress waits for
  std::string last_error_;
};

}  // namespace pxekit
