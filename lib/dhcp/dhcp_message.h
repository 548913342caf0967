#pragma once
// DHCPv4/BOOTP messages (RFC 2131 section 2, RFC 951): bytes <-> struct.
//
// Parsing policy (never throws, never reads out of bounds):
//   - shorter than the 236-byte BOOTP header: error;
//   - no magic cookie after the header: a plain BOOTP message, no options;
//   - options end at END; bytes after END are ignored (clients pad);
//   - an option whose length runs past the buffer ends parsing there, keeps
//     the options before it and sets `truncated`;
//   - option 52 (overload) makes `file` and/or `sname` option space, parsed
//     after the options field, in that order; those fields then read empty;
//   - repeated instances of one code are concatenated in order (RFC 3396).
// Encoding never emits option 52: boot data stays in file/sname (old ROMs).

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "util/ipv4.h"
#include "util/mac_addr.h"
#include "util/result.h"

namespace pxekit {

enum class DhcpMessageType : std::uint8_t {
  kBootp = 0,  // no option 53
  kDiscover = 1,
  kOffer = 2,
  kRequest = 3,
  kDecline = 4,
  kAck = 5,
  kNak = 6,
  kRelease = 7,
  kInform = 8,
};
std::string_view DhcpMessageTypeName(DhcpMessageType type);

inline constexpr std::size_t kBootpHeaderSize = 236;
inline constexpr std::size_t kBootpMinimumSize = 300;
// 576-byte IP datagram minus 20 (IP) and 8 (UDP).
inline constexpr std::size_t kDhcpDefaultMaxSize = 548;
// An Ethernet frame's worth: 1500 - 28.
inline constexpr std::size_t kDhcpEthernetMaxSize = 1472;
inline constexpr std::uint16_t kBroadcastFlag = 0x8000;

struct DhcpOption {
  std::uint8_t code = 0;
  std::vector<std::uint8_t> data;
};

// Options in the order they will be written. Set() replaces in place.
class DhcpOptions {
 public:
  const std::vector<std::uint8_t>* Find(std::uint8_t code) const;
  bool Has(std::uint8_t code) const { return Find(code) != nullptr; }
  void Set(std::uint8_t code, std::vector<std::uint8_t> data);
  void Set(std::uint8_t code, std::span<const std::uint8_t> data);
  void SetText(std::uint8_t code, std::string_view text);
  void SetU8(std::uint8_t code, std::uint8_t value);
  void SetU16(std::uint8_t code, std::uint16_t value);
  void SetU32(std::uint8_t code, std::uint32_t value);
  void SetIp(std::uint8_t code, Ipv4Addr address);
  void Remove(std::uint8_t code);
  // Appends to an existing instance (RFC 3396 concatenation).
  void Append(std::uint8_t code, std::span<const std::uint8_t> data);

  const std::vector<DhcpOption>& list() const { return list_; }
  bool empty() const { return list_.empty(); }

 private:
  std::vector<DhcpOption> list_;
};

struct DhcpMessage {
  std::uint8_t op = 1;  // 1 BOOTREQUEST, 2 BOOTREPLY
  std::uint8_t htype = 1;
  std::uint8_t hlen = 6;
  std::uint8_t hops = 0;
  std::uint32_t xid = 0;
  std::uint16_t secs = 0;
  std::uint16_t flags = 0;
  Ipv4Addr ciaddr, yiaddr, siaddr, giaddr;
  std::array<std::uint8_t, 16> chaddr{};
  // Up to 63 and 127 characters, read and written: the field's last byte
  // is its NUL (a field sent without one is cut there).
  std::string sname;
  std::string file;
  DhcpOptions options;
  bool has_cookie = true;
  bool truncated = false;  // parsing stopped at a truncated option

  DhcpMessageType Type() const;
  bool IsBroadcast() const { return (flags & kBroadcastFlag) != 0; }
  // chaddr as an Ethernet address (htype 1, hlen 6); zero otherwise.
  MacAddr Mac() const;

  std::optional<Ipv4Addr> GetIp(std::uint8_t code) const;
  std::optional<std::uint16_t> GetU16(std::uint8_t code) const;
  std::optional<std::uint32_t> GetU32(std::uint8_t code) const;
  // The option's bytes as a string view (empty when absent).
  std::string_view GetText(std::uint8_t code) const;
  // Option 93: every architecture the client listed.
  std::vector<std::uint16_t> ClientArchs() const;
};

Result<DhcpMessage> ParseDhcpMessage(std::span<const std::uint8_t> bytes);

struct EncodedMessage {
  std::vector<std::uint8_t> bytes;
  std::vector<std::uint8_t> dropped;  // option codes that did not fit
};

// Writes header, cookie, options (option 82 last, as RFC 3046 asks), END,
// then pads to 300 bytes. `max_size` bounds the whole message; options that
// do not fit are left out (named in `dropped`), END always fits. Options over
// 255 bytes are split into instances (RFC 3396). Fails only when `max_size`
// cannot hold the header. sname/file longer than their fields are cut (the
// caller also sends options 66/67 with the full value).
Result<EncodedMessage> EncodeDhcpMessage(const DhcpMessage& message,
                                         std::size_t max_size);

}  // namespace pxekit

template <>
struct fmt::formatter<pxekit::DhcpMessageType>
    : fmt::formatter<std::string_view> {
  template <typename FormatContext>
  auto format(pxekit::DhcpMessageType type, FormatContext& ctx) const {
    return fmt::formatter<std::string_view>::format(
        pxekit::DhcpMessageTypeName(type), ctx);
  }
};
