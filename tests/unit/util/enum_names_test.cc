#include "util/enum_names.h"

#include <catch2/catch.hpp>

#include "dhcp/dhcp_message.h"
#include "dhcp/dhcp_options.h"
#include "lease/lease.h"

namespace pxekit {
namespace {

enum class Colour { kRed, kGreen, kBlue };
constexpr std::array<std::string_view, 3> kColourNames = {"red", "green",
                                                          "blue"};
static_assert(kColourNames.size() == EnumCount(Colour::kBlue));

}  // namespace

TEST_CASE("EnumName names each value and the unknown", "[util][enum_names]") {
  CHECK(EnumName(Colour::kRed, kColourNames, "?") == "red");
  CHECK(EnumName(Colour::kBlue, kColourNames, "?") == "blue");
  CHECK(EnumName(static_cast<Colour>(3), kColourNames, "?") == "?");
  CHECK(EnumName(static_cast<Colour>(-1), kColourNames, "?") == "?");
}

// The name tables that replaced switches keep every name at its value.
TEST_CASE("Enum name tables match their enums", "[util][enum_names]") {
  CHECK(DhcpMessageTypeName(DhcpMessageType::kBootp) == "BOOTREQUEST");
  CHECK(DhcpMessageTypeName(DhcpMessageType::kDiscover) == "DHCPDISCOVER");
  CHECK(DhcpMessageTypeName(DhcpMessageType::kNak) == "DHCPNAK");
  CHECK(DhcpMessageTypeName(DhcpMessageType::kInform) == "DHCPINFORM");
  CHECK(DhcpMessageTypeName(static_cast<DhcpMessageType>(9)) == "DHCP?");
  CHECK(OptionTypeName(OptionType::kBytes) == "string");
  CHECK(OptionTypeName(OptionType::kIpList) == "array of ip-address");
  CHECK(OptionTypeName(OptionType::kDomainList) == "domain-list");
  CHECK(LeaseStateName(LeaseState::kFree) == "free");
  CHECK(LeaseStateName(LeaseState::kAbandoned) == "abandoned");
  CHECK(LeaseStateName(LeaseState::kOffered) == "offered");
}

}  // namespace pxekit
