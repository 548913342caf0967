#include "crypto/key_file.h"

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include "os/atomic_file.h"
#include "os/unique_fd.h"

namespace pxekit {
namespace {

// A key file is a few hundred bytes; anything much larger is a wrong path.
constexpr std::size_t kMaxKeyFileSize = 64 * 1024;

Failure SysFailure(std::string message, int err) {
  Failure failure = Fail(std::move(message));
  failure.sys_errno = err;
  return failure;
}

enum class KeyKind { kPrivate, kPublic };

// Opens without following links, checks the open file, reads it whole.
Result<std::string> ReadKeyFile(const std::string& path, KeyKind kind,
                                uid_t owner) {
  UniqueFd fd(
      ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY));
  if (!fd) {
    int err = errno;
    return SysFailure(std::strerror(err), err);
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) {
    int err = errno;
    return SysFailure(fmt::format("stat: {}", std::strerror(err)), err);
  }
  if (!S_ISREG(st.st_mode)) return SysFailure("not a regular file", EINVAL);
  unsigned mode = st.st_mode & 07777;
  if (kind == KeyKind::kPrivate) {
    if (st.st_uid != owner)
      return SysFailure(
          fmt::format("private key owned by uid {}, not by uid {}", st.st_uid,
                      owner),
          EPERM);
    if ((mode & 077) != 0)
      return SysFailure(
          fmt::format("private key has mode {:04o}: others may read it; "
                      "chmod 600 it",
                      mode),
          EPERM);
  } else {
    if (st.st_uid != owner && st.st_uid != 0)
      return SysFailure(
          fmt::format("public key owned by uid {}, neither root nor uid {}",
                      st.st_uid, owner),
          EPERM);
    if ((mode & 022) != 0)
      return SysFailure(
          fmt::format("public key has mode {:04o}: others may replace it",
                      mode),
          EPERM);
  }
  if (static_cast<std::size_t>(st.st_size) > kMaxKeyFileSize)
    return Fail("too large for a key file");
  std::string content;
  char buffer[4096];
  for (;;) {
    ssize_t n = ::read(fd.get(), buffer, sizeof buffer);
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      return SysFailure(fmt::format("read: {}", std::strerror(err)), err);
    }
    if (n == 0) break;
    content.append(buffer, static_cast<std::size_t>(n));
    if (content.size() > kMaxKeyFileSize)
      return Fail("too large for a key file");
  }
  return content;
}

}  // namespace

bool SaveKeyPair(const std::string& path, const Ed25519KeyPair& key,
                 Failure* failure) {
  auto pem = key.ToPem();
  if (!pem.ok()) {
    if (failure) *failure = pem.failure();
    return false;
  }
  std::string public_pem = key.public_key().ToPem();
  if (public_pem.empty()) {
    if (failure) *failure = Fail("cannot encode the public key");
    return false;
  }
  // The public half first: a crash in between leaves no private key whose
  // public half is missing or stale.
  if (!AtomicWriteFile(PublicKeyPath(path), public_pem, 0644, failure))
    return false;
  return AtomicWriteFile(path, pem.value(), 0600, failure);
}

namespace {

// Key (Ed25519KeyPair or Ed25519PublicKey) from the PEM in `path`, once
// ReadKeyFile found the file safe.
template <typename Key>
Result<Key> LoadKeyFile(const std::string& path, KeyKind kind, uid_t owner) {
  auto text = ReadKeyFile(path, kind, owner);
  if (!text.ok()) return text.failure();
  return Key::FromPem(text.value());
}

}  // namespace

Result<Ed25519KeyPair> LoadPrivateKeyFile(const std::string& path) {
  return LoadPrivateKeyFile(path, ::geteuid());
}

Result<Ed25519KeyPair> LoadPrivateKeyFile(const std::string& path,
                                          uid_t owner) {
  return LoadKeyFile<Ed25519KeyPair>(path, KeyKind::kPrivate, owner);
}

Result<Ed25519PublicKey> LoadPublicKeyFile(const std::string& path) {
  return LoadPublicKeyFile(path, ::geteuid());
}

Result<Ed25519PublicKey> LoadPublicKeyFile(const std::string& path,
                                           uid_t owner) {
  return LoadKeyFile<Ed25519PublicKey>(path, KeyKind::kPublic, owner);
}

}  // namespace pxekit
