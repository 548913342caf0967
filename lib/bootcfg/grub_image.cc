#include "bootcfg/grub_image.h"

#include <fmt/format.h>

namespace pxekit {

GrubNetImage PlanGrubNetImage(const Ipv4Addr& server,
                              const std::string& grub_prefix) {
  GrubNetImage plan;
  std::string base = grub_prefix.empty() ? std::string() : grub_prefix + "/";
  plan.module_dir = fmt::format("{}{}", base, kGrubEfiPlatform);
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
  std::vector<std::string> args = {"-O", std::string(kGrubEfiPlatform),
                                   "-d", module_source,
                                   "-o", output,
                                   "-p", image.prefix};
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
