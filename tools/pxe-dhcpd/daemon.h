#pragma once
// pxe-dhcpd's loop: the sockets, the lease journal and the signals around
// DhcpPolicy::Handle (lib/dhcpd/policy.h), which makes every decision.
// main.cc sets it up (configuration, lease file, listeners, privileges).

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "configuration.h"
#include "dhcpd/group_commit.h"
#include "dhcpd/policy.h"
#include "lease/lease_journal.h"
#include "lease/pg_store.h"
#include "net/datagram_batch.h"
#include "net/event_loop.h"
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
  void RefreshHeld(std::chrono::milliseconds spacing);
  void StoreTick();

  const DhcpdOptions& options_;
  Diag& diag_;
  DhcpPolicy policy_;
  std::vector<Listener> listeners_;
  LeaseJournal journal_;
  std::unique_ptr<PgLeaseStore> shared_store_;
  std::unique_ptr<NeighbourTable> neighbours_;
  bool neighbour_warned_ = false;
  EventLoop* loop_ = nullptr;
  DatagramBatch batch_;
  std::vector<Pending> awaiting_commit_;
  GroupCommit commit_;  // when the journal is synced and ACKs go
  EventLoop::TimerId commit_timer_ = 0;
  // An outage of the lease file or store: one log line when it starts,
  // the failures counted and reported in one line when it ends.
  bool store_down_ = false;
  std::uint64_t failed_commits_ = 0;
  std::uint64_t unsent_acks_ = 0;
  std::chrono::steady_clock::time_point last_refresh_{};
};

}  // namespace pxekit
