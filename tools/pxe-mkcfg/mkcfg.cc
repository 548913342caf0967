#include "mkcfg.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <optional>
#include <system_error>

#include <fmt/format.h>
#include <unistd.h>

#include "bootcfg/checker.h"
#include "bootcfg/generate.h"
#include "bootcfg/grub_image.h"
#include "bootcfg/host_list.h"
#include "bootcfg/lookup.h"
#include "bootcfg/marker.h"
#include "bootcfg/names.h"
#include "bootcfg/secure_boot.h"
#include "bootcfg/tftp_path.h"
#include "cli/diag.h"
#include "cli/exit_codes.h"
#include "cli/input.h"
#include "cli/output.h"
#include "cli/run_main.h"
#include "os/atomic_file.h"
#include "os/disk_tree.h"
#include "os/file.h"
#include "power/power_exec.h"
#include "util/ascii.h"
#include "util/byte_reader.h"
#include "util/text.h"

namespace pxekit {
namespace {

namespace fs = std::filesystem;

constexpr mode_t kConfigMode = 0644;  // tftpd-hpa serves world-readable only

// Tallies what went wrong along the way, so that one bad host or one
// protected file does not stop the others; the worst decides the status.
struct Outcome {
  int data_errors = 0;  // bad list lines, duplicate hosts: 65
  int refused = 0;      // files kept because they were edited by hand: 1
  int io_status = 0;    // the first write error's status

  int Status() const {
    if (io_status != 0) return io_status;
    if (data_errors > 0) return kExitDataErr;
    if (refused > 0) return kExitSomeFailed;
    return kExitOk;
  }
};

// --grub-prefix names a directory under --root: one that climbs out of it
// ("../x", "a/../../x") would write, or look, outside the TFTP root. A
// leading '/' means the root, as it does to GRUB. Returns it normalised.
std::string CheckGrubPrefix(const std::string& prefix) {
  auto dir = DirectoryUnderRoot("--grub-prefix", prefix);
  if (!dir) throw ToolError(kExitUsage, dir.error());
  return std::move(dir).value();
}

void RequireDirectory(const std::string& dir) {
  std::error_code ec;
  if (fs::is_directory(dir, ec)) return;
  if (fs::exists(dir, ec))
    throw ToolError(kExitNoInput, fmt::format("{}: Not a directory", dir));
  throw ToolError(kExitNoInput,
                  fmt::format("{}: No such file or directory", dir));
}

// Every problem with the hosts, held back until all are known and then
// reported in line order: a bad line, a duplicate and a line without an IP
// are found in separate passes, but a reader fixes the list top to bottom.
// --host problems (line 0) come first.
class HostErrors {
 public:
  void Add(std::size_t line, std::string message) {
    errors_.push_back({line, std::move(message)});
  }
  // Prints them and counts them as data errors.
  void Report(Outcome& outcome, Diag& diag) {
    std::stable_sort(
        errors_.begin(), errors_.end(),
        [](const auto& a, const auto& b) { return a.first < b.first; });
    for (const auto& [line, message] : errors_) diag.Error("{}", message);
    outcome.data_errors += static_cast<int>(errors_.size());
    errors_.clear();
  }

