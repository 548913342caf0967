#include "crypto/key_file.h"

#include <cerrno>
#include <fstream>

#include <sys/stat.h>
#include <unistd.h>
#include <catch2/catch.hpp>

#include "unit/crypto/new_key.h"
#include "unit/scratch_dir.h"

namespace pxekit {
namespace {

unsigned ModeOf(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return 0xffff;
  return st.st_mode & 07777;
}

void WriteText(const std::string& path, const std::string& text, mode_t mode) {
  { std::ofstream(path) << text; }
  ::chmod(path.c_str(), mode);
}

// A scratch directory with a new key pair saved as DIR/key and DIR/key.pub.
struct SavedKey {
  ScratchDir dir;
  std::string path = dir.Path("key");
  Ed25519KeyPair key = NewKey();

  SavedKey() {
    Failure failure;
    REQUIRE(SaveKeyPair(path, key, &failure));
  }
};

}  // namespace

TEST_CASE("SaveKeyPair writes a 0600 private key and a 0644 public key",
          "[crypto]") {
  ScratchDir dir;
  std::string path = dir.Path("poweroff.key");
  auto key = Ed25519KeyPair::Generate();
  REQUIRE(key.ok());
  // Even with a permissive umask the private key is 0600.
  mode_t old_umask = ::umask(0);
  Failure failure;
  bool saved = SaveKeyPair(path, *key, &failure);
  ::umask(old_umask);
  REQUIRE(saved);
  CHECK(ModeOf(path) == 0600);
  CHECK(ModeOf(PublicKeyPath(path)) == 0644);

  auto loaded = LoadPrivateKeyFile(path);
  REQUIRE(loaded.ok());
  CHECK(loaded->public_key() == key->public_key());
  auto pub = LoadPublicKeyFile(PublicKeyPath(path));
  REQUIRE(pub.ok());
  CHECK(*pub == key->public_key());

  SECTION("saving again replaces both files") {
    auto other = Ed25519KeyPair::Generate();
    REQUIRE(other.ok());
    REQUIRE(SaveKeyPair(path, *other, &failure));
    CHECK(LoadPrivateKeyFile(path)->public_key() == other->public_key());
    CHECK(*LoadPublicKeyFile(PublicKeyPath(path)) == other->public_key());
  }
}

TEST_CASE_METHOD(SavedKey,
                 "A private key others can read is refused with EPERM",
                 "[crypto]") {
  for (mode_t mode : {0640, 0604, 0620, 0610, 0644}) {
    CAPTURE(mode);
    REQUIRE(::chmod(path.c_str(), mode) == 0);
    auto loaded = LoadPrivateKeyFile(path);
    REQUIRE_FALSE(loaded.ok());
    CHECK(loaded.failure().sys_errno == EPERM);
    CHECK(loaded.error().find("chmod 600") != std::string::npos);
  }
  REQUIRE(::chmod(path.c_str(), 0400) == 0);
  CHECK(LoadPrivateKeyFile(path).ok());
}

TEST_CASE_METHOD(SavedKey,
                 "A private key owned by another user is refused with EPERM",
                 "[crypto]") {
  // The file is ours; the loader is told to expect someone else.
  auto loaded = LoadPrivateKeyFile(path, ::geteuid() + 1);
  REQUIRE_FALSE(loaded.ok());
  CHECK(loaded.failure().sys_errno == EPERM);
  CHECK(loaded.error().find("owned by uid") != std::string::npos);
  if (::geteuid() == 0) {
    // As root the real case too: the file belongs to another uid.
    REQUIRE(::chown(path.c_str(), 12345, 12345) == 0);
    auto foreign = LoadPrivateKeyFile(path);
    REQUIRE_FALSE(foreign.ok());
    CHECK(foreign.failure().sys_errno == EPERM);
  }
}

TEST_CASE_METHOD(SavedKey, "Key files behind a symlink or missing are not read",
                 "[crypto]") {
  std::string link = dir.path + "/link";
  REQUIRE(::symlink(path.c_str(), link.c_str()) == 0);
  auto via_link = LoadPrivateKeyFile(link);
  REQUIRE_FALSE(via_link.ok());
  CHECK(via_link.failure().sys_errno == ELOOP);

  auto missing = LoadPrivateKeyFile(dir.path + "/nope");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.failure().sys_errno == ENOENT);

  auto directory = LoadPublicKeyFile(dir.path);
  CHECK_FALSE(directory.ok());
}

TEST_CASE_METHOD(SavedKey,
                 "A public key others can write is refused with EPERM",
                 "[crypto]") {
  std::string pub = PublicKeyPath(path);
  for (mode_t mode : {0664, 0646}) {
    CAPTURE(mode);
    REQUIRE(::chmod(pub.c_str(), mode) == 0);
    auto loaded = LoadPublicKeyFile(pub);
    REQUIRE_FALSE(loaded.ok());
    CHECK(loaded.failure().sys_errno == EPERM);
  }
  REQUIRE(::chmod(pub.c_str(), 0444) == 0);
  CHECK(LoadPublicKeyFile(pub).ok());
}

TEST_CASE("A key file with no valid key is a data error", "[crypto]") {
  ScratchDir dir;
  std::string path = dir.Path("key");
  WriteText(path, "not a key\n", 0600);
  auto loaded = LoadPrivateKeyFile(path);
  REQUIRE_FALSE(loaded.ok());
  CHECK(loaded.failure().sys_errno == 0);
  auto pub = LoadPublicKeyFile(path);
  REQUIRE_FALSE(pub.ok());
  CHECK(pub.failure().sys_errno == 0);
}

}  // namespace pxekit
