#include "nl/ethtool_wol.h"

#include <cstring>
#include <string_view>

#include <fmt/format.h>
#include <linux/ethtool_netlink.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>

namespace pxekit {
namespace {

// ethtool's names for the modes (net/ethtool/common.c wol_mode_names), in
// bit order, and its letters (ethtool -s IF wol ...).
constexpr std::string_view kWolModeNames[] = {
    "phy", "ucast", "mcast", "bcast", "arp", "magic", "magicsecure", "filter"};
constexpr char kWolModeLetters[] = "pumbagsf";

// Attributes are read in place, so the bytes must be 4-byte aligned whatever
// the caller's buffer: copy them into u32 storage first.
class AlignedCopy {
 public:
  explicit AlignedCopy(std::span<const std::uint8_t> bytes)
      : words_(bytes.size() / sizeof(std::uint32_t) + 1), size_(bytes.size()) {
    // One word more than needed when the size is a multiple of 4, but no
    // rounding up that could wrap (GCC 12 at -O3 warns of such a memcpy).
    if (size_ != 0) std::memcpy(words_.data(), bytes.data(), size_);
  }
  const std::uint8_t* data() const {
    return reinterpret_cast<const std::uint8_t*>(words_.data());
  }
  std::size_t size() const { return size_; }

 private:
  std::vector<std::uint32_t> words_;
  std::size_t size_;
};

bool NlaU32(const nlattr* attr, std::uint32_t* out) {
  if (nla_len(attr) != sizeof(std::uint32_t)) return false;
  std::memcpy(out, nla_data(attr), sizeof(*out));
  return true;
}

// A NUL-terminated string attribute; the NUL must lie inside the attribute.
bool NlaString(const nlattr* attr, std::string* out) {
  const int len = nla_len(attr);
  const auto* data = static_cast<const char*>(nla_data(attr));
  if (len <= 0) return false;
  const void* nul = std::memchr(data, '\0', static_cast<std::size_t>(len));
  if (nul == nullptr) return false;
  out->assign(data, static_cast<const char*>(nul));
  return true;
}

bool IsNested(const nlattr* attr) {
  return (attr->nla_type & NLA_F_NESTED) != 0;
}

// Sorts the attributes in [head, head + len) by type. nla_parse without a
// policy bounds every attribute by `len` but silently skips a truncated
// last one: that is refused here. The typed checks are done by the callers.
template <std::size_t N>
bool ParseAttrs(nlattr* head, int len, nlattr* (&table)[N]) {
  nla_parse(table, N - 1, head, len, nullptr);
  const nlattr* attr = nullptr;
  int remaining = 0;
  nla_for_each_attr(attr, head, len, remaining) {}
  return remaining <= 0;
}

template <std::size_t N>
bool ParseNest(const nlattr* nest, nlattr* (&table)[N]) {
  return ParseAttrs(static_cast<nlattr*>(nla_data(nest)), nla_len(nest), table);
}

// The first u32 word of a compact bitset array. Its length must be a whole
// number of words that covers `size` bits.
bool BitsetWord(const nlattr* attr, std::uint32_t size, std::uint32_t* out) {
  const int len = nla_len(attr);
  if (len < 0 || len % 4 != 0) return false;
  const std::uint64_t bits = static_cast<std::uint64_t>(len) * 8;
  if (bits < size) return false;
  *out = 0;
  if (len >= 4) std::memcpy(out, nla_data(attr), 4);
  // Bits past SIZE must be clear (the kernel checks the same).
  if (size < 32 && len >= 4 && (*out >> size) != 0) return false;
  return true;
}

Result<EthtoolBitset> ParseBitset(const nlattr* nest) {
  nlattr* tb[ETHTOOL_A_BITSET_MAX + 1] = {};
  if (!ParseNest(nest, tb)) return Fail("bitset: attributes overrun the nest");
  EthtoolBitset bitset;
  bitset.nomask = tb[ETHTOOL_A_BITSET_NOMASK] != nullptr;
  if (tb[ETHTOOL_A_BITSET_NOMASK] != nullptr &&
      nla_len(tb[ETHTOOL_A_BITSET_NOMASK]) != 0)
    return Fail("bitset: NOMASK flag with a payload");
  if (tb[ETHTOOL_A_BITSET_SIZE] != nullptr &&
      !NlaU32(tb[ETHTOOL_A_BITSET_SIZE], &bitset.size))
    return Fail("bitset: SIZE is not a u32");

  if (tb[ETHTOOL_A_BITSET_VALUE] != nullptr) {
    bitset.compact = true;
    if (tb[ETHTOOL_A_BITSET_SIZE] == nullptr)
      return Fail("bitset: compact form without SIZE");
    if (!BitsetWord(tb[ETHTOOL_A_BITSET_VALUE], bitset.size, &bitset.value))
      return Fail("bitset: VALUE does not match SIZE");
    if (!bitset.nomask) {
      if (tb[ETHTOOL_A_BITSET_MASK] == nullptr)
        return Fail("bitset: compact form without MASK or NOMASK");
      if (nla_len(tb[ETHTOOL_A_BITSET_MASK]) !=
              nla_len(tb[ETHTOOL_A_BITSET_VALUE]) ||
          !BitsetWord(tb[ETHTOOL_A_BITSET_MASK], bitset.size, &bitset.mask))
        return Fail("bitset: MASK does not match VALUE");
    }
    return bitset;
  }

  if (tb[ETHTOOL_A_BITSET_BITS] == nullptr)
    return Fail("bitset: neither VALUE nor BITS");
  const nlattr* bits = tb[ETHTOOL_A_BITSET_BITS];
  const nlattr* bit = nullptr;
  int remaining = 0;
  nla_for_each_nested(bit, bits, remaining) {
    if (nla_type(bit) != ETHTOOL_A_BITSET_BITS_BIT) continue;
    nlattr* bt[ETHTOOL_A_BITSET_BIT_MAX + 1] = {};
    if (!ParseNest(bit, bt)) return Fail("bitset: a bit overruns its nest");
    std::uint32_t index = 0;
    if (bt[ETHTOOL_A_BITSET_BIT_INDEX] != nullptr) {
      if (!NlaU32(bt[ETHTOOL_A_BITSET_BIT_INDEX], &index))
        return Fail("bitset: BIT_INDEX is not a u32");
    } else if (bt[ETHTOOL_A_BITSET_BIT_NAME] != nullptr) {
      std::string name;
      if (!NlaString(bt[ETHTOOL_A_BITSET_BIT_NAME], &name))
        return Fail("bitset: BIT_NAME is not a string");
      index = UINT32_MAX;
      for (std::uint32_t i = 0; i < std::size(kWolModeNames); ++i)
        if (kWolModeNames[i] == name) index = i;
      if (index == UINT32_MAX) continue;  // a mode this code does not know
    } else {
      return Fail("bitset: a bit with neither index nor name");
    }
    if (bt[ETHTOOL_A_BITSET_BIT_VALUE] != nullptr &&
        nla_len(bt[ETHTOOL_A_BITSET_BIT_VALUE]) != 0)
      return Fail("bitset: BIT_VALUE flag with a payload");
    if (bitset.size != 0 && index >= bitset.size)
      return Fail(
          fmt::format("bitset: bit {} past SIZE {}", index, bitset.size));
    bitset.listed.push_back(index);
    if (index >= 32) continue;
    const std::uint32_t flag = 1u << index;
    // NOMASK: the listed bits are the value. Otherwise the listed bits are
    // the mask, and those with the VALUE flag are set.
    if (bitset.nomask || bt[ETHTOOL_A_BITSET_BIT_VALUE] != nullptr)
      bitset.value |= flag;
    if (!bitset.nomask) bitset.mask |= flag;
  }
  return bitset;
}

bool PutHeader(nl_msg* msg, const EthtoolDevice& device, std::uint32_t flags) {
  nlattr* header = nla_nest_start(msg, ETHTOOL_A_WOL_HEADER);
  if (header == nullptr) return false;
  if (device.index != 0 &&
      nla_put_u32(msg, ETHTOOL_A_HEADER_DEV_INDEX, device.index) < 0)
    return false;
  if (!device.name.empty() &&
      nla_put_string(msg, ETHTOOL_A_HEADER_DEV_NAME, device.name.c_str()) < 0)
    return false;
  if (flags != 0 && nla_put_u32(msg, ETHTOOL_A_HEADER_FLAGS, flags) < 0)
    return false;
  return nla_nest_end(msg, header) == 0;
}

NlMsgPtr StartRequest(int family_id, std::uint8_t cmd) {
  NlMsgPtr msg(nlmsg_alloc());
  if (!msg) return nullptr;
  if (genlmsg_put(msg.get(), NL_AUTO_PORT, NL_AUTO_SEQ, family_id, 0,
                  NLM_F_REQUEST | NLM_F_ACK, cmd,
                  ETHTOOL_GENL_VERSION) == nullptr)
    return nullptr;
  return msg;
}

}  // namespace

NlMsgPtr BuildWolGetRequest(int family_id, const EthtoolDevice& device) {
  NlMsgPtr msg = StartRequest(family_id, ETHTOOL_MSG_WOL_GET);
  if (!msg || !PutHeader(msg.get(), device, ETHTOOL_FLAG_COMPACT_BITSETS))
    return nullptr;
  return msg;
}

NlMsgPtr BuildWolSetRequest(int family_id, const EthtoolDevice& device,
                            std::uint32_t value, std::uint32_t change) {
  NlMsgPtr msg = StartRequest(family_id, ETHTOOL_MSG_WOL_SET);
  if (!msg || !PutHeader(msg.get(), device, 0)) return nullptr;
  nl_msg* m = msg.get();
  nlattr* modes = nla_nest_start(m, ETHTOOL_A_WOL_MODES);
  const std::uint32_t bits = value & change;
  if (modes == nullptr || nla_put_u32(m, ETHTOOL_A_BITSET_SIZE, 32) < 0 ||
      nla_put(m, ETHTOOL_A_BITSET_VALUE, sizeof(bits), &bits) < 0 ||
      nla_put(m, ETHTOOL_A_BITSET_MASK, sizeof(change), &change) < 0 ||
      nla_nest_end(m, modes) != 0)
    return nullptr;
  return msg;
}

Result<EthtoolWolMessage> ParseEthtoolWolMessage(
    std::span<const std::uint8_t> message) {
  const AlignedCopy copy(message);
  if (copy.size() < NLMSG_HDRLEN + GENL_HDRLEN)
    return Fail(fmt::format("message of {} bytes is too short", copy.size()));
  const auto* nlh = reinterpret_cast<const nlmsghdr*>(copy.data());
  if (nlh->nlmsg_len < NLMSG_HDRLEN + GENL_HDRLEN ||
      nlh->nlmsg_len > copy.size())
    return Fail(fmt::format("nlmsg_len {} does not fit the {} bytes",
                            nlh->nlmsg_len, copy.size()));
  if (nlh->nlmsg_type < NLMSG_MIN_TYPE)
    return Fail("not a generic netlink message");
  const auto* genl =
      reinterpret_cast<const genlmsghdr*>(copy.data() + NLMSG_HDRLEN);
  EthtoolWolMessage out;
  out.nlmsg_type = nlh->nlmsg_type;
  out.nlmsg_flags = nlh->nlmsg_flags;
  out.cmd = genl->cmd;
  out.version = genl->version;

  auto* attrs = reinterpret_cast<nlattr*>(
      const_cast<std::uint8_t*>(copy.data()) + NLMSG_HDRLEN + GENL_HDRLEN);
  const int attrs_len =
      static_cast<int>(nlh->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN);
  nlattr* tb[ETHTOOL_A_WOL_MAX + 1] = {};
  if (!ParseAttrs(attrs, attrs_len, tb))
    return Fail("an attribute overruns the message");

  if (const nlattr* header = tb[ETHTOOL_A_WOL_HEADER]; header != nullptr) {
    out.header_nested = IsNested(header);
    nlattr* hb[ETHTOOL_A_HEADER_MAX + 1] = {};
    if (!ParseNest(header, hb)) return Fail("header: attributes overrun it");
    if (hb[ETHTOOL_A_HEADER_DEV_INDEX] != nullptr &&
        !NlaU32(hb[ETHTOOL_A_HEADER_DEV_INDEX], &out.dev_index))
      return Fail("header: DEV_INDEX is not a u32");
    if (hb[ETHTOOL_A_HEADER_DEV_NAME] != nullptr &&
        !NlaString(hb[ETHTOOL_A_HEADER_DEV_NAME], &out.dev_name))
      return Fail("header: DEV_NAME is not a string");
    if (hb[ETHTOOL_A_HEADER_FLAGS] != nullptr &&
        !NlaU32(hb[ETHTOOL_A_HEADER_FLAGS], &out.header_flags))
      return Fail("header: FLAGS is not a u32");
  }
  if (const nlattr* modes = tb[ETHTOOL_A_WOL_MODES]; modes != nullptr) {
    out.modes_nested = IsNested(modes);
    Result<EthtoolBitset> bitset = ParseBitset(modes);
    if (!bitset) return Fail("modes: " + bitset.error());
    out.modes = std::move(bitset).value();
  }
  if (const nlattr* sopass = tb[ETHTOOL_A_WOL_SOPASS]; sopass != nullptr) {
    const int len = nla_len(sopass);
    if (len < 0 || len > 6) return Fail("SOPASS is longer than 6 bytes");
    const auto* data = static_cast<const std::uint8_t*>(nla_data(sopass));
    out.sopass.emplace(data, data + len);
  }
  return out;
}

Result<WolSettings> WolSettingsFromReply(const EthtoolWolMessage& reply) {
  if (reply.cmd != ETHTOOL_MSG_WOL_GET_REPLY)
    return Fail(fmt::format("command {} is not WOL_GET_REPLY", reply.cmd));
  if (!reply.modes) return Fail("the reply has no WoL modes");
  if (reply.modes->nomask)
    return Fail("the reply does not say which modes are supported");
  WolSettings settings;
  settings.supported = reply.modes->mask;
  settings.enabled = reply.modes->value & reply.modes->mask;
  return settings;
}

Result<NetlinkAck> ParseNetlinkAck(std::span<const std::uint8_t> message) {
  const AlignedCopy copy(message);
  const std::size_t fixed = NLMSG_HDRLEN + sizeof(nlmsgerr);
  if (copy.size() < fixed) return Fail("error message too short");
  const auto* nlh = reinterpret_cast<const nlmsghdr*>(copy.data());
  if (nlh->nlmsg_type != NLMSG_ERROR) return Fail("not an NLMSG_ERROR");
  if (nlh->nlmsg_len < fixed || nlh->nlmsg_len > copy.size())
    return Fail("nlmsg_len does not fit the message");
  const auto* err =
      reinterpret_cast<const nlmsgerr*>(copy.data() + NLMSG_HDRLEN);
  NetlinkAck ack;
  // The kernel sends -errno; a positive value is nonsense, kept as EIO.
  ack.error = (err->error > 0 || err->error < -4095) ? EIO : -err->error;
  if ((nlh->nlmsg_flags & NLM_F_ACK_TLVS) == 0) return ack;
  // After the nlmsgerr: the rest of the request unless capped, then the
  // extended-ack attributes.
  std::size_t offset = fixed;
  if ((nlh->nlmsg_flags & NLM_F_CAPPED) == 0) {
    if (err->msg.nlmsg_len < NLMSG_HDRLEN) return ack;
    offset += NLMSG_ALIGN(err->msg.nlmsg_len - NLMSG_HDRLEN);
  }
  if (offset >= nlh->nlmsg_len) return ack;
  auto* attrs = reinterpret_cast<nlattr*>(
      const_cast<std::uint8_t*>(copy.data()) + offset);
  nlattr* tb[NLMSGERR_ATTR_MAX + 1] = {};
  if (!ParseAttrs(attrs, static_cast<int>(nlh->nlmsg_len - offset), tb))
    return ack;  // the errno is what matters; drop a garbled text
  if (tb[NLMSGERR_ATTR_MSG] != nullptr)
    NlaString(tb[NLMSGERR_ATTR_MSG], &ack.text);
  return ack;
}

std::string WolModeLetters(std::uint32_t modes) {
  std::string letters;
  for (std::size_t i = 0; i + 1 < sizeof(kWolModeLetters); ++i)
    if ((modes & (1u << i)) != 0) letters += kWolModeLetters[i];
  return letters.empty() ? "d" : letters;
}

}  // namespace pxekit
