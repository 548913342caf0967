#pragma once
// The server's lease table and the address allocation policy. Pure: the
// clock comes in as `now`, and persistence is the caller's job (every
// changed lease is handed to a LeaseStore before the reply goes out).

#include <cstdint>
#include <optional>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "lease/lease.h"

namespace pxekit {

// Who a client is: option 61 when sent (and not ignored), else its MAC.
struct ClientKey {
  MacAddr mac;
  std::vector<std::uint8_t> uid;
};

class LeaseDb {
 public:
  const Lease* Find(Ipv4Addr address) const;
  // The client's most recent lease (any state), by uid first, then MAC.
  // With a uid, a lease recorded with a different uid does not match by MAC.
  const Lease* FindByClient(const ClientKey& client) const;
  void Put(const Lease& lease);
  void Clear();
  std::size_t size() const { return by_address_.size(); }
  std::vector<Lease> All() const;  // by address

  // Turns active leases past `ends` into expired ones (in memory; ISC does
  // not log expiry either). Returns how many changed.
  std::size_t ExpireDue(UnixTime now);

 private:
  std::unordered_map<std::uint32_t, Lease> by_address_;
  std::unordered_map<std::string, std::uint32_t> by_uid_;
  std::unordered_map<std::uint64_t, std::uint32_t> by_mac_;
};

bool SameClient(const Lease& lease, const ClientKey& client);

// Picks addresses from ranges, in the order RFC 2131 4.3.1 suggests: the
// client's current or previous address, the one it asked for, an address
// never handed out, the longest-free expired or released one, and last a
// declined address whose quarantine is over.
class AddressAllocator {
 public:
  struct Request {
    ClientKey client;
    std::optional<Ipv4Addr> requested;
    const std::vector<Ipv4Range>* ranges = nullptr;
    // Addresses no pool may hand out (fixed-address hosts, the server).
    const std::unordered_set<std::uint32_t>* reserved = nullptr;
    UnixTime now = 0;
  };

  std::optional<Ipv4Addr> Pick(const LeaseDb& db, const Request& request);

  // Whether `address` may be given to `client` now: inside a range, not
  // reserved, and not held by another client.
  static bool Available(const LeaseDb& db, const Request& request,
                        Ipv4Addr address);

  // Forget the scan positions (after a reload changed the ranges).
  void Reset() { cursors_.clear(); }

 private:
  // Per range (keyed by its first address): offset below which every
  // address has been handed out at least once.
  std::unordered_map<std::uint32_t, std::uint64_t> cursors_;
};

}  // namespace pxekit
