#include "exports_tool.h"

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <set>
#include <system_error>

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/diag.h"
#include "cli/exit_codes.h"
#include "cli/input.h"
#include "cli/output.h"
#include "cli/run_main.h"
#include "exports/exports.h"
#include "exports/exports_check.h"
#include "exports/exports_format.h"
#include "exports/exports_merge.h"
#include "exports/ganesha.h"
#include "exports/text_diff.h"
#include "os/atomic_file.h"
#include "os/file.h"
#include "os/unique_fd.h"
#include "reload.h"
#include "util/text.h"

namespace pxekit {
namespace {

namespace fs = std::filesystem;
using namespace exports;

constexpr const char* kStdinName = "<stdin>";
constexpr const char* kEtcExports = "/etc/exports";
constexpr const char* kEtcExportsDir = "/etc/exports.d";
constexpr mode_t kNewFileMode = 0644;

std::vector<std::string> SplitOn(const std::string& text, char sep) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t at = text.find(sep, start);
    if (at == std::string::npos) at = text.size();
    parts.push_back(text.substr(start, at - start));
    start = at + 1;
  }
  return parts;
}

// The option flags as exports(5) options, in a fixed order; a bad value is
// a usage error naming the flag.
std::vector<std::string> OptionsOf(const ExportFlags& f) {
  auto one_of = [](std::initializer_list<std::pair<bool, const char*>> group) {
    std::vector<std::string> given;
    for (const auto& [set, name] : group)
      if (set) given.push_back(name);
    if (given.size() > 1)
      throw ToolError(kExitUsage, fmt::format("{} and {} exclude each other",
                                              given[0], given[1]));
  };
  one_of({{f.rw, "--rw"}, {f.ro, "--ro"}});
  one_of({{f.root_squash, "--root-squash"},
          {f.no_root_squash, "--no-root-squash"},
          {f.all_squash, "--all-squash"}});
  one_of({{f.sync, "--sync"}, {f.async, "--async"}});
  std::vector<std::string> out;
  if (f.rw) out.push_back("rw");
  if (f.ro) out.push_back("ro");
  if (f.root_squash) out.push_back("root_squash");
  if (f.no_root_squash) out.push_back("no_root_squash");
  if (f.all_squash) out.push_back("all_squash");
  if (f.sync) out.push_back("sync");
  if (f.async) out.push_back("async");
  if (f.subtree_check) out.push_back("subtree_check");
  auto checked = [&](const std::string& flag, const Option& o) {
    if (std::string why = CheckOption(o); !why.empty())
      throw ToolError(kExitUsage, fmt::format("{}: {}", flag, why));
    out.push_back(o.Text());
  };
  if (!f.fsid.empty()) checked("--fsid", Option{"fsid", f.fsid});
  if (!f.sec.empty()) checked("--sec", Option{"sec", f.sec});
  for (const std::string& text : f.options) {
    std::vector<Option> list;
    if (std::string why = ParseOptionList(text, &list); !why.empty())
      throw OptionValueError("--option", text, why);
    for (const Option& o : list) checked("--option", o);
  }
  return out;
}

// CLIENT arguments, each possibly "a,b,c".
std::vector<std::string> ClientsOf(const std::vector<std::string>& args) {
  std::vector<std::string> hosts;
  for (const std::string& arg : args)
    for (std::string& host : SplitOn(arg, ','))
      if (!host.empty())
        hosts.push_back(std::move(host));
      else
        throw OptionValueError("CLIENT", arg, "empty client name");
  return hosts;
}

void RequireAbsolute(const std::string& path) {
  if (path.empty() || path[0] != '/')
    throw OptionValueError("PATH", path, "not an absolute path");
}

std::string ReadInput(const std::string& path, int* status, Diag& diag) {
  auto content = ReadInputFile(path);
  if (!content) {
    int err = content.failure().sys_errno;
    diag.Error("{}: {}", path == "-" ? kStdinName : path, content.error());
    if (*status == kExitOk) *status = ExitCodeForFileErrno(err);
    return {};
  }
  return std::move(content).value();
}

PathKind ProbePath(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0)
    return errno == ENOENT || errno == ENOTDIR ? PathKind::kMissing
                                               : PathKind::kDirectory;
  return S_ISDIR(st.st_mode) ? PathKind::kDirectory : PathKind::kOther;
}

CheckOptions MakeCheckOptions(bool check_paths) {
  CheckOptions o;
  o.check_paths = check_paths;
  o.probe = ProbePath;
  return o;
}

