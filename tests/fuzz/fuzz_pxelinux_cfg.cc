// pxelinux.cfg parser and checker: any bytes give directives, errors and
// findings, never a crash. Line numbers stay within the input; every LABEL
// block indexes real lines; the checker, given the input as
// pxelinux.cfg/default (and as an INCLUDE target, so loops are exercised),
// reports only real lines. The same bytes as an iPXE script (default.ipxe)
// exercise the iPXE checks. A UTF-8 BOM in front changes nothing.
#include <cstdint>
#include <string>
#include <string_view>

#include "bootcfg/checker.h"
#include "bootcfg/pxelinux_cfg.h"
#include "fuzz_check.h"
#include "support/memory_tree.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  const auto [text, lines] = pxekit::fuzz::FuzzText(data, size);

  pxekit::PxelinuxConfig config = pxekit::ParsePxelinuxConfig(text);
  for (const auto& error : config.errors) {
    FUZZ_CHECK(error.line >= 1 && error.line <= lines);
    FUZZ_CHECK(!error.message.empty());
  }
  std::size_t previous = 0;
  for (const auto& line : config.lines) {
    FUZZ_CHECK(line.number > previous && line.number <= lines);
    previous = line.number;
    FUZZ_CHECK(!line.keyword.empty());
    FUZZ_CHECK(line.label < static_cast<int>(config.labels.size()));
  }
  for (const auto& label : config.labels)
    for (std::size_t index : label.directives)
      FUZZ_CHECK(index < config.lines.size());

  pxekit::MemoryTree tree({{"pxelinux.cfg/default", text},
                           {"menu.cfg", text},
                           {"pxelinux.0", ""},
                           {"default.ipxe", text}});
  auto findings = pxekit::CheckBootTree(tree);
  for (const auto& finding : findings) {
    FUZZ_CHECK(!finding.message.empty());
    FUZZ_CHECK(finding.line <= lines);
  }
  if (!text.starts_with("\xEF\xBB\xBF")) {
    std::string bom = "\xEF\xBB\xBF" + text;
    pxekit::PxelinuxConfig with_bom = pxekit::ParsePxelinuxConfig(bom);
    FUZZ_CHECK(with_bom.lines.size() == config.lines.size());
    FUZZ_CHECK(with_bom.errors.size() == config.errors.size());
  }
  return 0;
}
