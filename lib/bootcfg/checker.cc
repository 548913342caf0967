#include "bootcfg/checker.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <map>
#include <optional>
#include <set>
#include <span>

#include <fmt/format.h>

#include "bootcfg/boot_spec.h"
#include "bootcfg/boot_tree.h"
#include "bootcfg/grub_cfg.h"
#include "bootcfg/names.h"
#include "bootcfg/pxelinux_cfg.h"
#include "bootcfg/tftp_path.h"
#include "util/ascii.h"
#include "util/text.h"

namespace pxekit {
namespace {

std::string FirstWord(std::string_view text) {
  std::size_t end = text.find_first_of(" \t");
  return std::string(text.substr(0, end));
}

std::vector<std::string> SplitOn(std::string_view text, std::string_view seps) {
  std::vector<std::string> parts;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    std::size_t end = text.find_first_of(seps, pos);
    if (end == std::string_view::npos) end = text.size();
    if (end > pos) parts.emplace_back(text.substr(pos, end - pos));
    pos = end + 1;
  }
  return parts;
}

bool EndsWithIgnoreCase(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() &&
         EqualsIgnoreAsciiCase(text.substr(text.size() - suffix.size()),
                               suffix);
}

// Decimal, 0x hex or 0 octal, as syslinux reads numbers.
std::optional<long> ParseSyslinuxNumber(std::string_view text) {
  int base = 10;
  if (text.starts_with("0x") || text.starts_with("0X")) {
    base = 16;
    text.remove_prefix(2);
  } else if (text.size() > 1 && text.front() == '0') {
    base = 8;
    text.remove_prefix(1);
  }
  bool negative = text.starts_with("-") && base == 10;
  if (negative) text.remove_prefix(1);
  if (text.empty()) return std::nullopt;
  long value = 0;
  auto [end, error] =
      std::from_chars(text.data(), text.data() + text.size(), value, base);
  if (error != std::errc() || end != text.data() + text.size())
    return std::nullopt;
  return negative ? -value : value;
}

struct Located {
  std::string file;
  const PxeLine* line;
};

class PxelinuxEntryChecker {
 public:
  PxelinuxEntryChecker(const BootTree& tree, std::string cwd,
                       std::set<Finding>& findings,
                       std::map<std::string, PxelinuxConfig>& parsed)
      : tree_(tree),
        cwd_(std::move(cwd)),
        findings_(findings),
        parsed_(parsed) {}

  void Check(const std::string& entry) {
    std::vector<std::string> stack;
    Walk(entry, stack);
    CollectPath();
    CheckLabels();
    for (const Located& at : flat_) CheckLine(at);
  }

 private:
  void Add(const std::string& file, std::size_t line, std::string message) {
    findings_.insert(Finding{file, line, std::move(message)});
  }

  const PxelinuxConfig* Parse(const std::string& file) {
    auto it = parsed_.find(file);
    if (it != parsed_.end()) return &it->second;
    auto content = tree_.ReadFile(file);
    if (!content) return nullptr;
    if (content->empty())
      Add(file, 0,
          "empty file: pxelinux treats a 0-byte config like a missing one");
    auto [inserted, ok] = parsed_.emplace(file, ParsePxelinuxConfig(*content));
    for (const PxeSyntaxError& error : inserted->second.errors)
      Add(file, error.line, error.message);
    return &inserted->second;
  }