 private:
  std::vector<std::pair<std::size_t, std::string>> errors_;
};

void ReadHostFile(const std::string& path, std::vector<HostEntry>& hosts,
                  HostErrors& errors) {
  std::string source = path == "-" ? "<stdin>" : path;
  std::string content = ReadInputOrThrow(path);
  HostList list = ParseHostList(content, source);
  for (const ListError& error : list.errors)
    errors.Add(error.line, fmt::format("{}:{}:{}: {}", source, error.line,
                                       error.column, error.message));
  for (HostEntry& host : list.hosts) hosts.push_back(std::move(host));
}

void DropDuplicates(std::vector<HostEntry>& hosts, HostErrors& errors) {
  for (const HostProblem& problem : RemoveDuplicateHosts(hosts))
    errors.Add(problem.line,
               fmt::format("{}: {}", problem.origin, problem.message));
}

// Like head(1) with several files: a "==> path <==" line before each, and
// before a single per-host file too, since its name (the MAC) is the part
// that matters. Only the one default file is printed bare.
void PrintFiles(const std::vector<GeneratedFile>& files, bool per_host) {
  for (std::size_t i = 0; i < files.size(); ++i) {
    if (files.size() > 1 || per_host)
      Print("{}==> {} <==\n", i == 0 ? "" : "\n", files[i].path);
    WriteText(stdout, files[i].content);
  }
}

// Replaces `path` with `content` whole; a failure is reported and counted.
bool WriteAtomically(const std::string& path, std::string_view content,
                     Outcome& outcome, Diag& diag) {
  Failure failure;
  if (!AtomicWriteFile(path, content, kConfigMode, &failure)) {
    diag.Error("{}: {}", path, failure.message);
    if (outcome.io_status == 0)
      outcome.io_status =
          failure.sys_errno == EACCES || failure.sys_errno == EPERM
              ? kExitNoPerm
              : kExitIoErr;
    return false;
  }
  diag.Info("{}: written", path);
  return true;
}

// Writes one file unless a person's edits would be lost.
void WriteProtected(const std::string& path, const std::string& content,
                    bool force, Outcome& outcome, Diag& diag) {
  auto existing = ReadFileContents(path);
  if (existing) {
    if (*existing == content) {
      diag.Info("{}: unchanged", path);
      return;
    }
    Provenance provenance = InspectProvenance(*existing);
    if (provenance != Provenance::kOurs) {
      std::string why = provenance == Provenance::kEdited
                            ? "edited by hand since pxe-mkcfg wrote it"
                            : "not written by pxe-mkcfg (no marker line)";
      if (!force) {
        diag.Error("{}: {}; kept it (--force replaces it)", path, why);
        ++outcome.refused;
        return;
      }
      diag.Warn("{}: {}; replacing it (--force)", path, why);
    }
  } else if (existing.failure().sys_errno != ENOENT) {
    // An output path, not an input: a directory in the way is no "missing
    // input" (66) but a file that cannot be written.
    int error = existing.failure().sys_errno;
    diag.Error("{}: {}", path, existing.error());
    if (outcome.io_status == 0)
      outcome.io_status =
          error == EACCES || error == EPERM ? kExitNoPerm : kExitIoErr;
    return;
  }
  WriteAtomically(path, content, outcome, diag);
}

void WriteFiles(const std::string& root,
                const std::vector<GeneratedFile>& files, bool force,
                Outcome& outcome, Diag& diag) {
  RequireDirectory(root);
  std::error_code root_ec;
  fs::path real_root = fs::canonical(root, root_ec);
  for (const GeneratedFile& file : files) {
    fs::path target = fs::path(root) / file.path;
    std::error_code ec;
    // The generated paths never climb out of the root, but a symbolic link
    // under it can lead elsewhere: never write (or create directories)
    // through one that does.
    fs::path real_dir = fs::weakly_canonical(target.parent_path(), ec);
    if (!root_ec && !ec) {
      auto [root_end, dir_it] = std::mismatch(
          real_root.begin(), real_root.end(), real_dir.begin(), real_dir.end());
      if (root_end != real_root.end()) {
        diag.Error(
            "{}: leads outside {} (to {}) through a symbolic link; not "
            "written",
            target.string(), root, real_dir.string());
        ++outcome.refused;
        continue;
      }
    }
    fs::create_directories(target.parent_path(), ec);
    if (ec) {
      diag.Error("{}: {}", target.parent_path().string(), ec.message());
      if (outcome.io_status == 0)
        outcome.io_status = ec.value() == EACCES ? kExitNoPerm : kExitIoErr;
      continue;
    }
    WriteProtected(target.string(), file.content, force, outcome, diag);
  }
}

// What `grub --server` needs, checked before anything is written.
struct GrubImageJob {
  GrubNetImage plan;
  std::string mkimage;  // grub-mkimage's path
  std::string modules;  // the platform's module directory
};

std::optional<GrubImageJob> PrepareGrubImage(const MkcfgOptions& options,
                                             const std::string& grub_prefix) {
  if (options.command != MkcfgCommand::kGrub) return std::nullopt;
  if (options.grub_server.empty()) {
    if (!options.grub_target.empty() || !options.grub_module_dir.empty())
      throw ToolError(kExitUsage,
                      "--target and --module-dir are for the image "
                      "--server builds: give --server");
    return std::nullopt;
  }
  const GrubEfiPlatform* platform = &kGrubX8664Efi;
  if (!options.grub_target.empty()) {
    platform = FindGrubEfiPlatform(options.grub_target);
    if (!platform)
      throw OptionValueError(
          "--target", options.grub_target,
          fmt::format("not a GRUB UEFI platform ({})", GrubEfiPlatformNames()));
  }
  auto server = Ipv4Addr::Parse(options.grub_server);
  if (!server)
    throw OptionValueError("--server", options.grub_server, server.error());
  if (options.root.empty())
    throw ToolError(kExitUsage,
                    "--server builds a GRUB image: give --root, the TFTP root "
                    "to write it under");
  GrubImageJob job;
  job.plan = PlanGrubNetImage(*server, grub_prefix, *platform);
  auto mkimage = FindInPath("grub-mkimage", ProgramSearchPath());
  if (!mkimage)
    throw ToolError(kExitUnavailable,
                    fmt::format("grub-mkimage: not found in $PATH (install "
                                "grub-common and {})",
                                platform->package));
  job.mkimage = *mkimage;
  job.modules = options.grub_module_dir.empty()
                    ? std::string(platform->module_dir)
                    : options.grub_module_dir;
  std::error_code ec;
  if (!fs::is_directory(job.modules, ec))
    throw ToolError(
        kExitUnavailable,
        options.grub_module_dir.empty()
            ? fmt::format("{}: No such directory (install {}, or name its "
                          "{} modules with --module-dir)",
                          job.modules, platform->package, platform->name)
            : fmt::format("--module-dir {}: No such directory", job.modules));
  // Modules of another platform: say so, rather than grub-mkimage's
  // relocation errors.
  std::string modinfo_path = (fs::path(job.modules) / "modinfo.sh").string();
  if (auto modinfo = ReadFileContents(modinfo_path)) {
    std::string held = GrubModinfoPlatform(*modinfo);
    if (!held.empty() && held != platform->name)
      throw ToolError(
          kExitDataErr,
          fmt::format("{}: modules for {}, not {}{}", modinfo_path, held,
                      platform->name,
                      FindGrubEfiPlatform(held)
                          ? fmt::format(" (for them: --target {})", held)
                          : std::string()));
  }
  return job;
}

// Copies the platform's modules beside the image, as grub-mknetdir does,
// then runs grub-mkimage into a temporary file renamed over the image, so
// that a client never fetches half an image.
void BuildGrubImage(const std::string& root, const GrubImageJob& job,
                    Outcome& outcome, Diag& diag) {
  auto fail = [&](int status, const std::string& message) {
    diag.Error("{}", message);
    if (outcome.io_status == 0) outcome.io_status = status;
  };
  fs::path dir = fs::path(root) / job.plan.module_dir;
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec)
    return fail(ec.value() == EACCES ? kExitNoPerm : kExitIoErr,
                fmt::format("{}: {}", dir.string(), ec.message()));
  std::size_t copied = 0;
  for (const auto& entry : fs::directory_iterator(job.modules, ec)) {
    std::string name = entry.path().filename().string();
    if (!IsGrubModuleFile(name)) continue;
    fs::copy_file(entry.path(), dir / name,
                  fs::copy_options::overwrite_existing, ec);
    if (ec)
      return fail(ec.value() == EACCES ? kExitNoPerm : kExitIoErr,
                  fmt::format("{}: {}", (dir / name).string(), ec.message()));
    fs::permissions(dir / name, static_cast<fs::perms>(kConfigMode), ec);
    ++copied;
  }
  if (ec)
    return fail(kExitIoErr, fmt::format("{}: {}", job.modules, ec.message()));
  std::string image = (fs::path(root) / job.plan.image).string();
  std::string temp = image + ".tmp";
  std::vector<std::string> argv = {job.mkimage};
  for (std::string& arg : GrubMkimageArguments(job.plan, job.modules, temp))
    argv.push_back(std::move(arg));
  auto pid = SpawnProgram(argv, {});
  if (!pid)
    return fail(kExitOsErr, fmt::format("grub-mkimage: {}", pid.error()));
  auto exit = WaitForProgram(*pid);
  if (!exit || !exit->success()) {
    fs::remove(temp, ec);
    return fail(kExitOsErr,
                fmt::format("grub-mkimage: {}; {} not written",
                            exit ? exit->Describe() : exit.error(), image));
  }
  fs::permissions(temp, static_cast<fs::perms>(kConfigMode), ec);
  fs::rename(temp, image, ec);
  if (ec) {
    fs::remove(temp, ec);
    return fail(kExitIoErr, fmt::format("{}: {}", image, ec.message()));
  }
  diag.Info("{}: written (prefix {}, {} modules beside it)", image,
            job.plan.prefix, copied);
}

// What `grub --secure-boot` copies: the signed shim and GRUB, read and
// checked for an Authenticode signature before anything is written.
struct SecureBootJob {
  SecureBootLayout layout;
  std::string shim;
  std::string grub;
};

std::optional<SecureBootJob> PrepareSecureBoot(const MkcfgOptions& options) {
  if (options.command != MkcfgCommand::kGrub || !options.secure_boot)
    return std::nullopt;
  if (options.root.empty())
    throw ToolError(kExitUsage,
                    "--secure-boot copies the signed shim and GRUB: give "
                    "--root, the TFTP root to write them under");
  auto load = [](const char* option, const std::string& given,
                 std::string_view fallback, const char* package) {
    std::string path = given.empty() ? std::string(fallback) : given;
    std::error_code ec;
    if (given.empty() && !fs::exists(path, ec))
      throw ToolError(kExitNoInput,
                      fmt::format("{}: No such file or directory (install {} "
                                  "or give {} FILE)",
                                  path, package, option));
    std::string content = ReadInputOrThrow(path);
    std::string problem = SecureBootLoaderProblem(AsBytes(content));
    if (!problem.empty())
      throw ToolError(kExitDataErr,
                      fmt::format("{} {}: {}", option, path, problem));
    return content;
  };
  SecureBootJob job;
  job.layout = PlanSecureBootLayout();
  job.shim = load("--shim", options.shim, kDebianShim, "shim-signed");
  job.grub = load("--signed-grub", options.signed_grub, kDebianSignedGrub,
                  "grub-efi-amd64-signed");
  return job;
}

// The binaries go in whole (atomically: a client may be fetching them).
void WriteSecureBootFiles(const std::string& root, const SecureBootJob& job,
                          Outcome& outcome, Diag& diag) {
  for (const auto& [name, content] :
       {std::pair{job.layout.boot_file, &job.shim},
        std::pair{job.layout.second_stage, &job.grub}}) {
    std::string path = (fs::path(root) / name).string();
    auto existing = ReadFileContents(path);
    if (existing && *existing == *content) {
      diag.Info("{}: unchanged", path);
      continue;
    }
    if (!WriteAtomically(path, *content, outcome, diag)) return;
  }
  diag.Info(
      "Secure Boot: give clients {} (pxe-dhcpd --efi-filename {}); "
      "shim loads {}, which reads {}",
      job.layout.boot_file, job.layout.boot_file, job.layout.second_stage,
      kSignedGrubConfig);
}

int RunGenerator(MkcfgOptions& options, Diag& diag) {
  if (options.timeout_s >= 0) options.spec.timeout_s = options.timeout_s;
  auto spec = ValidateBootSpec(options.spec);
  if (!spec) throw ToolError(kExitUsage, spec.error());
  BootLoader loader = options.command == MkcfgCommand::kGrub ? BootLoader::kGrub
                      : options.command == MkcfgCommand::kIpxe
                          ? BootLoader::kIpxe
                          : BootLoader::kPxelinux;
  spec = ValidateBootSpecFor(std::move(spec).value(), loader);
  if (!spec) throw ToolError(kExitUsage, spec.error());
  std::optional<SecureBootJob> secure_boot = PrepareSecureBoot(options);
  std::string grub_prefix =
      options.command != MkcfgCommand::kGrub ? std::string()
      : secure_boot                          ? secure_boot->layout.grub_prefix
                    : CheckGrubPrefix(options.grub_prefix);
  std::optional<GrubImageJob> image = PrepareGrubImage(options, grub_prefix);
  std::string http_base;
  if (options.command == MkcfgCommand::kIpxe && !options.http_base.empty()) {
    auto base = ValidateHttpBase(options.http_base);
    if (!base) throw ToolError(kExitUsage, base.error());
    http_base = std::move(base).value();
  }

  Outcome outcome;
  std::vector<HostEntry> hosts;
  for (std::size_t i = 0; i < options.hosts.size(); ++i) {
    auto host = ParseHostOption(options.hosts[i]);
    if (!host) throw OptionValueError("--host", options.hosts[i], host.error());
    host.value().origin = fmt::format("--host {}", options.hosts[i]);
    hosts.push_back(std::move(host).value());
  }
  HostErrors errors;
  if (!options.hosts_file.empty())
    ReadHostFile(options.hosts_file, hosts, errors);
  DropDuplicates(hosts, errors);
  errors.Report(outcome, diag);

  // Per-host output was asked for: never fall back to the default file just
  // because every host line was bad.
  bool per_host = !options.hosts.empty() || !options.hosts_file.empty();
  if (per_host && hosts.empty()) {
    if (outcome.data_errors == 0)
      diag.Warn("no hosts in {}: nothing written", options.hosts_file == "-"
                                                       ? "standard input"
                                                       : options.hosts_file);
    return outcome.Status();
  }

  std::vector<GeneratedFile> files;
  switch (options.command) {
    case MkcfgCommand::kPxelinux:
      files = GeneratePxelinux(*spec, hosts);
      break;
    case MkcfgCommand::kGrub:
      files = GenerateGrub(*spec, hosts, grub_prefix,
                           image || secure_boot ? GrubPathBase::kRoot
                                                : GrubPathBase::kTftpDevice);
      break;
    default:
      files = GenerateIpxe(*spec, hosts, http_base);
      break;
  }
  if (options.root.empty())
    PrintFiles(files, per_host);
  else
    WriteFiles(options.root, files, options.force, outcome, diag);
  if (image && outcome.io_status == 0)
    BuildGrubImage(options.root, *image, outcome, diag);
  if (secure_boot && outcome.io_status == 0)
    WriteSecureBootFiles(options.root, *secure_boot, outcome, diag);
  return outcome.Status();
}

int RunDhcpdHosts(MkcfgOptions& options, Diag& diag) {
  DhcpdHostOptions dhcpd;
  if (!options.next_server.empty()) {
    auto ip = Ipv4Addr::Parse(options.next_server);
    if (!ip)
      throw OptionValueError("--next-server", options.next_server, ip.error());
    dhcpd.next_server = *ip;
  }
  for (char c : options.filename)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
      throw OptionValueError(
          "--filename", options.filename,
          fmt::format("{} cannot appear in a dhcpd.conf string",
                      DescribeChar(c)));
  dhcpd.filename = options.filename;

  Outcome outcome;
  std::string source = options.hosts_file.empty() ? "-" : options.hosts_file;
  if (source == "-" && options.stdin_is_tty)
    throw ToolError(kExitUsage,
                    "no hosts: give -f FILE or pipe 'MAC IP [NAME]' lines to "
                    "standard input");
  std::vector<HostEntry> hosts;
  HostErrors errors;
  ReadHostFile(source, hosts, errors);
  std::vector<HostEntry> with_ip;
  for (HostEntry& host : hosts) {
    if (!host.ip) {
      errors.Add(host.line,
                 fmt::format("{}: no IP address (dhcpd-hosts reads 'MAC IP "
                             "[NAME]')",
                             host.origin));
      continue;
    }
    with_ip.push_back(std::move(host));
  }
  DropDuplicates(with_ip, errors);
  errors.Report(outcome, diag);
  std::string text = GenerateDhcpdHosts(with_ip, dhcpd);
  if (options.output.empty() || options.output == "-") {
    WriteText(stdout, text);
  } else {
    std::string dir = fs::path(options.output).parent_path().string();
    RequireDirectory(dir.empty() ? "." : dir);
    WriteProtected(options.output, text, options.force, outcome, diag);
  }
  return outcome.Status();
}

int RunLookup(MkcfgOptions& options, Diag& diag) {
  LookupQuery query;
  auto mac = ParseMacArgument(options.mac);
  if (!mac) throw ToolError(kExitUsage, mac.error());
  query.mac = *mac;
  if (!options.ip.empty()) {
    auto ip = ParseIpv4Argument(options.ip);
    if (!ip) throw ToolError(kExitUsage, ip.error());
    query.ip = *ip;
  }
  if (!options.uuid.empty()) {
    auto uuid = NormalizeUuid(options.uuid);
    if (!uuid) throw OptionValueError("--uuid", options.uuid, uuid.error());
    query.uuid = *uuid;
  }
  query.flavor =
      options.flavor == "grub" ? LoaderFlavor::kGrub : LoaderFlavor::kPxelinux;
  query.grub_prefix = CheckGrubPrefix(options.grub_prefix);
  std::vector<std::string> order = LookupOrder(query);

  if (options.root.empty()) {
    for (const std::string& path : order) Print("{}\n", path);
    return kExitOk;
  }
  RequireDirectory(options.root);
  DiskTree tree(options.root);
  bool won = false;
  for (const std::string& path : order) {
    const char* state = "missing";
    if (tree.IsFile(path)) {
      state = won ? "unused" : "wins";
      won = true;
    }
    Print("{:<7} {}\n", state, path);
  }
  // Warnings below the list, not inside it, when both go to a terminal.
  std::fflush(stdout);
  // A file the loader would take if only its name were spelt right.
  std::string dir = LookupDirectory(query);
  for (const std::string& name : tree.ListDirectory(dir)) {
    std::string path = dir.empty() ? name : dir + "/" + name;
    for (const std::string& wanted : order) {
      if (path != wanted && EqualsIgnoreAsciiCase(path, wanted))
        diag.Warn("{}: exists, but the loader asks for '{}' (case matters)",
                  path, wanted);
    }
  }
  if (!won) {
    diag.Error("none of these exist under {}: the client gets no config",
               options.root);
    return kExitSomeFailed;
  }
  return kExitOk;
}

// A directory check must read: one the user cannot list is "Permission
// denied" (77), never "nothing to check here".
void RequireReadableDirectory(const std::string& dir) {
  if (::access(dir.c_str(), R_OK | X_OK) != 0) {
    int err = errno;
    throw ToolError(ExitCodeForFileErrno(err),
                    fmt::format("{}: {}", dir, std::strerror(err)));
  }
}

int RunCheck(MkcfgOptions& options, Diag& diag) {
  RequireDirectory(options.check_dir);
  RequireReadableDirectory(options.check_dir);
  std::error_code ec;
  if (fs::path cfg_dir = fs::path(options.check_dir) / "pxelinux.cfg";
      fs::is_directory(cfg_dir, ec))
    RequireReadableDirectory(cfg_dir.string());
  DiskTree tree(options.check_dir);
  std::size_t configs = 0;
  std::vector<Finding> findings = CheckBootTree(tree, &configs);
  // A tree served to Secure Boot clients: said so, or laid out for shim.
  bool secure_boot = options.check_secure_boot || LooksLikeSecureBootTree(tree);
  if (secure_boot) {
    diag.Info("checking for Secure Boot clients (shim, the signed GRUB)");
    for (Finding& finding : CheckSecureBootTree(tree))
      findings.push_back(std::move(finding));
    std::sort(findings.begin(), findings.end());
    findings.erase(std::unique(findings.begin(), findings.end()),
                   findings.end());
  }
  if (configs == 0 && !secure_boot) {
    std::string dir = options.check_dir;
    while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
    bool inside = fs::path(dir).filename() == "pxelinux.cfg";
    throw ToolError(kExitNoInput,
                    fmt::format("{}: no pxelinux.cfg/ directory, no "
                                "grub.cfg file and no .ipxe script to check{}",
                                options.check_dir,
                                inside ? "; give the TFTP root, the directory "
                                         "above pxelinux.cfg"
                                       : ""));
  }
  std::string prefix = options.check_dir;
  while (prefix.size() > 1 && prefix.back() == '/') prefix.pop_back();
  prefix = prefix == "." ? "" : prefix + "/";
  for (const Finding& finding : findings) {
    if (finding.line > 0)
      Print("{}{}:{}: {}\n", prefix, finding.file, finding.line,
            finding.message);
    else
      Print("{}{}: {}\n", prefix, finding.file, finding.message);
  }
  diag.Info("{} config file{}, {} finding{}", configs, configs == 1 ? "" : "s",
            findings.size(), findings.size() == 1 ? "" : "s");
  return findings.empty() ? kExitOk : kExitDataErr;
}

}  // namespace

int RunMkcfg(MkcfgOptions& options, Diag& diag) {
  diag.set_verbosity(options.common.Verbosity());
  switch (options.command) {
    case MkcfgCommand::kPxelinux:
    case MkcfgCommand::kGrub:
    case MkcfgCommand::kIpxe:
      return RunGenerator(options, diag);
    case MkcfgCommand::kDhcpdHosts:
      return RunDhcpdHosts(options, diag);
    case MkcfgCommand::kLookup:
      return RunLookup(options, diag);
    case MkcfgCommand::kCheck:
      return RunCheck(options, diag);
  }
  return kExitOk;
}

}  // namespace pxekit
