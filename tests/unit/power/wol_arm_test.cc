#include "power/wol_arm.h"

#include <cerrno>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

namespace pxekit {
namespace {

constexpr std::uint32_t kUnicast = 1u << 1;
constexpr std::uint32_t kBroadcast = 1u << 3;
constexpr std::uint32_t kMagic = 1u << 5;

// A NIC as a backend sees it: its modes, and the errors its calls return.
class FakeWol final : public WolBackend {
 public:
  std::uint32_t supported = 0;
  std::uint32_t enabled = 0;
  int read_error = 0;
  int write_error = 0;
  std::string kernel_text;
  bool ioctl = false;
  std::vector<std::uint32_t> writes;  // `enabled` passed to each AddMagic

  int Read(std::uint32_t* s, std::uint32_t* e, std::string* detail) override {
    if (read_error != 0) {
      *detail = kernel_text;
      return read_error;
    }
    *s = supported;
    *e = enabled;
    return 0;
  }
  int AddMagic(std::uint32_t now, std::string* detail) override {
    writes.push_back(now);
    if (write_error != 0) {
      *detail = kernel_text;
      return write_error;
    }
    enabled = now | kMagic;
    return 0;
  }
  bool is_ioctl() const override { return ioctl; }
  const char* read_name() const override { return "READ"; }
  const char* write_name() const override { return "WRITE"; }
};

using Status = WolArmOutcome::Status;

}  // namespace

TEST_CASE("Arming adds magic and keeps the modes that were on",
          "[power][wol]") {
  FakeWol nic;
  nic.supported = 0x2f;  // p u m b g
  nic.enabled = kUnicast | kBroadcast;
  WolArmOutcome outcome = ArmMagicWakeOnLan("enp1s0", nic);
  CHECK(outcome.status == Status::kArmed);
  CHECK(outcome.ok());
  CHECK(outcome.sys_errno == 0);
  CHECK(outcome.modes_before == (kUnicast | kBroadcast));
  CHECK_FALSE(outcome.used_ioctl);
  REQUIRE(nic.writes == std::vector<std::uint32_t>{kUnicast | kBroadcast});
  CHECK(nic.enabled == (kUnicast | kBroadcast | kMagic));
  CHECK(outcome.message ==
        "enp1s0: armed Wake-on-LAN on a magic packet (wake on: ubg, was: ub)");

  FakeWol old_kernel;
  old_kernel.supported = kMagic;
  old_kernel.ioctl = true;
  outcome = ArmMagicWakeOnLan("eth0", old_kernel);
  CHECK(outcome.status == Status::kArmed);
  CHECK(outcome.used_ioctl);
  CHECK(outcome.message ==
        "eth0: armed Wake-on-LAN on a magic packet with the SIOCETHTOOL ioctl "
        "(wake on: g, was: d)");
}

TEST_CASE("A NIC armed already is left alone", "[power][wol]") {
  FakeWol nic;
  nic.supported = 0x2f;
  nic.enabled = kMagic;
  WolArmOutcome outcome = ArmMagicWakeOnLan("eth0", nic);
  CHECK(outcome.status == Status::kAlreadyArmed);
  CHECK(outcome.ok());
  CHECK(nic.writes.empty());
  CHECK(outcome.modes_before == kMagic);
  CHECK(outcome.message == "eth0: Wake-on-LAN was armed already (wake on: g)");
}

TEST_CASE("A NIC without magic among its modes cannot wake", "[power][wol]") {
  FakeWol nic;
  nic.supported = kUnicast | kBroadcast;  // "ub": no g
  WolArmOutcome outcome = ArmMagicWakeOnLan("eth0", nic);
  CHECK(outcome.status == Status::kNotSupported);
  CHECK_FALSE(outcome.ok());
  CHECK(outcome.sys_errno == EOPNOTSUPP);
  CHECK(nic.writes.empty());
  CHECK(outcome.message ==
        "eth0: NIC cannot wake on a magic packet (it supports: ub)");
}

TEST_CASE("Kernel errors map to plain outcomes", "[power][wol]") {
  struct Case {
    int error;
    bool on_write;
    Status status;
    const char* message;
  };
  const Case cases[] = {
      {EOPNOTSUPP, false, Status::kNotSupported,
       "veth0: NIC cannot wake on a magic packet: the driver has no "
       "Wake-on-LAN support (Operation not supported (kernel says))"},
      {ENODEV, false, Status::kNoDevice, "veth0: no such interface"},
      {EPERM, false, Status::kPermission,
       "veth0: Wake-on-LAN settings need CAP_NET_ADMIN: Operation not "
       "permitted (kernel says)"},
      {EACCES, true, Status::kPermission,
       "veth0: Wake-on-LAN settings need CAP_NET_ADMIN: Permission denied "
       "(kernel says)"},
      {EBUSY, true, Status::kFailed,
       "veth0: WRITE: Device or resource busy (kernel says)"},
      {EINVAL, false, Status::kFailed,
       "veth0: READ: Invalid argument (kernel says)"},
  };
  for (const Case& c : cases) {
    FakeWol nic;
    nic.supported = kMagic;
    nic.kernel_text = "kernel says";
    (c.on_write ? nic.write_error : nic.read_error) = c.error;
    WolArmOutcome outcome = ArmMagicWakeOnLan("veth0", nic);
    INFO("errno " << c.error);
    CHECK(outcome.status == c.status);
    CHECK(outcome.sys_errno == c.error);
    CHECK_FALSE(outcome.ok());
    CHECK(outcome.message == c.message);
    CHECK(nic.writes.size() == (c.on_write ? 1u : 0u));
  }
}

TEST_CASE("Names no kernel can hold are no device", "[power][wol]") {
  for (const std::string& name :
       {std::string(), std::string(16, 'e'), std::string("et\0h0", 5)}) {
    WolArmOutcome outcome = ArmMagicWakeOnLan(name);
    CHECK(outcome.status == Status::kNoDevice);
    CHECK(outcome.sys_errno == ENODEV);
  }
  CHECK(std::string(WolArmStatusName(Status::kNotSupported)) ==
        "not-supported");
  CHECK(std::string(WolArmStatusName(Status::kAlreadyArmed)) ==
        "already-armed");
}

}  // namespace pxekit
