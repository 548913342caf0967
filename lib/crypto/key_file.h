#pragma once
// Ed25519 key files. The private key is written atomically with mode 0600
// (os/atomic_file.h), the public key beside it as FILE.pub, mode 0644.
//
// Reading is ssh-style strict, through O_NOFOLLOW and fstat() on the open
// descriptor (no check-then-open race):
//  - private key: a regular file owned by `owner` (the effective uid by
//    default) with no group or other permission bits at all;
//  - public key: a regular file owned by root or `owner`, not group- or
//    world-writable (an agent must not trust a key anyone could replace).
// Failure::sys_errno tells the tool which exit status fits:
//   EPERM   unsafe owner or mode (refused; exit 77)
//   EACCES  the file cannot be opened for permissions (exit 77)
//   ENOENT  missing (exit 66), ELOOP a symbolic link,
//   0       not a valid key (exit 65), other errno: I/O (exit 74).

#include <string>

#include <sys/types.h>

#include "crypto/ed25519.h"
#include "util/result.h"

namespace pxekit {

// Writes `path` (private, 0600) and `path`.pub (public, 0644).
bool SaveKeyPair(const std::string& path, const Ed25519KeyPair& key,
                 Failure* failure);

Result<Ed25519KeyPair> LoadPrivateKeyFile(const std::string& path);
Result<Ed25519KeyPair> LoadPrivateKeyFile(const std::string& path, uid_t owner);

Result<Ed25519PublicKey> LoadPublicKeyFile(const std::string& path);
Result<Ed25519PublicKey> LoadPublicKeyFile(const std::string& path,
                                           uid_t owner);

// The path of the public half written by SaveKeyPair.
inline std::string PublicKeyPath(const std::string& private_path) {
  return private_path + ".pub";
}

}  // namespace pxekit
