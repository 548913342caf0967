// ethtool netlink WoL messages (lib/nl/ethtool_wol.h): any bytes give a
// message or an error, never a crash, as a WOL message and as an
// NLMSG_ERROR answer. A GET_REPLY that yields settings never claims a mode
// enabled that is not supported. A WOL_SET request built from values taken
// from the input parses back to exactly those values.
//
// Seeds (corpus/fuzz_ethtool_wol) are little-endian netlink messages laid
// out as the kernel sends them (net/ethtool/wol.c, bitset.c): compact and
// verbose replies, requests as BuildWol*Request makes them, NLMSG_ERROR
// with and without extended-ack text, and truncated or overlong ones.
#include <cstdint>
#include <string>

#include "fuzz_check.h"
#include "nl/ethtool_wol.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  using namespace pxekit;
  std::span<const std::uint8_t> input(data, size);

  Result<EthtoolWolMessage> message = ParseEthtoolWolMessage(input);
  if (message.ok()) {
    Result<WolSettings> settings = WolSettingsFromReply(*message);
    if (settings.ok()) {
      FUZZ_CHECK((settings->enabled & ~settings->supported) == 0);
    } else {
      FUZZ_CHECK(!settings.error().empty());
    }
    if (message->sopass) FUZZ_CHECK(message->sopass->size() <= 6);
  } else {
    FUZZ_CHECK(!message.error().empty());
  }

  Result<NetlinkAck> ack = ParseNetlinkAck(input);
  if (ack.ok()) FUZZ_CHECK(ack->error >= 0 && ack->error <= 4095);

  // A request from the input's values: name (1-15 characters), index,
  // value and change mask.
  std::size_t at = 0;
  auto next = [&]() -> std::uint8_t {
    return size == 0 ? 0 : data[at++ % size];
  };
  auto next32 = [&]() {
    std::uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v = v << 8 | next();
    return v;
  };
  EthtoolDevice device;
  const std::size_t length = 1 + next() % 15;
  for (std::size_t i = 0; i < length; ++i)
    device.name += "abcdefghijklmnopqrstuvwxyz0123456789"[next() % 36];
  device.index = next32();
  const std::uint32_t value = next32();
  const std::uint32_t change = next32();
  const int family = 16 + next() % 1000;

  NlMsgPtr set = BuildWolSetRequest(family, device, value, change);
  FUZZ_CHECK(set != nullptr);
  const nlmsghdr* hdr = nlmsg_hdr(set.get());
  Result<EthtoolWolMessage> back = ParseEthtoolWolMessage(
      {reinterpret_cast<const std::uint8_t*>(hdr), hdr->nlmsg_len});
  FUZZ_CHECK(back.ok());
  FUZZ_CHECK(back->nlmsg_type == family);
  FUZZ_CHECK(back->header_nested && back->modes_nested);
  FUZZ_CHECK(back->dev_name == device.name);
  FUZZ_CHECK(back->dev_index == device.index);
  FUZZ_CHECK(back->modes && back->modes->compact && !back->modes->nomask);
  FUZZ_CHECK(back->modes->size == 32);
  FUZZ_CHECK(back->modes->value == (value & change));
  FUZZ_CHECK(back->modes->mask == change);
  FUZZ_CHECK(!back->sopass);
  return 0;
}
