#include "util/ipv6.h"

#include "util/ipv4.h"

namespace pxekit {

namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

// glibc's inet_pton6, counting groups instead of storing them.
bool IsIpv6Address(std::string_view text) {
  constexpr int kGroups = 8;
  std::size_t i = 0;
  if (!text.empty() && text[0] == ':') {
    if (text.size() < 2 || text[1] != ':') return false;
    i = 1;
  }
  int groups = 0;  // stored so far
  bool double_colon = false;
  int digits = 0;  // of the group being read
  std::size_t token = i;
  for (; i < text.size(); ++i) {
    char c = text[i];
    if (HexValue(c) >= 0) {
      if (++digits > 4) return false;
      continue;
    }
    if (c == ':') {
      token = i + 1;
      if (digits == 0) {
        if (double_colon) return false;
        double_colon = true;
        continue;
      }
      if (i + 1 == text.size()) return false;
      if (groups + 1 > kGroups) return false;
      ++groups;
      digits = 0;
      continue;
    }
    if (c == '.' && groups + 2 <= kGroups &&
        Ipv4Addr::Parse(text.substr(token)).ok()) {
      groups += 2;
      digits = 0;
      i = text.size();
      break;
    }
    return false;
  }
  if (digits > 0) {
    if (groups + 1 > kGroups) return false;
    ++groups;
  }
  if (double_colon) return groups < kGroups;
  return groups == kGroups;
}

}  // namespace pxekit
