// Arming magic-packet WoL: the I/O around lib/nl/ethtool_wol (netlink) and
// the SIOCETHTOOL ioctl fallback. Reads the NIC's modes first, so that a NIC
// that cannot wake, or is armed already, is reported without a change.
#include "power/wol_arm.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include <fcntl.h>
#include <fmt/format.h>
#include <linux/ethtool.h>
#include <linux/ethtool_netlink.h>
#include <linux/netlink.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <netlink/errno.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/time.h>

#include "nl/ethtool_wol.h"
#include "nl/nl_ptr.h"
#include "os/unique_fd.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

namespace pxekit {
namespace {

using Status = WolArmOutcome::Status;

// The kernel answers at once; this only bounds a wait that cannot happen.
constexpr int kReceiveTimeoutSeconds = 5;
constexpr int kMaxReceives = 16;

Status StatusForErrno(int error) {
  switch (error) {
    case EOPNOTSUPP:
      return Status::kNotSupported;
    case ENODEV:
      return Status::kNoDevice;
    case EPERM:
    case EACCES:
      return Status::kPermission;
    default:
      return Status::kFailed;
  }
}

// Fills `outcome` for a failed call: status from errno, and a message that
// says what failed in words.
void FailWith(WolArmOutcome* outcome, const std::string& ifname,
              const char* what, int error, const std::string& detail) {
  outcome->status = StatusForErrno(error);
  outcome->sys_errno = error;
  const std::string why =
      detail.empty() ? std::strerror(error)
                     : fmt::format("{} ({})", std::strerror(error), detail);
  switch (outcome->status) {
    case Status::kNotSupported:
      outcome->message = fmt::format(
          "{}: NIC cannot wake on a magic packet: the driver has no "
          "Wake-on-LAN support ({})",
          ifname, why);
      break;
    case Status::kNoDevice:
      outcome->message = fmt::format("{}: no such interface", ifname);
      break;
    case Status::kPermission:
      outcome->message = fmt::format(
          "{}: Wake-on-LAN settings need CAP_NET_ADMIN: {}", ifname, why);
      break;
    default:
      outcome->message = fmt::format("{}: {}: {}", ifname, what, why);
      break;
  }
}

// After the NIC's current settings are known: done, or what to set.
bool DecideFromSettings(WolArmOutcome* outcome, const std::string& ifname,
                        const WolSettings& settings) {
  outcome->modes_before = settings.enabled;
  if ((settings.supported & kWolMagic) == 0) {
    outcome->status = Status::kNotSupported;
    outcome->sys_errno = EOPNOTSUPP;
    outcome->message =
        fmt::format("{}: NIC cannot wake on a magic packet (it supports: {})",
                    ifname, WolModeLetters(settings.supported));
    return true;
  }
  if ((settings.enabled & kWolMagic) != 0) {
    outcome->status = Status::kAlreadyArmed;
    outcome->message =
        fmt::format("{}: Wake-on-LAN was armed already (wake on: {})", ifname,
                    WolModeLetters(settings.enabled));
    return true;
  }
  return false;
}

void Armed(WolArmOutcome* outcome, const std::string& ifname, bool ioctl) {
  outcome->status = Status::kArmed;
  outcome->sys_errno = 0;
  outcome->message = fmt::format(
      "{}: armed Wake-on-LAN on a magic packet{} (wake on: {}, was: {})",
      ifname, ioctl ? " with the SIOCETHTOOL ioctl" : "",
      WolModeLetters(outcome->modes_before | kWolMagic),
      WolModeLetters(outcome->modes_before));
}

// ---- ethtool netlink ----

struct Exchange {
  int error = 0;     // errno: the kernel's, or of a local failure
  std::string text;  // the kernel's extended ack, or what failed locally
  std::vector<std::vector<std::uint8_t>> replies;  // non-error messages
};

int LibnlErrno(int nl_error) {
  switch (-nl_error) {
    case NLE_NOMEM:
      return ENOMEM;
    case NLE_AGAIN:
      return ETIMEDOUT;
    case NLE_PERM:
      return EPERM;
    default:
      return EIO;
  }
}

// Sends `msg` and collects the answers with its sequence number until the
// kernel's NLMSG_ERROR (an ACK when error is 0).
Exchange Transact(nl_sock* sock, nl_msg* msg) {
  Exchange exchange;
  if (int sent = nl_send_auto(sock, msg); sent < 0) {
    exchange.error = LibnlErrno(sent);
    exchange.text = fmt::format("send: {}", nl_geterror(sent));
    return exchange;
  }
  const std::uint32_t seq = nlmsg_hdr(msg)->nlmsg_seq;
  for (int round = 0; round < kMaxReceives; ++round) {
    sockaddr_nl peer{};
    unsigned char* raw = nullptr;
    const int n = nl_recv(sock, &peer, &raw, nullptr);
    std::unique_ptr<unsigned char, CFree<std::free>> buffer(raw);
    if (n <= 0) {
      exchange.error = n < 0 ? LibnlErrno(n) : EIO;
      exchange.text = fmt::format("receive: {}", nl_geterror(n));
      return exchange;
    }
    if (peer.nl_pid != 0) continue;  // only the kernel answers requests
    int remaining = n;
    for (auto* hdr = reinterpret_cast<nlmsghdr*>(buffer.get());
         nlmsg_ok(hdr, remaining); hdr = nlmsg_next(hdr, &remaining)) {
      if (hdr->nlmsg_seq != seq) continue;
      std::span<const std::uint8_t> bytes(
          reinterpret_cast<const std::uint8_t*>(hdr), hdr->nlmsg_len);
      if (hdr->nlmsg_type == NLMSG_ERROR) {
        Result<NetlinkAck> ack = ParseNetlinkAck(bytes);
        if (!ack) {
          exchange.error = EPROTO;
          exchange.text = ack.error();
        } else {
          exchange.error = ack->error;
          exchange.text = ack->text;
        }
        return exchange;
      }
      if (hdr->nlmsg_type == NLMSG_DONE) return exchange;
      if (hdr->nlmsg_type >= NLMSG_MIN_TYPE)
        exchange.replies.emplace_back(bytes.begin(), bytes.end());
    }
  }
  exchange.error = EPROTO;
  exchange.text = "the kernel never acknowledged";
  return exchange;
}

// Returns false when the netlink family is missing (the caller may fall
// back to the ioctl); true when `outcome` is final.
bool ArmWithNetlink(const std::string& ifname, const std::string& family_name,
                    WolArmOutcome* outcome) {
  NlSockPtr sock(nl_socket_alloc());
  if (!sock) {
    FailWith(outcome, ifname, "netlink socket", ENOMEM, "");
    return true;
  }
  if (int err = genl_connect(sock.get()); err < 0) {
    FailWith(outcome, ifname, "generic netlink", LibnlErrno(err),
             nl_geterror(err));
    return false;
  }
  const int fd = nl_socket_get_fd(sock.get());
  fcntl(fd, F_SETFD, FD_CLOEXEC);  // libnl sets it too; never leak it
  const int on = 1;
  setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &on, sizeof(on));
  const timeval timeout{kReceiveTimeoutSeconds, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));