  void Walk(const std::string& file, std::vector<std::string>& stack) {
    const PxelinuxConfig* config = Parse(file);
    if (!config) return;
    stack.push_back(file);
    for (const PxeLine& line : config->lines) {
      flat_.push_back(Located{file, &line});
      std::optional<std::string> include;
      if (line.directive == PxeDirective::kInclude) {
        include = FirstWord(line.argument);
      } else if (line.directive == PxeDirective::kMenu) {
        auto words = SplitOn(line.argument, " \t");
        if (words.size() >= 2 && EqualsIgnoreAsciiCase(words[0], "INCLUDE"))
          include = words[1];
      }
      if (!include) continue;
      if (include->empty()) {
        Add(file, line.number, "INCLUDE needs a file name");
        continue;
      }
      TftpPath path = ResolveTftpPath(cwd_, *include);
      if (path.kind == TftpPath::Kind::kRemote) continue;
      if (!CheckReference(file, line.number, "INCLUDE", *include, path))
        continue;
      if (std::find(stack.begin(), stack.end(), path.path) != stack.end()) {
        Add(file, line.number,
            fmt::format("INCLUDE {} includes itself (through {})",
                        QuoteForMessage(*include), path.path));
        continue;
      }
      if (stack.size() >= kMaxIncludeDepth) {
        Add(file, line.number,
            fmt::format("INCLUDE {} nests deeper than {} files",
                        QuoteForMessage(*include), kMaxIncludeDepth));
        continue;
      }
      Walk(path.path, stack);
    }
    stack.pop_back();
  }

  void CollectPath() {
    for (const Located& at : flat_)
      if (at.line->directive == PxeDirective::kPath)
        for (const std::string& dir : SplitOn(at.line->argument, " \t:"))
          path_dirs_.push_back(dir);
  }

  // Reports problems with the name itself; false when it cannot be found.
  bool CheckReference(const std::string& file, std::size_t line,
                      std::string_view what, const std::string& name,
                      const TftpPath& path) {
    if (path.has_dot_dot)
      Add(file, line,
          fmt::format("{} {}: '..' in a path is refused by pxe-tftpd, dnsmasq "
                      "and atftpd",
                      what, QuoteForMessage(name)));
    if (path.request_length > kMaxPxelinuxPath)
      Add(file, line,
          fmt::format("{} {}: the path pxelinux requests is {} characters; "
                      "keep it within {}",
                      what, QuoteForMessage(name), path.request_length,
                      kMaxPxelinuxPath));
    if (tree_.IsFile(path.path)) {
      CheckReadable(path.path, file, line, what, name);
      return true;
    }
    Add(file, line,
        fmt::format("{} {} is missing: no file '{}' under the TFTP root", what,
                    QuoteForMessage(name), path.path));
    return false;
  }

  void CheckReadable(const std::string& target, const std::string& file,
                     std::size_t line, std::string_view what,
                     const std::string& name) {
    if (tree_.IsWorldReadable(target)) return;
    Add(file, line,
        fmt::format("{} {}: '{}' is not world-readable, so tftpd-hpa "
                    "refuses to serve it",
                    what, QuoteForMessage(name), target));
  }

  void CheckFile(const Located& at, std::string_view what,
                 const std::string& name) {
    TftpPath path = ResolveTftpPath(cwd_, name);
    if (path.kind == TftpPath::Kind::kRemote) return;
    CheckReference(at.file, at.line->number, what, name, path);
  }

  // A .c32 module: the working directory first, then each PATH entry.
  bool ModuleExists(const std::string& name) const {
    if (tree_.IsFile(ResolveTftpPath(cwd_, name).path)) return true;
    if (name.find('/') != std::string::npos) return false;
    for (const std::string& dir : path_dirs_)
      if (tree_.IsFile(ResolveTftpPath(cwd_, dir + "/" + name).path))
        return true;
    return false;
  }

  void CheckModule(const Located& at, std::string_view what,
                   const std::string& name) {
    TftpPath path = ResolveTftpPath(cwd_, name);
    if (path.kind == TftpPath::Kind::kRemote) return;
    if (ModuleExists(name)) return;
    Add(at.file, at.line->number,
        fmt::format("{} {} is missing: not in '{}' nor in any PATH directory",
                    what, QuoteForMessage(name),
                    cwd_.empty() ? "the TFTP root" : cwd_));
  }

