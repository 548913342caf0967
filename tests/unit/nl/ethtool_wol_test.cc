#include "nl/ethtool_wol.h"

#include <cerrno>
#include <cstring>
#include <random>
#include <vector>

#include <linux/ethtool_netlink.h>
#include <linux/netlink.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>

#include <catch2/catch.hpp>

namespace pxekit {
namespace {

constexpr int kFamily = 27;

std::vector<std::uint8_t> Bytes(nl_msg* msg) {
  const nlmsghdr* hdr = nlmsg_hdr(msg);
  const auto* data = reinterpret_cast<const std::uint8_t*>(hdr);
  return {data, data + hdr->nlmsg_len};
}

// The first attribute of `type` in the message's genetlink payload, read
// from the raw bytes (independent of the parser under test).
const nlattr* RawAttr(const std::vector<std::uint8_t>& bytes, int type) {
  const auto* hdr = reinterpret_cast<const nlmsghdr*>(bytes.data());
  return nlmsg_find_attr(const_cast<nlmsghdr*>(hdr), GENL_HDRLEN, type);
}

// A WOL_GET_REPLY as the kernel builds it; `put_modes` adds the modes nest.
template <typename PutModes>
std::vector<std::uint8_t> Reply(PutModes put_modes, int sopass_len = -1) {
  NlMsgPtr msg(nlmsg_alloc());
  REQUIRE(genlmsg_put(msg.get(), 0, 9, kFamily, 0, 0, ETHTOOL_MSG_WOL_GET_REPLY,
                      1) != nullptr);
  nlattr* header = nla_nest_start(msg.get(), ETHTOOL_A_WOL_HEADER);
  nla_put_u32(msg.get(), ETHTOOL_A_HEADER_DEV_INDEX, 3);
  nla_put_string(msg.get(), ETHTOOL_A_HEADER_DEV_NAME, "enp1s0");
  nla_nest_end(msg.get(), header);
  nlattr* modes = nla_nest_start(msg.get(), ETHTOOL_A_WOL_MODES);
  put_modes(msg.get());
  nla_nest_end(msg.get(), modes);
  if (sopass_len >= 0) {
    const std::uint8_t pass[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    nla_put(msg.get(), ETHTOOL_A_WOL_SOPASS, sopass_len, pass);
  }
  return Bytes(msg.get());
}

void PutCompact(nl_msg* msg, std::uint32_t size, std::uint32_t value,
                std::uint32_t mask) {
  nla_put_u32(msg, ETHTOOL_A_BITSET_SIZE, size);
  nla_put(msg, ETHTOOL_A_BITSET_VALUE, 4, &value);
  nla_put(msg, ETHTOOL_A_BITSET_MASK, 4, &mask);
}

struct VerboseBit {
  int index;  // -1: by name only
  const char* name;
  bool value;
};

void PutVerbose(nl_msg* msg, std::uint32_t size,
                const std::vector<VerboseBit>& bits, bool nomask) {
  if (nomask) nla_put_flag(msg, ETHTOOL_A_BITSET_NOMASK);
  nla_put_u32(msg, ETHTOOL_A_BITSET_SIZE, size);
  nlattr* list = nla_nest_start(msg, ETHTOOL_A_BITSET_BITS);
  for (const VerboseBit& bit : bits) {
    nlattr* one = nla_nest_start(msg, ETHTOOL_A_BITSET_BITS_BIT);
    if (bit.index >= 0)
      nla_put_u32(msg, ETHTOOL_A_BITSET_BIT_INDEX,
                  static_cast<std::uint32_t>(bit.index));
    if (bit.name != nullptr)
      nla_put_string(msg, ETHTOOL_A_BITSET_BIT_NAME, bit.name);
    if (bit.value) nla_put_flag(msg, ETHTOOL_A_BITSET_BIT_VALUE);
    nla_nest_end(msg, one);
  }
  nla_nest_end(msg, list);
}

// Appends bytes by resize and memcpy: GCC 12 at -O3 reports vector::insert
// at the end of this message as a memcpy out of bounds (a false positive
// that stopped `make check-release`).
void AppendBytes(std::vector<std::uint8_t>& out, const void* bytes,
                 std::size_t size) {
  const std::size_t at = out.size();
  out.resize(at + size);
  if (size != 0) std::memcpy(out.data() + at, bytes, size);
}

template <typename T>
void AppendObject(std::vector<std::uint8_t>& out, const T& object) {
  AppendBytes(out, &object, sizeof(object));
}

// An NLMSG_ERROR as the kernel sends it with NETLINK_EXT_ACK on: the
// request's header (capped) or whole request, then an NLMSGERR_ATTR_MSG.
std::vector<std::uint8_t> ErrorMessage(int error, const char* text,
                                       bool capped) {
  const std::vector<std::uint8_t> request = [] {
    NlMsgPtr get = BuildWolGetRequest(kFamily, {"veth0", 0});
    return Bytes(get.get());
  }();
  std::vector<std::uint8_t> out(NLMSG_HDRLEN);
  nlmsgerr err{};
  err.error = -error;
  std::memcpy(&err.msg, request.data(), sizeof(nlmsghdr));
  AppendObject(out, err);
  if (!capped)
    AppendBytes(out, request.data() + NLMSG_HDRLEN,
                request.size() - NLMSG_HDRLEN);
  std::uint16_t flags = capped ? NLM_F_CAPPED : 0;
  if (text != nullptr) {
    flags |= NLM_F_ACK_TLVS;
    const std::size_t len = NLA_HDRLEN + std::strlen(text) + 1;
    nlattr attr{static_cast<std::uint16_t>(len), NLMSGERR_ATTR_MSG};
    AppendObject(out, attr);
    AppendBytes(out, text, std::strlen(text) + 1);
    out.resize(NLMSG_ALIGN(out.size()), 0);
  }
  nlmsghdr hdr{static_cast<std::uint32_t>(out.size()), NLMSG_ERROR, flags, 1,
               0};
  std::memcpy(out.data(), &hdr, sizeof(hdr));
  return out;
}

}  // namespace

TEST_CASE("WOL_SET request adds magic and is parsed back", "[nl][wol]") {
  NlMsgPtr msg =
      BuildWolSetRequest(kFamily, {"enp1s0", 0}, kWolMagic, kWolMagic);
  REQUIRE(msg);
  const std::vector<std::uint8_t> bytes = Bytes(msg.get());

  // The nests carry NLA_F_NESTED, or the kernel answers EINVAL.
  const nlattr* header = RawAttr(bytes, ETHTOOL_A_WOL_HEADER);
  const nlattr* modes = RawAttr(bytes, ETHTOOL_A_WOL_MODES);
  REQUIRE(header != nullptr);
  REQUIRE(modes != nullptr);
  CHECK((header->nla_type & NLA_F_NESTED) != 0);
  CHECK((modes->nla_type & NLA_F_NESTED) != 0);
  CHECK(RawAttr(bytes, ETHTOOL_A_WOL_SOPASS) == nullptr);

  Result<EthtoolWolMessage> parsed = ParseEthtoolWolMessage(bytes);
  REQUIRE(parsed.ok());
  CHECK(parsed->nlmsg_type == kFamily);
  CHECK(parsed->nlmsg_flags == (NLM_F_REQUEST | NLM_F_ACK));
  CHECK(parsed->cmd == ETHTOOL_MSG_WOL_SET);
  CHECK(parsed->version == 1);
  CHECK(parsed->header_nested);
  CHECK(parsed->modes_nested);
  CHECK(parsed->dev_name == "enp1s0");
  CHECK(parsed->dev_index == 0);
  CHECK(parsed->header_flags == 0);
  REQUIRE(parsed->modes.has_value());
  // Value/mask form: only magic is changed, every other mode is kept.
  CHECK(parsed->modes->compact);
  CHECK_FALSE(parsed->modes->nomask);
  CHECK(parsed->modes->size == 32);
  CHECK(parsed->modes->value == kWolMagic);
  CHECK(parsed->modes->mask == kWolMagic);
  CHECK_FALSE(parsed->sopass.has_value());
}

TEST_CASE("WOL_SET request names the device by index too", "[nl][wol]") {
  NlMsgPtr msg = BuildWolSetRequest(
      kFamily, {"eth1", 7}, kWolMagic | kWolUnicast, kWolMagic | kWolBroadcast);
  REQUIRE(msg);
  Result<EthtoolWolMessage> parsed = ParseEthtoolWolMessage(Bytes(msg.get()));
  REQUIRE(parsed.ok());
  CHECK(parsed->dev_name == "eth1");
  CHECK(parsed->dev_index == 7);
  // A bit outside the change mask is never sent as set.
  CHECK(parsed->modes->value == kWolMagic);
  CHECK(parsed->modes->mask == (kWolMagic | kWolBroadcast));
}

TEST_CASE("WOL_GET request asks for compact bitsets and sends no modes",
          "[nl][wol]") {
  NlMsgPtr msg = BuildWolGetRequest(kFamily, {"eth0", 0});
  REQUIRE(msg);
  Result<EthtoolWolMessage> parsed = ParseEthtoolWolMessage(Bytes(msg.get()));
  REQUIRE(parsed.ok());
  CHECK(parsed->cmd == ETHTOOL_MSG_WOL_GET);
  CHECK(parsed->header_nested);
  CHECK(parsed->dev_name == "eth0");
  CHECK(parsed->header_flags == ETHTOOL_FLAG_COMPACT_BITSETS);
  CHECK_FALSE(parsed->modes.has_value());
  // A request is not a reply.
  CHECK_FALSE(WolSettingsFromReply(*parsed).ok());
}

TEST_CASE("WOL_GET_REPLY in compact form gives supported and enabled modes",
          "[nl][wol]") {
  // Supports p u m b g (0x2f), armed for u and g.
  const auto bytes = Reply(
      [](nl_msg* m) { PutCompact(m, 8, kWolUnicast | kWolMagic, 0x2f); }, 6);
  Result<EthtoolWolMessage> reply = ParseEthtoolWolMessage(bytes);
  REQUIRE(reply.ok());
  CHECK(reply->cmd == ETHTOOL_MSG_WOL_GET_REPLY);
  CHECK(reply->dev_index == 3);
  CHECK(reply->dev_name == "enp1s0");
  REQUIRE(reply->sopass.has_value());
  CHECK(*reply->sopass == std::vector<std::uint8_t>{1, 2, 3, 4, 5, 6});
  Result<WolSettings> settings = WolSettingsFromReply(*reply);
  REQUIRE(settings.ok());
  CHECK(settings->supported == 0x2f);
  CHECK(settings->enabled == (kWolUnicast | kWolMagic));
  CHECK(WolModeLetters(settings->supported) == "pumbg");
  CHECK(WolModeLetters(settings->enabled) == "ug");
  CHECK(WolModeLetters(0) == "d");
}

TEST_CASE("WOL_GET_REPLY in verbose form by index and by name", "[nl][wol]") {
  // Supported: phy, ucast, bcast, magic; enabled: bcast and magic (by name).
  const auto bytes = Reply([](nl_msg* m) {
    PutVerbose(m, 8,
               {{0, "phy", false},
                {1, nullptr, false},
                {3, "bcast", true},
                {-1, "magic", true},
                {-1, "futuremode", true}},
               false);
  });
  Result<EthtoolWolMessage> reply = ParseEthtoolWolMessage(bytes);
  REQUIRE(reply.ok());
  REQUIRE(reply->modes.has_value());
  CHECK_FALSE(reply->modes->compact);
  CHECK(reply->modes->listed == std::vector<std::uint32_t>{0, 1, 3, 5});
  CHECK_FALSE(reply->sopass.has_value());
  Result<WolSettings> settings = WolSettingsFromReply(*reply);
  REQUIRE(settings.ok());
  CHECK(settings->supported ==
        (kWolPhy | kWolUnicast | kWolBroadcast | kWolMagic));
  CHECK(settings->enabled == (kWolBroadcast | kWolMagic));
}

TEST_CASE("WOL_GET_REPLY without a mask does not say what is supported",
          "[nl][wol]") {
  const auto verbose = Reply([](nl_msg* m) {
    PutVerbose(m, 8, {{5, nullptr, false}}, true);
  });
  Result<EthtoolWolMessage> reply = ParseEthtoolWolMessage(verbose);
  REQUIRE(reply.ok());
  CHECK(reply->modes->nomask);
  CHECK(reply->modes->value == kWolMagic);  // listed = set under NOMASK
  CHECK_FALSE(WolSettingsFromReply(*reply).ok());

  const auto compact = Reply([](nl_msg* m) {
    nla_put_flag(m, ETHTOOL_A_BITSET_NOMASK);
    nla_put_u32(m, ETHTOOL_A_BITSET_SIZE, 8);
    const std::uint32_t value = kWolMagic;
    nla_put(m, ETHTOOL_A_BITSET_VALUE, 4, &value);
  });
  reply = ParseEthtoolWolMessage(compact);
  REQUIRE(reply.ok());
  CHECK(reply->modes->compact);
  CHECK_FALSE(WolSettingsFromReply(*reply).ok());
}

TEST_CASE("Malformed WOL replies are refused with a reason", "[nl][wol]") {
  auto refused = [](const std::vector<std::uint8_t>& bytes) {
    Result<EthtoolWolMessage> reply = ParseEthtoolWolMessage(bytes);
    if (reply.ok()) return false;
    CHECK_FALSE(reply.error().empty());
    return true;
  };
  // Compact VALUE of 3 bytes; VALUE without SIZE; MASK shorter than VALUE;
  // value bits past SIZE; neither VALUE nor BITS.
  CHECK(refused(Reply([](nl_msg* m) {
    nla_put_u32(m, ETHTOOL_A_BITSET_SIZE, 8);
    const std::uint8_t three[3] = {0x20, 0, 0};
    nla_put(m, ETHTOOL_A_BITSET_VALUE, 3, three);
    nla_put(m, ETHTOOL_A_BITSET_MASK, 3, three);
  })));
  CHECK(refused(Reply([](nl_msg* m) {
    const std::uint32_t v = kWolMagic;
    nla_put(m, ETHTOOL_A_BITSET_VALUE, 4, &v);
    nla_put(m, ETHTOOL_A_BITSET_MASK, 4, &v);
  })));
  CHECK(refused(Reply([](nl_msg* m) {
    nla_put_u32(m, ETHTOOL_A_BITSET_SIZE, 8);
    const std::uint64_t v = kWolMagic;
    const std::uint32_t mask = 0xff;
    nla_put(m, ETHTOOL_A_BITSET_VALUE, 8, &v);
    nla_put(m, ETHTOOL_A_BITSET_MASK, 4, &mask);
  })));
  CHECK(refused(Reply([](nl_msg* m) { PutCompact(m, 4, kWolMagic, 0xff); })));
  CHECK(refused(
      Reply([](nl_msg* m) { nla_put_u32(m, ETHTOOL_A_BITSET_SIZE, 8); })));
  // A verbose bit past SIZE, a bit with neither index nor name, an index
  // that is not a u32.
  CHECK(refused(Reply([](nl_msg* m) {
    PutVerbose(m, 8, {{9, nullptr, true}}, false);
  })));
  CHECK(refused(Reply([](nl_msg* m) {
    PutVerbose(m, 8, {{-1, nullptr, true}}, false);
  })));
  CHECK(refused(Reply([](nl_msg* m) {
    nla_put_u32(m, ETHTOOL_A_BITSET_SIZE, 8);
    nlattr* list = nla_nest_start(m, ETHTOOL_A_BITSET_BITS);
    nlattr* bit = nla_nest_start(m, ETHTOOL_A_BITSET_BITS_BIT);
    nla_put_u16(m, ETHTOOL_A_BITSET_BIT_INDEX, 5);
    nla_nest_end(m, bit);
    nla_nest_end(m, list);
  })));
  // A 7-byte SecureOn password.
  CHECK(
      refused(Reply([](nl_msg* m) { PutCompact(m, 8, kWolMagic, 0xff); }, 7)));

  // A device name without its NUL.
  NlMsgPtr msg(nlmsg_alloc());
  genlmsg_put(msg.get(), 0, 0, kFamily, 0, 0, ETHTOOL_MSG_WOL_GET_REPLY, 1);
  nlattr* header = nla_nest_start(msg.get(), ETHTOOL_A_WOL_HEADER);
  nla_put(msg.get(), ETHTOOL_A_HEADER_DEV_NAME, 4, "eth0");
  nla_nest_end(msg.get(), header);
  CHECK(refused(Bytes(msg.get())));

  // Shorter than the headers; nlmsg_len past the bytes; not genetlink.
  const auto good = Reply([](nl_msg* m) { PutCompact(m, 8, kWolMagic, 0xff); });
  CHECK(refused({good.begin(), good.begin() + 10}));
  auto longer = good;
  reinterpret_cast<nlmsghdr*>(longer.data())->nlmsg_len += 4;
  CHECK(refused(longer));
  auto control = good;
  reinterpret_cast<nlmsghdr*>(control.data())->nlmsg_type = NLMSG_ERROR;
  CHECK(refused(control));
  CHECK(refused({}));
}

TEST_CASE("Every truncation and corruption of a reply parses without a crash",
          "[nl][wol]") {
  const auto good = Reply(
      [](nl_msg* m) {
        PutVerbose(m, 8, {{1, "ucast", true}, {5, "magic", false}}, false);
      },
      6);
  REQUIRE(ParseEthtoolWolMessage(good).ok());
  // Cut short, with nlmsg_len patched to the cut: attributes now overrun.
  int refused = 0;
  for (std::size_t size = 0; size < good.size(); ++size) {
    std::vector<std::uint8_t> cut(good.begin(), good.begin() + size);
    if (size >= sizeof(nlmsghdr))
      reinterpret_cast<nlmsghdr*>(cut.data())->nlmsg_len =
          static_cast<std::uint32_t>(size);
    Result<EthtoolWolMessage> reply = ParseEthtoolWolMessage(cut);
    if (!reply.ok()) ++refused;
  }
  CHECK(refused > 0);
  // Random bytes over the attributes, at an odd offset in memory too.
  std::mt19937 random(20261129);
  for (int round = 0; round < 3000; ++round) {
    std::vector<std::uint8_t> bytes(good.size() + 1);
    std::copy(good.begin(), good.end(), bytes.begin() + 1);
    const int flips = 1 + static_cast<int>(random() % 6);
    for (int i = 0; i < flips; ++i)
      bytes[1 + NLMSG_HDRLEN + random() % (good.size() - NLMSG_HDRLEN)] =
          static_cast<std::uint8_t>(random());
    std::span<const std::uint8_t> odd(bytes.data() + 1, good.size());
    Result<EthtoolWolMessage> reply = ParseEthtoolWolMessage(odd);
    if (reply.ok()) {
      Result<WolSettings> settings = WolSettingsFromReply(*reply);
      if (settings.ok()) CHECK((settings->enabled & ~settings->supported) == 0);
    }
    (void)ParseNetlinkAck(odd);
  }
}

TEST_CASE("Kernel error answers give the errno and the extack text",
          "[nl][wol]") {
  for (bool capped : {true, false}) {
    Result<NetlinkAck> ack = ParseNetlinkAck(
        ErrorMessage(EOPNOTSUPP, "device does not support WoL", capped));
    REQUIRE(ack.ok());
    CHECK(ack->error == EOPNOTSUPP);
    CHECK(ack->text == "device does not support WoL");
  }
  Result<NetlinkAck> plain =
      ParseNetlinkAck(ErrorMessage(ENODEV, nullptr, true));
  REQUIRE(plain.ok());
  CHECK(plain->error == ENODEV);
  CHECK(plain->text.empty());
  Result<NetlinkAck> ok = ParseNetlinkAck(ErrorMessage(0, nullptr, false));
  REQUIRE(ok.ok());
  CHECK(ok->error == 0);

  // Truncated: short of the nlmsgerr, or cut inside the extack text.
  auto full = ErrorMessage(EPERM, "no permission", true);
  CHECK_FALSE(ParseNetlinkAck({full.begin(), full.begin() + 20}).ok());
  std::vector<std::uint8_t> cut(full.begin(), full.end() - 8);
  reinterpret_cast<nlmsghdr*>(cut.data())->nlmsg_len =
      static_cast<std::uint32_t>(cut.size());
  Result<NetlinkAck> partial = ParseNetlinkAck(cut);
  REQUIRE(partial.ok());
  CHECK(partial->error == EPERM);
  CHECK(partial->text.empty());
  // A positive error is nonsense from a kernel: kept as EIO.
  auto positive = ErrorMessage(0, nullptr, true);
  reinterpret_cast<nlmsgerr*>(positive.data() + NLMSG_HDRLEN)->error = 5;
  CHECK(ParseNetlinkAck(positive)->error == EIO);
  // Not an error message at all.
  const auto reply =
      Reply([](nl_msg* m) { PutCompact(m, 8, kWolMagic, 0xff); });
  CHECK_FALSE(ParseNetlinkAck(reply).ok());
}

}  // namespace pxekit
