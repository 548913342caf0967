#include "bootcfg/boot_spec.h"

#include <fmt/format.h>

#include "util/text.h"

namespace pxekit {
namespace {

// Printable ASCII only; blanks only when `blanks_ok`. Returns the bad
// character's description, or empty.
std::string BadCharacter(std::string_view text, bool blanks_ok) {
  for (char c : text) {
    unsigned char u = static_cast<unsigned char>(c);
    if (c == ' ' && blanks_ok) continue;
    if (u <= 0x20 || u >= 0x7f) return DescribeChar(c);
  }
  return {};
}

Result<std::string> CheckWord(std::string_view option, std::string_view text) {
  if (text.empty()) return Fail(fmt::format("{}: must not be empty", option));
  if (auto bad = BadCharacter(text, false); !bad.empty())
    return Fail(fmt::format("{} {}: {} cannot appear in a boot config path",
                            option, QuoteForMessage(text), bad));
  return std::string(text);
}

// A file the loader fetches by TFTP: a ".." component is refused by
// pxe-tftpd, tftpd-hpa, dnsmasq and atftpd alike, so a config naming one
// could never boot (and `check` rejects it).
Result<std::string> CheckBootFile(std::string_view option,
                                  std::string_view text) {
  auto word = CheckWord(option, text);
  if (!word) return word;
  if (text.find("://") != std::string_view::npos) return word;
  std::string_view base = text.substr(text.rfind('/') + 1);
  if (base.starts_with("::")) base.remove_prefix(2);
  if (base.empty() || base == ".")
    return Fail(fmt::format("{} {}: names a directory, not a file", option,
                            QuoteForMessage(text)));
  std::string_view rest = text;
  while (!rest.empty()) {
    std::size_t slash = rest.find('/');
    if (rest.substr(0, slash) == ".." || rest.substr(0, slash) == "::..")
      return Fail(fmt::format(
          "{} {}: '..' leaves the directory, and TFTP servers refuse it; name "
          "the file from the TFTP root with a leading '/'",
          option, QuoteForMessage(text)));
    rest.remove_prefix(slash == std::string_view::npos ? rest.size()
                                                       : slash + 1);
  }
  return word;
}

}  // namespace

Result<std::string> ValidateLabel(std::string_view label) {
  if (label.empty()) return Fail("a label must not be empty");
  if (auto bad = BadCharacter(label, false); !bad.empty())
    return Fail(fmt::format("label {}: {} cannot appear in a label",
                            QuoteForMessage(label), bad));
  if (label.front() == '#')
    return Fail(fmt::format("label {}: must not start with '#'",
                            QuoteForMessage(label)));
  return std::string(label);
}

Result<BootSpec> ValidateBootSpec(BootSpec spec) {
  if (auto label = ValidateLabel(spec.label); !label)
    return Fail("--label: " + label.error());
  if (auto kernel = CheckBootFile("--kernel", spec.kernel); !kernel)
    return kernel.failure();
  for (const std::string& initrd : spec.initrds) {
    if (auto checked = CheckBootFile("--initrd", initrd); !checked)
      return checked.failure();
    if (initrd.find(',') != std::string::npos)
      return Fail(fmt::format(
          "--initrd {}: a comma separates initrds; give --initrd once for "
          "each",
          QuoteForMessage(initrd)));
  }
  if (auto bad = BadCharacter(spec.append, true); !bad.empty())
    return Fail(fmt::format("--append {}: {} cannot appear in a command line",
                            QuoteForMessage(spec.append), bad));
  spec.append = std::string(TrimAsciiSpace(spec.append));
  // pxelinux obeys only the last initrd= on its command line, so one in
  // --append would silently replace every --initrd.
  if (!spec.initrds.empty() &&
      (spec.append.starts_with("initrd=") ||
       spec.append.find(" initrd=") != std::string::npos))
    return Fail(fmt::format(
        "--append {}: initrd= would replace the --initrd files; give each "
        "initrd with --initrd",
        QuoteForMessage(spec.append)));
  if (!spec.nfsroot.empty()) {
    if (auto checked = CheckWord("--nfsroot", spec.nfsroot); !checked)
      return checked.failure();
    std::size_t colon = spec.nfsroot.find(':');
    if (colon == std::string::npos || colon == 0 ||
        colon + 1 >= spec.nfsroot.size() || spec.nfsroot[colon + 1] != '/')
      return Fail(fmt::format("--nfsroot {}: expected SERVER:/PATH",
                              QuoteForMessage(spec.nfsroot)));
  }
  if (spec.casper && spec.nfsroot.empty())
    return Fail("--casper boots a live system over NFS: give --nfsroot too");
  if (spec.timeout_s &&
      (*spec.timeout_s < 0 || *spec.timeout_s > kMaxTimeoutSeconds))
    return Fail(fmt::format("--timeout {}: must be 0-{} seconds",
                            *spec.timeout_s, kMaxTimeoutSeconds));
  // pxelinux's TIMEOUT 0 and iPXE's choose --timeout 0 wait for ever, GRUB's
  // timeout=0 boots at once: no loader can show a prompt and not wait.
  if (spec.timeout_s == 0 && (spec.prompt || spec.menu))
    return Fail(fmt::format(
        "--timeout 0 boots the default at once, so no {} could be shown; "
        "leave out --timeout to wait for ever, or give seconds",
        spec.menu ? "menu" : "prompt"));
  return spec;
}

Result<BootSpec> ValidateBootSpecFor(BootSpec spec, BootLoader loader) {
  if (loader == BootLoader::kPxelinux) return spec;
  auto check = [loader](std::string_view option,
                        const std::string& path) -> Result<std::string> {
    bool url = path.find("://") != std::string::npos;
    if (!url && path.find("::") != std::string::npos)
      return Fail(fmt::format(
          "{} {}: '::' is pxelinux's way to name a file from the TFTP root "
          "or on another server; {} takes a leading '/'",
          option, QuoteForMessage(path),
          loader == BootLoader::kGrub ? "GRUB" : "iPXE"));
    if (url && loader == BootLoader::kGrub)
      return Fail(
          fmt::format("{} {}: GRUB takes no URL; name a file over HTTP as "
                      "(http,SERVER)/PATH",
                      option, QuoteForMessage(path)));
    return path;
  };
  if (auto kernel = check("--kernel", spec.kernel); !kernel)
    return kernel.failure();
  for (const std::string& initrd : spec.initrds)
    if (auto checked = check("--initrd", initrd); !checked)
      return checked.failure();
  return spec;
}

std::string KernelArguments(const BootSpec& spec) {
  std::string args;
  auto add = [&args](std::string_view word) {
    if (word.empty()) return;
    if (!args.empty()) args.push_back(' ');
    args.append(word);
  };
  if (spec.casper) add("boot=casper netboot=nfs");
  if (!spec.nfsroot.empty())
    add(fmt::format("root=/dev/nfs nfsroot={} ip=dhcp", spec.nfsroot));
  add(spec.append);
  return args;
}

}  // namespace pxekit
