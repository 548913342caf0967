// Host lists (MAC [IP [NAME [LABEL]]]): any bytes give hosts and errors,
// never a crash; no line is both; a UTF-8 BOM in front changes nothing;
// generating every format from what was kept never fails, and what is
// generated passes `check` (issue 9: the generator never writes what its
// own checker rejects).
#include <cstdint>
#include <set>
#include <string>
#include <string_view>

#include "bootcfg/checker.h"
#include "bootcfg/generate.h"
#include "bootcfg/host_list.h"
#include "bootcfg/marker.h"
#include "fuzz_check.h"
#include "support/memory_tree.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  pxekit::HostList list = pxekit::ParseHostList(text, "fuzz");
  std::set<std::string> error_lines;
  for (const auto& error : list.errors)
    error_lines.insert("fuzz:" + std::to_string(error.line));
  for (const auto& host : list.hosts) {
    FUZZ_CHECK(error_lines.count(host.origin) == 0);
    FUZZ_CHECK(host.origin == "fuzz:" + std::to_string(host.line));
  }
  if (!text.starts_with("\xEF\xBB\xBF")) {
    std::string bom = "\xEF\xBB\xBF" + std::string(text);
    pxekit::HostList with_bom = pxekit::ParseHostList(bom, "fuzz");
    FUZZ_CHECK(with_bom.hosts.size() == list.hosts.size());
    FUZZ_CHECK(with_bom.errors.size() == list.errors.size());
  }
  pxekit::RemoveDuplicateHosts(list.hosts);
  pxekit::BootSpec spec;
  spec.kernel = "vmlinuz";
  // Generated once each: the provenance checks and the tree see the same
  // files (the target used to generate them twice).
  const auto pxelinux = pxekit::GeneratePxelinux(spec, list.hosts);
  const auto grub = pxekit::GenerateGrub(spec, list.hosts, "boot/grub");
  for (const auto& file : pxelinux)
    FUZZ_CHECK(pxekit::InspectProvenance(file.content) ==
               pxekit::Provenance::kOurs);
  for (const auto& file : grub)
    FUZZ_CHECK(pxekit::InspectProvenance(file.content) ==
               pxekit::Provenance::kOurs);
  pxekit::MemoryTree tree(
      {{"pxelinux.0", ""}, {"ldlinux.c32", ""}, {"vmlinuz", ""}});
  for (const auto& file : pxelinux) tree.Add(file.path, file.content);
  for (const auto& file : grub) tree.Add(file.path, file.content);
  for (const auto& file : pxekit::GenerateIpxe(spec, list.hosts))
    tree.Add(file.path, file.content);
  FUZZ_CHECK(pxekit::CheckBootTree(tree).empty());
  pxekit::GenerateDhcpdHosts(list.hosts, {});
  return 0;
}
