#pragma once
// pxe-dhcpd's flags merged into its configuration: a pure function of the
// flags and the parsed -c FILE (no file, socket or netlink access; the
// interfaces come through a callback). Used at start, by -t and on SIGHUP.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dhcpconf/dhcpd_conf.h"
#include "dhcpconf/dhcpd_conf_parser.h"
#include "dhcpd/policy.h"
#include "nl/interface.h"

namespace pxekit {

// The flags that shape the configuration, as given (unparsed text).
struct DhcpdFlags {
  std::vector<std::string> interfaces;  // -i: where --range looks
  std::vector<std::string> subnets;     // --subnet, repeatable
  std::vector<std::string> ranges;      // --range, repeatable
  std::string router;
  std::vector<std::string> dns;
  std::string domain;
  std::uint32_t lease_time = 0;  // 0: not given
  std::string next_server;
  std::string filename;
  std::string efi_filename;
  std::string arm64_filename;
  std::string ipxe_script;
  std::string http_url;
  std::vector<std::string> hosts;  // MAC=IP[,NAME]
  bool proxy = false;
};

struct Configuration {
  DhcpdConf conf;
  DhcpPolicySettings settings;
};

// Called at most once, and only when a --range lies in no declared subnet.
using InterfaceLister = std::function<std::vector<Interface>()>;

// Applies `flags` over `file` (what -c FILE parsed to; nullopt without -c,
// `config_path` names it in messages). The flags act as a last global
// statement: they override the file's global parameters, not what a subnet,
// class or host sets. --subnet, --range and --host add declarations and
// fail on overlaps and duplicates. Every error is a usage error (a bad or
// conflicting flag): false with `err` set.
bool ApplyFlags(const DhcpdFlags& flags, std::optional<DhcpdConf> file,
                std::string_view config_path,
                const InterfaceLister& list_interfaces, Configuration* out,
                std::string* err);

// ParseDhcpdConf's errors as pxe-dhcpd reports them: one error as
// `message`; several as `earlier` (each of them) and a count as `message`.
void SummarizeConfErrors(const std::vector<ConfError>& errors,
                         std::string_view config_path,
                         std::vector<std::string>* earlier,
                         std::string* message);

}  // namespace pxekit
