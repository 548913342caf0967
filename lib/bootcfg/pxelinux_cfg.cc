#include "bootcfg/pxelinux_cfg.h"

#include <array>
#include <cctype>
#include <utility>

#include <fmt/format.h>

#include "util/ascii.h"
#include "util/line_list.h"
#include "util/text.h"

namespace pxekit {
namespace {

struct KeywordEntry {
  std::string_view name;
  PxeDirective directive;
};

// syslinux 6.04 com32/elflink/ldlinux/readconfig.c and syslinux.cfg.txt.
constexpr std::array kKeywords = {
    KeywordEntry{"DEFAULT", PxeDirective::kDefault},
    KeywordEntry{"UI", PxeDirective::kUi},
    KeywordEntry{"PROMPT", PxeDirective::kPrompt},
    KeywordEntry{"TIMEOUT", PxeDirective::kTimeout},
    KeywordEntry{"TOTALTIMEOUT", PxeDirective::kTotalTimeout},
    KeywordEntry{"ONTIMEOUT", PxeDirective::kOnTimeout},
    KeywordEntry{"ONERROR", PxeDirective::kOnError},
    KeywordEntry{"INCLUDE", PxeDirective::kInclude},
    KeywordEntry{"PATH", PxeDirective::kPath},
    KeywordEntry{"MENU", PxeDirective::kMenu},
    KeywordEntry{"TEXT", PxeDirective::kText},
    KeywordEntry{"LABEL", PxeDirective::kLabel},
    KeywordEntry{"KERNEL", PxeDirective::kKernel},
    KeywordEntry{"LINUX", PxeDirective::kLinux},
    KeywordEntry{"BOOT", PxeDirective::kBoot},
    KeywordEntry{"BSS", PxeDirective::kBss},
    KeywordEntry{"PXE", PxeDirective::kPxe},
    KeywordEntry{"FDIMAGE", PxeDirective::kFdimage},
    KeywordEntry{"COMBOOT", PxeDirective::kComboot},
    KeywordEntry{"COM32", PxeDirective::kCom32},
    KeywordEntry{"CONFIG", PxeDirective::kConfig},
    KeywordEntry{"LOCALBOOT", PxeDirective::kLocalboot},
    KeywordEntry{"APPEND", PxeDirective::kAppend},
    KeywordEntry{"INITRD", PxeDirective::kInitrd},
    KeywordEntry{"IPAPPEND", PxeDirective::kIpappend},
    KeywordEntry{"SYSAPPEND", PxeDirective::kSysappend},
    KeywordEntry{"SERIAL", PxeDirective::kMisc},
    KeywordEntry{"CONSOLE", PxeDirective::kMisc},
    KeywordEntry{"FONT", PxeDirective::kMisc},
    KeywordEntry{"KBDMAP", PxeDirective::kMisc},
    KeywordEntry{"DISPLAY", PxeDirective::kMisc},
    KeywordEntry{"SAY", PxeDirective::kMisc},
    KeywordEntry{"ALLOWOPTIONS", PxeDirective::kMisc},
    KeywordEntry{"IMPLICIT", PxeDirective::kMisc},
    KeywordEntry{"NOESCAPE", PxeDirective::kMisc},
    KeywordEntry{"NOCOMPLETE", PxeDirective::kMisc},
    KeywordEntry{"NOHALT", PxeDirective::kMisc},
    KeywordEntry{"SENDCOOKIES", PxeDirective::kMisc},
    KeywordEntry{"PXERETRY", PxeDirective::kMisc},
    KeywordEntry{"F1", PxeDirective::kMisc},
    KeywordEntry{"F2", PxeDirective::kMisc},
    KeywordEntry{"F3", PxeDirective::kMisc},
    KeywordEntry{"F4", PxeDirective::kMisc},
    KeywordEntry{"F5", PxeDirective::kMisc},
    KeywordEntry{"F6", PxeDirective::kMisc},
    KeywordEntry{"F7", PxeDirective::kMisc},
    KeywordEntry{"F8", PxeDirective::kMisc},
    KeywordEntry{"F9", PxeDirective::kMisc},
    KeywordEntry{"F10", PxeDirective::kMisc},
    KeywordEntry{"F11", PxeDirective::kMisc},
    KeywordEntry{"F12", PxeDirective::kMisc},
};

PxeDirective LookupKeyword(std::string_view word) {
  for (const KeywordEntry& entry : kKeywords)
    if (EqualsIgnoreAsciiCase(word, entry.name)) return entry.directive;
  return PxeDirective::kUnknown;
}

bool IsBlank(char c) { return c == ' ' || c == '\t'; }

}  // namespace

bool LoadsFile(PxeDirective directive) {
  switch (directive) {
    case PxeDirective::kKernel:
    case PxeDirective::kLinux:
    case PxeDirective::kBoot:
    case PxeDirective::kBss:
    case PxeDirective::kPxe:
    case PxeDirective::kFdimage:
    case PxeDirective::kComboot:
    case PxeDirective::kCom32:
    case PxeDirective::kConfig:
      return true;
    default:
      return false;
  }
}

bool IsKernelLike(PxeDirective directive) {
  return LoadsFile(directive) || directive == PxeDirective::kLocalboot;
}

std::string_view PxeDirectiveName(PxeDirective directive) {
  for (const KeywordEntry& entry : kKeywords)
    if (entry.directive == directive && directive != PxeDirective::kMisc)
      return entry.name;
  return directive == PxeDirective::kMisc ? "directive" : "unknown";
}

PxelinuxConfig ParsePxelinuxConfig(std::string_view text) {
  PxelinuxConfig config;
  std::size_t text_start = 0;  // line of an open TEXT block, 0 when none
  ForEachCheckedLine(
      text, kMaxPxelinuxLine, config.errors,
      [&](std::size_t number, std::string_view line) {
        std::size_t pos = 0;
        while (pos < line.size() && IsBlank(line[pos])) ++pos;
        std::size_t word_start = pos;
        while (pos < line.size() && !IsBlank(line[pos])) ++pos;
        std::string_view keyword = line.substr(word_start, pos - word_start);

        if (text_start != 0) {
          if (EqualsIgnoreAsciiCase(keyword, "ENDTEXT")) text_start = 0;
          return;
        }
        if (keyword.empty() || keyword.front() == '#') return;

        while (pos < line.size() && IsBlank(line[pos])) ++pos;
        std::string_view argument = TrimAsciiSpace(line.substr(pos));

        PxeLine entry;
        entry.number = number;
        entry.directive = LookupKeyword(keyword);
        entry.keyword = std::string(keyword);
        entry.argument = std::string(argument);
        entry.argument_column = argument.empty() ? 0 : pos + 1;

        if (entry.directive == PxeDirective::kText) text_start = number;
        if (entry.directive == PxeDirective::kLabel) {
          if (argument.empty())
            config.errors.push_back(
                {number, word_start + 1, "LABEL needs a name"});
          config.labels.push_back(PxeLabel{std::string(argument), number, {}});
        }
        if (!config.labels.empty() && entry.directive != PxeDirective::kLabel &&
            entry.directive != PxeDirective::kDefault &&
            entry.directive != PxeDirective::kUi &&
            entry.directive != PxeDirective::kPrompt &&
            entry.directive != PxeDirective::kTimeout &&
            entry.directive != PxeDirective::kTotalTimeout &&
            entry.directive != PxeDirective::kOnTimeout &&
            entry.directive != PxeDirective::kPath) {
          entry.label = static_cast<int>(config.labels.size()) - 1;
        } else if (entry.directive == PxeDirective::kLabel) {
          entry.label = static_cast<int>(config.labels.size()) - 1;
        }
        if (entry.label >= 0)
          config.labels[static_cast<std::size_t>(entry.label)]
              .directives.push_back(config.lines.size());
        config.lines.push_back(std::move(entry));
      });
  if (text_start != 0)
    config.errors.push_back(
        {text_start, 1, "TEXT block is never closed by ENDTEXT"});
  return config;
}

}  // namespace pxekit
