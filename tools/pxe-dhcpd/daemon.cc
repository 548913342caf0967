// pxe-dhcpd's loop: receive a batch, let DhcpPolicy::Handle decide, make
// the leases durable (group commit), send. See daemon.h.

#include "daemon.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <ctime>
#include <functional>
#include <unordered_set>

#include <fmt/format.h>

#include "cli/diag.h"
#include "cli/exit_codes.h"
#include "dhcp/dhcp_options.h"
#include "dhcpd/ack_from_disk.h"
#include "listeners.h"
#include "net/udp_socket.h"
#include "nl/interface_list.h"

namespace pxekit {
namespace {

// Compact when the journal has grown by this much since the last rewrite.
constexpr std::size_t kCompactAfterBytes = 16u << 20;
// Datagrams per recvmmsg, and recvmmsg calls per wake-up.
constexpr std::size_t kBatch = 32;
constexpr int kRounds = 2;
// How often a server sharing a store relearns the others' leases.
constexpr std::chrono::seconds kRefreshEvery{10};

std::string DumpOptions(const DhcpMessage& message) {
  std::string out = fmt::format(
      "op {} xid {:08x} flags {:04x} ciaddr {} yiaddr {} siaddr {} giaddr {} "
      "chaddr {}",
      message.op, message.xid, message.flags, message.ciaddr, message.yiaddr,
      message.siaddr, message.giaddr, message.Mac());
  if (!message.sname.empty())
    out += fmt::format(" sname \"{}\"", message.sname);
  if (!message.file.empty()) out += fmt::format(" file \"{}\"", message.file);
  for (const DhcpOption& option : message.options.list()) {
    const OptionDef* def = FindOptionByCode(option.code);
    out += fmt::format(
        "\n    option {} {} = {}", option.code,
        def != nullptr ? def->name : "unknown",
        FormatOptionValue(def != nullptr ? def->type : OptionType::kBytes,
                          option.data));
  }
  return out;
}

}  // namespace

Daemon::Daemon(const DhcpdOptions& options, Diag& diag, Configuration config,
               std::vector<Listener> listeners, LeaseJournal journal,
               std::unique_ptr<PgLeaseStore> shared_store)
    : options_(options),
      diag_(diag),
      policy_(std::move(config.conf), WithDumps(std::move(config.settings))),
      listeners_(std::make_move_iterator(listeners.begin()),
                 std::make_move_iterator(listeners.end())),
      journal_(std::move(journal)),
      shared_store_(std::move(shared_store)),
      batch_(kBatch, 2048) {
  policy_.set_shared_store(shared_store_ != nullptr);
}

int Daemon::Run() {
  EventLoop loop;
  loop_ = &loop;
  noise_log_.emplace(
      loop,
      [this](std::string_view line) {
        if (diag_.verbosity() >= 0) diag_.Emit(line);
      },
      "malformed or anonymous datagrams");
  for (Listener& listener : listeners_) WatchListener(listener);
  if (link_monitor_) {
    loop.Watch(link_monitor_->fd(), EPOLLIN,
               [this](std::uint32_t) { OnLinkChange(); });
    Replan();  // what changed between the start's listing and now
  }
  loop.OnSignal(SIGHUP, [this] { Reload(); });
  loop.OnSignal(SIGTERM, [&loop] { loop.Stop(); });
  loop.OnSignal(SIGINT, [&loop] { loop.Stop(); });
  std::function<void()> maintenance = [&] {
    Maintain();
    loop.AddTimerAfter(std::chrono::seconds(60), maintenance);
  };
  loop.AddTimerAfter(std::chrono::seconds(60), maintenance);
  if (!shared_store_) NoteOnDisk(policy_.leases().All());
  std::function<void()> store_tick = [&] {
    StoreTick();
    loop.AddTimerAfter(shared_store_->next_tick(), store_tick);
  };
  if (shared_store_) loop.AddTimerAfter(shared_store_->next_tick(), store_tick);
  diag_.Info("ready: {} leases", policy_.leases().size());
  loop.Run();
  Commit();  // ACKs already decided go out, their leases durable
  noise_log_.reset();
  loop_ = nullptr;
  diag_.Info("exiting on signal");
  return kExitOk;
}

DhcpPolicySettings Daemon::WithDumps(DhcpPolicySettings settings) const {
  settings.keep_messages = diag_.verbosity() >= 1;
  return settings;
}

void Daemon::OnReadable(Listener& listener) {
  std::vector<Pending> now_replies;
  UnixTime now = static_cast<UnixTime>(std::time(nullptr));
  for (int round = 0; round < kRounds; ++round) {
    std::size_t count = 0;
    try {
      count = batch_.Receive(listener.fd);
    } catch (const std::system_error& e) {
      diag_.Error("{}: {}", listener.interface, e.what());
      break;
    }
    if (count == 0) break;
    for (std::size_t i = 0; i < count; ++i) {
      Inbound in;
      in.bytes = batch_.payload(i);
      in.source = batch_.source(i);
      in.source_port = batch_.source_port(i);
      in.local_port = listener.port;
      in.local = listener.local;
      in.interface = listener.interface;
      Exchange exchange = Handle(in, now);
      Log(exchange);
      for (const Lease& lease : exchange.commits) store().Record(lease);
      if (!shared_store_)
        unsynced_.insert(unsynced_.end(), exchange.commits.begin(),
                         exchange.commits.end());
      switch (commit_.Admit(exchange.reply.has_value(),
                            !exchange.commits.empty())) {
        case GroupCommit::Send::kNow:
          now_replies.push_back(Pending{&listener, std::move(*exchange.reply)});
          break;
        case GroupCommit::Send::kAfterSync:
          awaiting_commit_.push_back(
              Pending{&listener, std::move(*exchange.reply)});
          break;
        case GroupCommit::Send::kNothing:
          break;
      }
    }
  }
  SendAll(now_replies);
  switch (commit_.AfterBatch()) {
    case GroupCommit::Step::kSyncNow:
      Commit();
      break;
    case GroupCommit::Step::kArmTimer:
      if (loop_ != nullptr)
        commit_timer_ = loop_->AddTimerAfter(GroupCommit::kWindow, [this] {
          commit_timer_ = 0;
          Commit();
        });
      break;
    case GroupCommit::Step::kWait:
      break;
  }
}

// With a shared store, a client may renew or reboot with a server that did
// not make its lease, and that server's table does not have it. Before
// NAKing such a REQUEST (or ignoring an INIT-REBOOT), learn the address's
// lease from the store and ask the policy again.
Exchange Daemon::Handle(const Inbound& in, UnixTime now) {
  Exchange exchange = policy_.Handle(in, now);
  if (!shared_store_) return exchange;
  if (exchange.reply && exchange.reply->message.Type() != DhcpMessageType::kNak)
    return exchange;
  auto request = ParseDhcpMessage(in.bytes);
  if (!request || request->Type() != DhcpMessageType::kRequest) return exchange;
  // Not a REQUEST that selected another server's OFFER.
  if (request->GetIp(dhcp_option::kServerIdentifier)) return exchange;
  Ipv4Addr address = request->ciaddr;
  if (address == Ipv4Addr())
    address =
        request->GetIp(dhcp_option::kRequestedAddress).value_or(Ipv4Addr());
  if (address == Ipv4Addr()) return exchange;
  auto stored = shared_store_->Find(address);
  if (!stored || !stored->has_value()) return exchange;
  const Lease* known = policy_.leases().Find(address);
  if (known != nullptr && *known == **stored) return exchange;
  policy_.LoadLeases({**stored});
  return policy_.Handle(in, now);
}

void Daemon::Commit() {
  if (commit_timer_ != 0 && loop_ != nullptr) loop_->CancelTimer(commit_timer_);
  commit_timer_ = 0;
  if (!commit_.TakeCommit()) return;
  std::string error;
  bool durable = store().Sync(&error);
  NoteSynced(durable);
  const char* what = shared_store_ ? "store" : "file";
  if (!durable) {
    ++failed_commits_;
    AnswerRenewalsFromDisk(awaiting_commit_);
    unsent_acks_ += awaiting_commit_.size();
    // One line per outage, not one per failed commit.
    if (!store_down_)
      diag_.Error(
          "lease {}: {}: {} ACKs not sent{} (until it is back)", what, error,
          awaiting_commit_.size(),
          shared_store_ ? "; no OFFER and no ACK for dynamic leases" : "");
    store_down_ = true;
    awaiting_commit_.clear();
    if (shared_store_) policy_.set_store_available(shared_store_->connected());
    return;
  }
  if (store_down_) {
    diag_.Error(
        "lease {}: back after {} failed commits, {} ACKs not sent, {} "
        "renewals answered from the leases on disk",
        what, failed_commits_, unsent_acks_, renewed_from_disk_);
    store_down_ = false;
    failed_commits_ = 0;
    unsent_acks_ = 0;
    renewed_from_disk_ = 0;
  }
  std::vector<Pending> ready;
  ready.swap(awaiting_commit_);
  DropRefused(ready);
  SendAll(ready);
}

// Another server sharing the store committed some of these addresses
// first: their ACKs must not go out. The policy learns who holds them, so
// that the client's next DISCOVER gets another address.
void Daemon::DropRefused(std::vector<Pending>& ready) {
  std::vector<Lease> refused = store().TakeRefused();
  if (refused.empty()) return;
  std::unordered_set<std::uint32_t> lost;
  for (const Lease& lease : refused) {
    lost.insert(lease.address.value());
    diag_.Warn(
        "{}: taken by another server sharing the lease store: ACK not "
        "sent",
        lease.address);
  }
  policy_.Refused(refused, static_cast<UnixTime>(std::time(nullptr)));
  RefreshHeld(std::chrono::milliseconds(100));
  std::erase_if(ready, [&lost](const Pending& pending) {
    return lost.count(pending.reply.message.yiaddr.value()) != 0;
  });
}

// Learns the leases every server sharing the store holds in our pool (one
// query), unless the last time was less than `spacing` ago.
void Daemon::RefreshHeld(std::chrono::milliseconds spacing) {
  auto now = std::chrono::steady_clock::now();
  if (!shared_store_ || now - last_refresh_ < spacing) return;
  last_refresh_ = now;
  UnixTime clock = static_cast<UnixTime>(std::time(nullptr));
  auto held = shared_store_->LoadHeld(policy_.PoolRanges(), clock);
  if (held) policy_.LearnStored(*held, clock);
}

// The shared store's connection, driven without blocking: a lost one is
// noticed, a new one is made in steps (lease/pg_store.h).
void Daemon::StoreTick() {
  bool back = shared_store_->Tick();
  bool up = shared_store_->connected();
  policy_.set_store_available(up);
  if (!up && !store_down_) {
    diag_.Error(
        "lease store: {}: no OFFER and no ACK for dynamic leases (until it "
        "is back)",
        shared_store_->last_error());
    store_down_ = true;
  }
  if (back) {
    diag_.Error("lease store: back after {} failed commits, {} ACKs not sent",
                failed_commits_, unsent_acks_);
    store_down_ = false;
    failed_commits_ = 0;
    unsent_acks_ = 0;
    RefreshHeld(std::chrono::milliseconds(0));
  } else if (up) {
    RefreshHeld(kRefreshEvery);
  }
}

void Daemon::Log(const Exchange& exchange) {
  // -q keeps the exchanges out of the log (errors only). What anyone can
  // send at any rate (malformed datagrams) is rate-limited.
  if (exchange.noise && noise_log_)
    noise_log_->Line(exchange.log);
  else if (!exchange.log.empty() && diag_.verbosity() >= 0)
    diag_.Emit(exchange.log);
  if (diag_.verbosity() >= 1 && exchange.request)
    diag_.Emit(fmt::format("  request {}", DumpOptions(*exchange.request)));
  if (diag_.verbosity() >= 1 && exchange.reply)
    diag_.Emit(fmt::format("  reply to {}:{} {}",
                           exchange.reply->destination.address,
                           exchange.reply->destination.port,
                           DumpOptions(exchange.reply->message)));
}

// Sends per socket with one sendmmsg each.
void Daemon::SendAll(std::vector<Pending>& replies) {
  if (replies.empty()) return;
  for (Listener& listener : listeners_) {
    std::vector<OutgoingDatagram> out;
    std::vector<const Pending*> sources;
    for (Pending& p : replies) {
      if (p.listener != &listener) continue;
      ReplyDestination dest = Route(listener, p.reply.destination);
      out.push_back(OutgoingDatagram{p.reply.bytes, dest.address, dest.port});
      sources.push_back(&p);
    }
    if (out.empty()) continue;
    std::vector<int> errors = SendDatagrams(listener.fd, out);
    for (std::size_t i = 0; i < errors.size(); ++i)
      if (errors[i] != 0)
        diag_.Error("send to {}:{} via {}: {}", out[i].address, out[i].port,
                    listener.interface, std::strerror(errors[i]));
  }
}

// Adds the neighbour entry a unicast to yiaddr needs; falls back to
// broadcast when that is impossible.
ReplyDestination Daemon::Route(Listener& listener, ReplyDestination dest) {
  if (!dest.neighbour) return dest;
  int err = neighbours_ ? neighbours_->Add(listener.ifindex, dest.address,
                                           *dest.neighbour)
                        : -1;
  if (err < 0) {
    // Without the entry the kernel would ARP for an address nobody has
    // yet; broadcast reaches the client instead.
    if (!neighbour_warned_)
      diag_.Warn(
          "cannot add neighbour entries ({}); broadcasting replies",
          neighbours_ ? NeighbourTable::Describe(err) : "no netlink socket");
    neighbour_warned_ = true;
    dest.address = Ipv4Addr::LimitedBroadcast();
  }
  return dest;
}

void Daemon::Reload() {
  Configuration config;
  ConfigurationError error;
  if (!LoadConfiguration(options_, &config, &error)) {
    for (const std::string& earlier : error.earlier) diag_.Error("{}", earlier);
    diag_.Error("reload failed, keeping the old configuration: {}",
                error.message);
    return;
  }
  for (const std::string& warning : config.conf.warnings)
    diag_.Warn("{}", warning);
  policy_.Reconfigure(std::move(config.conf),
                      WithDumps(std::move(config.settings)));
  if (diag_.verbosity() >= 0) diag_.Emit("configuration reloaded");
  if (link_monitor_) Replan();  // new subnets may serve other interfaces
}

void Daemon::Maintain() {
  policy_.ExpireLeases(static_cast<UnixTime>(std::time(nullptr)));
  if (shared_store_ || journal_.appended_bytes() < kCompactAfterBytes) return;
  Commit();
  auto compacted = journal_.Compact(policy_.leases().All());
  if (!compacted) diag_.Warn("lease file compaction: {}", compacted.error());
  if (compacted) NoteOnDisk(policy_.leases().All());
}

void Daemon::NoteOnDisk(const std::vector<Lease>& leases) {
  on_disk_.clear();
  for (const Lease& lease : leases)
    if (lease.state != LeaseState::kOffered)
      on_disk_[lease.address.value()] = lease;
}

// The leases recorded since the last sync are on disk now, or (a failed
// sync) will never be: the journal drops what it could not write.
void Daemon::NoteSynced(bool durable) {
  if (shared_store_) return;
  if (durable)
    for (const Lease& lease : unsynced_)
      on_disk_[lease.address.value()] = lease;
  unsynced_.clear();
}

// The lease file cannot be written (a full disk): the ACKs of new leases
// are dropped, as their leases are not durable. A renewal of a lease the
// file holds is still answered, without a write: the ACK grants only what
// the file already promises (the time left until its `ends`), so that a
// restart reading the file never hands out an address a client was told
// it holds. Returns how many of `held` were sent; the rest stay in `held`.
std::size_t Daemon::AnswerRenewalsFromDisk(std::vector<Pending>& held) {
  if (shared_store_) return 0;
  UnixTime now = static_cast<UnixTime>(std::time(nullptr));
  std::vector<Pending> answered;
  std::vector<Pending> dropped;
  for (Pending& pending : held)
    (AnswerFromDisk(pending.reply, now) ? answered : dropped)
        .push_back(std::move(pending));
  held = std::move(dropped);
  renewed_from_disk_ += answered.size();
  SendAll(answered);
  return answered.size();
}

bool Daemon::AnswerFromDisk(Outbound& reply, UnixTime now) {
  DhcpMessage& message = reply.message;
  auto found = on_disk_.find(message.yiaddr.value());
  const Lease* on_disk = found == on_disk_.end() ? nullptr : &found->second;
  auto left = CapAckToLeaseOnDisk(on_disk, now, &message);
  if (!left) return false;
  auto encoded = EncodeDhcpMessage(message, reply.bytes.size());
  if (!encoded) return false;
  reply.bytes = std::move(encoded->bytes);
  if (diag_.verbosity() >= 0)
    diag_.Emit(fmt::format(
        "DHCPACK {} to {}: lease file not writable, renewed from the lease "
        "on disk ({} s left)",
        message.yiaddr, message.Mac(), *left));
  return true;
}

void Daemon::FollowInterfaces(std::unique_ptr<LinkMonitor> monitor,
                              ListenRequest request) {
  link_monitor_ = std::move(monitor);
  listen_request_ = std::move(request);
}

void Daemon::WatchListener(Listener& listener) {
  if (loop_ == nullptr) return;
  loop_->Watch(listener.fd.get(), EPOLLIN,
               [this, &listener](std::uint32_t) { OnReadable(listener); });
}

void Daemon::OnLinkChange() {
  if (link_monitor_->Drain() > 0) Replan();
}

// Lists the interfaces and opens, closes or re-addresses sockets as the
// plan for them says (lib/dhcpd/listen_plan.h decides; this is the I/O).
void Daemon::Replan() {
  std::vector<Interface> interfaces;
  try {
    interfaces = ListInterfaces();
  } catch (const std::system_error& e) {
    diag_.Error("interfaces: {}", e.what());
    return;
  }
  ListenPlan plan =
      PlanListenersNow(listen_request_, policy_.conf(), interfaces);
  std::vector<OpenListener> open;
  std::vector<std::list<Listener>::iterator> at;
  for (auto it = listeners_.begin(); it != listeners_.end(); ++it) {
    open.push_back(OpenListener{it->interface, it->ifindex, it->port,
                                it->address, it->device, it->local});
    at.push_back(it);
  }
  ListenChanges changes = DiffListeners(open, plan.links);
  for (const ListenChanges::Readdress& change : changes.readdress) {
    Listener& listener = *at[change.index];
    diag_.Warn("interface '{}': server address {} (was {})", listener.interface,
               change.local.address(), listener.local.address());
    listener.local = change.local;
  }
  // Said once: the reason a socket closed, or that an interface waits.
  std::vector<std::string> said = waiting_;
  for (std::size_t index : changes.close) {
    std::string prefix = fmt::format("interface '{}'", at[index]->interface);
    std::string why = fmt::format("{}: changed", prefix);
    for (const std::string& reason : plan.waiting)
      if (reason.starts_with(prefix)) why = reason;
    said.push_back(why);
    CloseListener(at[index], why);
  }
  for (const ListenChanges::Open& add : changes.open) {
    try {
      listeners_.push_back(BindListener(add.link, add.socket));
    } catch (const std::exception& e) {
      // Retried at the next change of the interfaces.
      diag_.Error("interface '{}': {}", add.link.interface, e.what());
      continue;
    }
    Listener& listener = listeners_.back();
    WatchListener(listener);
    diag_.Warn("interface '{}': listening on {}:{} (server address {})",
               listener.interface, add.link.address, listener.port,
               listener.local.address());
  }
  for (const std::string& why : plan.waiting)
    if (std::find(said.begin(), said.end(), why) == said.end())
      diag_.Warn("{}: not served until it is ready", why);
  waiting_ = std::move(plan.waiting);
}

// Held ACKs go out first (their leases synced), some perhaps through
// this socket.
void Daemon::CloseListener(std::list<Listener>::iterator listener,
                           const std::string& why) {
  Commit();
  if (loop_ != nullptr) loop_->Unwatch(listener->fd.get());
  diag_.Warn("{}: stopped listening on port {}", why, listener->port);
  listeners_.erase(listener);
}

}  // namespace pxekit
