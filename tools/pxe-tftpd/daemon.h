#pragma once
// pxe-tftpd's I/O loop. Each worker (TftpWorker, one thread) runs one
// EventLoop for its own SO_REUSEPORT listening socket, a socket per transfer
// it took (a fresh server TID, connected to the client) and one lazily
// re-armed timer per transfer. Every decision is made in lib/tftpd
// (tftp::SessionBook, tftp::SessionQuota and tftp::PortAllocator: whether a
// request starts a transfer and on which port; tftp::HandleRequest: its
// answer; tftp::Transfer: the rest); this file moves bytes and logs.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>

#include "net/datagram_batch.h"
#include "net/event_loop.h"
#include "net/limited_log.h"
#include "os/unique_fd.h"
#include "tftpd/remap.h"
#include "tftpd/request_handler.h"
#include "tftpd/sessions.h"
#include "tftpd/transfer.h"
#include "tftpd/workers.h"
#include "util/ipv4.h"

namespace pxekit {

class Diag;

struct DaemonConfig {
  tftp::ServerPolicy policy;
  std::optional<tftp::PortRange> port_range;  // this worker's slice of -R
  int send_buffer = 4 << 20;  // SO_SNDBUF wish for transfer sockets
};

// The remap rules every worker reads; SIGHUP swaps them. A request takes
// the rules current when it arrives.
class SharedRules {
 public:
  void Set(tftp::RemapRules rules);
  std::shared_ptr<const tftp::RemapRules> Get() const;

 private:
  mutable std::mutex mutex_;
  std::shared_ptr<const tftp::RemapRules> rules_ =
      std::make_shared<const tftp::RemapRules>();
};

// What every worker shares: owned by the main thread, outliving the workers.
struct WorkerShared {
  tftp::FileStore& store;
  const SharedRules& rules;
  tftp::SessionQuota& quota;  // --max-clients, across the workers
  // The bound on logged refusals of junk on port 69, across the workers.
  SharedLogLimiter& junk_limit;
  Diag& diag;
};

class TftpDaemon {
 public:
  // `listen` is bound already, with IP_PKTINFO enabled.
  TftpDaemon(EventLoop& loop, UniqueFd listen, DaemonConfig config,
             const WorkerShared& shared);
  ~TftpDaemon();

  std::size_t active() const { return book_.size(); }
  // Transfers whose file has not gone across in full (a WRQ that only
  // dallies after its last block is complete).
  std::size_t incomplete() const { return book_.incomplete(); }

 private:
  struct Session;

  void OnListenReadable();
  void OnRequest(std::span<const std::uint8_t> bytes, Ipv4Addr client,
                 std::uint16_t client_port, Ipv4Addr local);
  UniqueFd OpenTransferSocket(Ipv4Addr local, Ipv4Addr client,
                              std::uint16_t client_port);
  void OnSessionReadable(std::uint64_t id);
  void OnSessionTimer(std::uint64_t id);
  void Settle(Session& session);  // finish or re-arm after an event
  void Finish(Session& session);
  // `vanished`: how many clients vanished so far, when this one did.
  void LogTransfer(Session& session, std::uint64_t vanished = 0);

  EventLoop& loop_;
  UniqueFd listen_;
  Ipv4Addr listen_address_;
  tftp::FileStore& store_;
  DaemonConfig config_;
  Diag& diag_;
  // Refusals of datagrams on port 69 that are no request: anyone can send
  // those at any rate (a burst, then one a second, across the workers).
  LimitedLog junk_log_;
  const SharedRules& rules_;
  tftp::SessionQuota& quota_;  // --max-clients, across the workers
  std::vector<std::uint8_t> buffer_;
  DatagramBatch batch_;        // what a transfer socket has queued
  tftp::SessionBook book_;     // this worker's clients
  tftp::PortAllocator ports_;  // this worker's slice of -R
  std::map<std::uint64_t, std::unique_ptr<Session>> sessions_;
};

// One worker thread: its own EventLoop and TftpDaemon on `listen`.
class TftpWorker {
 public:
  // `on_failure` runs on the worker's thread if its loop fails (the
  // message is logged already); the program then stops every worker.
  TftpWorker(UniqueFd listen, DaemonConfig config, const WorkerShared& shared,
             std::function<void()> on_failure);
  ~TftpWorker();  // stops and joins

  void Start();
  // From any thread: the worker's loop ends soon after.
  void Stop();
  // Waits for the thread; returns the transfers it cut short.
  std::size_t Join();

 private:
  void Run();

  UniqueFd listen_;
  DaemonConfig config_;
  WorkerShared shared_;
  std::function<void()> on_failure_;
  UniqueFd wake_;  // eventfd: Stop() writes it
  std::size_t cut_short_ = 0;
  std::thread thread_;
};

}  // namespace pxekit
