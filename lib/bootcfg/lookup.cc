#include "bootcfg/lookup.h"

#include "bootcfg/names.h"

namespace pxekit {

std::string LookupDirectory(const LookupQuery& query) {
  if (query.flavor == LoaderFlavor::kPxelinux) return "pxelinux.cfg";
  std::string prefix = query.grub_prefix;
  while (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
  while (!prefix.empty() && prefix.front() == '/') prefix.erase(0, 1);
  return prefix;
}

std::vector<std::string> LookupOrder(const LookupQuery& query) {
  std::string dir = LookupDirectory(query);
  std::string base = dir.empty() ? "" : dir + "/";
  std::string name_prefix;
  std::string fallback = base + "default";
  if (query.flavor == LoaderFlavor::kGrub) {
    name_prefix = "grub.cfg-";
    fallback = base + "grub.cfg";
  }

  std::vector<std::string> order;
  if (query.uuid) order.push_back(base + name_prefix + *query.uuid);
  order.push_back(base + name_prefix + query.mac.PxelinuxName());
  if (query.ip) {
    std::string hex = HexIp(*query.ip);
    for (std::size_t length = hex.size(); length >= 1; --length)
      order.push_back(base + name_prefix + hex.substr(0, length));
  }
  order.push_back(fallback);
  return order;
}

}  // namespace pxekit
