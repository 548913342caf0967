#include "os/root_dir.h"

#include <sys/stat.h>
#include <unistd.h>
#include <catch2/catch.hpp>
#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>

using namespace pxekit;
namespace fs = std::filesystem;

namespace {

struct TempRoot {
  fs::path base;
  TempRoot() {
    char pattern[] = "/tmp/pxekit-rootdir.XXXXXX";
    base = ::mkdtemp(pattern);
    fs::create_directory(base / "root");
    fs::create_directory(base / "root/sub");
    Write("root/sub/f", "inside", 0644);
    Write("root/private", "secret", 0600);
    Write("outside", "outside", 0644);
    fs::create_symlink("sub/f", base / "root/link-in");
    fs::create_symlink("../outside", base / "root/link-out");
    fs::create_symlink((base / "outside").string(), base / "root/link-abs");
    ::mkfifo((base / "root/fifo").c_str(), 0666);
  }
  ~TempRoot() { fs::remove_all(base); }
  void Write(const std::string& name, const std::string& text, fs::perms mode) {
    std::ofstream(base / name) << text;
    fs::permissions(base / name, mode);
  }
  void Write(const std::string& name, const std::string& text, int mode) {
    Write(name, text, static_cast<fs::perms>(mode));
  }
  std::string root() const { return (base / "root").string(); }
};

std::string ReadAll(tftp::FileSource& source) {
  std::string out(source.size(), '\0');
  auto n = source.ReadAt(
      0, std::span(reinterpret_cast<std::uint8_t*>(out.data()), out.size()));
  REQUIRE(n.ok());
  out.resize(*n);
  return out;
}

}  // namespace

TEST_CASE("RootDir serves files and symlinks inside ROOT") {
  TempRoot tmp;
  RootDir dir(tmp.root(), {});
  auto f = dir.OpenRead("sub/f");
  REQUIRE(f.ok());
  CHECK(ReadAll(*f.value()) == "inside");
  auto link = dir.OpenRead("link-in");
  REQUIRE(link.ok());
  CHECK(ReadAll(*link.value()) == "inside");
}

TEST_CASE("RootDir refuses symlinks and .. that lead out of ROOT") {
  TempRoot tmp;
  RootDir dir(tmp.root(), {});
  for (const char* name :
       {"link-out", "link-abs", "../outside", "sub/../../outside"}) {
    INFO(name);
    auto r = dir.OpenRead(name);
    REQUIRE_FALSE(r.ok());
    CHECK(tftp::ErrorForErrno(r.failure().sys_errno) ==
          tftp::ErrorCode::kAccessViolation);
  }
}

TEST_CASE(
    "RootDir: world-readable required unless permissive - regular files only") {
  TempRoot tmp;
  RootDirOptions hinted;
  hinted.permission_hint = "see -p";  // pxe-tftpd's
  RootDir strict(tmp.root(), hinted);
  auto priv = strict.OpenRead("private");
  REQUIRE_FALSE(priv.ok());
  CHECK(priv.failure().sys_errno == EACCES);
  CHECK(priv.error() == "not world-readable (see -p)");
  // lib/os names no program's flags of its own.
  CHECK(RootDir(tmp.root(), {}).OpenRead("private").error() ==
        "not world-readable");
  RootDirOptions permissive;
  permissive.permissive = true;
  CHECK(RootDir(tmp.root(), permissive)
            .OpenRead("private")
            .ok());                     // the owner may read it
  auto fifo = strict.OpenRead("fifo");  // must not block
  REQUIRE_FALSE(fifo.ok());
  CHECK(fifo.error() == "not a regular file");
  CHECK_FALSE(strict.OpenRead("sub").ok());
  CHECK(strict.OpenRead("missing").failure().sys_errno == ENOENT);
}

TEST_CASE("RootDir writes: create new files with -c and abandon removes them") {
  TempRoot tmp;
  RootDirOptions options;
  options.allow_create = true;
  options.permission_hint = "see -p";
  RootDir dir(tmp.root(), options);
  auto sink = dir.OpenWrite("new.bin");
  REQUIRE(sink.ok());
  const std::uint8_t bytes[] = {'h', 'i'};
  CHECK(sink.value()->Write(bytes) == 0);
  CHECK(sink.value()->Commit() == 0);
  CHECK(fs::file_size(tmp.base / "root/new.bin") == 2);
  auto half = dir.OpenWrite("half.bin");
  REQUIRE(half.ok());
  half.value()->Abandon();
  CHECK_FALSE(fs::exists(tmp.base / "root/half.bin"));
  // An existing file that is not world-writable is refused.
  auto existing = dir.OpenWrite("sub/f");
  REQUIRE_FALSE(existing.ok());
  CHECK(existing.error() == "not world-writable (see -p)");
  CHECK_FALSE(dir.OpenWrite("link-out").ok());
}

TEST_CASE("RootDir::CheckLookup: a ROOT the process can search is fine") {
  // A ROOT it cannot search (EACCES) needs another user; the CLI test runs
  // pxe-tftpd with --user nobody against a 0700 ROOT for that.
  TempRoot tmp;
  RootDir dir(tmp.root(), {});
  CHECK(dir.CheckLookup() == 0);
  CHECK(dir.CheckCreate() == 0);
}
