#pragma once
// The ethtool netlink WoL messages (pxe-poweroff(8), WAKE-ON-LAN), as a codec
// with no socket: builds ETHTOOL_MSG_WOL_GET / ETHTOOL_MSG_WOL_SET requests and
// parses any WOL message (a GET_REPLY from the kernel, or a request built
// here, so that tests can take a request apart again) and the kernel's
// NLMSG_ERROR answer. Parsers take the bytes of one whole netlink message,
// header included; they check every length against the bytes given and
// return a Failure on anything malformed, never crash and never throw.
//
// Bitsets (the nest under ETHTOOL_A_WOL_MODES) come in two forms: compact
// (ETHTOOL_A_BITSET_VALUE and _MASK, arrays of host-order u32 words) and
// verbose (ETHTOOL_A_BITSET_BITS, a list of bits by index or name, each
// with a VALUE flag when set). Both are decoded to 32-bit value and mask
// words; WoL has 8 modes, so bits past 31 are ignored.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "nl/nl_ptr.h"
#include "util/result.h"

namespace pxekit {

// The WAKE_* bits of linux/ethtool.h, which ethtool netlink numbers alike.
inline constexpr std::uint32_t kWolPhy = 1u << 0;
inline constexpr std::uint32_t kWolUnicast = 1u << 1;
inline constexpr std::uint32_t kWolMulticast = 1u << 2;
inline constexpr std::uint32_t kWolBroadcast = 1u << 3;
inline constexpr std::uint32_t kWolArp = 1u << 4;
inline constexpr std::uint32_t kWolMagic = 1u << 5;
inline constexpr std::uint32_t kWolMagicSecure = 1u << 6;
inline constexpr std::uint32_t kWolFilter = 1u << 7;

struct EthtoolBitset {
  bool nomask = false;      // ETHTOOL_A_BITSET_NOMASK: value only, no mask
  bool compact = false;     // VALUE/MASK words rather than a BITS list
  std::uint32_t size = 0;   // ETHTOOL_A_BITSET_SIZE, 0 when absent
  std::uint32_t value = 0;  // bits set
  std::uint32_t mask = 0;   // bits the message speaks about (0 if nomask)
  // Verbose form only: the indices listed, in message order.
  std::vector<std::uint32_t> listed;
};

struct EthtoolWolMessage {
  std::uint16_t nlmsg_type = 0;   // the genetlink family id
  std::uint16_t nlmsg_flags = 0;  // NLM_F_*
  std::uint8_t cmd = 0;           // ETHTOOL_MSG_WOL_*
  std::uint8_t version = 0;
  bool header_nested = false;      // NLA_F_NESTED was set on the header nest
  bool modes_nested = false;       // ... and on the modes nest
  std::string dev_name;            // ETHTOOL_A_HEADER_DEV_NAME, "" if absent
  std::uint32_t dev_index = 0;     // ETHTOOL_A_HEADER_DEV_INDEX, 0 if absent
  std::uint32_t header_flags = 0;  // ETHTOOL_A_HEADER_FLAGS
  std::optional<EthtoolBitset> modes;               // ETHTOOL_A_WOL_MODES
  std::optional<std::vector<std::uint8_t>> sopass;  // ETHTOOL_A_WOL_SOPASS
};

// What a WOL_GET_REPLY says about a NIC.
struct WolSettings {
  std::uint32_t supported = 0;  // WAKE_* modes the NIC can wake on
  std::uint32_t enabled = 0;    // WAKE_* modes armed now
};

// The device a request names: by name, and by index when not 0.
struct EthtoolDevice {
  std::string name;
  std::uint32_t index = 0;
};

// ETHTOOL_MSG_WOL_GET for `device`, asking for compact bitsets. NLM_F_ACK is
// set so that the kernel's answer always ends with an NLMSG_ERROR. Null only
// when memory runs out.
NlMsgPtr BuildWolGetRequest(int family_id, const EthtoolDevice& device);

// ETHTOOL_MSG_WOL_SET for `device` that sets the modes in `change` to their
// bits in `value` and leaves every other mode as it is (a compact bitset
// with VALUE and MASK, no NOMASK: the kernel's ethnl_update_bitset32 in
// net/ethtool/bitset.c sets "bits in mask ... to values from value" and
// touches no other bit). To add magic and keep the rest:
// value = change = kWolMagic.
NlMsgPtr BuildWolSetRequest(int family_id, const EthtoolDevice& device,
                            std::uint32_t value, std::uint32_t change);

// One whole netlink message carrying a genetlink WOL message.
Result<EthtoolWolMessage> ParseEthtoolWolMessage(
    std::span<const std::uint8_t> message);

// The settings in a parsed ETHTOOL_MSG_WOL_GET_REPLY: enabled = the value
// bits, supported = the mask bits. A reply without modes or without a mask
// is malformed.
Result<WolSettings> WolSettingsFromReply(const EthtoolWolMessage& reply);

// An NLMSG_ERROR message: `error` is the positive errno (0 for an ACK) and
// `text` the kernel's extended-ack message (NLMSGERR_ATTR_MSG), if any.
struct NetlinkAck {
  int error = 0;
  std::string text;
};
Result<NetlinkAck> ParseNetlinkAck(std::span<const std::uint8_t> message);

// ethtool's letters for `modes` ("pumbagsf"), "d" (disabled) for none.
std::string WolModeLetters(std::uint32_t modes);

}  // namespace pxekit