  void CheckLabels() {
    for (const Located& at : flat_) {
      if (at.line->directive != PxeDirective::kLabel ||
          at.line->argument.empty())
        continue;
      auto [it, inserted] = labels_.emplace(at.line->argument, at);
      if (!inserted)
        Add(at.file, at.line->number,
            fmt::format("duplicate LABEL {}: pxelinux uses the first, at {}:{}",
                        QuoteForMessage(at.line->argument), it->second.file,
                        it->second.line->number));
    }
    // Per block: one kernel-like line, not both INITRD and initrd=.
    std::set<std::string> seen_files;
    for (const Located& at : flat_) {
      if (!seen_files.insert(at.file).second) continue;
      const PxelinuxConfig& config = parsed_.at(at.file);
      for (const PxeLabel& label : config.labels) {
        const PxeLine* kernel = nullptr;
        const PxeLine* initrd = nullptr;
        const PxeLine* append_initrd = nullptr;
        for (std::size_t index : label.directives) {
          const PxeLine& line = config.lines[index];
          if (IsKernelLike(line.directive)) {
            if (kernel)
              Add(at.file, line.number,
                  fmt::format("LABEL {} has a second kernel line (the first "
                              "is on line {}); a label boots one thing",
                              QuoteForMessage(label.name), kernel->number));
            else
              kernel = &line;
          }
          if (line.directive == PxeDirective::kInitrd) initrd = &line;
          if (line.directive == PxeDirective::kAppend &&
              line.argument.find("initrd=") != std::string::npos)
            append_initrd = &line;
        }
        if (!kernel)
          Add(at.file, label.line,
              fmt::format("LABEL {} has no KERNEL, LINUX, COM32, CONFIG or "
                          "LOCALBOOT line",
                          QuoteForMessage(label.name)));
        if (initrd && append_initrd)
          Add(at.file, initrd->number,
              fmt::format("LABEL {} gives INITRD and also initrd= in APPEND "
                          "(line {}): use one",
                          QuoteForMessage(label.name), append_initrd->number));
      }
    }
  }

  // True when the directive has its argument `word`; else false, after
  // "WHAT needs a NOUN".
  bool Given(const Located& at, const std::string& word, std::string_view what,
             std::string_view noun) {
    if (!word.empty()) return true;
    Add(at.file, at.line->number, fmt::format("{} needs a {}", what, noun));
    return false;
  }

  void CheckTarget(const Located& at, std::string_view what) {
    std::string target = FirstWord(at.line->argument);
    if (!Given(at, target, what, "label")) return;
    if (labels_.count(target)) return;
    bool looks_like_file = target.find('.') != std::string::npos ||
                           target.find('/') != std::string::npos;
    if (looks_like_file && ModuleExists(target)) return;
    Add(at.file, at.line->number,
        looks_like_file ? fmt::format("{} {} names no LABEL and no such file",
                                      what, QuoteForMessage(target))
                        : fmt::format("{} {} names no LABEL", what,
                                      QuoteForMessage(target)));
  }

  void CheckInitrdList(const Located& at, std::string_view what,
                       std::string_view list) {
    for (const std::string& initrd : SplitOn(list, ","))
      CheckFile(at, what, initrd);
  }

  void CheckTimeout(const Located& at) {
    std::string_view name = PxeDirectiveName(at.line->directive);
    auto value = ParseSyslinuxNumber(FirstWord(at.line->argument));
    if (!value || *value < 0) {
      Add(at.file, at.line->number,
          fmt::format("{} {}: expected tenths of a second", name,
                      QuoteForMessage(at.line->argument)));
    } else if (*value > kMaxPxelinuxTimeout) {
      Add(at.file, at.line->number,
          fmt::format("{} {}: the largest is {} (just under an hour)", name,
                      *value, kMaxPxelinuxTimeout));
    } else if (*value > 0 && *value < 10) {
      Add(at.file, at.line->number,
          fmt::format("{} {} is {:.1f} seconds: pxelinux counts tenths of a "
                      "second",
                      name, *value, static_cast<double>(*value) / 10));
    }
  }

