#pragma once
// pxe-dhcpd's loop: the sockets, the lease journal and the signals around
// DhcpPolicy::Handle (lib/dhcpd/policy.h), which makes every decision.
// main.cc sets it up (configuration, lease file, listeners, privileges).

#include <chrono>
#include <cstdint>
#include <list>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "configuration.h"
#include "dhcpd/group_commit.h"
#include "dhcpd/listen_plan.h"
#include "dhcpd/policy.h"
#include "lease/lease_journal.h"
#include "lease/pg_store.h"
#include "net/datagram_batch.h"
#include "net/event_loop.h"
#include "net/limited_log.h"
#include "nl/link_monitor.h"
#include "nl/neighbour.h"
#include "options.h"
#include "os/unique_fd.h"

namespace pxekit {

class Diag;

// One bound socket: a port on an interface.
struct Listener {
  UniqueFd fd;
  std::string interface;
  int ifindex = 0;
  Ipv4Prefix local;
  std::uint16_t port = 67;
  Ipv4Addr address;    // bound to: 0.0.0.0 or --listen
  std::string device;  // SO_BINDTODEVICE; empty: none
};

class Daemon {
 public:
  Daemon(const DhcpdOptions& options, Diag& diag, Configuration config,
         std::vector<Listener> listeners, LeaseJournal journal,
         std::unique_ptr<PgLeaseStore> shared_store = nullptr);

  DhcpPolicy& policy() { return policy_; }
  LeaseJournal& journal() { return journal_; }
  // Where leases go: the shared database with --lease-store, else the file.
  LeaseStore& store() {
    return shared_store_ ? static_cast<LeaseStore&>(*shared_store_) : journal_;
  }

  void SetNeighbours(std::unique_ptr<NeighbourTable> table) {
    neighbours_ = std::move(table);
  }

  // Follows interfaces that come and go, or get and lose addresses
  // (netlink): sockets are opened and closed as PlanListenersNow says for
  // `request`, also after a SIGHUP. Without it the sockets stay as opened.
  void FollowInterfaces(std::unique_ptr<LinkMonitor> monitor,
                        ListenRequest request);

  // Serves until SIGTERM or SIGINT; SIGHUP reloads the configuration.
  int Run();

 private:
  struct Pending {
    Listener* listener;
    Outbound reply;
  };

  DhcpPolicySettings WithDumps(DhcpPolicySettings settings) const;
  void OnReadable(Listener& listener);
  Exchange Handle(const Inbound& in, UnixTime now);
  void Commit();
  void DropRefused(std::vector<Pending>& ready);
  void Log(const Exchange& exchange);
  void SendAll(std::vector<Pending>& replies);
  ReplyDestination Route(Listener& listener, ReplyDestination dest);
  void Reload();
  void Maintain();
  // The lease file's copy of each address (the file journal only), kept so
  // that a renewal can be answered while the file cannot be written.
  void NoteOnDisk(const std::vector<Lease>& leases);
  void NoteSynced(bool durable);
  std::size_t AnswerRenewalsFromDisk(std::vector<Pending>& held);
  bool AnswerFromDisk(Outbound& reply, UnixTime now);
  // Interfaces that come and go (FollowInterfaces).
  void WatchListener(Listener& listener);
  void OnLinkChange();
  void Replan();
  void CloseListener(std::list<Listener>::iterator listener,
                     const std::string& why);
  void RefreshHeld(std::chrono::milliseconds spacing);
  void StoreTick();

  const DhcpdOptions& options_;
  Diag& diag_;
  DhcpPolicy policy_;
  std::list<Listener> listeners_;  // stable addresses: Pending points here
  LeaseJournal journal_;
  std::unique_ptr<PgLeaseStore> shared_store_;
  std::unique_ptr<NeighbourTable> neighbours_;
  bool neighbour_warned_ = false;
  EventLoop* loop_ = nullptr;
  std::optional<LimitedLog> noise_log_;  // while Run() runs, on its loop
  DatagramBatch batch_;
  std::vector<Pending> awaiting_commit_;
  GroupCommit commit_;  // when the journal is synced and ACKs go
  EventLoop::TimerId commit_timer_ = 0;
  // An outage of the lease file or store: one log line when it starts,
  // the failures counted and reported in one line when it ends.
  bool store_down_ = false;
  std::uint64_t failed_commits_ = 0;
  std::uint64_t unsent_acks_ = 0;
  // While the lease file cannot be written: renewals answered from the
  // lease on disk (see AnswerFromDisk).
  std::unordered_map<std::uint32_t, Lease> on_disk_;
  std::vector<Lease> unsynced_;  // recorded, not yet durable
  std::uint64_t renewed_from_disk_ = 0;
  std::unique_ptr<LinkMonitor> link_monitor_;
  ListenRequest listen_request_;
  std::vector<std::string> waiting_;  // interfaces not served, and why
  std::chrono::steady_clock::time_point last_refresh_{};
};

}  // namespace pxekit
