#include "tftpd/config.h"

#include <algorithm>
#include <charconv>
#include <set>
#include <string_view>

#include <fmt/format.h>

#include "util/ascii.h"
#include "util/text.h"

namespace pxekit::tftp {
namespace {

std::optional<std::uint16_t> ParsePort(std::string_view text) {
  unsigned value = 0;
  auto [end, ec] =
      std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 1 ||
      value > 65535)
    return std::nullopt;
  return static_cast<std::uint16_t>(value);
}

}  // namespace

Result<ListenAddress> ParseListenAddress(const std::string& text) {
  ListenAddress out;
  // "[::1]:69", and "::1" or "fe80::1" (more than one colon) too.
  if (!text.empty() &&
      (text.front() == '[' || text.find(':') != text.rfind(':')))
    return Fail(
        fmt::format("--address {}: IPv6 is not supported; give an IPv4 address",
                    QuoteForMessage(text)));
  std::string_view host = text;
  std::size_t colon = host.rfind(':');
  if (colon != std::string_view::npos) {
    auto port = ParsePort(host.substr(colon + 1));
    if (!port)
      return Fail(fmt::format("--address {}: port is not in 1-65535",
                              QuoteForMessage(text)));
    out.port = *port;
    host = host.substr(0, colon);
  }
  if (!host.empty()) {
    auto address = Ipv4Addr::Parse(host);
    if (!address)
      return Fail(fmt::format("--address {}: {}", QuoteForMessage(text),
                              address.error()));
    out.address = *address;
  }
  return out;
}

Result<PortRange> ParsePortRange(const std::string& text) {
  std::size_t colon = text.find(':');
  std::optional<std::uint16_t> lo, hi;
  if (colon != std::string::npos) {
    lo = ParsePort(std::string_view(text).substr(0, colon));
    hi = ParsePort(std::string_view(text).substr(colon + 1));
  }
  if (!lo || !hi || *lo > *hi)
    return Fail(fmt::format(
        "--port-range {}: expected LO:HI with 1 <= LO <= HI <= 65535",
        QuoteForMessage(text)));
  return PortRange{*lo, *hi};
}

Result<unsigned> ParseUmask(const std::string& text) {
  unsigned value = 0;
  auto [end, ec] =
      std::from_chars(text.data(), text.data() + text.size(), value, 8);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() ||
      value > 0777)
    return Fail(fmt::format("--umask {}: expected an octal mask 0-777",
                            QuoteForMessage(text)));
  return value;
}

Result<TftpdConfig> MakeTftpdConfig(const TftpdFlags& flags,
                                    bool started_as_root) {
  TftpdConfig config;
  auto listen = ParseListenAddress(flags.address);
  if (!listen) return listen.failure();
  config.listen = *listen;
  if (!flags.port_range.empty()) {
    auto range = ParsePortRange(flags.port_range);
    if (!range) return range.failure();
    config.port_range = *range;
  }
  config.max_clients = static_cast<std::size_t>(flags.max_clients);
  if (flags.workers < 0)
    return Failure{"--workers: must be 0 (one per CPU) or more"};
  config.workers = static_cast<std::size_t>(flags.workers);
  ServerPolicy& policy = config.policy;
  policy.root = flags.root;
  policy.allow_write = flags.create;
  policy.limits.max_blksize = static_cast<std::size_t>(flags.blocksize);
  policy.limits.max_window = static_cast<std::size_t>(flags.max_window);
  policy.retransmit.initial = std::chrono::microseconds(flags.retransmit_us);
  // A client's timeout option is echoed only when it is no longer than our
  // own retransmit ceiling, in whole seconds.
  policy.limits.max_timeout_option = std::chrono::seconds(
      std::max<long>(1, (flags.retransmit_us + 999999) / 1000000));
  // As tftpd-hpa: a name it does not know is a usage error, so that a typo
  // ("-r blocksize") never leaves the option it meant negotiated. Its
  // blksize2, utimeout and rollover are taken (a tftpd-hpa command line
  // still starts); pxe-tftpd never grants them anyway.
  static const std::set<std::string> kRefusable = {
      "blksize",  "tsize",    "timeout", "windowsize",
      "blksize2", "utimeout", "rollover"};
  for (const std::string& given : flags.refuse) {
    std::string name = AsciiLower(given);
    if (!kRefusable.contains(name))
      return Failure{fmt::format(
          "--refuse {}: not a TFTP option (blksize, tsize, timeout or "
          "windowsize)",
          QuoteForMessage(given))};
    policy.limits.refused.insert(name);
  }
  if (!flags.umask.empty()) {
    auto mask = ParseUmask(flags.umask);
    if (!mask) return mask.failure();
    config.umask = *mask;
  } else if (!flags.permissive) {
    config.umask = 0;
  }
  config.user = flags.user.empty() && started_as_root ? "nobody" : flags.user;
  config.drop_privileges = started_as_root && !config.user.empty();
  config.user_ignored = !started_as_root && !config.user.empty();
  config.chroot = flags.secure && started_as_root;
  config.secure_ignored = flags.secure && !started_as_root;
  return config;
}

}  // namespace pxekit::tftp