  void CheckLine(const Located& at) {
    const PxeLine& line = *at.line;
    const std::string& arg = line.argument;
    // The directives that load a file share one check.
    switch (LoadsFile(line.directive) ? PxeDirective::kKernel
                                      : line.directive) {
      case PxeDirective::kUnknown:
        Add(at.file, line.number,
            fmt::format("unknown directive {}", QuoteForMessage(line.keyword)));
        break;
      case PxeDirective::kDefault:
        CheckTarget(at, "DEFAULT");
        break;
      case PxeDirective::kOnTimeout:
        CheckTarget(at, "ONTIMEOUT");
        break;
      case PxeDirective::kUi:
        if (Given(at, arg, "UI", "module name"))
          CheckModule(at, "UI", FirstWord(arg));
        break;
      case PxeDirective::kTimeout:
      case PxeDirective::kTotalTimeout:
        CheckTimeout(at);
        break;
      case PxeDirective::kPrompt:
        if (arg != "0" && arg != "1")
          Add(at.file, line.number,
              fmt::format("PROMPT {}: expected 0 or 1", QuoteForMessage(arg)));
        break;
      case PxeDirective::kKernel: {  // every LoadsFile() directive
        std::string name = FirstWord(arg);
        std::string_view what = PxeDirectiveName(line.directive);
        // COM32 always loads a module; KERNEL does when the name says so
        // (pxelinux types KERNEL by extension).
        bool module = line.directive == PxeDirective::kCom32 ||
                      (line.directive == PxeDirective::kKernel &&
                       EndsWithIgnoreCase(name, ".c32"));
        if (!Given(at, name, what, "file")) break;
        if (module)
          CheckModule(at, what, name);
        else
          CheckFile(at, what, name);
        break;
      }
      case PxeDirective::kLocalboot:
        if (!ParseSyslinuxNumber(FirstWord(arg)))
          Add(at.file, line.number,
              fmt::format("LOCALBOOT {}: expected a number (0, 4, 5 or -1)",
                          QuoteForMessage(arg)));
        break;
      case PxeDirective::kInitrd:
        if (Given(at, arg, "INITRD", "file"))
          CheckInitrdList(at, "INITRD", FirstWord(arg));
        break;
      case PxeDirective::kAppend: {
        if (arg == "-") break;
        std::optional<std::string> initrd;
        for (const std::string& word : SplitOn(arg, " \t")) {
          if (word.starts_with("initrd=")) initrd = word.substr(7);
          if (word.starts_with("BOOTIF=") &&
              word.find(':') != std::string::npos)
            Add(at.file, line.number,
                fmt::format("{}: BOOTIF takes the dashed form "
                            "01-aa-bb-cc-dd-ee-ff (the installer ignores "
                            "colons)",
                            QuoteForMessage(word)));
        }
        // Only the last initrd= counts (pxekit(7), Units).
        if (initrd) CheckInitrdList(at, "initrd=", *initrd);
        break;
      }
      case PxeDirective::kIpappend:
      case PxeDirective::kSysappend:
        if (!ParseSyslinuxNumber(FirstWord(arg)))
          Add(at.file, line.number,
              fmt::format("{} {}: expected a number (a bitmask)",
                          PxeDirectiveName(line.directive),
                          QuoteForMessage(arg)));
        break;
      default:
        break;
    }
  }

