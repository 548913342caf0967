#pragma once
// Option negotiation (RFC 2347, 2348, 2349, 7440) as a pure function: the
// options a client asked for plus the server's limits give the options the
// transfer uses and the OACK to send, or a refusal (ERROR 8).
//
// Rules (see man pxe-tftpd for the user-facing version):
//  - only options the client asked for go into the OACK, in its order;
//    no OACK at all when none was accepted;
//  - unknown options and those refused with -r are ignored silently;
//  - blksize 8..65464, granted <= request and <= the server's maximum;
//    non-numeric or < 8 refuses the request (never grant 1-7);
//  - timeout 1..255 s: accepted (echoed exactly) only when it is no longer
//    than the server's own retransmit ceiling, else left out of the OACK so
//    that one lost packet never costs the client's multi-second timeout;
//    out of range refuses the request;
//  - tsize: on RRQ the real size (64-bit decimal), whatever the client sent
//    (atftp sends "enable"); left out in netascii, where the size on the
//    wire differs, and for empty files (curl rejects tsize 0, pxelinux
//    takes it as a failed open); on WRQ the client's value is echoed;
//  - windowsize 1..65535, granted <= request, <= the server's maximum, and
//    with windowsize x blksize within the window byte budget; never on WRQ
//    (uploads are acknowledged block by block).

#include <chrono>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "tftp/packet.h"
#include "util/result.h"

namespace pxekit::tftp {

struct ServerLimits {
  std::size_t max_blksize = 1468;  // -B
  std::size_t max_window = 64;     // -W
  // Bytes a window may occupy in the receiver's socket buffer (estimated
  // with per-datagram overhead; see WindowCost).
  std::size_t max_window_bytes = 160 * 1024;
  // Longest timeout option the server echoes.
  std::chrono::seconds max_timeout_option{1};
  std::set<std::string> refused;  // -r, lower case
};

struct Negotiated {
  std::size_t blksize = kDefaultBlockSize;
  std::size_t windowsize = 1;
  std::optional<int> timeout_s;        // the client's, when accepted
  std::optional<std::uint64_t> tsize;  // the value sent back
  std::vector<Option> oack;            // empty: send no OACK
};

struct NegotiationRequest {
  bool write = false;  // WRQ
  bool netascii = false;
  std::optional<std::uint64_t> file_size;  // RRQ: the size to report
  const std::vector<Option>* options = nullptr;
};

// Estimated receive-buffer cost of one DATA datagram of `blksize` payload:
// the kernel charges the allocation (a power of two holding headers and
// skb_shared_info) plus the sk_buff, not the payload.
std::size_t WindowCost(std::size_t blksize);

// Failure means ERROR 8 with the failure's message.
Result<Negotiated> Negotiate(const NegotiationRequest& request,
                             const ServerLimits& limits);

}  // namespace pxekit::tftp
