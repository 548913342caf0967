#include "bootcfg/secure_boot.h"

#include <algorithm>

#include <fmt/format.h>

#include "bootcfg/boot_tree.h"
#include "bootcfg/grub_cfg.h"
#include "bootcfg/pe_image.h"
#include "util/ascii.h"
#include "util/byte_reader.h"

namespace pxekit {
namespace {

bool IsEfiName(const std::string& path) {
  std::string base = BaseName(path);
  return base.size() > 4 &&
         EqualsIgnoreAsciiCase(base.substr(base.size() - 4), ".efi");
}

// A `linux` path as the signed GRUB resolves it, relative to the TFTP root:
// "/vmlinuz", "(tftp)/vmlinuz" and "(tftp,ADDR)/vmlinuz" all name
// "vmlinuz"; $prefix is (tftp,SERVER)/grub. Empty for what cannot be told
// (other variables, other devices).
std::string KernelPath(const GrubWord& word) {
  std::string text = word.text;
  if (text.starts_with("$prefix/") || text.starts_with("${prefix}/")) {
    text = std::string(kSignedGrubPrefix) + text.substr(text.find('/'));
  } else if (word.has_variable) {
    return "";
  } else if (text.starts_with("(")) {
    auto close = text.find(')');
    if (close == std::string::npos) return "";
    std::string device = text.substr(1, close - 1);
    if (device != "tftp" && !device.starts_with("tftp,")) return "";
    text = text.substr(close + 1);
  }
  while (text.starts_with("/")) text.erase(0, 1);
  return text;
}

void CheckLoader(const BootTree& tree, const std::string& path,
                 const std::string& what, std::vector<Finding>& findings) {
  auto content = tree.ReadFile(path);
  if (!content) {
    findings.push_back(
        {path, 0, fmt::format("cannot read it: {}", content.error())});
    return;
  }
  std::string problem = SecureBootLoaderProblem(AsBytes(*content));
  if (!problem.empty())
    findings.push_back({path, 0, fmt::format("{}: {}", what, problem)});
}

}  // namespace

SecureBootLayout PlanSecureBootLayout() {
  return {"shimx64.efi", std::string(kShimSecondStage),
          std::string(kSignedGrubPrefix)};
}

std::string SecureBootLoaderProblem(std::span<const std::uint8_t> image) {
  auto pe = ParsePeImage(image);
  if (!pe)
    return fmt::format(
        "not an EFI image ({}): Secure Boot loads only signed "
        "PE images",
        pe.error());
  switch (pe->signature) {
    case PeSignature::kAuthenticode:
      return "";
    case PeSignature::kNone:
      return "unsigned (a PE image without an Authenticode certificate "
             "table): Secure Boot firmware and shim refuse it";
    case PeSignature::kMalformed:
      break;
  }
  return fmt::format(
      "broken Authenticode signature ({}): Secure Boot "
      "firmware and shim refuse it",
      pe->signature_problem);
}

bool LooksLikeSecureBootTree(const BootTree& tree) {
  for (const std::string& path : tree.ListFiles())
    if (BaseName(path) == kShimSecondStage) return true;
  return false;
}

std::vector<Finding> CheckSecureBootTree(const BootTree& tree) {
  std::vector<Finding> findings;
  std::vector<std::string> files = tree.ListFiles();
  bool second_stage = false;
  std::vector<std::string> other_configs;
  for (const std::string& path : files) {
    if (BaseName(path) == kShimSecondStage) second_stage = true;
    if (IsEfiName(path)) CheckLoader(tree, path, "EFI loader", findings);
    if (BaseName(path) == "grub.cfg") other_configs.push_back(path);
  }
  if (!second_stage)
    findings.push_back(
        {std::string(kShimSecondStage), 0,
         "missing: shim loads its second stage (the signed GRUB) under this "
         "name from its own directory"});

  const std::string config(kSignedGrubConfig);
  std::erase_if(other_configs,
                [&](const std::string& path) { return path == config; });
  if (tree.IsFile(std::string(kSignedGrubUnseenConfig)))
    findings.push_back(
        {std::string(kSignedGrubUnseenConfig), 0,
         fmt::format("never read over TFTP: the signed GRUB sources it only "
                     "if `[ -e ]` finds it, which GRUB's network file system "
                     "never does; it reads {}",
                     config)});
  if (!tree.IsFile(config)) {
    std::string elsewhere;
    if (!other_configs.empty())
      elsewhere =
          fmt::format("; it never reads {}", fmt::join(other_configs, ", "));
    findings.push_back(
        {config, 0,
         fmt::format("missing: the signed GRUB (built-in prefix /{}) reads "
                     "its config from here{}",
                     kSignedGrubPrefix, elsewhere)});
    std::sort(findings.begin(), findings.end());
    return findings;
  }

  // The kernels it boots: shim verifies each one for GRUB.
  auto text = tree.ReadFile(config);
  if (text) {
    std::vector<std::string> kernels;
    for (const GrubCommand& command : ParseGrubConfig(*text).commands) {
      const std::string& verb = command.words.front().text;
      if ((verb != "linux" && verb != "linuxefi") || command.words.size() < 2)
        continue;
      std::string path = KernelPath(command.words[1]);
      if (path.empty() || !tree.IsFile(path)) continue;
      if (std::find(kernels.begin(), kernels.end(), path) != kernels.end())
        continue;
      kernels.push_back(path);
      CheckLoader(tree, path,
                  fmt::format("kernel booted by {}:{}", config, command.line),
                  findings);
    }
  }
  std::sort(findings.begin(), findings.end());
  findings.erase(std::unique(findings.begin(), findings.end()), findings.end());
  return findings;
}

}  // namespace pxekit