  const BootTree& tree_;
  std::string cwd_;
  std::set<Finding>& findings_;
  std::map<std::string, PxelinuxConfig>& parsed_;
  std::vector<Located> flat_;
  std::vector<std::string> path_dirs_;
  std::map<std::string, Located> labels_;
};

// A GRUB path from the TFTP root, or nullopt when it is not on TFTP or holds
// a variable.
std::optional<std::string> GrubTftpPath(const GrubWord& word) {
  if (word.has_variable) return std::nullopt;
  std::string_view text = word.text;
  if (text.starts_with("(")) {
    std::size_t close = text.find(')');
    if (close == std::string_view::npos) return std::nullopt;
    std::string_view device = text.substr(1, close - 1);
    if (device != "tftp" && !device.starts_with("tftp,")) return std::nullopt;
    text.remove_prefix(close + 1);
  } else if (!text.starts_with("/")) {
    return std::nullopt;
  }
  return ResolveTftpPath("", text).path;
}

void CheckGrubFile(const BootTree& tree, const std::string& file,
                   std::set<Finding>& findings) {
  auto content = tree.ReadFile(file);
  if (!content) return;
  GrubConfig config = ParseGrubConfig(*content);
  for (const GrubSyntaxError& error : config.errors)
    findings.insert(Finding{file, error.line, error.message});
  for (const GrubCommand& command : config.commands) {
    const std::string& name = command.words[0].text;
    std::size_t first = 1;
    std::size_t last = command.words.size();
    if (name == "linux" || name == "linux16" || name == "linuxefi" ||
        name == "chainloader" || name == "configfile" || name == "source") {
      // Options such as chainloader's --force come before the file.
      while (first < last && command.words[first].text.starts_with("-"))
        ++first;
      last = std::min(last, first + 1);
    } else if (name != "initrd" && name != "initrd16" && name != "initrdefi") {
      if (name == "set" && command.words.size() == 2 &&
          command.words[1].text.starts_with("timeout=")) {
        std::string_view value =
            std::string_view(command.words[1].text).substr(8);
        long seconds = 0;
        auto [end, error] =
            std::from_chars(value.data(), value.data() + value.size(), seconds);
        // pxe-mkcfg writes up to an hour (what pxelinux can hold); more
        // is most likely tenths or milliseconds.
        if (error == std::errc() && end == value.data() + value.size() &&
            seconds > kMaxTimeoutSeconds)
          findings.insert(Finding{
              file, command.line,
              fmt::format("timeout={} is over an hour: GRUB counts seconds, "
                          "not tenths",
                          seconds)});
      }
      continue;
    }
    for (std::size_t i = first; i < last; ++i) {
      auto path = GrubTftpPath(command.words[i]);
      if (!path || tree.IsFile(*path)) continue;
      findings.insert(Finding{
          file, command.line,
          fmt::format("{} {} is missing: no file '{}' under the TFTP root",
                      name, QuoteForMessage(command.words[i].text), *path)});
    }
  }
}

std::vector<std::string_view> IpxeWords(std::string_view text) {
  std::vector<std::string_view> words;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t start = text.find_first_not_of(" \t", pos);
    if (start == std::string_view::npos) break;
    std::size_t end = text.find_first_of(" \t", start);
    if (end == std::string_view::npos) end = text.size();
    words.push_back(text.substr(start, end - start));
    pos = end;
  }
  return words;
}

