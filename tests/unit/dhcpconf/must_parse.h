#pragma once
// A dhcpd.conf text every DHCP unit test needs parsed: the parser's first
// error is the failure message.

#include <string>
#include <string_view>

#include <catch2/catch.hpp>

#include "dhcpconf/dhcpd_conf_parser.h"

namespace pxekit {

inline DhcpdConf MustParseConf(std::string_view text,
                               const std::string& file = "t.conf") {
  DhcpdConf conf;
  ConfError error;
  bool ok = ParseDhcpdConf(text, file, nullptr, &conf, &error);
  INFO(error.Format());
  REQUIRE(ok);
  return conf;
}

}  // namespace pxekit
