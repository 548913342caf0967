#pragma once
// pxe-dhcpd's policy: Handle(request, now) -> reply. No sockets, no clock,
// no files: the loop (tools/pxe-dhcpd/daemon.cc) hands in a datagram with where
// it arrived, makes the returned leases durable, then sends the reply.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <unordered_set>
#include <vector>

#include "boot/boot_policy.h"
#include "dhcp/dhcp_message.h"
#include "dhcpconf/dhcpd_conf.h"
#include "dhcpd/reply_destination.h"
#include "lease/lease_db.h"

namespace pxekit {

struct DhcpPolicySettings {
  BootFiles boot;
  bool proxy = false;                        // --proxy: proxyDHCP only
  std::uint32_t default_lease_time = 43200;  // ISC's defaults
  std::uint32_t max_lease_time = 86400;
  std::uint32_t offer_hold = 60;            // seconds an OFFER holds an address
  std::uint32_t decline_quarantine = 3600;  // seconds a declined address rests
  bool keep_messages = false;  // fill Exchange::request (for -v dumps)
};

struct Inbound {
  std::span<const std::uint8_t> bytes;
  Ipv4Addr source;
  std::uint16_t source_port = kDhcpClientPort;
  std::uint16_t local_port = kDhcpServerPort;  // 67, or 4011 for proxyDHCP
  // The server's address on the arrival link (server identifier, default
  // next-server) and the link's prefix (which subnet a local client is on).
  Ipv4Prefix local;
  std::string interface;  // for logs
};

struct Outbound {
  std::vector<std::uint8_t> bytes;
  ReplyDestination destination;
  DhcpMessage message;  // for -v dumps
};

struct Exchange {
  std::optional<Outbound> reply;
  // Leases that must be durable before `reply` is sent.
  std::vector<Lease> commits;
  std::string log;  // one line for the exchange; empty for ignored noise
  // `log` is about a datagram that is no exchange at all (malformed, or
  // without a client's hardware address or identifier): anyone on the
  // segment can send those at any rate, so the daemon rate-limits them.
  bool noise = false;
  std::optional<DhcpMessage> request;  // decoded, for -v dumps
};

class DhcpPolicy {
 public:
  DhcpPolicy(DhcpdConf conf, DhcpPolicySettings settings);

  // Replaces the configuration; leases stay.
  void Reconfigure(DhcpdConf conf, DhcpPolicySettings settings);
  // Installs leases read from the lease file (at start).
  void LoadLeases(const std::vector<Lease>& leases);
  // Forgets every lease and where the pool scans stand: the policy is then
  // as a new one built with the same configuration and settings (a fuzz
  // target reuses one policy instead of parsing its configuration again
  // for every input).
  void ClearLeases();

  Exchange Handle(const Inbound& in, UnixTime now);

  // --- Several servers on one lease store (lease/pg_store.h) ---
  // With a shared store, each server scans the pool for never-used
  // addresses from an offset derived from its server identifier, so that
  // two servers rarely offer the same address.
  void set_shared_store(bool shared) { shared_store_ = shared; }
  // The store cannot commit (the database is away): no OFFER and no ACK
  // for an address that would need a commit (fixed-address hosts and
  // INFORM are still answered). A client that renews hears nothing and
  // keeps its lease until it expires (RFC 2131 4.4.5); a NAK would take
  // its address away.
  void set_store_available(bool available) { store_available_ = available; }
  bool store_available() const { return store_available_; }
  // Every address range of the configuration (subnets and pools): what a
  // server asks the store about.
  std::vector<Ipv4Range> PoolRanges() const;
  // The store refused these leases (another server holds their addresses):
  // each address is held for an unknown client until `now` + offer_hold
  // (or until LearnStored() says who holds it), the clients are free to
  // get another address, and the scan moves elsewhere in the pool.
  void Refused(const std::vector<Lease>& refused, UnixTime now);
  // Leases read from the shared store (other servers' too). A stored lease
  // replaces ours unless ours is newer (a renewal not yet committed), or
  // ours is an OFFER still held that the stored lease does not give to
  // another client. Returns how many addresses changed.
  std::size_t LearnStored(const std::vector<Lease>& stored, UnixTime now);
  // Marks active leases past their end as expired (in memory, as ISC).
  std::size_t ExpireLeases(UnixTime now) { return db_.ExpireDue(now); }

  const LeaseDb& leases() const { return db_; }
  const DhcpdConf& conf() const { return conf_; }
  const DhcpPolicySettings& settings() const { return settings_; }

 private:
  struct Context;

  void Rebuild();
  Exchange HandleDhcp(Context& ctx);
  Exchange HandleProxy(Context& ctx);
  void Discover(Context& ctx, Exchange& out);
  void Request(Context& ctx, Exchange& out);
  void Decline(Context& ctx, Exchange& out);
  void Release(Context& ctx, Exchange& out);
  void Inform(Context& ctx, Exchange& out);
  void Bootp(Context& ctx, Exchange& out);

  bool Evaluate(Context& ctx, Ipv4Addr address);
  std::vector<Ipv4Range> Ranges(const Context& ctx, bool bootp) const;
  // A free address from the client's ranges (BOOTP: its dynamic-bootp
  // ones), `requested` if it may have it; nullopt with ctx.outcome set.
  std::optional<Ipv4Addr> PickAddress(Context& ctx, bool bootp,
                                      std::optional<Ipv4Addr> requested);
  DhcpMessage BaseReply(const Context& ctx, DhcpMessageType type) const;
  void AddConfiguredOptions(const Context& ctx, DhcpMessage* reply) const;
  void AddBootFields(Context& ctx, DhcpMessage* reply) const;
  void Finish(Context& ctx, DhcpMessage reply, Exchange& out,
              std::string_view what);
  Lease Bind(const Context& ctx, Ipv4Addr address, std::uint32_t lease_time,
             bool bootp) const;
  std::uint32_t LeaseTime(const Context& ctx) const;

  DhcpdConf conf_;
  DhcpPolicySettings settings_;
  LeaseDb db_;
  AddressAllocator allocator_;
  std::unordered_set<std::uint32_t> reserved_;  // fixed addresses
  bool shared_store_ = false;
  bool store_available_ = true;
};

}  // namespace pxekit
