#include "configuration.h"

#include <algorithm>
#include <cerrno>
#include <optional>

#include <fmt/format.h>

#include "cli/exit_codes.h"
#include "dhcp/dhcp_options.h"
#include "dhcpconf/conf_check.h"
#include "dhcpconf/dhcpd_conf_parser.h"
#include "nl/interface_list.h"
#include "os/file.h"
#include "util/text.h"

namespace pxekit {
namespace {

std::vector<std::uint8_t> IpBytes(Ipv4Addr address) {
  std::uint32_t v = address.value();
  return {static_cast<std::uint8_t>(v >> 24),
          static_cast<std::uint8_t>(v >> 16), static_cast<std::uint8_t>(v >> 8),
          static_cast<std::uint8_t>(v)};
}

bool UsageError(ConfigurationError* error, std::string message) {
  error->exit_code = kExitUsage;
  error->message = std::move(message);
  return false;
}

bool ParseIpFlag(const std::string& flag, const std::string& text,
                 Ipv4Addr* out, ConfigurationError* error) {
  auto address = Ipv4Addr::Parse(text);
  if (!address)
    return UsageError(
        error,
        fmt::format("{} {}: {}", flag, QuoteForMessage(text), address.error()));
  *out = *address;
  return true;
}

SubnetDecl* AddFlagSubnet(DhcpdConf& conf, Ipv4Prefix network) {
  SubnetDecl subnet;
  subnet.prefix = network;
  subnet.pos = SourcePos{"--subnet", 0, 0};
  subnet.chain = {
      conf.NewScope(fmt::format("--subnet {}", network), subnet.pos)};
  conf.subnets.push_back(std::move(subnet));
  return &conf.subnets.back();
}

}  // namespace

bool LoadConfiguration(const DhcpdOptions& options, Configuration* out,
                       ConfigurationError* error) {
  Configuration config;
  bool from_file = !options.config.empty();
  if (from_file) {
    auto text = ReadFileContents(options.config);
    if (!text) {
      int err = text.failure().sys_errno;
      // A file too big to be a configuration (-c /dev/zero) is a bad
      // configuration, not bad data.
      error->exit_code = err == EFBIG ? kExitConfig : ExitCodeForFileErrno(err);
      error->message = fmt::format("{}: {}", options.config, text.error());
      return false;
    }
    IncludeLoader loader = [](const std::string& path) -> Result<std::string> {
      return ReadFileContents(path);
    };
    std::vector<ConfError> conf_errors;
    if (!ParseDhcpdConf(*text, options.config, loader, &config.conf,
                        &conf_errors)) {
      error->exit_code = kExitConfig;
      if (conf_errors.size() == 1) {
        error->message = conf_errors.front().Format();
        return false;
      }
      // Every error, then a count as the final word.
      for (const ConfError& e : conf_errors)
        error->earlier.push_back(e.Format());
      // The last entry may be "N more errors not shown".
      bool capped = conf_errors.back().line == 0;
      error->message = capped
                           ? fmt::format("{}: more than {} errors",
                                         options.config, conf_errors.size() - 1)
                           : fmt::format("{}: {} errors", options.config,
                                         conf_errors.size());
      return false;
    }
  }
  DhcpdConf& conf = config.conf;

  // Flags act as a last global statement: they override the file's global
  // parameters, not what a subnet, class or host sets.
  Params flags;
  Ipv4Addr address;
  if (!options.router.empty()) {
    if (!ParseIpFlag("--router", options.router, &address, error)) return false;
    flags.SetOption(dhcp_option::kRouters, IpBytes(address));
  }
  if (!options.dns.empty()) {
    std::vector<std::uint8_t> bytes;
    for (const std::string& dns : options.dns) {
      if (!ParseIpFlag("--dns", dns, &address, error)) return false;
      auto one = IpBytes(address);
      bytes.insert(bytes.end(), one.begin(), one.end());
    }
    flags.SetOption(dhcp_option::kDomainNameServers, std::move(bytes));
  }
  if (!options.domain.empty())
    flags.SetOption(dhcp_option::kDomainName,
                    {options.domain.begin(), options.domain.end()});
  if (options.lease_time != 0) {
    flags.default_lease_time = options.lease_time;
    if (options.lease_time > config.settings.max_lease_time)
      flags.max_lease_time = options.lease_time;
  }
  if (!options.next_server.empty()) {
    if (!ParseIpFlag("--next-server", options.next_server, &address, error))
      return false;
    flags.next_server = address;
  }
  // Without a file pxe-dhcpd owns the subnets it is given, as dnsmasq with
  // dhcp-authoritative; with a file, the file says (ISC's default is not).
  if (!from_file && !options.proxy) flags.authoritative = true;
  conf.global->items.push_back(Scope::Item{std::move(flags), std::nullopt});

  // --subnet and --range pair by address, not by order: a --range goes
  // into the subnet that holds it; with none, into the subnet of the
  // interface (among -i, else any) that has an address in the range.
  for (const std::string& text : options.subnets) {
    auto prefix = Ipv4Prefix::Parse(text);
    if (!prefix || text.find('/') == std::string::npos)
      return UsageError(error, fmt::format("--subnet {}: expected A.B.C.D/N",
                                           QuoteForMessage(text)));
    Ipv4Prefix network(prefix->Network(), prefix->length());
    for (const SubnetDecl& other : conf.subnets)
      if (other.prefix.Contains(network.address()) ||
          network.Contains(other.prefix.address()))
        return UsageError(
            error,
            fmt::format("--subnet {} overlaps subnet {} of {}", network,
                        other.prefix,
                        other.pos.line == 0 ? "--subnet" : options.config));
    AddFlagSubnet(conf, network);
  }
  std::optional<std::vector<Interface>> interfaces;
  for (const std::string& text : options.ranges) {
    auto range = Ipv4Range::Parse(text);
    if (!range)
      return UsageError(
          error,
          fmt::format("--range {}: {}", QuoteForMessage(text), range.error()));
    SubnetDecl* target = nullptr;
    for (SubnetDecl& subnet : conf.subnets)
      if (subnet.prefix.Contains(range->first())) target = &subnet;
    if (target == nullptr) {
      if (!interfaces) interfaces = ListInterfaces();
      std::optional<Ipv4Prefix> found;
      for (const Interface& interface : *interfaces) {
        if (!options.interfaces.empty() &&
            std::find(options.interfaces.begin(), options.interfaces.end(),
                      interface.name) == options.interfaces.end())
          continue;
        for (const Ipv4Prefix& prefix : interface.ipv4)
          if (prefix.Contains(range->first())) found = prefix;
        if (found) break;
      }
      if (!found)
        return UsageError(
            error,
            fmt::format("--range {}: no declared subnet holds it, and no "
                        "{}interface has an address in its network; give "
                        "--subnet",
                        text, options.interfaces.empty() ? "" : "named "));
      target =
          AddFlagSubnet(conf, Ipv4Prefix(found->Network(), found->length()));
    }
    if (!target->prefix.Contains(range->last()))
      return UsageError(error, fmt::format("--range {} is not inside subnet {}",
                                           text, target->prefix));
    target->ranges.push_back(
        RangeDecl{*range, false, SourcePos{"--range", 0, 0}});
  }
  for (const std::string& spec : options.hosts) {
    auto equals = spec.find('=');
    if (equals == std::string::npos)
      return UsageError(error, fmt::format("--host {}: expected MAC=IP[,NAME]",
                                           QuoteForMessage(spec)));
    auto mac = MacAddr::Parse(spec.substr(0, equals));
    if (!mac)
      return UsageError(error, fmt::format("--host {}: {}",
                                           QuoteForMessage(spec), mac.error()));
    std::string rest = spec.substr(equals + 1);
    std::string name;
    if (auto comma = rest.find(','); comma != std::string::npos) {
      name = rest.substr(comma + 1);
      rest.resize(comma);
    }
    if (!ParseIpFlag("--host", rest, &address, error)) return false;
    bool named = !name.empty();
    if (!named) name = "host-" + mac->ToString();
    for (const HostDecl& other : conf.hosts)
      if ((other.mac && *other.mac == *mac) || other.name == name)
        return UsageError(error,
                          fmt::format("--host {}: host {} is already "
                                      "declared",
                                      QuoteForMessage(spec), other.name));
    HostDecl host;
    host.name = name;
    host.mac = *mac;
    host.fixed_address = address;
    host.pos = SourcePos{"--host", 0, 0};
    Scope* scope =
        conf.NewScope(fmt::format("host {} (--host)", name), host.pos);
    if (named) {
      Params params;
      params.SetOption(dhcp_option::kHostName, {name.begin(), name.end()});
      scope->items.push_back(Scope::Item{std::move(params), std::nullopt});
    }
    host.chain = {scope};
    conf.hosts.push_back(std::move(host));
  }
  if (!from_file && !options.proxy && conf.subnets.empty())
    return UsageError(error,
                      "nothing to serve: give -c FILE, --subnet (with "
                      "--range or --host), or --proxy");

  for (std::string& warning : CheckDhcpdConf(conf))
    conf.warnings.push_back(std::move(warning));

  DhcpPolicySettings& settings = config.settings;
  settings.proxy = options.proxy;
  settings.boot.bios = options.filename;
  settings.boot.x64_efi = options.efi_filename;
  settings.boot.arm64_efi = options.arm64_filename;
  settings.boot.ipxe_script = options.ipxe_script;
  settings.boot.http_url = options.http_url;
  *out = std::move(config);
  return true;
}

}  // namespace pxekit
