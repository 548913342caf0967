#pragma once
// pxelinux.cfg / syslinux.cfg files (syslinux 6.04 syslinux.cfg.txt,
// pxe-mkcfg(5)), parsed from memory. One directive a line, keyword first
// and case-insensitive, the rest of the line its argument; '#' starts a
// comment line (there are no trailing comments: APPEND takes everything).
// TEXT HELP ... ENDTEXT bodies are free text. The parser never fails: it
// keeps unknown keywords as kUnknown for the checker to report, and records
// structural errors with their line.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace pxekit {

enum class PxeDirective {
  kUnknown,
  // Global
  kDefault,
  kUi,
  kPrompt,
  kTimeout,
  kTotalTimeout,
  kOnTimeout,
  kOnError,
  kInclude,
  kPath,
  kMenu,  // MENU ...: menu.c32 reads it, ldlinux treats it as a comment
  kText,  // TEXT HELP ... ENDTEXT
  kMisc,  // known, nothing to check (SERIAL, CONSOLE, F1, SAY, ...)
  // Label blocks
  kLabel,
  kKernel,  // KERNEL: type by extension
  kLinux,
  kBoot,
  kBss,
  kPxe,
  kFdimage,
  kComboot,
  kCom32,
  kConfig,
  kLocalboot,
  kAppend,
  kInitrd,
  kIpappend,
  kSysappend,
};

// True for the directives that load a file named by their first word
// (KERNEL, LINUX, BOOT, BSS, PXE, FDIMAGE, COMBOOT, COM32, CONFIG): the one
// list of them.
bool LoadsFile(PxeDirective directive);
// True for the directives of which a LABEL must have exactly one: those
// that load a file, and LOCALBOOT.
bool IsKernelLike(PxeDirective directive);

struct PxeLine {
  std::size_t number = 0;  // 1-based
  PxeDirective directive = PxeDirective::kUnknown;
  std::string keyword;              // as written
  std::string argument;             // rest of the line, blanks trimmed
  std::size_t argument_column = 0;  // 1-based, 0 when there is none
  int label = -1;  // index into PxelinuxConfig::labels, -1 global
};

struct PxeLabel {
  std::string name;
  std::size_t line = 0;
  std::vector<std::size_t> directives;  // indices into PxelinuxConfig::lines
};

struct PxeSyntaxError {
  std::size_t line;
  std::size_t column;
  std::string message;
};

struct PxelinuxConfig {
  std::vector<PxeLine> lines;  // directives in file order (no comments)
  std::vector<PxeLabel> labels;
  std::vector<PxeSyntaxError> errors;
};

// syslinux reads lines of up to this many bytes; longer ones are reported.
inline constexpr std::size_t kMaxPxelinuxLine = 4096;

PxelinuxConfig ParsePxelinuxConfig(std::string_view text);

// The canonical (upper-case) spelling of a directive, for messages.
std::string_view PxeDirectiveName(PxeDirective directive);

}  // namespace pxekit
