#pragma once
// NFS-Ganesha EXPORT blocks from parsed exports(5) files, so that one
// exports file drives knfsd or Ganesha (issue 11, pxe-exports(8)). Pure:
// entries in, config text out; an option Ganesha cannot express is an error
// naming it (file:line:col), never a silent drop.
//
// Target: NFS-Ganesha 4.3 with FSAL_VFS (Debian nfs-ganesha,
// nfs-ganesha-vfs), ganesha-export-config(8) and the config lexer
// (src/config_parsing/conf_lex.l). Each exported path becomes one EXPORT
// block whose export-level Access_Type is None, so a client that no CLIENT
// block names gets no access, as with exportfs. Each exports(5) client
// becomes one CLIENT block with every permission written out (Access_Type,
// Squash, Anonymous_Uid/Gid, SecType, PrivilegedPort), so Ganesha's own
// defaults (anonymous id -2, SecType none+sys, no privileged port) never
// apply. CLIENT blocks are an ordered first-match list in Ganesha, while
// exportfs prefers a single host over a network over a wildcard over a
// netgroup over "*" whatever the line order; the blocks are therefore sorted
// by that precedence (line order within one kind).
//
// Options, decided from ganesha-export-config(8):
//   mapped    ro rw, root_squash no_root_squash all_squash no_all_squash,
//             anonuid anongid, secure insecure (PrivilegedPort), sec=
//             (SecType; unix = sys, null = none), gss/krb5* clients
//             (Clients = * with that SecType; since Ganesha picks a CLIENT
//             block by address alone, such a client must be the only one
//             of its export), fsid=0/root (Pseudo = "/",
//             and the other exports below it take their path relative to
//             it, as NFSv4 clients of knfsd see them; an export outside it
//             is NFSv3-only there, so Protocols = 3), no_acl (Disable_ACL)
//             and nordirplus (DisableReaddirPlus), which Ganesha sets per
//             export, so every client of the path must agree
//   same      sync, no_subtree_check, no_pnfs, acl, secure_locks auth_nlm,
//             hide nohide crossmnt (FSAL_VFS shows file systems mounted
//             below an export): Ganesha already behaves so
//   harmless  wdelay no_wdelay (a knfsd write-gathering heuristic)
//   warning   async (Ganesha never acknowledges an unstable write as stable:
//             the export behaves as sync, safer and slower); fsid=N or a
//             UUID (Ganesha builds file handles from Export_Id and the file
//             system, so the number is not carried over)
//   error     subtree_check, nocrossmnt, insecure_locks no_auth_nlm, pnfs,
//             security_label, mountpoint mp, refer replicas, squash_uids
//             squash_gids, and options that differ between sec= flavours;
//             client names Ganesha reads differently (0.0.0.0 is "any
//             client" there) or cannot lex
// nocrossmnt is exportfs's default, though: Ganesha serves a file system
// mounted below an export whatever the options (tests/netns/
// pxe-exports_ganesha.sh shows it), so only an explicit nocrossmnt is an
// error; write crossmnt to have knfsd behave the same.
//
// Export_Id: FNV-1a (32 bit) of the normalised path (repeated and trailing
// slashes removed), taken modulo 65535, plus 1: its home id in 1..65535.
// Collision rule: among paths with the same home id, the lexicographically
// (bytewise) smallest keeps it; the others, in that order, take the next id
// (65535 wraps to 1) that is neither taken nor the home id of any path in
// the files. So a path keeps its id whatever else is exported unless another
// exported path shares its home id and sorts before it.
//
// Paths are written in double quotes with '\\' and '"' escaped by a
// backslash; a path with a control byte (which Ganesha's lexer would take
// literally or split) is an error.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "exports/exports.h"

namespace pxekit::exports {

struct GaneshaResult {
  std::string config;                   // the EXPORT blocks, when no errors
  std::vector<Diagnostic> diagnostics;  // errors (and warnings)
  bool HasErrors() const;
};

// Export_Id is stable for a path (the same path always gets the same id,
// whatever else is in the files, barring the collision rule above); Pseudo
// is the path unless fsid=0/root makes it the NFSv4 pseudo root. Parse
// errors of the files are returned as they are, and no config is written.
GaneshaResult FormatGanesha(const std::vector<ExportsFile>& files);

// The path as Ganesha's Path and Pseudo take it: repeated slashes and a
// trailing slash removed ("/" stays "/").
std::string NormaliseGaneshaPath(std::string_view path);

// The home Export_Id of a normalised path: FNV-1a % 65535 + 1.
std::uint16_t GaneshaHomeExportId(std::string_view normalised_path);

// `text` as a double-quoted Ganesha string ('\\' and '"' escaped); empty
// when it holds a control byte (0x00-0x1f, 0x7f) that it cannot carry.
std::string GaneshaQuote(std::string_view text);

}  // namespace pxekit::exports
