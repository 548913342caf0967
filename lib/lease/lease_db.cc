#include "lease/lease_db.h"

#include <algorithm>
#include <string>

namespace pxekit {
namespace {

std::uint64_t MacKey(const MacAddr& mac) {
  std::uint64_t key = 0;
  for (std::uint8_t b : mac.bytes()) key = key << 8 | b;
  return key;
}

std::string UidKey(const std::vector<std::uint8_t>& uid) {
  return std::string(uid.begin(), uid.end());
}

}  // namespace

bool SameClient(const Lease& lease, const ClientKey& client) {
  if (!client.uid.empty() && !lease.uid.empty()) return lease.uid == client.uid;
  return !lease.mac.IsZero() && lease.mac == client.mac;
}

const Lease* LeaseDb::Find(Ipv4Addr address) const {
  auto it = by_address_.find(address.value());
  return it == by_address_.end() ? nullptr : &it->second;
}

const Lease* LeaseDb::FindByClient(const ClientKey& client) const {
  if (!client.uid.empty()) {
    if (auto it = by_uid_.find(UidKey(client.uid)); it != by_uid_.end()) {
      const Lease* lease = Find(Ipv4Addr(it->second));
      if (lease != nullptr && SameClient(*lease, client)) return lease;
    }
  }
  if (!client.mac.IsZero()) {
    if (auto it = by_mac_.find(MacKey(client.mac)); it != by_mac_.end()) {
      const Lease* lease = Find(Ipv4Addr(it->second));
      if (lease != nullptr && SameClient(*lease, client)) return lease;
    }
  }
  return nullptr;
}

void LeaseDb::Put(const Lease& lease) {
  std::uint32_t address = lease.address.value();
  by_address_[address] = lease;
  if (!lease.uid.empty()) by_uid_[UidKey(lease.uid)] = address;
  if (!lease.mac.IsZero()) by_mac_[MacKey(lease.mac)] = address;
}

void LeaseDb::Clear() {
  by_address_.clear();
  by_uid_.clear();
  by_mac_.clear();
}

std::vector<Lease> LeaseDb::All() const {
  std::vector<Lease> leases;
  leases.reserve(by_address_.size());
  for (const auto& [address, lease] : by_address_) leases.push_back(lease);
  std::sort(leases.begin(), leases.end(), [](const Lease& a, const Lease& b) {
    return a.address < b.address;
  });
  return leases;
}

std::size_t LeaseDb::ExpireDue(UnixTime now) {
  std::size_t changed = 0;
  for (auto& [address, lease] : by_address_) {
    if (lease.state == LeaseState::kActive && lease.ends <= now) {
      lease.state = LeaseState::kExpired;
      ++changed;
    }
  }
  return changed;
}

std::uint64_t AddressAllocator::ScanStart(std::uint32_t seed,
                                          std::uint32_t first,
                                          std::uint64_t size,
                                          std::uint32_t generation) {
  if (size == 0 || (seed == 0 && generation == 0)) return 0;
  if (generation == 0) {
    // The seed's bits reversed, as a fraction of the range: servers with
    // neighbouring addresses (.1, .2, .3) start a half, a quarter and
    // three quarters into the pool, as far apart as they can be.
    std::uint32_t reversed = 0;
    for (int bit = 0; bit < 32; ++bit)
      reversed |= ((seed >> bit) & 1u) << (31 - bit);
    return (std::uint64_t{reversed} * size) >> 32;
  }
  // Moved after a lost race: a pseudo-random place (splitmix64).
  std::uint64_t x = (std::uint64_t{seed} << 32 | first) +
                    0x9e3779b97f4a7c15ull * std::uint64_t{generation};
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  x ^= x >> 31;
  return x % size;
}

bool AddressAllocator::Available(const LeaseDb& db, const Request& request,
                                 Ipv4Addr address) {
  bool in_range = std::any_of(
      request.ranges->begin(), request.ranges->end(),
      [address](const Ipv4Range& range) { return range.Contains(address); });
  if (!in_range) return false;
  if (request.reserved != nullptr && request.reserved->count(address.value()))
    return false;
  const Lease* lease = db.Find(address);
  if (lease == nullptr) return true;
  if (lease->state == LeaseState::kAbandoned) return lease->ends <= request.now;
  return !lease->Holds(request.now) || SameClient(*lease, request.client);
}

std::optional<Ipv4Addr> AddressAllocator::Pick(const LeaseDb& db,
                                               const Request& request) {
  // 1. The client's current or previous binding, if still in a range.
  if (const Lease* mine = db.FindByClient(request.client);
      mine != nullptr && mine->state != LeaseState::kAbandoned &&
      Available(db, request, mine->address))
    return mine->address;
  // 2. The address it asked for.
  if (request.requested && Available(db, request, *request.requested))
    return request.requested;
  // 3. Never handed out.
  for (const Ipv4Range& range : *request.ranges) {
    const std::uint64_t size = range.Size();
    auto [it, fresh] = scans_.try_emplace(range.first().value());
    Scan& scan = it->second;
    if (fresh || scan.generation != generation_ ||
        scan.seed != request.scan_seed) {
      if (!fresh && scan.used >= size && scan.seed == request.scan_seed)
        continue;  // nothing never-used is left, wherever it starts
      scan.position = ScanStart(request.scan_seed, range.first().value(), size,
                                generation_);
      scan.used = 0;
      scan.generation = generation_;
      scan.seed = request.scan_seed;
    }
    while (scan.used < size) {
      Ipv4Addr address(range.first().value() +
                       static_cast<std::uint32_t>(scan.position));
      if (db.Find(address) == nullptr &&
          (request.reserved == nullptr ||
           !request.reserved->count(address.value())))
        return address;
      scan.position = scan.position + 1 == size ? 0 : scan.position + 1;
      ++scan.used;
    }
  }
  // 4. Free, expired or released: the one free longest (other clients'
  //    old bindings are kept as long as possible). 5. Quarantine over.
  const Lease* best = nullptr;
  const Lease* declined = nullptr;
  for (const Ipv4Range& range : *request.ranges) {
    for (std::uint64_t i = 0; i < range.Size(); ++i) {
      Ipv4Addr address(range.first().value() + static_cast<std::uint32_t>(i));
      const Lease* lease = db.Find(address);
      if (lease == nullptr || !Available(db, request, address)) continue;
      if (lease->state == LeaseState::kAbandoned) {
        if (declined == nullptr || lease->ends < declined->ends)
          declined = lease;
      } else if (best == nullptr || lease->ends < best->ends) {
        best = lease;
      }
    }
  }
  if (best != nullptr) return best->address;
  if (declined != nullptr) return declined->address;
  return std::nullopt;
}

}  // namespace pxekit
