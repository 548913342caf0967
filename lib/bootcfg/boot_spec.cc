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
  if (auto kernel = CheckWord("--kernel", spec.kernel); !kernel)
    return kernel.failure();
  for (const std::string& initrd : spec.initrds) {
    if (auto checked = CheckWord("--initrd", initrd); !checked)
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
  if (spec.timeout_ds &&
      (*spec.timeout_ds < 0 || *spec.timeout_ds > kMaxPxelinuxTimeout))
    return Fail(fmt::format("--timeout {}: must be 0-{} tenths of a second",
                            *spec.timeout_ds, kMaxPxelinuxTimeout));
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
