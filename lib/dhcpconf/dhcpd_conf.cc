#include "dhcpconf/dhcpd_conf.h"

#include <fmt/format.h>

#include "dhcp/option_list.h"

namespace pxekit {

void Params::SetOption(std::uint8_t code, std::vector<std::uint8_t> data) {
  SetOptionIn(options, code, std::move(data));
}

const std::vector<std::uint8_t>* Params::FindOption(std::uint8_t code) const {
  for (const DhcpOption& option : options)
    if (option.code == code) return &option.data;
  return nullptr;
}

void Params::MergeFrom(const Params& inner) {
  auto take = [](auto& mine, const auto& theirs) {
    if (theirs) mine = theirs;
  };
  take(default_lease_time, inner.default_lease_time);
  take(max_lease_time, inner.max_lease_time);
  take(min_lease_time, inner.min_lease_time);
  take(next_server, inner.next_server);
  take(server_identifier, inner.server_identifier);
  if (inner.filename) {
    filename = inner.filename;
    filename_origin = inner.filename_origin;
  }
  take(server_name, inner.server_name);
  take(authoritative, inner.authoritative);
  take(allow_bootp, inner.allow_bootp);
  take(allow_booting, inner.allow_booting);
  take(allow_unknown_clients, inner.allow_unknown_clients);
  take(allow_declines, inner.allow_declines);
  take(always_broadcast, inner.always_broadcast);
  take(ignore_client_uids, inner.ignore_client_uids);
  take(use_host_decl_names, inner.use_host_decl_names);
  for (const DhcpOption& option : inner.options)
    SetOption(option.code, option.data);
}

DhcpdConf::DhcpdConf() { global = NewScope("global", SourcePos{}); }

Scope* DhcpdConf::NewScope(std::string label, SourcePos pos) {
  auto scope = std::make_unique<Scope>();
  scope->label = std::move(label);
  scope->pos = std::move(pos);
  scopes.push_back(std::move(scope));
  return scopes.back().get();
}

const SubnetDecl* DhcpdConf::FindSubnet(Ipv4Addr address) const {
  for (const SubnetDecl& subnet : subnets)
    if (subnet.prefix.Contains(address)) return &subnet;
  return nullptr;
}

namespace {

std::string MacKey(const MacAddr& mac) {
  return std::string(mac.bytes().begin(), mac.bytes().end());
}

}  // namespace

void DhcpdConf::IndexHosts() {
  host_by_mac_.clear();
  host_by_client_id_.clear();
  host_by_mac_.reserve(hosts.size());
  for (std::size_t i = 0; i < hosts.size(); ++i) {
    const HostDecl& host = hosts[i];
    if (host.mac) host_by_mac_.emplace(MacKey(*host.mac), i);
    if (!host.client_id.empty())
      host_by_client_id_.emplace(
          std::string(host.client_id.begin(), host.client_id.end()), i);
  }
  indexed_hosts_ = hosts.size();
}

const HostDecl* DhcpdConf::FindHost(
    const MacAddr& mac, const std::vector<std::uint8_t>& client_id) const {
  if (indexed_hosts_ == hosts.size()) {
    if (!client_id.empty()) {
      auto it = host_by_client_id_.find(
          std::string(client_id.begin(), client_id.end()));
      if (it != host_by_client_id_.end()) return &hosts[it->second];
    }
    auto it = host_by_mac_.find(MacKey(mac));
    return it == host_by_mac_.end() ? nullptr : &hosts[it->second];
  }
  // A client-identifier match is more specific than the hardware address.
  if (!client_id.empty())
    for (const HostDecl& host : hosts)
      if (!host.client_id.empty() && host.client_id == client_id) return &host;
  for (const HostDecl& host : hosts)
    if (host.mac && *host.mac == mac) return &host;
  return nullptr;
}

}  // namespace pxekit