// /etc/exports and /etc/exports.d/*.exports, as exportfs reads them, and
// the files in that directory that exportfs skips without a word.
struct DefaultFiles {
  std::vector<std::string> files;
  std::vector<std::string> ignored;
};

// A directory that exists but cannot be listed is an error (77 for
// permission), not "no files there": exportfs, as root, would read them.
DefaultFiles FindDefaultFiles(int* status, Diag& diag) {
  DefaultFiles found;
  found.files.push_back(kEtcExports);
  std::error_code ec;
  std::vector<std::string> names;
  for (fs::directory_iterator it(kEtcExportsDir, ec), end; !ec && it != end;
       it.increment(ec)) {
    std::string name = it->path().filename().string();
    std::error_code type_ec;
    if (it->is_directory(type_ec)) continue;
    if (IsExportsDirName(name))
      names.push_back(name);
    else if (name[0] != '.')
      found.ignored.push_back(std::string(kEtcExportsDir) + "/" + name);
  }
  if (ec && ec != std::errc::no_such_file_or_directory) {
    diag.Error("{}: {}", kEtcExportsDir, ec.message());
    if (*status == kExitOk) *status = ExitCodeForFileErrno(ec.value());
  }
  std::sort(names.begin(), names.end());
  for (const auto& name : names)
    found.files.push_back(std::string(kEtcExportsDir) + "/" + name);
  std::sort(found.ignored.begin(), found.ignored.end());
  return found;
}

// Reads and parses the files to check; a file that cannot be read sets
// *status and is left out.
std::vector<ExportsFile> ParseFiles(const std::vector<std::string>& names,
                                    bool defaults, int* status, Diag& diag) {
  std::vector<ExportsFile> files;
  for (const std::string& name : names) {
    if (defaults && name == kEtcExports && names.size() > 1 &&
        ::access(name.c_str(), F_OK) != 0 && errno == ENOENT) {
      diag.Info("{}: No such file or directory (exportfs reads only {})", name,
                kEtcExportsDir);
      continue;
    }
    int read_status = kExitOk;
    std::string text = ReadInput(name, &read_status, diag);
    if (read_status != kExitOk) {
      if (*status == kExitOk) *status = read_status;
      continue;
    }
    files.push_back(ParseExports(text, name == "-" ? kStdinName : name));
  }
  return files;
}

int RunLine(ExportsOptions& options, Diag& diag) {
  RequireAbsolute(options.path);
  ExportSpec spec;
  spec.path = options.path;
  std::vector<std::string> flags = OptionsOf(options.flags);
  for (const std::string& host : ClientsOf(options.clients))
    spec.clients.push_back(ClientSpec{host, flags});
  auto line = FormatExportLine(spec);
  if (!line) throw ToolError(kExitUsage, line.error());
  // Only what exportfs (and check) would read without an error; what check
  // would warn about is said on stderr.
  ExportsFile parsed = ParseExports(*line, "");
  for (const Diagnostic& d : parsed.diagnostics)
    if (d.severity == Severity::kError) throw ToolError(kExitUsage, d.message);
  Print("{}\n", *line);
  for (const Diagnostic& d : CheckExports({parsed}, MakeCheckOptions(false)))
    diag.Warn("{}", d.message);
  return kExitOk;
}

int RunCheck(ExportsOptions& options, Diag& diag) {
  int status = kExitOk;
  std::vector<std::string> names = options.files;
  std::vector<Diagnostic> ignored;
  bool defaults = names.empty();
  if (defaults) {
    DefaultFiles found = FindDefaultFiles(&status, diag);
    names = found.files;
    for (const std::string& name : found.ignored) {
      Diagnostic d;
      d.file = name;
      d.message = fmt::format(
          "exportfs ignores this file: it reads only names ending in "
          ".exports in {}",
          kEtcExportsDir);
      ignored.push_back(d);
    }
  }
  if (std::count(names.begin(), names.end(), "-") > 1)
    throw ToolError(kExitUsage, "'-' (standard input) given twice");
  std::vector<ExportsFile> files = ParseFiles(names, defaults, &status, diag);
  std::vector<Diagnostic> found =
      CheckExports(files, MakeCheckOptions(!options.no_path_check));
  found.insert(found.end(), ignored.begin(), ignored.end());
  std::size_t errors = 0, warnings = 0;
  for (const Diagnostic& d : found) {
    bool error = d.severity == Severity::kError;
    (error ? errors : warnings) += 1;
    if (error || diag.verbosity() >= 0) Print("{}\n", d.Format());
  }
  std::size_t entries = 0;
  for (const auto& f : files) entries += f.entries.size();
  diag.Info("{} file{}, {} export{}, {} error{}, {} warning{}", files.size(),
            files.size() == 1 ? "" : "s", entries, entries == 1 ? "" : "s",
            errors, errors == 1 ? "" : "s", warnings, warnings == 1 ? "" : "s");
  if (status != kExitOk) return status;
  if (errors > 0) return kExitDataErr;
  if (warnings > 0 && options.strict) return kExitSomeFailed;
  return kExitOk;
}