  const int family = genl_ctrl_resolve(sock.get(), family_name.c_str());
  if (family < 0) {
    FailWith(outcome, ifname, "ethtool netlink", ENOENT,
             fmt::format("no \"{}\" generic netlink family: {}", family_name,
                         nl_geterror(family)));
    outcome->status = Status::kFailed;
    return false;
  }

  const EthtoolDevice device{ifname, 0};
  NlMsgPtr get = BuildWolGetRequest(family, device);
  if (!get) {
    FailWith(outcome, ifname, "ETHTOOL_MSG_WOL_GET", ENOMEM, "");
    return true;
  }
  Exchange got = Transact(sock.get(), get.get());
  if (got.error != 0) {
    FailWith(outcome, ifname, "ETHTOOL_MSG_WOL_GET", got.error, got.text);
    return true;
  }
  std::optional<WolSettings> settings;
  std::string bad_reply = "no reply";
  for (const auto& bytes : got.replies) {
    Result<EthtoolWolMessage> reply = ParseEthtoolWolMessage(bytes);
    if (!reply) {
      bad_reply = reply.error();
      continue;
    }
    Result<WolSettings> parsed = WolSettingsFromReply(*reply);
    if (!parsed) {
      bad_reply = parsed.error();
      continue;
    }
    settings = *parsed;
  }
  if (!settings) {
    FailWith(outcome, ifname, "ETHTOOL_MSG_WOL_GET_REPLY", EPROTO, bad_reply);
    return true;
  }
  if (DecideFromSettings(outcome, ifname, *settings)) return true;

