// GRUB config lexer and checker: any bytes give commands and errors, never
// a crash; every command has a word and a line within the input; a UTF-8
// BOM in front changes nothing.
#include <cstdint>
#include <string>

#include "bootcfg/checker.h"
#include "bootcfg/grub_cfg.h"
#include "fuzz_check.h"
#include "support/memory_tree.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  const auto [text, lines] = pxekit::fuzz::FuzzText(data, size);
  pxekit::GrubConfig config = pxekit::ParseGrubConfig(text);
  for (const auto& command : config.commands) {
    FUZZ_CHECK(!command.words.empty());
    FUZZ_CHECK(command.line >= 1 && command.line <= lines);
  }
  for (const auto& error : config.errors)
    FUZZ_CHECK(error.line >= 1 && error.line <= lines);
  pxekit::MemoryTree tree({{"boot/grub/grub.cfg", text}});
  auto findings = pxekit::CheckBootTree(tree);
  for (const auto& finding : findings) FUZZ_CHECK(finding.line <= lines);
  if (!text.starts_with("\xEF\xBB\xBF")) {
    pxekit::GrubConfig with_bom =
        pxekit::ParseGrubConfig("\xEF\xBB\xBF" + text);
    FUZZ_CHECK(with_bom.commands.size() == config.commands.size());
    FUZZ_CHECK(with_bom.errors.size() == config.errors.size());
    pxekit::MemoryTree bom_tree(
        {{"boot/grub/grub.cfg", "\xEF\xBB\xBF" + text}});
    FUZZ_CHECK(pxekit::CheckBootTree(bom_tree) == findings);
  }
  return 0;
}
