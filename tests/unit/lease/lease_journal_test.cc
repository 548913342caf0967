#include "lease/lease_journal.h"

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <string>

#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>
#include <catch2/catch.hpp>

#include "unit/scratch_dir.h"

#include "os/file.h"

namespace pxekit {
namespace {

bool WriteText(const std::string& path, const std::string& text) {
  FILE* f = std::fopen(path.c_str(), "w");
  if (f == nullptr) return false;
  bool ok = std::fwrite(text.data(), 1, text.size(), f) == text.size();
  return std::fclose(f) == 0 && ok;
}

constexpr const char* kLease =
    "lease 198.18.0.10 {\n"
    "  starts 0 2026/11/29 00:00:00;\n"
    "  ends 0 2036/11/30 00:00:00;\n"
    "  binding state active;\n"
    "  hardware ethernet 02:00:00:00:00:10;\n"
    "}\n";

}  // namespace

TEST_CASE("The lease file lock admits one server and names it",
          "[lease][journal]") {
  ScratchDir dir;
  REQUIRE_FALSE(dir.path.empty());
  std::string path = dir.path + "/dhcpd.leases";
  LeaseJournal first(path);
  REQUIRE(first.Lock().ok());
  CHECK(*ReadFileContents(path + ".lock") == fmt::format("{}\n", ::getpid()));
  // flock locks belong to an open file: a second open conflicts even in
  // the same process, as a second server would.
  LeaseJournal second(path);
  auto locked = second.Lock();
  REQUIRE_FALSE(locked.ok());
  CHECK(locked.failure().sys_errno == EWOULDBLOCK);
  CHECK(locked.error() ==
        fmt::format("{}: lease file is in use by PID {}", path, ::getpid()));
}

TEST_CASE("A missing lease file directory is an error and not created",
          "[lease][journal]") {
  ScratchDir dir;
  std::string path = dir.path + "/nodir/dhcpd.leases";
  LeaseJournal journal(path);
  auto locked = journal.Lock();
  REQUIRE_FALSE(locked.ok());
  CHECK(locked.failure().sys_errno == ENOENT);
  CHECK(locked.error() ==
        fmt::format("{}: directory {}/nodir does not exist", path, dir.path));
  CHECK_FALSE(std::filesystem::exists(dir.path + "/nodir"));
}

TEST_CASE("A directory given as the lease file gets no lock file beside it",
          "[lease][journal]") {
  ScratchDir dir;
  LeaseJournal journal(dir.path);
  auto locked = journal.Lock();
  REQUIRE_FALSE(locked.ok());
  CHECK(locked.failure().sys_errno == EISDIR);
  CHECK_FALSE(std::filesystem::exists(dir.path + ".lock"));
}

TEST_CASE("An empty lease file name is refused and not locked as .lock",
          "[lease][journal]") {
  LeaseJournal journal("");
  auto locked = journal.Lock();
  REQUIRE_FALSE(locked.ok());
  CHECK(locked.error() == "the lease file name is empty");
}

TEST_CASE("Compact keeps the replaced file as a backup when asked",
          "[lease][journal]") {
  ScratchDir dir;
  std::string path = dir.path + "/dhcpd.leases";
  std::string corrupt = std::string(kLease) + "garbage {{ ;\n";
  REQUIRE(WriteText(path, corrupt));
  LeaseJournal journal(path);
  auto loaded = journal.Load();
  REQUIRE(loaded.ok());
  CHECK_FALSE(loaded->warnings.empty());
  REQUIRE(journal.Compact(loaded->leases, true).ok());
  CHECK(*ReadFileContents(path + "~") == corrupt);
  auto again = journal.Load();
  REQUIRE(again.ok());
  CHECK(again->warnings.empty());
  CHECK(again->leases.size() == 1);
  // Without `backup` the old copy stays as it was.
  REQUIRE(journal.Compact(again->leases).ok());
  CHECK(*ReadFileContents(path + "~") == corrupt);
}

TEST_CASE("Compact keeps the owner of the file it replaces",
          "[lease][journal]") {
  ScratchDir dir;
  std::string path = dir.path + "/dhcpd.leases";
  REQUIRE(WriteText(path, kLease));
  // As root (make check, CI) the file is given to another owner first, as
  // an admin's chown would; as anyone else it is the process's own.
  const uid_t uid = ::geteuid() == 0 ? 4242 : ::geteuid();
  const gid_t gid = ::geteuid() == 0 ? 4343 : ::getegid();
  REQUIRE(::chown(path.c_str(), uid, gid) == 0);
  LeaseJournal journal(path);
  auto loaded = journal.Load();
  REQUIRE(loaded.ok());
  REQUIRE(journal.Compact(loaded->leases).ok());
  struct stat after;
  REQUIRE(::stat(path.c_str(), &after) == 0);
  CHECK(after.st_uid == uid);
  CHECK(after.st_gid == gid);
  CHECK(*ReadFileContents(path) != "");
}

TEST_CASE("The journal as a LeaseStore reads back what it synced",
          "[lease][journal]") {
  ScratchDir dir;
  std::string path = dir.path + "/dhcpd.leases";
  LeaseJournal journal(path);
  REQUIRE(journal.Compact({}).ok());
  LeaseStore& store = journal;
  Lease lease;
  lease.address = Ipv4Addr::FromOctets(198, 18, 0, 10);
  lease.state = LeaseState::kActive;
  lease.starts = lease.cltt = 1795000000;
  lease.ends = 1795000600;
  lease.mac = MacAddr(MacAddr::Bytes{2, 0, 0, 0, 0, 0x10});
  store.Record(lease);
  lease.ends = 1795001200;  // a renewal in the same group: the last wins
  store.Record(lease);
  std::string error;
  REQUIRE(store.Sync(&error));
  // One writer: nothing is ever refused.
  CHECK(store.TakeRefused().empty());
  auto all = store.LoadAll();
  REQUIRE(all.ok());
  REQUIRE(all->size() == 1);
  CHECK((*all)[0] == lease);
}

TEST_CASE("A missing lease file loads as no leases", "[lease][journal]") {
  ScratchDir dir;
  LeaseJournal journal(dir.path + "/none.leases");
  auto all = journal.LoadAll();
  REQUIRE(all.ok());
  CHECK(all->empty());
}

TEST_CASE("A BOM at the start of the lease file is skipped",
          "[lease][journal]") {
  LeaseFileContents contents =
      ParseLeaseFile(std::string("\xEF\xBB\xBF") + kLease);
  CHECK(contents.warnings.empty());
  CHECK(contents.leases.size() == 1);
}

}  // namespace pxekit
