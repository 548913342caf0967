#include "bootcfg/grub_image.h"

#include <fmt/format.h>

#include <iterator>
#include <optional>

namespace pxekit {

namespace {
constexpr const GrubEfiPlatform* kGrubEfiPlatforms[] = {&kGrubX8664Efi,
                                                        &kGrubArm64Efi};
}  // namespace

const GrubEfiPlatform* FindGrubEfiPlatform(std::string_view name) {
  for (const GrubEfiPlatform* platform : kGrubEfiPlatforms)
    if (platform->name == name) return platform;
  return nullptr;
}

std::string GrubEfiPlatformNames() {
  std::string names;
  for (const GrubEfiPlatform* platform : kGrubEfiPlatforms) {
    if (!names.empty())
      names += platform == kGrubEfiPlatforms[std::size(kGrubEfiPlatforms) - 1]
                   ? " or "
                   : ", ";
    names += platform->name;
  }
  return names;
}

std::string GrubModinfoPlatform(std::string_view modinfo) {
  std::string cpu, platform;
  while (!modinfo.empty()) {
    std::size_t end = modinfo.find('\n');
    std::string_view line = modinfo.substr(0, end);
    modinfo = end == std::string_view::npos ? std::string_view()
                                            : modinfo.substr(end + 1);
    auto value = [&](std::string_view key) -> std::optional<std::string> {
      if (!line.starts_with(key)) return std::nullopt;
      std::string_view v = line.substr(key.size());
      // modinfo.sh is shell: the value may be quoted.
      if (v.size() >= 2 && v.front() == '\'' && v.back() == '\'')
        v = v.substr(1, v.size() - 2);
      return std::string(v);
    };
    if (auto v = value("grub_modinfo_target_cpu=")) cpu = *v;
    if (auto v = value("grub_modinfo_platform=")) platform = *v;
  }
  if (cpu.empty() || platform.empty()) return {};
  return cpu + "-" + platform;
}

GrubNetImage PlanGrubNetImage(const Ipv4Addr& server,
                              const std::string& grub_prefix,
                              const GrubEfiPlatform& platform) {
  GrubNetImage plan;
  std::string base = grub_prefix.empty() ? std::string() : grub_prefix + "/";
  plan.platform = std::string(platform.name);
  plan.module_dir = fmt::format("{}{}", base, platform.name);
  plan.image = plan.module_dir + "/core.efi";
  plan.prefix = fmt::format("(tftp,{})/{}", server.ToString(), grub_prefix);
  // What booted in the lab (reference/lab.md): the network stack, the
  // config reader and what a `linux`/`initrd` menu entry needs; grub-mkimage
  // adds their dependencies.
  plan.modules = {"efinet",     "tftp", "net",  "normal", "linux",
                  "configfile", "echo", "boot", "test"};
  return plan;
}

std::vector<std::string> GrubMkimageArguments(const GrubNetImage& image,
                                              const std::string& module_source,
                                              const std::string& output) {
  std::vector<std::string> args = {"-O", image.platform, "-d", module_source,
                                   "-o", output,         "-p", image.prefix};
  args.insert(args.end(), image.modules.begin(), image.modules.end());
  return args;
}

bool IsGrubModuleFile(std::string_view name) {
  auto base_ok = [&](std::string_view suffix) {
    return name.size() > suffix.size() && name.ends_with(suffix) &&
           name.find('/') == std::string_view::npos && !name.starts_with(".");
  };
  return base_ok(".mod") || base_ok(".lst");
}

}  // namespace pxekit
