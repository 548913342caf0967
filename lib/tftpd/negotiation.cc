#include "tftpd/negotiation.h"

#include <algorithm>
#include <charconv>

#include <fmt/format.h>

#include "util/text.h"

namespace pxekit::tftp {
namespace {

// A plain unsigned decimal, at most 20 digits; nullopt otherwise.
std::optional<std::uint64_t> ParseDecimal(std::string_view text) {
  if (text.empty() || text.size() > 20) return std::nullopt;
  std::uint64_t value = 0;
  auto [end, ec] =
      std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size())
    return std::nullopt;
  return value;
}

}  // namespace

std::size_t WindowCost(std::size_t blksize) {
  // 4 TFTP + 8 UDP + 20 IP + 14 Ethernet + 320 skb_shared_info.
  std::size_t alloc = blksize + 366;
  std::size_t power = 512;
  while (power < alloc) power <<= 1;
  return power + 256;  // struct sk_buff
}

Result<Negotiated> Negotiate(const NegotiationRequest& request,
                             const ServerLimits& limits) {
  Negotiated result;
  static const std::vector<Option> kNone;
  const auto& options = request.options ? *request.options : kNone;
  // Values are fixed in a first pass (blksize first, since the window
  // depends on it); the OACK keeps the client's order.
  std::optional<std::size_t> window_requested;
  std::set<std::string> accepted;
  std::set<std::string> seen;
  for (const auto& option : options) {
    const std::string& name = option.name;
    if (limits.refused.count(name) != 0) continue;
    if (!seen.insert(name).second) continue;  // first occurrence wins
    if (name == "blksize") {
      auto value = ParseDecimal(option.value);
      if (!value || *value < kMinBlockSize)
        return Fail(fmt::format("blksize {} is not in {}-{}",
                                QuoteForMessage(option.value), kMinBlockSize,
                                kMaxBlockSize));
      result.blksize = static_cast<std::size_t>(
          std::min<std::uint64_t>({*value, kMaxBlockSize, limits.max_blksize}));
      accepted.insert(name);
    } else if (name == "timeout") {
      auto value = ParseDecimal(option.value);
      if (!value || *value < 1 || *value > 255)
        return Fail(fmt::format("timeout {} is not in 1-255",
                                QuoteForMessage(option.value)));
      if (std::chrono::seconds(*value) <= limits.max_timeout_option) {
        result.timeout_s = static_cast<int>(*value);
        accepted.insert(name);
      }
    } else if (name == "tsize") {
      if (request.netascii) continue;
      if (request.write) {
        auto value = ParseDecimal(option.value);
        if (!value) continue;
        result.tsize = *value;
      } else {
        // An empty file gets no tsize: curl rejects "tsize 0" in an OACK
        // and pxelinux takes it as a failed open; without it both read
        // until the short block.
        if (!request.file_size || *request.file_size == 0) continue;
        result.tsize = *request.file_size;
      }
      accepted.insert(name);
    } else if (name == "windowsize") {
      if (request.write) continue;  // uploads are acknowledged block by block
      auto value = ParseDecimal(option.value);
      if (!value || *value < 1)
        return Fail(fmt::format("windowsize {} is not in 1-65535",
                                QuoteForMessage(option.value)));
      window_requested =
          static_cast<std::size_t>(std::min<std::uint64_t>(*value, 65535));
      accepted.insert(name);
    }
  }
  if (window_requested) {
    std::size_t by_bytes = std::max<std::size_t>(
        1, limits.max_window_bytes / WindowCost(result.blksize));
    result.windowsize = std::max<std::size_t>(
        1, std::min({*window_requested, limits.max_window, by_bytes}));
  }
  seen.clear();
  for (const auto& option : options) {
    if (accepted.count(option.name) == 0 || !seen.insert(option.name).second)
      continue;
    std::string value;
    if (option.name == "blksize") value = std::to_string(result.blksize);
    // Echoed exactly as sent (RFC 2349: the OACK carries the client's value;
    // "064" is not rewritten to "64").
    if (option.name == "timeout") value = option.value;
    if (option.name == "tsize") value = std::to_string(*result.tsize);
    if (option.name == "windowsize") value = std::to_string(result.windowsize);
    result.oack.push_back(Option{option.name, value});
  }
  return result;
}

}  // namespace pxekit::tftp
