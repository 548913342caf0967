#include "dhcpconf/conf_check.h"

#include <algorithm>
#include <unordered_map>

#include <fmt/format.h>

namespace pxekit {
namespace {

std::string Where(const SourcePos& pos) {
  if (pos.line == 0) return pos.file;  // a flag: "--range"
  return fmt::format("{}:{}", pos.file, pos.line);
}

struct RangeAt {
  Ipv4Range range;
  const SourcePos* pos;
};

// A sorted view of ranges or subnets, to find the one holding an address.
template <typename T, typename First>
const T* FindSorted(const std::vector<T>& sorted, Ipv4Addr address,
                    First first) {
  auto it = std::upper_bound(
      sorted.begin(), sorted.end(), address,
      [&](Ipv4Addr a, const T& item) { return a < first(item); });
  if (it == sorted.begin()) return nullptr;
  return &*std::prev(it);
}

}  // namespace

std::vector<std::string> CheckDhcpdConf(const DhcpdConf& conf) {
  std::vector<std::string> warnings;

  std::vector<RangeAt> ranges;
  for (const SubnetDecl& subnet : conf.subnets) {
    for (const RangeDecl& range : subnet.ranges)
      ranges.push_back(RangeAt{range.range, &range.pos});
    for (const PoolDecl& pool : subnet.pools)
      for (const RangeDecl& range : pool.ranges)
        ranges.push_back(RangeAt{range.range, &range.pos});
  }
  std::stable_sort(ranges.begin(), ranges.end(),
                   [](const RangeAt& a, const RangeAt& b) {
                     return a.range.first() < b.range.first();
                   });
  // Each range against the one reaching furthest among those before it.
  const RangeAt* reach = nullptr;
  bool overlapping = false;
  for (const RangeAt& range : ranges) {
    if (reach != nullptr && range.range.first() <= reach->range.last()) {
      overlapping = true;
      warnings.push_back(fmt::format("{}: range {} overlaps range {} at {}",
                                     Where(*range.pos), range.range,
                                     reach->range, Where(*reach->pos)));
    }
    if (reach == nullptr || range.range.last() > reach->range.last())
      reach = &range;
  }

  std::vector<const SubnetDecl*> subnets;
  for (const SubnetDecl& subnet : conf.subnets) subnets.push_back(&subnet);
  std::sort(subnets.begin(), subnets.end(),
            [](const SubnetDecl* a, const SubnetDecl* b) {
              return a->prefix.address() < b->prefix.address();
            });

  std::unordered_map<std::string, const HostDecl*> by_mac;
  by_mac.reserve(conf.hosts.size());
  for (const HostDecl& host : conf.hosts) {
    if (host.mac) {
      const auto& bytes = host.mac->bytes();
      auto [it, added] =
          by_mac.emplace(std::string(bytes.begin(), bytes.end()), &host);
      if (!added)
        warnings.push_back(fmt::format(
            "{}: host {} has the MAC {} of host {} at {}; only host {} "
            "is used",
            Where(host.pos), host.name, *host.mac, it->second->name,
            Where(it->second->pos), it->second->name));
    }
    if (!host.fixed_address) continue;
    Ipv4Addr address = *host.fixed_address;
    // Sorted by first address: the range just before `address` is the
    // only candidate, unless ranges overlap (then look at all before it).
    auto end = std::upper_bound(
        ranges.begin(), ranges.end(), address,
        [](Ipv4Addr a, const RangeAt& r) { return a < r.range.first(); });
    auto begin =
        overlapping || end == ranges.begin() ? ranges.begin() : std::prev(end);
    for (auto it = begin; it != end; ++it) {
      if (!it->range.Contains(address)) continue;
      warnings.push_back(fmt::format(
          "{}: host {} has fixed-address {} inside range {} at {}",
          Where(host.pos), host.name, address, it->range, Where(*it->pos)));
      break;
    }
    const SubnetDecl* const* subnet =
        FindSorted(subnets, address,
                   [](const SubnetDecl* s) { return s->prefix.address(); });
    if (subnet == nullptr || !(*subnet)->prefix.Contains(address))
      warnings.push_back(
          fmt::format("{}: host {} has fixed-address {}, which is in no "
                      "declared subnet",
                      Where(host.pos), host.name, address));
  }
  return warnings;
}

}  // namespace pxekit
