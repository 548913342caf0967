#pragma once
// Boot configs from a BootSpec: pure text generation, no file I/O. Every
// file carries pxe-mkcfg's marker line (marker.h). Paths are relative to the
// output root: the pxelinux working directory, or the TFTP root.

#include <optional>
#include <string>
#include <vector>

#include "bootcfg/boot_spec.h"
#include "util/ipv4.h"

namespace pxekit {

struct GeneratedFile {
  std::string path;  // relative, '/'-separated
  std::string content;
};

// pxelinux.cfg/default, or pxelinux.cfg/01-<mac> for each host.
std::vector<GeneratedFile> GeneratePxelinux(
    const BootSpec& spec, const std::vector<HostEntry>& hosts);

// How GRUB configs name the kernel and initrds (paths that start with '('
// or '$' are kept as given):
enum class GrubPathBase {
  // (tftp)/vmlinuz: the default server, the one DHCP named.
  kTftpDevice,
  // /vmlinuz: relative to $root, which the image's prefix set to
  // (tftp,SERVER) (pxe-mkcfg grub --server; grub_image.h). (tftp) would
  // mean the foreign DHCP server's address behind a proxyDHCP.
  kRoot,
};

// <prefix>/grub.cfg, or <prefix>/grub.cfg-01-<mac> for each host plus
// <prefix>/grub.cfg-<HEXIP> for each host with an IP. The prefix must stay
// under the root (CheckRelativePath).
std::vector<GeneratedFile> GenerateGrub(
    const BootSpec& spec, const std::vector<HostEntry>& hosts,
    const std::string& grub_prefix,
    GrubPathBase path_base = GrubPathBase::kTftpDevice);

// default.ipxe, which chains mac-<hexraw>.ipxe through ${net0/mac:hexraw}
// and boots the spec when there is none; plus mac-<hexraw>.ipxe for each
// host. With an `http_base` (ValidateHttpBase's result), the kernel and
// initrds are loaded from URLs under it (HttpBootUrl) instead of relative to
// the script; the chain stays relative to the script's own URI.
std::vector<GeneratedFile> GenerateIpxe(const BootSpec& spec,
                                        const std::vector<HostEntry>& hosts,
                                        const std::string& http_base = {});

// `pxe-mkcfg ipxe --http-base URL`: an http:// or https:// URL (the scheme in
// any case) naming a server, without blanks, control characters, quotes,
// backslashes, a query ('?') or a fragment ('#'), where every '%' starts a
// %XX escape. iPXE settings such as ${next-server} are kept as they are, for
// iPXE to expand. Returns it with the scheme in lowercase and exactly one
// trailing '/': the base is a directory, whether or not it ends in '/'.
// The message names the option.
Result<std::string> ValidateHttpBase(std::string_view url);

// PATH, a file under the boot tree's root (leading '/' ignored), as a URL
// under BASE (ValidateHttpBase's result). Characters a URL path cannot hold
// as they are ('%', '?', '#', quotes, '<', '>', '\', '^', '`', '|', '{',
// '}', non-ASCII) are %XX-escaped; ${name} settings are kept. A PATH that is
// a URL already is returned unchanged.
std::string HttpBootUrl(std::string_view base, std::string_view path);

struct DhcpdHostOptions {
  std::optional<Ipv4Addr> next_server;
  std::string filename;  // empty for none
};

// ISC dhcpd.conf host blocks; every host must have an IP. A host without a
// name is called host-<hexraw mac>.
std::string GenerateDhcpdHosts(const std::vector<HostEntry>& hosts,
                               const DhcpdHostOptions& options);

// The name a host gets in dhcpd.conf.
std::string DhcpdHostName(const HostEntry& host);

// A word quoted for GRUB's shell-like lexer, unchanged when it needs none.
std::string GrubQuote(std::string_view word);

// A path that starts with a GRUB variable ($prefix/vmlinuz, ${root}/x), in
// double quotes so that GRUB expands that variable; every other '$', '"'
// and backslash is escaped, so the rest stays literal (blanks and quotes
// included). Without a variable name after the leading '$', GrubQuote.
std::string GrubQuoteVariable(std::string_view path);

}  // namespace pxekit
