// DHCP messages: any bytes parse to a message or an error, never a crash;
// a parsed message re-encodes (padded to 300, within the limit) and parses
// back to the same message: every header field, sname, file, the cookie
// and every option with its bytes (RFC 3396 splitting and joining
// included). Only option order may change (82 goes last, RFC 3046), and a
// message that was cut short re-encodes whole.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "dhcp/dhcp_message.h"
#include "fuzz_check.h"

namespace {

using pxekit::DhcpMessage;
using pxekit::DhcpOption;

// Every decoded field, options sorted by code, as text: two messages are
// the same when their descriptions are.
std::string Describe(const DhcpMessage& m) {
  std::string out;
  auto add = [&out](const char* name, unsigned long long value) {
    out += std::string(name) + "=" + std::to_string(value) + " ";
  };
  add("op", m.op);
  add("htype", m.htype);
  add("hlen", m.hlen);
  add("hops", m.hops);
  add("xid", m.xid);
  add("secs", m.secs);
  add("flags", m.flags);
  add("ciaddr", m.ciaddr.value());
  add("yiaddr", m.yiaddr.value());
  add("siaddr", m.siaddr.value());
  add("giaddr", m.giaddr.value());
  out += "chaddr=";
  for (std::uint8_t b : m.chaddr) out += std::to_string(b) + ":";
  auto text = [](const std::string& field) {
    std::string shown;
    for (char c : field) {
      auto b = static_cast<unsigned char>(c);
      if (b >= 0x20 && b < 0x7f) {
        shown.push_back(c);
      } else {
        char escaped[8];
        std::snprintf(escaped, sizeof escaped, "\\x%02x", b);
        shown += escaped;
      }
    }
    return shown;
  };
  out += " sname=[" + text(m.sname) + "] file=[" + text(m.file) + "]";
  add(" cookie", m.has_cookie);
  std::vector<DhcpOption> options = m.options.list();
  std::stable_sort(
      options.begin(), options.end(),
      [](const DhcpOption& a, const DhcpOption& b) { return a.code < b.code; });
  for (const DhcpOption& option : options) {
    out += "\noption " + std::to_string(option.code) + " =";
    for (std::uint8_t b : option.data) out += " " + std::to_string(b);
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  using namespace pxekit;
  auto parsed = ParseDhcpMessage({data, size});
  if (!parsed) {
    FUZZ_CHECK(!parsed.error().empty());
    return 0;
  }
  const DhcpMessage& m = *parsed;
  (void)m.Type();
  (void)m.ClientArchs();
  auto encoded = EncodeDhcpMessage(m, kDhcpEthernetMaxSize);
  FUZZ_CHECK(encoded.ok());
  FUZZ_CHECK(encoded->bytes.size() >= kBootpMinimumSize);
  FUZZ_CHECK(encoded->bytes.size() <= kDhcpEthernetMaxSize);
  auto back = ParseDhcpMessage(encoded->bytes);
  FUZZ_CHECK(back.ok());
  FUZZ_CHECK(!back->truncated);
  if (encoded->dropped.empty()) {
    std::string before = Describe(m);
    std::string after = Describe(*back);
    if (before != after)
      std::fprintf(stderr, "decoded:\n%s\nre-encoded and decoded:\n%s\n",
                   before.c_str(), after.c_str());
    FUZZ_CHECK(before == after);
  } else {
    // Options that did not fit are gone; everything else is the same.
    DhcpMessage kept = m;
    for (std::uint8_t code : encoded->dropped) kept.options.Remove(code);
    FUZZ_CHECK(Describe(kept) == Describe(*back));
  }
  return 0;
}
