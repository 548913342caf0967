// Key files: keygen, and loading them with exit statuses a script can act on.

#include "keys.h"

#include <cerrno>
#include <cstring>

#include <sys/stat.h>

#include <fmt/format.h>

#include "cli/diag.h"
#include "cli/exit_codes.h"
#include "cli/run_main.h"
#include "crypto/key_file.h"
#include "poweroff.h"
#include "util/text.h"

namespace pxekit {
namespace {

int KeyExitCode(const Failure& failure) {
  switch (failure.sys_errno) {
    case 0:
      return kExitDataErr;  // read, but not a key
    case ENOENT:
    case ENOTDIR:
      return kExitNoInput;
    case EPERM:
    case EACCES:
    case ELOOP:
      return kExitNoPerm;
    case EINVAL:  // not a regular file
      return kExitNoInput;
    default:
      return kExitIoErr;
  }
}

[[noreturn]] void ThrowKeyError(const char* kind, const std::string& path,
                                const Failure& failure) {
  std::string why = failure.message;
  if (failure.sys_errno == ELOOP)
    why = "is a symbolic link, which a key file may not be";
  throw ToolError(KeyExitCode(failure),
                  fmt::format("{} {}: {}", kind, QuoteForMessage(path), why));
}

bool Exists(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0;
}

}  // namespace

Ed25519KeyPair LoadSenderKey(const std::string& path) {
  auto key = LoadPrivateKeyFile(path);
  if (!key) ThrowKeyError("private key", path, key.failure());
  return std::move(key).value();
}

Ed25519PublicKey LoadAgentKey(const std::string& path) {
  auto key = LoadPublicKeyFile(path);
  if (!key) ThrowKeyError("public key", path, key.failure());
  return std::move(key).value();
}

int RunKeygen(const KeygenOptions& options, Diag& diag) {
  const std::string& path = options.out;
  std::string public_path = PublicKeyPath(path);
  if (!options.force) {
    // Overwriting a key locks every agent that holds the old public half
    // out of reach; never by accident.
    for (const std::string& existing : {path, public_path})
      if (Exists(existing)) {
        diag.Error("{}: exists; not overwritten (use --force to replace it)",
                   QuoteForMessage(existing));
        return kExitSomeFailed;
      }
  }
  auto key = Ed25519KeyPair::Generate();
  if (!key)
    throw ToolError(kExitOsErr,
                    fmt::format("cannot generate a key: {}", key.error()));
  Failure failure;
  if (!SaveKeyPair(path, key.value(), &failure))
    throw ToolError(
        failure.sys_errno != 0 ? ExitCodeForFileErrno(failure.sys_errno)
                               : kExitIoErr,
        fmt::format("{}: {}", QuoteForMessage(path), failure.message));
  diag.Info("wrote {} (private, mode 0600) and {} (public): {}", path,
            public_path, key->public_key().Fingerprint());
  return kExitOk;
}

}  // namespace pxekit
