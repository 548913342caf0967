// pxe-exports: NFS exports for diskless roots. Subcommands print one
// exports(5) line, check exports files as nfs-utils 2.6 reads them, add and
// remove entries in a file without touching the lines people wrote, and
// print the same exports as NFS-Ganesha EXPORT blocks. Standards:
// exports(5) and exportfs(8) of nfs-utils 2.6.2; ganesha-export-config(8).

#include <unistd.h>

#include <CLI/CLI.hpp>

#include "cli/common_options.h"
#include "cli/diag.h"
#include "cli/exit_codes.h"
#include "cli/run_main.h"
#include "exports_tool.h"

namespace {

using pxekit::ExportFlags;
using pxekit::ExportsOptions;

// The groups that exclude each other (--rw with --ro, ...) are checked by
// OptionsOf, so that --help does not list CLI11's "Excludes:" notes.
void AddExportFlags(CLI::App& sub, ExportFlags& flags) {
  sub.add_flag("--rw", flags.rw, "Read-write (rw)");
  sub.add_flag("--ro", flags.ro, "Read-only (ro, exportfs's default)");
  sub.add_flag("--root-squash", flags.root_squash,
               "Map the client's root to the anonymous user (root_squash, the "
               "default)");
  sub.add_flag(
      "--no-root-squash", flags.no_root_squash,
      "Keep the client's root as root (no_root_squash; needed for an NFS "
      "root file system)");
  sub.add_flag("--all-squash", flags.all_squash,
               "Map every user to the anonymous user (all_squash)");
  sub.add_flag("--sync", flags.sync,
               "Reply after data is on disk (sync, the default)");
  sub.add_flag("--async", flags.async,
               "Reply before data is on disk (async: faster, loses data if the "
               "server crashes)");
  sub.add_flag("--subtree-check", flags.subtree_check,
               "Check that files are inside the exported tree (subtree_check; "
               "default no_subtree_check)");
  pxekit::AddValue(
      sub, "--fsid", flags.fsid,
      "File system id: a number, root (the NFSv4 pseudo-root) or a "
      "32-hex-digit UUID (fsid=)",
      "N|root|UUID");
  pxekit::AddValue(
      sub, "--sec", flags.sec,
      "Security flavours in order of preference: sys, krb5, krb5i, "
      "krb5p (sec=)",
      "FLAVOR[:FLAVOR...]");
  pxekit::AddRepeatable(
      sub, "--option", flags.options,
      "Any other exports(5) option, e.g. insecure or anonuid=1000 "
      "(repeatable)",
      "X");
}

void AddFileOptions(CLI::App& sub, ExportsOptions& options) {
  pxekit::AddValue(sub, "--file", options.file,
                   "The exports file to edit (default "
                   "/etc/exports.d/pxekit.exports)",
                   "F");
  sub.add_flag("--dry-run", options.dry_run,
               "Print what would change as a unified diff; write nothing");
  sub.add_flag("--reload", options.reload,
               "Run 'exportfs -ra' after writing the file");
}

}  // namespace

int main(int argc, char** argv) {
  using namespace pxekit;
  Diag diag("pxe-exports");
  ExportsOptions options;

  CLI::App app(
      "Write, check and edit NFS exports (exports(5)) for diskless roots, and "
      "print them for NFS-Ganesha.",
      "pxe-exports");
  AddCommonOptions(app, options.common, ShortV::kVerbose);
  AllowOneSubcommand(app);

  auto* line = AddCommand(app, "line", "Print one exports(5) line for PATH",
                          options.command, ExportsCommand::kLine);
  line->add_option("PATH", options.path, "The directory to export")->required();
  line->add_option("CLIENT", options.clients,
                   "Hosts, networks (10.0.0.0/24), @netgroups or * "
                   "(comma-separated or several)")
      ->required();
  AddExportFlags(*line, options.flags);

  auto* check = AddCommand(app, "check",
                           "Check exports files (default /etc/exports and "
                           "/etc/exports.d/*.exports)",
                           options.command, ExportsCommand::kCheck);
  check->add_option("FILE", options.files,
                    "Files to check; '-' for standard input");
  check->add_flag("--no-path-check", options.no_path_check,
                  "Do not check that the exported paths are directories");
  check->add_flag("--strict", options.strict, "Exit 1 on warnings");

  auto* add = AddCommand(app, "add",
                         "Add or update exports in a file pxe-exports manages",
                         options.command, ExportsCommand::kAdd);
  add->add_option("PATH", options.path,
                  "The directory to export; '-' (or none, with standard input "
                  "not a terminal) reads 'PATH CLIENT [OPTIONS]' lines");
  add->add_option("CLIENT", options.clients,
                  "Hosts, networks, @netgroups or * (comma-separated or "
                  "several)");
  AddExportFlags(*add, options.flags);
  AddFileOptions(*add, options);
  add->add_flag("--no-path-check", options.no_path_check,
                "Write the export even if PATH is not a directory yet");

  auto* remove =
      AddCommand(app, "remove",
                 "Remove exports (or some of their clients) that pxe-exports "
                 "added",
                 options.command, ExportsCommand::kRemove);
  remove->add_option("PATH", options.path,
                     "The exported directory; '-' (or none, with standard "
                     "input not a terminal) reads 'PATH [CLIENT...]' lines");
  remove->add_option("CLIENT", options.clients,
                     "Clients to remove (default: the whole export)");
  AddFileOptions(*remove, options);

  auto* ganesha = AddCommand(app, "ganesha",
                             "Print exports files as NFS-Ganesha EXPORT blocks",
                             options.command, ExportsCommand::kGanesha);
  ganesha->add_option("FILE", options.files,
                      "Files to read (default /etc/exports and "
                      "/etc/exports.d/*.exports); '-' for standard input");

  if (auto status = ParseSubcommandLine(app, argc, argv, diag)) return *status;
  options.stdin_is_tty = ::isatty(STDIN_FILENO) == 1;
  return RunMain(diag, [&] { return RunExports(options, diag); });
}
