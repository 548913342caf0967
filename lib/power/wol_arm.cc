// Arming magic-packet WoL: the I/O around lib/nl/ethtool_wol (netlink) and
// the SIOCETHTOOL ioctl fallback. Reads the NIC's modes first, so that a NIC
// that cannot wake, or is armed already, is reported without a change.
#include "power/wol_arm.h"

#include <algorithm>
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
#include "nl/nl_sock_ptr.h"
#include "os/unique_fd.h"
#include "util/enum_names.h"

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

struct FreeBuffer {
  void operator()(unsigned char* buffer) const { free(buffer); }
};

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
    std::unique_ptr<unsigned char, FreeBuffer> buffer(raw);
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

class NetlinkBackend final : public WolBackend {
 public:
  explicit NetlinkBackend(const std::string& ifname) : device_{ifname, 0} {}

  // Connects and resolves the family: 0, or an errno (ENOENT: no such
  // family, the kernel is too old or lacks CONFIG_ETHTOOL_NETLINK).
  int Open(const std::string& family_name, std::string* detail) {
    sock_.reset(nl_socket_alloc());
    if (!sock_) return ENOMEM;
    if (int err = genl_connect(sock_.get()); err < 0) {
      *detail = fmt::format("generic netlink: {}", nl_geterror(err));
      return LibnlErrno(err);
    }
    const int fd = nl_socket_get_fd(sock_.get());
    fcntl(fd, F_SETFD, FD_CLOEXEC);  // libnl sets it too; never leak it
    const int on = 1;
    setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &on, sizeof(on));
    const timeval timeout{kReceiveTimeoutSeconds, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
    family_ = genl_ctrl_resolve(sock_.get(), family_name.c_str());
    if (family_ < 0) {
      *detail = fmt::format("no \"{}\" generic netlink family: {}", family_name,
                            nl_geterror(family_));
      return ENOENT;
    }
    return 0;
  }

  int Read(std::uint32_t* supported, std::uint32_t* enabled,
           std::string* detail) override {
    NlMsgPtr get = BuildWolGetRequest(family_, device_);
    if (!get) return ENOMEM;
    Exchange got = Transact(sock_.get(), get.get());
    if (got.error != 0) {
      *detail = got.text;
      return got.error;
    }
    *detail = "no WOL_GET_REPLY";
    for (const auto& bytes : got.replies) {
      Result<EthtoolWolMessage> reply = ParseEthtoolWolMessage(bytes);
      Result<WolSettings> settings = reply
                                         ? WolSettingsFromReply(*reply)
                                         : Result<WolSettings>(reply.failure());
      if (!settings) {
        *detail = "WOL_GET_REPLY: " + settings.error();
        continue;
      }
      *supported = settings->supported;
      *enabled = settings->enabled;
      detail->clear();
      return 0;
    }
    return EPROTO;
  }

  int AddMagic(std::uint32_t /*enabled*/, std::string* detail) override {
    // Value/mask form: only magic changes, whatever else is on.
    NlMsgPtr set = BuildWolSetRequest(family_, device_, kWolMagic, kWolMagic);
    if (!set) return ENOMEM;
    Exchange done = Transact(sock_.get(), set.get());
    *detail = done.text;
    return done.error;
  }

  bool is_ioctl() const override { return false; }
  const char* read_name() const override { return "ETHTOOL_MSG_WOL_GET"; }
  const char* write_name() const override { return "ETHTOOL_MSG_WOL_SET"; }

 private:
  EthtoolDevice device_;
  NlSockPtr sock_;
  int family_ = -1;
};

// ---- SIOCETHTOOL ----

class IoctlBackend final : public WolBackend {
 public:
  explicit IoctlBackend(const std::string& ifname) : ifname_(ifname) {}