// An iPXE script (pxekit(7), iPXE): the #!ipxe line, goto targets, files it
// loads by a relative or absolute TFTP path (relative to the script's own
// directory), and choose's milliseconds. Names with a ${setting} or a URI
// scheme cannot be checked here.
void CheckIpxeFile(const BootTree& tree, const std::string& file,
                   std::set<Finding>& findings) {
  auto content = tree.ReadFile(file);
  if (!content) return;
  std::string_view text = SkipUtf8Bom(*content);
  auto add = [&](std::size_t line, std::string message) {
    findings.insert(Finding{file, line, std::move(message)});
  };
  if (!text.starts_with("#!ipxe") && !text.starts_with("#!gpxe"))
    add(1, "the first line must be #!ipxe: iPXE runs nothing else as a script");
  std::string dir = ParentPath(file);
  std::set<std::string, std::less<>> labels;
  std::vector<std::pair<std::size_t, std::string>> gotos;
  std::size_t number = 0;
  while (!text.empty()) {
    ++number;
    std::string_view line = TakeLine(text);
    std::vector<std::string_view> words = IpxeWords(line);
    if (words.empty() || words[0].starts_with("#")) continue;
    if (words[0].starts_with(":")) {
      labels.emplace(words[0].substr(1));
      continue;
    }
    // "a || b && c": each part is a command of its own.
    std::size_t begin = 0;
    for (std::size_t i = 0; i <= words.size(); ++i) {
      if (i < words.size() && words[i] != "||" && words[i] != "&&") continue;
      std::span<const std::string_view> command(words.data() + begin,
                                                i - begin);
      begin = i + 1;
      if (command.empty()) continue;
      std::string_view name = command[0];
      // The first argument that is not an --option (or its value).
      std::size_t arg = 1;
      while (arg < command.size() && command[arg].starts_with("--")) {
        bool takes_value = command[arg] == "--name" ||
                           command[arg] == "--timeout" ||
                           command[arg] == "--default" ||
                           command[arg] == "--menu" || command[arg] == "-n";
        arg += takes_value && command[arg].find('=') == std::string_view::npos
                   ? 2
                   : 1;
      }
      if (name == "goto" && command.size() >= 2) {
        if (command[1].find('$') == std::string_view::npos)
          gotos.emplace_back(number, std::string(command[1]));
      } else if (name == "kernel" || name == "imgselect" || name == "initrd" ||
                 name == "imgfetch" || name == "module" || name == "chain" ||
                 name == "chainload") {
        if (arg >= command.size()) {
          add(number, fmt::format("{} needs a file", name));
          continue;
        }
        std::string_view uri = command[arg];
        if (uri.find('$') != std::string_view::npos ||
            uri.find("://") != std::string_view::npos)
          continue;
        TftpPath path = ResolveTftpPath(dir, uri);
        if (path.kind == TftpPath::Kind::kLocal && !tree.IsFile(path.path))
          add(number,
              fmt::format("{} {} is missing: no file '{}' under the TFTP root",
                          name, QuoteForMessage(uri), path.path));
      } else if (name == "choose") {
        for (std::size_t k = 1; k + 1 < command.size(); ++k) {
          if (command[k] != "--timeout") continue;
          long ms = 0;
          std::string_view value = command[k + 1];
          auto [end, error] =
              std::from_chars(value.data(), value.data() + value.size(), ms);
          if (error == std::errc() && end == value.data() + value.size() &&
              ms > 0 && ms < 1000)
            add(number, fmt::format("choose --timeout {} is {} ms: iPXE "
                                    "counts milliseconds",
                                    ms, ms));
        }
      }
    }
  }
  for (const auto& [line, target] : gotos)
    if (!labels.count(target))
      add(line, fmt::format("goto {}: no ':{}' label in this script",
                            QuoteForMessage(target), target));
}

}  // namespace

std::vector<Finding> CheckBootTree(const BootTree& tree,
                                   std::size_t* configs_checked) {
  std::set<Finding> findings;
  std::size_t configs = 0;
  std::map<std::string, PxelinuxConfig> parsed;
  for (const std::string& file : tree.ListFiles()) {
    std::string dir = ParentPath(file);
    std::string name = BaseName(file);
    bool is_ipxe = name.ends_with(".ipxe");
    bool is_config = BaseName(dir) == "pxelinux.cfg" || name == "grub.cfg" ||
                     name.starts_with("grub.cfg-") || is_ipxe;
    if (is_config && !tree.IsWorldReadable(file))
      findings.insert(Finding{
          file, 0, "not world-readable, so tftpd-hpa refuses to serve it"});
    if (BaseName(dir) == "pxelinux.cfg") {
      ++configs;
      if (std::string why = DescribeMisnamedClient(name); !why.empty())
        findings.insert(Finding{file, 0, why});
      PxelinuxEntryChecker(tree, ParentPath(dir), findings, parsed).Check(file);
    }
    if (name == "grub.cfg" || name.starts_with("grub.cfg-")) {
      ++configs;
      if (name.size() > 9)
        if (std::string why = DescribeMisnamedClient(name.substr(9));
            !why.empty())
          findings.insert(Finding{file, 0, why});
      CheckGrubFile(tree, file, findings);
    }
    if (is_ipxe && BaseName(dir) != "pxelinux.cfg") {
      ++configs;
      CheckIpxeFile(tree, file, findings);
    }
    if (name == "pxelinux.0" || name == "lpxelinux.0") {
      std::string ldlinux = dir.empty() ? "ldlinux.c32" : dir + "/ldlinux.c32";
      if (!tree.IsFile(ldlinux))
        findings.insert(Finding{
            file, 0,
            fmt::format("ldlinux.c32 is missing beside {}: syslinux 5.00 and "
                        "later cannot read a config without it",
                        name)});
    }
  }
  if (configs_checked) *configs_checked = configs;
  return {findings.begin(), findings.end()};
}

}  // namespace pxekit
