#pragma once
// pxe-tftpd's bookkeeping, without sockets: which transfer port to try next
// (-R), and whether a request starts a transfer (one per client address and
// port, at most --max-clients at once).

#include <compare>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>

#include "tftpd/config.h"

namespace pxekit::tftp {

// The server TIDs to bind transfer sockets to. With a range, every port of
// it in turn, starting after the last one handed out (a port still in use
// fails to bind and the next is tried); without one, 0: the kernel picks.
class PortAllocator {
 public:
  explicit PortAllocator(std::optional<PortRange> range) : range_(range) {}

  // How many ports one transfer may try: the range's size, or 1.
  std::uint32_t attempts() const;
  // The next port to try.
  std::uint16_t Next();

 private:
  std::optional<PortRange> range_;
  std::uint32_t cursor_ = 0;
};

// A client is its address and port: a new port is a new client (a ROM
// retrying from a new port while its old transfer times out).
struct ClientKey {
  std::uint32_t address = 0;
  std::uint16_t port = 0;
  auto operator<=>(const ClientKey&) const = default;
};

class SessionBook {
 public:
  explicit SessionBook(std::size_t max_sessions)
      : max_sessions_(max_sessions) {}

  enum class Verdict {
    kAccept,  // start a transfer
    kRepeat,  // the client's transfer is running: a retransmitted request
    kFull,    // --max-clients transfers are running: drop it
  };
  struct Admission {
    Verdict verdict = Verdict::kAccept;
    // The client's previous transfer, complete and only dallying (an
    // upload waiting for a repeated last DATA): end it first, the client
    // has moved on (an interactive tftp reuses its port).
    std::optional<std::uint64_t> ends;
  };
  // What to do with a request from `client`.
  Admission Admit(ClientKey client) const;

  // Records a started transfer; returns its id (from 1).
  std::uint64_t Add(ClientKey client);
  // The transfer's file went across in full (it may still dally).
  void MarkComplete(std::uint64_t id);
  void Remove(std::uint64_t id);

  std::size_t size() const { return sessions_.size(); }
  // Transfers whose file has not gone across in full.
  std::size_t incomplete() const;

 private:
  struct Entry {
    ClientKey client;
    bool complete = false;
  };
  std::size_t max_sessions_;
  std::uint64_t next_id_ = 1;
  std::map<std::uint64_t, Entry> sessions_;
  std::map<ClientKey, std::uint64_t> by_client_;
};

}  // namespace pxekit::tftp
