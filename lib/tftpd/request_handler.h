#pragma once
// What the server does with one RRQ or WRQ, decided without sockets: mode
// check, remapping, path confinement, opening through the FileStore seam,
// option negotiation. The result is a ready (not yet started) Transfer, or
// the ERROR to send back and why. The server loop only adds the socket.

#include <memory>
#include <string>

#include "tftp/packet.h"
#include "tftpd/negotiation.h"
#include "tftpd/transfer.h"
#include "util/ipv4.h"

namespace pxekit::tftp {

class FileStore;
class RemapRules;

struct ServerPolicy {
  std::string root;          // ROOT as given, for absolute names
  bool allow_write = false;  // -c
  ServerLimits limits;
  RetransmitPolicy retransmit;
  // netascii files are converted in memory; larger ones are refused.
  std::uint64_t max_netascii_size = 64ull << 20;
};

struct RequestOutcome {
  std::unique_ptr<Transfer> transfer;  // null when refused
  ErrorCode error = ErrorCode::kNotDefined;
  std::string reason;    // refused: the message sent and logged
  std::string filename;  // the name after remapping, as served (for logs)
  std::string note;      // something worth a log line even on success
  std::uint64_t size = 0;
};

RequestOutcome HandleRequest(const Request& request, Ipv4Addr client,
                             const RemapRules* rules, FileStore& store,
                             const ServerPolicy& policy);

}  // namespace pxekit::tftp