int RunGanesha(ExportsOptions& options, Diag& diag) {
  int status = kExitOk;
  bool defaults = options.files.empty();
  std::vector<std::string> names =
      defaults ? FindDefaultFiles(&status, diag).files : options.files;
  if (std::count(names.begin(), names.end(), "-") > 1)
    throw ToolError(kExitUsage, "'-' (standard input) given twice");
  std::vector<ExportsFile> files = ParseFiles(names, defaults, &status, diag);
  if (status != kExitOk) return status;
  bool failed = false;
  for (const Diagnostic& d : CheckExports(files, MakeCheckOptions(false)))
    if (d.severity == Severity::kError) {
      diag.Error("{}", d.Format());
      failed = true;
    }
  if (failed) return kExitDataErr;
  GaneshaResult result = FormatGanesha(files);
  for (const Diagnostic& d : result.diagnostics)
    if (d.severity == Severity::kError)
      diag.Error("{}", d.Format());
    else if (diag.verbosity() >= 0)
      diag.Emit(d.Format());
  if (result.HasErrors()) return kExitDataErr;
  WriteText(stdout, result.config);
  return kExitOk;
}

// The file add and remove edit, with what they need to replace it.
struct TargetFile {
  std::string path;  // after a symbolic link
  bool exists = false;
  std::string text;
  mode_t mode = kNewFileMode;
  FileOwner owner{0, 0};
  UniqueFd dir_lock;
};

int OutputErrnoStatus(int err) {
  return err == EACCES || err == EPERM ? kExitNoPerm : kExitIoErr;
}

std::string DirectoryOf(const std::string& path) {
  std::size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

// Opens the directory and takes an exclusive lock on it, so that two
// pxe-exports runs editing one file take turns instead of losing one's
// change; then reads the file.
TargetFile OpenTarget(const std::string& file, bool lock) {
  TargetFile target;
  target.path = file;
  std::error_code ec;
  if (fs::is_symlink(file, ec)) {
    fs::path real = fs::canonical(file, ec);
    if (ec)
      throw ToolError(kExitIoErr,
                      fmt::format("{}: a symbolic link to nowhere: {}", file,
                                  ec.message()));
    target.path = real.string();
  }
  std::string dir = DirectoryOf(target.path);
  target.dir_lock.reset(
      ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOCTTY));
  if (!target.dir_lock) {
    int err = errno;
    throw ToolError(err == ENOENT ? kExitIoErr : OutputErrnoStatus(err),
                    fmt::format("{}: {}", dir, std::strerror(err)));
  }
  if (lock && ::flock(target.dir_lock.get(), LOCK_EX) != 0) {
    int err = errno;
    throw ToolError(kExitIoErr,
                    fmt::format("{}: lock: {}", dir, std::strerror(err)));
  }
  struct stat st;
  if (::stat(target.path.c_str(), &st) == 0) {
    if (!S_ISREG(st.st_mode))
      throw ToolError(kExitIoErr,
                      fmt::format("{}: not a regular file", target.path));
    target.exists = true;
    target.mode = st.st_mode & 07777;
    target.owner = FileOwner{st.st_uid, st.st_gid};
    auto text = ReadFileContents(target.path);
    if (!text) {
      int err = text.failure().sys_errno;
      throw ToolError(err == EFBIG ? kExitDataErr : OutputErrnoStatus(err),
                      fmt::format("{}: {}", target.path, text.error()));
    }
    target.text = std::move(text).value();
  } else if (errno != ENOENT) {
    int err = errno;
    throw ToolError(OutputErrnoStatus(err),
                    fmt::format("{}: {}", target.path, std::strerror(err)));
  }
  return target;
}

