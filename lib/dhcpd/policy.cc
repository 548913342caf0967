#include "dhcpd/policy.h"

#include <algorithm>
#include <array>

#include <fmt/format.h>

#include "dhcp/dhcp_options.h"
#include "dhcp/pxe_options.h"
#include "dhcpconf/conf_eval.h"

namespace pxekit {

namespace opt = dhcp_option;

// Everything known about one request while it is handled.
struct DhcpPolicy::Context {
  const Inbound* in = nullptr;
  UnixTime now = 0;
  DhcpMessage request;
  ClientKey client;
  ClientBootInfo boot;
  const SubnetDecl* subnet = nullptr;
  const PoolDecl* pool = nullptr;
  const HostDecl* host = nullptr;
  std::vector<std::string> classes;
  Params params;
  Ipv4Addr server_id;
  BootChoice boot_choice;
  std::string outcome;  // for the log line
};

namespace {

std::string Printable(std::string_view text) {
  std::string out;
  for (char c : text.substr(0, 64))
    out.push_back(static_cast<unsigned char>(c) >= 0x20 &&
                          static_cast<unsigned char>(c) < 0x7f
                      ? c
                      : '?');
  return out;
}

bool Requested(const DhcpMessage& request, std::uint8_t code) {
  const auto* list = request.options.Find(opt::kParameterRequestList);
  return list == nullptr ||
         std::find(list->begin(), list->end(), code) != list->end();
}

std::size_t MaxReplySize(const DhcpMessage& request) {
  // Option 57 counts the IP and UDP headers (RFC 2132 9.10); < 576 is
  // illegal and read as 576.
  std::size_t max = kDhcpDefaultMaxSize;
  if (auto size = request.GetU16(opt::kMaxMessageSize); size && *size > 576)
    max = std::min<std::size_t>(*size - 28, kDhcpEthernetMaxSize);
  return max;
}

// Options 51, 58 and 59 (T1 = 0.5, T2 = 0.875 of the lease; none for an
// infinite lease).
void SetLeaseTimes(std::uint32_t lease_time, DhcpMessage* reply) {
  reply->options.SetU32(opt::kLeaseTime, lease_time);
  if (lease_time == 0xffffffffu) return;
  reply->options.SetU32(opt::kRenewalTime, lease_time / 2);
  reply->options.SetU32(opt::kRebindingTime,
                        static_cast<std::uint32_t>(lease_time * 7ull / 8));
}

}  // namespace

DhcpPolicy::DhcpPolicy(DhcpdConf conf, DhcpPolicySettings settings)
    : conf_(std::move(conf)), settings_(std::move(settings)) {
  Rebuild();
}

void DhcpPolicy::Reconfigure(DhcpdConf conf, DhcpPolicySettings settings) {
  conf_ = std::move(conf);
  settings_ = std::move(settings);
  Rebuild();
}

void DhcpPolicy::Rebuild() {
  conf_.IndexHosts();
  allocator_.Reset();
  reserved_.clear();
  for (const HostDecl& host : conf_.hosts)
    if (host.fixed_address) reserved_.insert(host.fixed_address->value());
}

void DhcpPolicy::LoadLeases(const std::vector<Lease>& leases) {
  for (const Lease& lease : leases) db_.Put(lease);
}

void DhcpPolicy::ClearLeases() {
  db_.Clear();
  allocator_ = AddressAllocator();
}

std::vector<Ipv4Range> DhcpPolicy::PoolRanges() const {
  std::vector<Ipv4Range> ranges;
  for (const SubnetDecl& subnet : conf_.subnets) {
    for (const RangeDecl& range : subnet.ranges) ranges.push_back(range.range);
    for (const PoolDecl& pool : subnet.pools)
      for (const RangeDecl& range : pool.ranges) ranges.push_back(range.range);
  }
  return ranges;
}

void DhcpPolicy::Refused(const std::vector<Lease>& refused, UnixTime now) {
  if (refused.empty()) return;
  for (const Lease& lease : refused) {
    Lease taken;
    taken.address = lease.address;
    taken.state = LeaseState::kActive;
    taken.starts = now;
    taken.cltt = 0;  // older than anything the store says
    taken.ends = now + settings_.offer_hold;
    db_.Put(taken);
  }
  allocator_.Relocate();
}

std::size_t DhcpPolicy::LearnStored(const std::vector<Lease>& stored,
                                    UnixTime now) {
  std::size_t changed = 0;
  for (const Lease& lease : stored) {
    const Lease* ours = db_.Find(lease.address);
    if (ours != nullptr) {
      if (*ours == lease) continue;
      if (ours->state == LeaseState::kOffered && ours->Holds(now)) {
        ClientKey offered{ours->mac, ours->uid};
        if (!lease.Holds(now) || SameClient(lease, offered)) continue;
      } else if (lease.cltt < ours->cltt) {
        continue;
      }
    }
    db_.Put(lease);
    ++changed;
  }
  return changed;
}

Exchange DhcpPolicy::Handle(const Inbound& in, UnixTime now) {
  Exchange out;
  auto parsed = ParseDhcpMessage(in.bytes);
  if (!parsed) {
    out.log = fmt::format("malformed packet from {}:{} via {}: {}", in.source,
                          in.source_port, in.interface, parsed.error());
    out.noise = true;
    return out;
  }
  Context ctx;
  ctx.in = &in;
  ctx.now = now;
  ctx.request = std::move(parsed).value();
  if (settings_.keep_messages) out.request = ctx.request;
  if (ctx.request.op != 1) return out;  // replies from other servers
  ctx.boot = DescribeClient(ctx.request);
  ctx.client.mac = ctx.request.Mac();
  if (const auto* uid = ctx.request.options.Find(opt::kClientIdentifier))
    ctx.client.uid = *uid;
  if (ctx.client.mac.IsZero() && ctx.client.uid.empty()) {
    out.log = fmt::format(
        "{} from {} via {} ignored: no client hardware "
        "address or identifier",
        ctx.request.Type(), in.source, in.interface);
    out.noise = true;
    return out;
  }
  return settings_.proxy ? HandleProxy(ctx) : HandleDhcp(ctx);
}

// Finds subnet, pool, host and classes for `address` and evaluates the
// config for this packet. false when no subnet is declared for it.
bool DhcpPolicy::Evaluate(Context& ctx, Ipv4Addr address) {
  const DhcpMessage& m = ctx.request;
  ctx.host = conf_.FindHost(ctx.client.mac, ctx.client.uid);
  ctx.subnet = conf_.FindSubnet(address);
  ctx.classes = MatchingClasses(conf_, m, ctx.host != nullptr);
  EvalInput input;
  input.message = &m;
  input.subnet = ctx.subnet;
  input.host = ctx.host;
  ctx.params = EvaluateParams(conf_, input, ctx.classes);
  if (ctx.params.ignore_client_uids.value_or(false)) {
    ctx.client.uid.clear();
    ctx.host = conf_.FindHost(ctx.client.mac, {});
  }
  ctx.server_id =
      ctx.params.server_identifier.value_or(ctx.in->local.address());
  return ctx.subnet != nullptr;
}

std::vector<Ipv4Range> DhcpPolicy::Ranges(const Context& ctx,
                                          bool bootp) const {
  std::vector<Ipv4Range> ranges;
  if (ctx.subnet == nullptr) return ranges;
  bool known = ctx.host != nullptr;
  if (known || ctx.params.allow_unknown_clients.value_or(true)) {
    for (const RangeDecl& range : ctx.subnet->ranges)
      if (!bootp || range.dynamic_bootp) ranges.push_back(range.range);
  }
  for (const PoolDecl& pool : ctx.subnet->pools) {
    auto member = [&](const std::vector<std::string>& names) {
      return std::any_of(names.begin(), names.end(), [&](const std::string& n) {
        return std::find(ctx.classes.begin(), ctx.classes.end(), n) !=
               ctx.classes.end();
      });
    };
    if (!pool.allow_members.empty() && !member(pool.allow_members)) continue;
    if (member(pool.deny_members)) continue;
    if (pool.known_clients && *pool.known_clients != known) continue;
    if (pool.unknown_clients && *pool.unknown_clients == known) continue;
    for (const RangeDecl& range : pool.ranges)
      if (!bootp || range.dynamic_bootp) ranges.push_back(range.range);
  }
  return ranges;
}

std::optional<Ipv4Addr> DhcpPolicy::PickAddress(
    Context& ctx, bool bootp, std::optional<Ipv4Addr> requested) {
  auto ranges = Ranges(ctx, bootp);
  AddressAllocator::Request request;
  request.client = ctx.client;
  request.requested = requested;
  request.ranges = &ranges;
  request.reserved = &reserved_;
  request.now = ctx.now;
  if (shared_store_) request.scan_seed = ctx.server_id.value();
  auto picked = allocator_.Pick(db_, request);
  if (!picked)
    ctx.outcome = !ranges.empty() ? "no reply: no free leases"
                  : bootp         ? "no reply: no dynamic-bootp range"
                                  : "no reply: no range for this client";
  return picked;
}

std::uint32_t DhcpPolicy::LeaseTime(const Context& ctx) const {
  std::uint32_t max =
      ctx.params.max_lease_time.value_or(settings_.max_lease_time);
  std::uint32_t min = ctx.params.min_lease_time.value_or(0);
  std::uint32_t time =
      ctx.params.default_lease_time.value_or(settings_.default_lease_time);
  if (auto asked = ctx.request.GetU32(opt::kLeaseTime)) time = *asked;
  return std::clamp(time, std::min(min, max), std::max(min, max));
}

DhcpMessage DhcpPolicy::BaseReply(const Context& ctx,
                                  DhcpMessageType type) const {
  const DhcpMessage& req = ctx.request;
  DhcpMessage reply;
  reply.op = 2;
  reply.htype = req.htype;
  reply.hlen = req.hlen;
  reply.xid = req.xid;
  reply.flags = req.flags;
  reply.giaddr = req.giaddr;
  reply.chaddr = req.chaddr;
  if (type != DhcpMessageType::kBootp)
    reply.options.SetU8(opt::kMessageType, static_cast<std::uint8_t>(type));
  reply.options.SetIp(opt::kServerIdentifier, ctx.server_id);
  return reply;
}

void DhcpPolicy::AddConfiguredOptions(const Context& ctx,
                                      DhcpMessage* reply) const {
  // Always sent when configured: what every client needs to use the
  // address. Everything else only when asked for in option 55 (or when the
  // client sent no list).
  static constexpr std::uint8_t kAlways[] = {
      opt::kSubnetMask, opt::kRouters,    opt::kDomainNameServers,
      opt::kHostName,   opt::kDomainName, opt::kBroadcastAddress};
  auto always = [](std::uint8_t code) {
    return std::find(std::begin(kAlways), std::end(kAlways), code) !=
           std::end(kAlways);
  };
  if (ctx.subnet != nullptr && !ctx.params.FindOption(opt::kSubnetMask))
    reply->options.SetIp(opt::kSubnetMask, ctx.subnet->prefix.Netmask());
  for (const DhcpOption& option : ctx.params.options) {
    if (option.code == opt::kVendorEncapsulated ||
        option.code == opt::kVendorClass || option.code == opt::kBootfileName ||
        option.code == opt::kTftpServerName)
      continue;  // the boot logic decides these
    if (always(option.code) || Requested(ctx.request, option.code))
      reply->options.Set(option.code, option.data);
  }
  if (!reply->options.Has(opt::kHostName) && ctx.host != nullptr &&
      ctx.params.use_host_decl_names.value_or(false))
    reply->options.SetText(opt::kHostName, ctx.host->name);
}

void DhcpPolicy::AddBootFields(Context& ctx, DhcpMessage* reply) const {
  ConfigBootFile config;
  config.file = ctx.params.filename;
  config.origin = ctx.params.filename_origin;
  config.from_host = ctx.host != nullptr && config.file &&
                     config.origin.rfind("host ", 0) == 0;
  ctx.boot_choice = ChooseBootFile(settings_.boot, ctx.boot, config);
  if (ctx.params.allow_booting == false) ctx.boot_choice = {"", "deny booting"};
  Ipv4Addr next_server =
      ctx.params.next_server.value_or(ctx.in->local.address());
  reply->siaddr = next_server;
  if (ctx.params.server_name) reply->sname = *ctx.params.server_name;
  const std::string& file = ctx.boot_choice.file;
  if (!file.empty()) {
    // `file` for BIOS ROMs (cut at 127 bytes), 66/67 for everyone else.
    reply->file = file.size() < 128 ? file : "";
    reply->options.SetText(
        opt::kTftpServerName,
        ctx.params.server_name.value_or(next_server.ToString()));
    reply->options.SetText(opt::kBootfileName, file);
  }
  // A PXE ROM that sees option 60 "PXEClient" treats the reply as coming
  // from a PXE server; without option 43 UEFI firmware then waits for port
  // 4011 (EDK2 PxeBcDhcp4.c), so 60 always goes out with 43, and 43 says
  // "boot the file you were given" (discovery control bit 3).
  const auto* configured_43 = ctx.params.FindOption(opt::kVendorEncapsulated);
  if (ctx.boot.pxe) {
    reply->options.SetText(opt::kVendorClass, "PXEClient");
    if (configured_43 != nullptr) {
      reply->options.Set(opt::kVendorEncapsulated, *configured_43);
    } else {
      PxeVendorOptions pxe;
      pxe.discovery_control = kPxeBootFileDirectly;
      reply->options.Set(opt::kVendorEncapsulated, EncodePxeVendorOptions(pxe));
    }
  } else if (ctx.boot.http) {
    // UEFI HTTP boot ignores offers that do not echo HTTPClient.
    reply->options.SetText(opt::kVendorClass, "HTTPClient");
  } else if (configured_43 != nullptr) {
    reply->options.Set(opt::kVendorEncapsulated, *configured_43);
  }
  if (const auto* uuid = ctx.request.options.Find(opt::kClientUuid))
    reply->options.Set(opt::kClientUuid, *uuid);
}

void DhcpPolicy::Finish(Context& ctx, DhcpMessage reply, Exchange& out,
                        std::string_view what) {
  // Echo the client identifier (RFC 6842) and relay information (RFC 3046;
  // the encoder writes it last).
  if (const auto* uid = ctx.request.options.Find(opt::kClientIdentifier))
    reply.options.Set(opt::kClientIdentifier, *uid);
  if (const auto* relay = ctx.request.options.Find(opt::kRelayAgentInfo))
    reply.options.Set(opt::kRelayAgentInfo, *relay);
  std::uint16_t client_port = ctx.in->local_port == kPxeBinlPort
                                  ? ctx.in->source_port
                                  : kDhcpClientPort;
  ReplyDestination dest = ChooseDestination(
      ctx.request, &reply, ctx.params.always_broadcast.value_or(false),
      client_port);
  if (ctx.in->local_port == kPxeBinlPort) {
    // The 4011 exchange is unicast both ways (PXE 2.1 2.2.5).
    dest = ReplyDestination{};
    dest.address = ctx.in->source;
    dest.port = ctx.in->source_port;
  }
  auto encoded = EncodeDhcpMessage(reply, MaxReplySize(ctx.request));
  if (!encoded) {
    ctx.outcome = fmt::format("no reply: {}", encoded.error());
    return;
  }
  ctx.outcome = std::string(what);
  if (!encoded->dropped.empty()) {
    std::string codes;
    for (std::uint8_t code : encoded->dropped)
      codes += fmt::format("{}{}", codes.empty() ? "" : ",", code);
    ctx.outcome += fmt::format(" (options {} did not fit)", codes);
  }
  out.reply = Outbound{std::move(encoded->bytes), dest, std::move(reply)};
}

Lease DhcpPolicy::Bind(const Context& ctx, Ipv4Addr address,
                       std::uint32_t lease_time, bool bootp) const {
  Lease lease;
  if (const Lease* old = db_.Find(address)) lease = *old;
  lease.address = address;
  lease.state = LeaseState::kActive;
  lease.starts = ctx.now;
  lease.ends =
      bootp || lease_time == 0xffffffffu ? kNever : ctx.now + lease_time;
  lease.cltt = ctx.now;
  lease.mac = ctx.client.mac;
  lease.uid = ctx.client.uid;
  std::string_view hostname = ctx.request.GetText(opt::kHostName);
  lease.hostname = std::string(hostname.substr(0, 255));
  lease.bootp = bootp;
  return lease;
}

Exchange DhcpPolicy::HandleDhcp(Context& ctx) {
  Exchange out;
  if (settings_.keep_messages) out.request = ctx.request;
  const DhcpMessage& m = ctx.request;
  // Which link the client is on: the relay's, or ours.
  Ipv4Addr link =
      m.giaddr != Ipv4Addr::Any() ? m.giaddr : ctx.in->local.address();
  if (m.Type() == DhcpMessageType::kInform && m.giaddr == Ipv4Addr::Any() &&
      m.ciaddr != Ipv4Addr::Any())
    link = m.ciaddr;
  bool have_subnet = Evaluate(ctx, link);
  if (!have_subnet) {
    ctx.outcome = fmt::format("ignored: no subnet declared for {}", link);
  } else {
    // The handler of each message type, by option 53's value; none for the
    // server's own messages (OFFER, ACK, NAK) and unknown types.
    using Handler = void (DhcpPolicy::*)(Context&, Exchange&);
    using P = DhcpPolicy;
    static constexpr std::array<Handler, 9> kHandlers = {
        &P::Bootp, &P::Discover, nullptr,     &P::Request, &P::Decline,
        nullptr,   nullptr,      &P::Release, &P::Inform};
    auto type = static_cast<std::size_t>(m.Type());
    Handler handler = type < kHandlers.size() ? kHandlers[type] : nullptr;
    if (handler != nullptr)
      (this->*handler)(ctx, out);
    else
      ctx.outcome = "ignored: not a client message";
  }
  std::string detail;
  if (!ctx.boot.archs.empty())
    detail += fmt::format(" arch {}", ctx.boot.ArchText());
  if (!ctx.boot.vendor_class.empty())
    detail += fmt::format(" vendor \"{}\"", Printable(ctx.boot.vendor_class));
  if (!ctx.boot.user_class.empty())
    detail += fmt::format(" user \"{}\"", Printable(ctx.boot.user_class));
  if (ctx.host != nullptr) detail += fmt::format(" host {}", ctx.host->name);
  std::string boot;
  if (out.reply && !ctx.boot_choice.file.empty())
    boot = fmt::format(" file \"{}\" ({})", Printable(ctx.boot_choice.file),
                       ctx.boot_choice.reason);
  else if (out.reply && ctx.boot_choice.file.empty() &&
           !ctx.boot_choice.reason.empty())
    boot = fmt::format(" ({})", ctx.boot_choice.reason);
  out.log = fmt::format("{} from {} via {}{}{}: {}{}", m.Type(), ctx.client.mac,
                        ctx.in->interface,
                        m.giaddr != Ipv4Addr::Any()
                            ? fmt::format(" relay {}", m.giaddr)
                            : std::string(),
                        detail, ctx.outcome, boot);
  return out;
}

void DhcpPolicy::Discover(Context& ctx, Exchange& out) {
  Ipv4Addr address;
  if (ctx.host != nullptr && ctx.host->fixed_address) {
    address = *ctx.host->fixed_address;
    if (!ctx.subnet->prefix.Contains(address)) {
      ctx.outcome = fmt::format(
          "ignored: fixed-address {} of host {} is not "
          "on subnet {}",
          address, ctx.host->name, ctx.subnet->prefix);
      return;
    }
  } else {
    if (!store_available_) {
      ctx.outcome = "no reply: the lease store is unavailable";
      return;
    }
    auto picked =
        PickAddress(ctx, false, ctx.request.GetIp(opt::kRequestedAddress));
    if (!picked) return;
    address = *picked;
    const Lease* old = db_.Find(address);
    if (old == nullptr || !SameClient(*old, ctx.client) ||
        !old->Holds(ctx.now) || old->state != LeaseState::kActive) {
      // Hold the address for this client until it REQUESTs; not persisted.
      Lease hold = Bind(ctx, address, settings_.offer_hold, false);
      hold.state = LeaseState::kOffered;
      hold.ends = ctx.now + settings_.offer_hold;
      if (old != nullptr && old->state != LeaseState::kOffered) {
        // Keep the recorded history; only the hold is new.
        hold.starts = old->starts;
      }
      db_.Put(hold);
    }
  }
  DhcpMessage reply = BaseReply(ctx, DhcpMessageType::kOffer);
  reply.yiaddr = address;
  SetLeaseTimes(LeaseTime(ctx), &reply);
  AddConfiguredOptions(ctx, &reply);
  AddBootFields(ctx, &reply);
  Finish(ctx, std::move(reply), out, fmt::format("DHCPOFFER {}", address));
}

void DhcpPolicy::Request(Context& ctx, Exchange& out) {
  const DhcpMessage& m = ctx.request;
  auto server_id = m.GetIp(opt::kServerIdentifier);
  auto requested = m.GetIp(opt::kRequestedAddress);
  bool authoritative = ctx.params.authoritative.value_or(false);
  std::string_view state;
  Ipv4Addr address;
  if (server_id) {
    state = "SELECTING";
    if (*server_id != ctx.server_id) {
      // The client took another server's offer: let ours go.
      if (const Lease* mine = db_.FindByClient(ctx.client);
          mine != nullptr && mine->state == LeaseState::kOffered) {
        Lease freed = *mine;
        freed.state = LeaseState::kFree;
        freed.ends = ctx.now;
        db_.Put(freed);
      }
      ctx.outcome = fmt::format("ignored: SELECTING server {}", *server_id);
      return;
    }
    if (!requested) requested = m.ciaddr;
    address = *requested;
  } else if (m.ciaddr == Ipv4Addr::Any()) {
    state = "INIT-REBOOT";
    if (!requested) {
      ctx.outcome = "ignored: INIT-REBOOT without a requested address";
      return;
    }
    address = *requested;
  } else {
    state = ctx.in->source == m.ciaddr && m.giaddr == Ipv4Addr::Any() &&
                    !m.IsBroadcast()
                ? "RENEWING"
                : "REBINDING";
    address = m.ciaddr;
  }
  auto nak = [&](std::string why) {
    if (!authoritative && state != "SELECTING") {
      ctx.outcome =
          fmt::format("ignored ({}): {} (not authoritative)", state, why);
      return;
    }
    DhcpMessage reply = BaseReply(ctx, DhcpMessageType::kNak);
    reply.options.SetText(opt::kMessage, why);
    Finish(ctx, std::move(reply), out,
           fmt::format("DHCPNAK {} ({}: {})", address, state, why));
  };
  if (!ctx.subnet->prefix.Contains(address))
    return nak(
        fmt::format("{} is not on subnet {}", address, ctx.subnet->prefix));

  bool fixed = ctx.host != nullptr && ctx.host->fixed_address.has_value();
  if (fixed) {
    if (address != *ctx.host->fixed_address)
      return nak(fmt::format("host {} has fixed-address {}", ctx.host->name,
                             *ctx.host->fixed_address));
  } else {
    if (!store_available_) {
      // No ACK without a commit, and no NAK: the client keeps its lease.
      ctx.outcome = fmt::format(
          "ignored ({}): the lease store is unavailable, {} cannot be "
          "committed",
          state, address);
      return;
    }
    const Lease* lease = db_.Find(address);
    bool mine = lease != nullptr && SameClient(*lease, ctx.client) &&
                lease->state != LeaseState::kAbandoned;
    if (state == "INIT-REBOOT" && db_.FindByClient(ctx.client) == nullptr &&
        lease == nullptr) {
      // RFC 2131 4.3.2: no record of this client -> stay silent.
      ctx.outcome = fmt::format(
          "ignored (INIT-REBOOT): no record of this "
          "client for {}",
          address);
      return;
    }
    if (state != "SELECTING" && !mine)
      return nak(fmt::format("{} is not leased to this client", address));
    auto ranges = Ranges(ctx, false);
    AddressAllocator::Request request;
    request.client = ctx.client;
    request.ranges = &ranges;
    request.reserved = &reserved_;
    request.now = ctx.now;
    if (!AddressAllocator::Available(db_, request, address))
      return nak(fmt::format("{} is not available to this client", address));
  }
  std::uint32_t lease_time = LeaseTime(ctx);
  DhcpMessage reply = BaseReply(ctx, DhcpMessageType::kAck);
  reply.yiaddr = address;
  reply.ciaddr = m.ciaddr;
  SetLeaseTimes(lease_time, &reply);
  AddConfiguredOptions(ctx, &reply);
  AddBootFields(ctx, &reply);
  if (!fixed) {
    // ISC does not record fixed-address hosts; dynamic ones are durable
    // before the ACK leaves.
    Lease lease = Bind(ctx, address, lease_time, false);
    db_.Put(lease);
    out.commits.push_back(lease);
  }
  Finish(ctx, std::move(reply), out,
         fmt::format("DHCPACK {} ({})", address, state));
}

void DhcpPolicy::Decline(Context& ctx, Exchange& out) {
  auto address = ctx.request.GetIp(opt::kRequestedAddress);
  if (!address) {
    ctx.outcome = "ignored: DECLINE without a requested address";
    return;
  }
  if (ctx.params.allow_declines == false) {
    ctx.outcome = fmt::format("ignored: declines are denied ({})", *address);
    return;
  }
  const Lease* lease = db_.Find(*address);
  if (lease == nullptr || !SameClient(*lease, ctx.client)) {
    ctx.outcome =
        fmt::format("ignored: {} is not leased to this client", *address);
    return;
  }
  Lease abandoned = *lease;
  abandoned.state = LeaseState::kAbandoned;
  abandoned.starts = ctx.now;
  abandoned.ends = ctx.now + settings_.decline_quarantine;
  abandoned.cltt = ctx.now;
  db_.Put(abandoned);
  out.commits.push_back(abandoned);
  ctx.outcome =
      fmt::format("{} abandoned for {} s (the client found it in use)",
                  *address, settings_.decline_quarantine);
}

void DhcpPolicy::Release(Context& ctx, Exchange& out) {
  Ipv4Addr address = ctx.request.ciaddr;
  const Lease* lease = db_.Find(address);
  if (lease == nullptr || !SameClient(*lease, ctx.client) ||
      lease->state != LeaseState::kActive) {
    ctx.outcome =
        fmt::format("ignored: {} is not leased to this client", address);
    return;
  }
  Lease released = *lease;
  released.state = LeaseState::kReleased;
  released.ends = ctx.now;
  released.cltt = ctx.now;
  db_.Put(released);
  out.commits.push_back(released);
  ctx.outcome = fmt::format("{} released", address);
}

void DhcpPolicy::Inform(Context& ctx, Exchange& out) {
  // RFC 2131 4.3.5: configuration only; no yiaddr, no lease times.
  DhcpMessage reply = BaseReply(ctx, DhcpMessageType::kAck);
  reply.ciaddr = ctx.request.ciaddr;
  AddConfiguredOptions(ctx, &reply);
  AddBootFields(ctx, &reply);
  Finish(ctx, std::move(reply), out,
         fmt::format("DHCPACK to {} (INFORM)", ctx.request.ciaddr));
}

void DhcpPolicy::Bootp(Context& ctx, Exchange& out) {
  if (ctx.params.allow_bootp == false) {
    ctx.outcome = "ignored: BOOTP is denied";
    return;
  }
  Ipv4Addr address;
  bool fixed = ctx.host != nullptr && ctx.host->fixed_address.has_value();
  if (fixed) {
    address = *ctx.host->fixed_address;
  } else {
    if (!store_available_) {
      ctx.outcome = "no reply: the lease store is unavailable";
      return;
    }
    auto picked = PickAddress(ctx, true, std::nullopt);
    if (!picked) return;
    address = *picked;
  }
  DhcpMessage reply = BaseReply(ctx, DhcpMessageType::kBootp);
  reply.has_cookie = ctx.request.has_cookie;
  reply.yiaddr = address;
  AddConfiguredOptions(ctx, &reply);
  AddBootFields(ctx, &reply);
  if (!reply.has_cookie) reply.options = DhcpOptions();
  if (!fixed) {
    Lease lease = Bind(ctx, address, 0, true);
    db_.Put(lease);
    out.commits.push_back(lease);
  }
  Finish(ctx, std::move(reply), out, fmt::format("BOOTREPLY {}", address));
}

Exchange DhcpPolicy::HandleProxy(Context& ctx) {
  Exchange out;
  if (settings_.keep_messages) out.request = ctx.request;
  const DhcpMessage& m = ctx.request;
  DhcpMessageType type = m.Type();
  Evaluate(ctx,
           m.giaddr != Ipv4Addr::Any() ? m.giaddr : ctx.in->local.address());
  auto finish_log = [&] {
    std::string boot;
    if (out.reply && !ctx.boot_choice.file.empty())
      boot = fmt::format(" file \"{}\" ({})", Printable(ctx.boot_choice.file),
                         ctx.boot_choice.reason);
    out.log = fmt::format(
        "{} from {} via {} port {} arch {} vendor \"{}\"{}: {}{}", type,
        ctx.client.mac, ctx.in->interface, ctx.in->local_port,
        ctx.boot.ArchText(), Printable(ctx.boot.vendor_class),
        ctx.boot.user_class.empty()
            ? std::string()
            : fmt::format(" user \"{}\"", Printable(ctx.boot.user_class)),
        ctx.outcome, boot);
  };
  if (!ctx.boot.pxe && !ctx.boot.http) {
    // proxyDHCP answers PXE clients only; the real server does the rest.
    ctx.outcome = "ignored: not a PXE client (proxy mode)";
    finish_log();
    return out;
  }
  bool binl = ctx.in->local_port == kPxeBinlPort;
  if (binl ? type != DhcpMessageType::kRequest
           : (type != DhcpMessageType::kDiscover &&
              !(type == DhcpMessageType::kRequest &&
                m.GetIp(opt::kServerIdentifier) == ctx.server_id))) {
    ctx.outcome = "ignored (proxy mode)";
    finish_log();
    return out;
  }
  DhcpMessage reply = BaseReply(ctx, binl || type == DhcpMessageType::kRequest
                                         ? DhcpMessageType::kAck
                                         : DhcpMessageType::kOffer);
  reply.ciaddr = m.ciaddr;
  // No address, no lease time: only boot information.
  AddBootFields(ctx, &reply);
  reply.options.SetText(opt::kVendorClass,
                        ctx.boot.http ? "HTTPClient" : "PXEClient");
  bool bios = ctx.boot.Family() == BootFamily::kBios;
  if (!binl && !bios && ctx.boot.pxe) {
    // UEFI: no option 43, no file: EDK2 then asks port 4011 (dnsmasq and
    // pixiecore do the same), where the file is handed out.
    reply.options.Remove(opt::kVendorEncapsulated);
    reply.options.Remove(opt::kBootfileName);
    reply.file.clear();
    ctx.boot_choice.file.clear();
    ctx.boot_choice.reason = "UEFI: boot file on port 4011";
  } else if (ctx.boot.pxe) {
    PxeVendorOptions pxe;
    pxe.discovery_control = kPxeBootFileDirectly;
    reply.options.Set(opt::kVendorEncapsulated, EncodePxeVendorOptions(pxe));
  }
  if (binl) {
    // PXE 2.1: the ACK from 4011 names the server and echoes the boot item.
    if (const auto* item = m.options.Find(opt::kVendorEncapsulated)) {
      auto parsed = ParsePxeVendorOptions(*item);
      if (parsed && parsed->boot_item) {
        PxeVendorOptions pxe;
        pxe.boot_item = parsed->boot_item;
        reply.options.Set(opt::kVendorEncapsulated,
                          EncodePxeVendorOptions(pxe));
      }
    }
    if (reply.sname.empty()) reply.sname = reply.siaddr.ToString();
  }
  Finish(ctx, std::move(reply), out,
         binl ? "proxy DHCPACK (port 4011)"
              : (type == DhcpMessageType::kRequest ? "proxy DHCPACK"
                                                   : "proxy DHCPOFFER"));
  finish_log();
  return out;
}

}  // namespace pxekit
