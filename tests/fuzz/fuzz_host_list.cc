// Host lists (MAC [IP [NAME [LABEL]]]): any bytes give hosts and errors,
// never a crash; no line is both; generating every format from what was
// kept never fails.
#include <cstdint>
#include <set>
#include <string>
#include <string_view>

#include "bootcfg/generate.h"
#include "bootcfg/host_list.h"
#include "bootcfg/marker.h"
#include "fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  pxekit::HostList list = pxekit::ParseHostList(text, "fuzz");
  std::set<std::string> error_lines;
  for (const auto& error : list.errors)
    error_lines.insert("fuzz:" + std::to_string(error.line));
  for (const auto& host : list.hosts)
    FUZZ_CHECK(error_lines.count(host.origin) == 0);
  pxekit::RemoveDuplicateHosts(list.hosts);
  pxekit::BootSpec spec;
  spec.kernel = "vmlinuz";
  for (const auto& file : pxekit::GeneratePxelinux(spec, list.hosts))
    FUZZ_CHECK(pxekit::InspectProvenance(file.content) ==
               pxekit::Provenance::kOurs);
  for (const auto& file : pxekit::GenerateGrub(spec, list.hosts, "boot/grub"))
    FUZZ_CHECK(pxekit::InspectProvenance(file.content) ==
               pxekit::Provenance::kOurs);
  pxekit::GenerateIpxe(spec, list.hosts);
  pxekit::GenerateDhcpdHosts(list.hosts, {});
  return 0;
}