// The new text checked as exportfs would read it: with /etc/exports and the
// other files of its exports.d directory when it is in one, since
// duplicates and fsid clashes span files. Prints the errors in the new file
// and the warnings on its new or changed lines; true when it has no error.
bool CheckNewText(const TargetFile& target, const std::string& shown_name,
                  const std::string& new_text,
                  const std::set<std::string>& probe_paths, Diag& diag) {
  std::vector<ExportsFile> files;
  fs::path path(target.path);
  fs::path dir = path.parent_path();
  if (dir.filename() == "exports.d") {
    fs::path etc_exports = dir.parent_path() / "exports";
    if (auto text = ReadFileContents(etc_exports.string()))
      files.push_back(ParseExports(*text, etc_exports.string()));
    std::vector<std::string> names;
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end;
         it.increment(ec)) {
      std::string name = it->path().filename().string();
      if (IsExportsDirName(name) || name == path.filename().string())
        names.push_back(name);
    }
    if (std::find(names.begin(), names.end(), path.filename().string()) ==
        names.end())
      names.push_back(path.filename().string());
    std::sort(names.begin(), names.end());
    for (const auto& name : names) {
      if (name == path.filename().string()) {
        files.push_back(ParseExports(new_text, shown_name));
      } else if (auto text = ReadFileContents((dir / name).string())) {
        files.push_back(ParseExports(*text, (dir / name).string()));
      }
    }
  } else {
    files.push_back(ParseExports(new_text, shown_name));
  }
  std::set<std::string_view> old_lines;
  for (std::string_view rest = target.text; !rest.empty();)
    old_lines.insert(TakeLine(rest));
  bool ok = true;
  // Paths are checked for the exports being added only: a missing
  // directory on another line makes exportfs skip that line, not ours.
  CheckOptions check_options;
  check_options.check_paths = !probe_paths.empty();
  check_options.probe = [&probe_paths](const std::string& path) {
    return probe_paths.count(NormalExportPath(path)) ? ProbePath(path)
                                                     : PathKind::kDirectory;
  };
  for (const Diagnostic& d : CheckExports(files, check_options)) {
    if (d.file != shown_name) continue;
    if (d.severity == Severity::kError) {
      diag.Error("{}", d.Format());
      ok = false;
    } else if (!old_lines.count(d.source_line) && diag.verbosity() >= 0) {
      diag.Emit(d.Format());  // Format() says "warning:" itself
    }
  }
  return ok;
}

int Reload(Diag& diag) {
  ReloadOutcome outcome = RunExportfsReload();
  switch (outcome.kind) {
    case ReloadOutcome::kOk:
      for (std::string_view rest = outcome.message; !rest.empty();)
        if (auto line = TakeLine(rest); !line.empty())
          diag.Warn("exportfs -ra: {}", line);  // it worked, but said this
      return kExitOk;
    case ReloadOutcome::kMissing:
      diag.Error("--reload: {}", outcome.message);
      return kExitUnavailable;
    case ReloadOutcome::kFailed:
      break;
  }
  std::vector<std::string_view> lines;
  for (std::string_view rest = outcome.message; !rest.empty();)
    if (auto line = TakeLine(rest); !line.empty()) lines.push_back(line);
  if (lines.size() <= 1)
    diag.Error("exportfs -ra failed: {}", outcome.message);
  else {
    diag.Error("exportfs -ra failed:");
    for (auto line : lines) diag.Error("  {}", line);
  }
  return kExitSomeFailed;
}

// The requests of add or remove: from the command line, or one per line
// from standard input ("-", or no PATH with standard input not a terminal).
struct Requests {
  std::vector<ExportRequest> list;
  std::vector<MergeProblem> problems;
};

Requests GatherRequests(ExportsOptions& options, bool adding, Diag& diag) {
  Requests out;
  std::vector<std::string> flags =
      adding ? OptionsOf(options.flags) : std::vector<std::string>{};
  bool from_stdin = options.path.empty() || options.path == "-";
  if (!from_stdin) {
    RequireAbsolute(options.path);
    ExportRequest request;
    request.path = options.path;
    request.origin = "command line";
    std::vector<std::string> hosts = ClientsOf(options.clients);
    if (adding && hosts.empty())
      throw ToolError(kExitUsage, "add: give at least one CLIENT");
    for (const std::string& host : hosts) {
      ClientSpec client{host, {}};
      if (adding) {
        auto canonical = CanonicalClientOptions(host, flags);
        if (!canonical) throw ToolError(kExitUsage, canonical.error());
        client.options = SplitOn(*canonical, ',');
      } else {
        ClientForm form;
        if (std::string why = ClassifyClient(host, &form); !why.empty())
          throw ToolError(kExitUsage, why);
      }
      request.clients.push_back(std::move(client));
    }
    out.list.push_back(std::move(request));
    return out;
  }
  if (!options.clients.empty())
    throw ToolError(kExitUsage,
                    "CLIENT arguments with entries from standard input: put "
                    "them on the lines");
  if (options.path.empty() && options.stdin_is_tty)
    throw ToolError(kExitUsage,
                    fmt::format("{}: give PATH, or '-' to read {} from "
                                "standard input",
                                adding ? "add" : "remove",
                                adding ? "'PATH CLIENT [OPTIONS]' lines"
                                       : "'PATH [CLIENT...]' lines"));
  int status = kExitOk;
  std::string text = ReadInput("-", &status, diag);
  if (status != kExitOk) throw ToolError(status, "cannot read the entries");
  RequestList parsed = adding ? ParseAddLines(text, kStdinName, flags)
                              : ParseRemoveLines(text, kStdinName);
  out.list = std::move(parsed.requests);
  out.problems = std::move(parsed.problems);
  return out;
}