  int Open() {
    fd_ = UniqueFd(socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    return fd_ ? 0 : errno;
  }

  int Read(std::uint32_t* supported, std::uint32_t* enabled,
           std::string* /*detail*/) override {
    wol_ = ethtool_wolinfo{};
    wol_.cmd = ETHTOOL_GWOL;
    if (!Call()) return errno;
    *supported = wol_.supported;
    *enabled = wol_.wolopts;
    return 0;
  }

  int AddMagic(std::uint32_t enabled, std::string* /*detail*/) override {
    // The whole set is written: the modes read, plus magic; the SecureOn
    // password stays what GWOL returned.
    wol_.cmd = ETHTOOL_SWOL;
    wol_.wolopts = enabled | WAKE_MAGIC;
    return Call() ? 0 : errno;
  }

  bool is_ioctl() const override { return true; }
  const char* read_name() const override { return "SIOCETHTOOL ETHTOOL_GWOL"; }
  const char* write_name() const override { return "SIOCETHTOOL ETHTOOL_SWOL"; }

 private:
  bool Call() {
    ifreq ifr{};
    std::memcpy(ifr.ifr_name, ifname_.data(),
                std::min(ifname_.size(), sizeof(ifr.ifr_name) - 1));
    ifr.ifr_data = reinterpret_cast<char*>(&wol_);
    return ioctl(fd_.get(), SIOCETHTOOL, &ifr) == 0;
  }

  std::string ifname_;
  UniqueFd fd_;
  ethtool_wolinfo wol_{};
};

}  // namespace

WolArmOutcome ArmMagicWakeOnLan(const std::string& ifname) {
  return ArmMagicWakeOnLan(ifname, WolArmMethod::kAuto);
}

WolArmOutcome ArmMagicWakeOnLan(const std::string& ifname,
                                WolArmMethod method) {
  return ArmMagicWakeOnLan(ifname, method, ETHTOOL_GENL_NAME);
}

WolArmOutcome ArmMagicWakeOnLan(const std::string& ifname,
                                WolBackend& backend) {
  WolArmOutcome outcome;
  outcome.used_ioctl = backend.is_ioctl();
  std::uint32_t supported = 0;
  std::uint32_t enabled = 0;
  std::string detail;
  if (int err = backend.Read(&supported, &enabled, &detail); err != 0) {
    FailWith(&outcome, ifname, backend.read_name(), err, detail);
    return outcome;
  }
  outcome.modes_before = enabled;
  if ((supported & kWolMagic) == 0) {
    outcome.status = Status::kNotSupported;
    outcome.sys_errno = EOPNOTSUPP;
    outcome.message =
        fmt::format("{}: NIC cannot wake on a magic packet (it supports: {})",
                    ifname, WolModeLetters(supported));
    return outcome;
  }
  if ((enabled & kWolMagic) != 0) {
    outcome.status = Status::kAlreadyArmed;
    outcome.message =
        fmt::format("{}: Wake-on-LAN was armed already (wake on: {})", ifname,
                    WolModeLetters(enabled));
    return outcome;
  }
  if (int err = backend.AddMagic(enabled, &detail); err != 0) {
    FailWith(&outcome, ifname, backend.write_name(), err, detail);
    return outcome;
  }
  outcome.status = Status::kArmed;
  outcome.message = fmt::format(
      "{}: armed Wake-on-LAN on a magic packet{} (wake on: {}, was: {})",
      ifname, backend.is_ioctl() ? " with the SIOCETHTOOL ioctl" : "",
      WolModeLetters(enabled | kWolMagic), WolModeLetters(enabled));
  return outcome;
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
      NetlinkBackend netlink(ifname);
      std::string detail;
      const int err = netlink.Open(genl_family, &detail);
      if (err == 0) return ArmMagicWakeOnLan(ifname, netlink);
      if (method == WolArmMethod::kNetlink) {
        FailWith(&outcome, ifname, "ethtool netlink", err, detail);
        outcome.status = Status::kFailed;  // no family is not "no device"
        return outcome;
      }
      // kAuto: an old kernel; the ioctl does the same job.
    }
    IoctlBackend ioctl_backend(ifname);
    if (int err = ioctl_backend.Open(); err != 0) {
      FailWith(&outcome, ifname, "socket", err, "");
      outcome.used_ioctl = true;
      return outcome;
    }
    return ArmMagicWakeOnLan(ifname, ioctl_backend);
  } catch (const std::exception& e) {  // bad_alloc from a string or vector
    outcome = WolArmOutcome{};
    outcome.status = Status::kFailed;
    outcome.sys_errno = ENOMEM;
    outcome.message = fmt::format("{}: {}", ifname, e.what());
  }
  return outcome;
}

const char* WolArmStatusName(WolArmOutcome::Status status) {
  // In the order of Status; each a string literal, so data() ends in NUL.
  static constexpr std::array<std::string_view, 6> kNames = {
      "armed",     "already-armed", "not-supported",
      "no-device", "permission",    "failed"};
  static_assert(kNames.size() == EnumCount(Status::kFailed));
  return EnumName(status, kNames, "failed").data();
}

}  // namespace pxekit
