#pragma once
// pxe-tftpd's I/O loop: one EventLoop for the listening socket, a socket per
// transfer (a fresh server TID, connected to the client) and one lazily
// re-armed timer per transfer. Every decision is made in lib/tftpd
// (tftp::SessionBook and tftp::PortAllocator: whether a request starts a
// transfer and on which port; tftp::HandleRequest: its answer;
// tftp::Transfer: the rest); this file moves bytes and logs.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "net/event_loop.h"
#include "os/unique_fd.h"
#include "tftpd/remap.h"
#include "tftpd/request_handler.h"
#include "tftpd/sessions.h"
#include "tftpd/transfer.h"
#include "util/ipv4.h"

namespace pxekit {

class Diag;

struct DaemonConfig {
  tftp::ServerPolicy policy;
  std::optional<tftp::PortRange> port_range;  // -R
  std::size_t max_clients = 500;
  int send_buffer = 4 << 20;  // SO_SNDBUF wish for transfer sockets
};

class TftpDaemon {
 public:
  // `listen` is bound already, with IP_PKTINFO enabled.
  TftpDaemon(EventLoop& loop, UniqueFd listen, tftp::FileStore& store,
             DaemonConfig config, Diag& diag);
  ~TftpDaemon();

  void SetRules(tftp::RemapRules rules) { rules_ = std::move(rules); }
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
  void LogTransfer(Session& session);

  EventLoop& loop_;
  UniqueFd listen_;
  Ipv4Addr listen_address_;
  tftp::FileStore& store_;
  DaemonConfig config_;
  Diag& diag_;
  tftp::RemapRules rules_;
  std::vector<std::uint8_t> buffer_;
  tftp::SessionBook book_;     // who may start a transfer
  tftp::PortAllocator ports_;  // -R
  std::map<std::uint64_t, std::unique_ptr<Session>> sessions_;
};

}  // namespace pxekit