int RunEdit(ExportsOptions& options, bool adding, Diag& diag) {
  Requests requests = GatherRequests(options, adding, diag);
  int status = requests.problems.empty() ? kExitOk : kExitDataErr;

  TargetFile target = OpenTarget(options.file, !options.dry_run);
  std::string shown = options.file;
  MergeResult merged = adding ? MergeAdd(target.text, shown, requests.list)
                              : MergeRemove(target.text, shown, requests.list);
  // The input's problems in line order (a conflict between two lines is
  // found by the merge, after the lines' own errors), then the file's.
  std::vector<MergeProblem> problems = requests.problems;
  problems.insert(problems.end(), merged.problems.begin(),
                  merged.problems.end());
  auto input_line = [](const MergeProblem& p) -> long {
    constexpr std::string_view kPrefix = "<stdin>:";
    if (p.origin.rfind(kPrefix, 0) != 0) return LONG_MAX;
    return std::strtol(p.origin.c_str() + kPrefix.size(), nullptr, 10);
  };
  std::stable_sort(problems.begin(), problems.end(),
                   [&](const MergeProblem& a, const MergeProblem& b) {
                     return input_line(a) < input_line(b);
                   });
  for (const MergeProblem& p : problems)
    diag.Error("{}: {}", p.origin, p.message);
  if (!merged.problems.empty()) status = kExitDataErr;
  for (const MergeProblem& p : merged.foreign)
    diag.Error("{}: {}", p.origin, p.message);
  if (!merged.foreign.empty() && status == kExitOk) status = kExitSomeFailed;

  std::string new_text = merged.text;
  if (!target.exists && !new_text.empty())
    new_text = std::string(kManagedHeader) + new_text;
  bool changed = new_text != target.text;
  // Removing lines cannot make the file worse; adding can.
  std::set<std::string> probe_paths;
  if (!options.no_path_check)
    for (const ExportRequest& r : requests.list)
      probe_paths.insert(NormalExportPath(r.path));
  if (adding && changed &&
      !CheckNewText(target, shown, new_text, probe_paths, diag)) {
    diag.Error("{}: not written: the result would not pass check", shown);
    return kExitDataErr;
  }
  if (options.dry_run) {
    WriteText(stdout, UnifiedDiff(target.text, new_text,
                                  target.exists ? shown : "/dev/null", shown));
    return status;
  }
  if (changed) {
    Failure failure;
    if (!AtomicWriteFile(target.path, new_text, target.mode,
                         target.exists ? &target.owner : nullptr, &failure)) {
      diag.Error("{}: {}", target.path, failure.message);
      return OutputErrnoStatus(failure.sys_errno);
    }
    for (const std::string& change : merged.changes) diag.Info("{}", change);
    diag.Info("{}: written", shown);
  } else {
    diag.Info("{}: unchanged", shown);
  }
  target.dir_lock.reset();
  if (options.reload) {
    int reload = Reload(diag);
    if (reload != kExitOk && status == kExitOk) status = reload;
  }
  return status;
}

}  // namespace

int RunExports(ExportsOptions& options, Diag& diag) {
  diag.set_verbosity(options.common.Verbosity());
  switch (options.command) {
    case ExportsCommand::kLine:
      return RunLine(options, diag);
    case ExportsCommand::kCheck:
      return RunCheck(options, diag);
    case ExportsCommand::kAdd:
      return RunEdit(options, true, diag);
    case ExportsCommand::kRemove:
      return RunEdit(options, false, diag);
    case ExportsCommand::kGanesha:
      return RunGanesha(options, diag);
  }
  return kExitOk;
}

}  // namespace pxekit
