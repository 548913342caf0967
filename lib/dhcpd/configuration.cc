#include "dhcpd/configuration.h"

#include <algorithm>

#include <fmt/format.h>

#include "dhcp/dhcp_options.h"
#include "dhcpconf/conf_check.h"
#include "util/ascii.h"
#include "util/text.h"

namespace pxekit {
namespace {

std::vector<std::uint8_t> IpBytes(Ipv4Addr address) {
  std::uint32_t v = address.value();
  return {static_cast<std::uint8_t>(v >> 24),
          static_cast<std::uint8_t>(v >> 16), static_cast<std::uint8_t>(v >> 8),
          static_cast<std::uint8_t>(v)};
}

bool Error(std::string* err, std::string message) {
  *err = std::move(message);
  return false;
}

bool ParseIpFlag(const std::string& flag, const std::string& text,
                 Ipv4Addr* out, std::string* err) {
  auto address = Ipv4Addr::Parse(text);
  if (!address)
    return Error(err, fmt::format("{} {}: {}", flag, QuoteForMessage(text),
                                  address.error()));
  *out = *address;
  return true;
}

// UEFI HTTP boot (HttpBootDxe) parses the boot file as an absolute URI and
// drops an offer whose file is not one, so a path such as "core.efi" would
// leave every HTTP client without a boot file and say nothing.
bool CheckHttpUrl(const std::string& text, std::string* err) {
  if (text.empty()) return true;
  auto fail = [&](std::string_view why) {
    return Error(err,
                 fmt::format("--http-url {}: {}", QuoteForMessage(text), why));
  };
  std::size_t scheme_end = text.find("://");
  std::string scheme =
      scheme_end == std::string::npos ? "" : text.substr(0, scheme_end);
  for (char& c : scheme) c = AsciiToLower(c);
  if (scheme != "http" && scheme != "https")
    return fail(
        "UEFI HTTP boot needs an absolute http:// or https:// URL (the "
        "firmware ignores an offer whose boot file is not one)");
  for (char c : text)
    if (static_cast<unsigned char>(c) <= 0x20 ||
        static_cast<unsigned char>(c) >= 0x7f)
      return fail(fmt::format("{} cannot appear in a URL", DescribeChar(c)));
  std::string_view host = std::string_view(text).substr(scheme_end + 3);
  host = host.substr(0, host.find('/'));
  if (host.empty()) return fail("names no server");
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

// The global parameters the flags set.
bool FlagParams(const DhcpdFlags& flags, bool from_file,
                const DhcpPolicySettings& defaults, Params* out,
                std::string* err) {
  Params& params = *out;
  Ipv4Addr address;
  if (!flags.router.empty()) {
    if (!ParseIpFlag("--router", flags.router, &address, err)) return false;
    params.SetOption(dhcp_option::kRouters, IpBytes(address));
  }
  if (!flags.dns.empty()) {
    std::vector<std::uint8_t> bytes;
    for (const std::string& dns : flags.dns) {
      if (!ParseIpFlag("--dns", dns, &address, err)) return false;
      auto one = IpBytes(address);
      bytes.insert(bytes.end(), one.begin(), one.end());
    }
    params.SetOption(dhcp_option::kDomainNameServers, std::move(bytes));
  }
  if (!flags.domain.empty())
    params.SetOption(dhcp_option::kDomainName,
                     {flags.domain.begin(), flags.domain.end()});
  if (flags.lease_time != 0) {
    params.default_lease_time = flags.lease_time;
    if (flags.lease_time > defaults.max_lease_time)
      params.max_lease_time = flags.lease_time;
  }
  if (!flags.next_server.empty()) {
    if (!ParseIpFlag("--next-server", flags.next_server, &address, err))
      return false;
    params.next_server = address;
  }
  // Without a file pxe-dhcpd owns the subnets it is given, as dnsmasq with
  // dhcp-authoritative; with a file, the file says (ISC's default is not).
  if (!from_file && !flags.proxy) params.authoritative = true;
  return true;
}

bool AddSubnets(const DhcpdFlags& flags, std::string_view config_path,
                DhcpdConf& conf, std::string* err) {
  for (const std::string& text : flags.subnets) {
    auto prefix = Ipv4Prefix::Parse(text);
    if (!prefix || text.find('/') == std::string::npos)
      return Error(err, fmt::format("--subnet {}: expected A.B.C.D/N",
                                    QuoteForMessage(text)));
    Ipv4Prefix network(prefix->Network(), prefix->length());
    for (const SubnetDecl& other : conf.subnets)
      if (other.prefix.Contains(network.address()) ||
          network.Contains(other.prefix.address()))
        return Error(
            err, fmt::format("--subnet {} overlaps subnet {} of {}", network,
                             other.prefix,
                             other.pos.line == 0 ? std::string_view("--subnet")
                                                 : config_path));
    AddFlagSubnet(conf, network);
  }
  return true;
}

// --subnet and --range pair by address, not by order: a --range goes into
// the subnet that holds it; with none, into the subnet of the interface
// (among -i, else any) that has an address in the range.
bool AddRanges(const DhcpdFlags& flags, const InterfaceLister& list_interfaces,
               DhcpdConf& conf, std::string* err) {
  std::optional<std::vector<Interface>> interfaces;
  for (const std::string& text : flags.ranges) {
    auto range = Ipv4Range::Parse(text);
    if (!range)
      return Error(err, fmt::format("--range {}: {}", QuoteForMessage(text),
                                    range.error()));
    SubnetDecl* target = nullptr;
    for (SubnetDecl& subnet : conf.subnets)
      if (subnet.prefix.Contains(range->first())) target = &subnet;
    if (target == nullptr) {
      if (!interfaces) interfaces = list_interfaces();
      std::optional<Ipv4Prefix> found;
      for (const Interface& interface : *interfaces) {
        if (!flags.interfaces.empty() &&
            std::find(flags.interfaces.begin(), flags.interfaces.end(),
                      interface.name) == flags.interfaces.end())
          continue;
        for (const Ipv4Prefix& prefix : interface.ipv4)
          if (prefix.Contains(range->first())) found = prefix;
        if (found) break;
      }
      if (!found)
        return Error(
            err, fmt::format("--range {}: no declared subnet holds it, and no "
                             "{}interface has an address in its network; give "
                             "--subnet",
                             text, flags.interfaces.empty() ? "" : "named "));
      target =
          AddFlagSubnet(conf, Ipv4Prefix(found->Network(), found->length()));
    }
    if (!target->prefix.Contains(range->last()))
      return Error(err, fmt::format("--range {} is not inside subnet {}", text,
                                    target->prefix));
    target->ranges.push_back(
        RangeDecl{*range, false, SourcePos{"--range", 0, 0}});
  }
  return true;
}

bool AddHosts(const DhcpdFlags& flags, DhcpdConf& conf, std::string* err) {
  Ipv4Addr address;
  for (const std::string& spec : flags.hosts) {
    auto equals = spec.find('=');
    if (equals == std::string::npos)
      return Error(err, fmt::format("--host {}: expected MAC=IP[,NAME]",
                                    QuoteForMessage(spec)));
    auto mac = MacAddr::Parse(spec.substr(0, equals));
    if (!mac)
      return Error(err, fmt::format("--host {}: {}", QuoteForMessage(spec),
                                    mac.error()));
    std::string rest = spec.substr(equals + 1);
    std::string name;
    if (auto comma = rest.find(','); comma != std::string::npos) {
      name = rest.substr(comma + 1);
      rest.resize(comma);
    }
    if (!ParseIpFlag("--host", rest, &address, err)) return false;
    bool named = !name.empty();
    if (!named) name = "host-" + mac->ToString();
    for (const HostDecl& other : conf.hosts)
      if ((other.mac && *other.mac == *mac) || other.name == name)
        return Error(err, fmt::format("--host {}: host {} is already declared",
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
  return true;
}

}  // namespace

bool ApplyFlags(const DhcpdFlags& flags, std::optional<DhcpdConf> file,
                std::string_view config_path,
                const InterfaceLister& list_interfaces, Configuration* out,
                std::string* err) {
  Configuration config;
  bool from_file = file.has_value();
  if (file) config.conf = std::move(*file);
  DhcpdConf& conf = config.conf;

  if (!CheckHttpUrl(flags.http_url, err)) return false;
  Params params;
  if (!FlagParams(flags, from_file, config.settings, &params, err))
    return false;
  conf.global->items.push_back(Scope::Item{std::move(params), std::nullopt});
  if (!AddSubnets(flags, config_path, conf, err) ||
      !AddRanges(flags, list_interfaces, conf, err) ||
      !AddHosts(flags, conf, err))
    return false;
  if (!from_file && !flags.proxy && conf.subnets.empty())
    return Error(err,
                 "nothing to serve: give -c FILE, --subnet (with --range or "
                 "--host), or --proxy");

  for (std::string& warning : CheckDhcpdConf(conf))
    conf.warnings.push_back(std::move(warning));

  DhcpPolicySettings& settings = config.settings;
  settings.proxy = flags.proxy;
  settings.boot.bios = flags.filename;
  settings.boot.x64_efi = flags.efi_filename;
  settings.boot.arm64_efi = flags.arm64_filename;
  settings.boot.ipxe_script = flags.ipxe_script;
  settings.boot.http_url = flags.http_url;
  *out = std::move(config);
  return true;
}

void SummarizeConfErrors(const std::vector<ConfError>& errors,
                         std::string_view config_path,
                         std::vector<std::string>* earlier,
                         std::string* message) {
  if (errors.size() == 1) {
    *message = errors.front().Format();
    return;
  }
  // Every error, then a count as the final word.
  for (const ConfError& e : errors) earlier->push_back(e.Format());
  // The last entry may be "N more errors not shown".
  bool capped = !errors.empty() && errors.back().line == 0;
  *message = capped ? fmt::format("{}: more than {} errors", config_path,
                                  errors.size() - 1)
                    : fmt::format("{}: {} errors", config_path, errors.size());
}

}  // namespace pxekit