  NlMsgPtr set = BuildWolSetRequest(family, device, kWolMagic, kWolMagic);
  if (!set) {
    FailWith(outcome, ifname, "ETHTOOL_MSG_WOL_SET", ENOMEM, "");
    return true;
  }
  Exchange done = Transact(sock.get(), set.get());
  if (done.error != 0) {
    FailWith(outcome, ifname, "ETHTOOL_MSG_WOL_SET", done.error, done.text);
    return true;
  }
  Armed(outcome, ifname, false);
  return true;
}

// ---- SIOCETHTOOL ----

void ArmWithIoctl(const std::string& ifname, WolArmOutcome* outcome) {
  outcome->used_ioctl = true;
  UniqueFd fd(socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (!fd) {
    FailWith(outcome, ifname, "socket", errno, "");
    return;
  }
  ifreq ifr{};
  std::memcpy(ifr.ifr_name, ifname.data(), ifname.size());
  ethtool_wolinfo wol{};
  wol.cmd = ETHTOOL_GWOL;
  ifr.ifr_data = reinterpret_cast<char*>(&wol);
  if (ioctl(fd.get(), SIOCETHTOOL, &ifr) < 0) {
    FailWith(outcome, ifname, "SIOCETHTOOL ETHTOOL_GWOL", errno, "");
    return;
  }
  if (DecideFromSettings(outcome, ifname,
                         WolSettings{wol.supported, wol.wolopts}))
    return;
  wol.cmd = ETHTOOL_SWOL;
  wol.wolopts |= WAKE_MAGIC;  // sopass stays what GWOL returned
  if (ioctl(fd.get(), SIOCETHTOOL, &ifr) < 0) {
    FailWith(outcome, ifname, "SIOCETHTOOL ETHTOOL_SWOL", errno, "");
    return;
  }
  Armed(outcome, ifname, true);
}

}  // namespace

WolArmOutcome ArmMagicWakeOnLan(const std::string& ifname) {
  return ArmMagicWakeOnLan(ifname, WolArmMethod::kAuto);
}

WolArmOutcome ArmMagicWakeOnLan(const std::string& ifname,
                                WolArmMethod method) {
  return ArmMagicWakeOnLan(ifname, method, ETHTOOL_GENL_NAME);
}

WolArmOutcome ArmMagicWakeOnLan(const std::string& ifname, WolArmMethod method,
                                const std::string& genl_family) {
  WolArmOutcome outcome;
  // A name the kernel cannot hold cannot name an interface.
  if (ifname.empty() || ifname.size() >= IFNAMSIZ ||
      ifname.find('\0') != std::string::npos) {
    outcome.status = Status::kNoDevice;
    outcome.sys_errno = ENODEV;
    outcome.message = fmt::format("'{}': not a valid interface name", ifname);
    return outcome;
  }
  try {
    if (method != WolArmMethod::kIoctl) {
      const bool final = ArmWithNetlink(ifname, genl_family, &outcome);
      if (final || method == WolArmMethod::kNetlink) return outcome;
    }
    ArmWithIoctl(ifname, &outcome);
  } catch (const std::exception& e) {  // bad_alloc from a string or vector
    outcome = WolArmOutcome{};
    outcome.status = Status::kFailed;
    outcome.sys_errno = ENOMEM;
    outcome.message = fmt::format("{}: {}", ifname, e.what());
  }
  return outcome;
}

const char* WolArmStatusName(WolArmOutcome::Status status) {
  switch (status) {
    case Status::kArmed:
      return "armed";
    case Status::kAlreadyArmed:
      return "already-armed";
    case Status::kNotSupported:
      return "not-supported";
    case Status::kNoDevice:
      return "no-device";
    case Status::kPermission:
      return "permission";
    case Status::kFailed:
      return "failed";
  }
  return "failed";
}

}  // namespace pxekit
