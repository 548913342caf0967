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
    // Where the scan for never-used addresses starts in each range: 0 at
    // the range's first address (one server), else at an offset derived
    // from this value (servers sharing a store pass their server
    // identifier, so that they rarely offer the same address).
    std::uint32_t scan_seed = 0;
  };

  std::optional<Ipv4Addr> Pick(const LeaseDb& db, const Request& request);

  // Whether `address` may be given to `client` now: inside a range, not
  // reserved, and not held by another client.
  static bool Available(const LeaseDb& db, const Request& request,
                        Ipv4Addr address);

  // Forget the scan positions (after a reload changed the ranges).
  void Reset() { scans_.clear(); }
  // Another server took an address this one offered: it is scanning the
  // same part of the pool, so every range's scan for never-used addresses
  // moves on to another pseudo-random offset (derived from the seed and
  // the number of moves). The scan still visits every address once.
  void Relocate() { ++generation_; }

  // The offset where the scan of a range of `size` addresses starting at
  // `first` begins (pure, for tests).
  static std::uint64_t ScanStart(std::uint32_t seed, std::uint32_t first,
                                 std::uint64_t size, std::uint32_t generation);

 private:
  // Per range (keyed by its first address): where the scan stands, and how
  // many addresses in a row from where it began it found handed out (the
  // range has no never-used address left when that reaches its size).
  struct Scan {
    std::uint64_t position = 0;
    std::uint64_t used = 0;
    std::uint32_t generation = 0;
    std::uint32_t seed = 0;
  };
  std::unordered_map<std::uint32_t, Scan> scans_;
  std::uint32_t generation_ = 0;
};

}  // namespace pxekit
