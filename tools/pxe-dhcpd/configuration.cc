#include "configuration.h"

#include <fmt/format.h>

#include "cli/exit_codes.h"
#include "dhcp/dhcp_options.h"
#include "dhcpconf/dhcpd_conf_parser.h"
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

}  // namespace

bool LoadConfiguration(const DhcpdOptions& options, Configuration* out,
                       ConfigurationError* error) {
  Configuration config;
  bool from_file = !options.config.empty();
  if (from_file) {
    auto text = ReadFileContents(options.config);
    if (!text) {
      error->exit_code = ExitCodeForFileErrno(text.failure().sys_errno);
      error->message = fmt::format("{}: {}", options.config, text.error());
      return false;
    }
    IncludeLoader loader = [](const std::string& path) -> Result<std::string> {
      return ReadFileContents(path);
    };
    ConfError conf_error;
    if (!ParseDhcpdConf(*text, options.config, loader, &config.conf,
                        &conf_error)) {
      error->exit_code = kExitConfig;
      error->message = conf_error.Format();
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

  if (!options.subnet.empty()) {
    auto prefix = Ipv4Prefix::Parse(options.subnet);
    if (!prefix || options.subnet.find('/') == std::string::npos)
      return UsageError(error, fmt::format("--subnet {}: expected A.B.C.D/N",
                                           QuoteForMessage(options.subnet)));
    Ipv4Prefix network(prefix->Network(), prefix->length());
    for (const SubnetDecl& other : conf.subnets)
      if (other.prefix.Contains(network.address()) ||
          network.Contains(other.prefix.address()))
        return UsageError(error,
                          fmt::format("--subnet {} overlaps subnet {} "
                                      "of {}",
                                      network, other.prefix, options.config));
    SubnetDecl subnet;
    subnet.prefix = network;
    subnet.pos = SourcePos{"--subnet", 0, 0};
    subnet.chain = {
        conf.NewScope(fmt::format("--subnet {}", network), subnet.pos)};
    conf.subnets.push_back(std::move(subnet));
  }
  if (!options.range.empty()) {
    auto range = Ipv4Range::Parse(options.range);
    if (!range)
      return UsageError(
          error, fmt::format("--range {}: {}", QuoteForMessage(options.range),
                             range.error()));
    SubnetDecl* target = nullptr;
    for (SubnetDecl& subnet : conf.subnets)
      if (subnet.prefix.Contains(range->first())) target = &subnet;
    if (target == nullptr || !target->prefix.Contains(range->last()))
      return UsageError(error, fmt::format("--range {} is not inside a "
                                           "declared subnet (give --subnet)",
                                           options.range));
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

  ServerSettings& settings = config.settings;
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
