#include "tftpd/request_handler.h"

#include <catch2/catch.hpp>
#include <cerrno>
#include <map>

#include "tftpd/file_store.h"
#include "tftpd/remap.h"

using namespace pxekit;
using namespace pxekit::tftp;

namespace {

// A store of in-memory files; absent names fail with ENOENT.
struct FakeStore : FileStore {
  std::map<std::string, std::string> files;
  std::string last_opened;
  Result<std::unique_ptr<FileSource>> OpenRead(
      const std::string& relative) override {
    last_opened = relative;
    auto it = files.find(relative);
    if (it == files.end()) return Failure{"", 0, ENOENT};
    return std::unique_ptr<FileSource>(
        std::make_unique<MemorySource>(it->second));
  }
  Result<std::unique_ptr<FileSink>> OpenWrite(
      const std::string& relative) override {
    last_opened = relative;
    return Failure{"", 0, EACCES};
  }
};

Request Rrq(std::string name, std::vector<Option> options = {},
            std::string mode = "octet") {
  return Request{Opcode::kRrq, std::move(name), std::move(mode),
                 std::move(options)};
}

const Ipv4Addr kClient = Ipv4Addr::FromOctets(10, 0, 0, 5);

}  // namespace

TEST_CASE("A plain RRQ becomes a transfer of the right file") {
  FakeStore store;
  store.files["pxelinux.0"] = "boot";
  ServerPolicy policy;
  auto outcome = HandleRequest(Rrq("pxelinux.0", {{"tsize", "0"}}), kClient,
                               nullptr, store, policy);
  REQUIRE(outcome.transfer);
  CHECK(outcome.size == 4);
  CHECK(outcome.transfer->setup().oack == std::vector<Option>{{"tsize", "4"}});
}

TEST_CASE(
    "A missing file is ERROR 1 - an absolute one outside ROOT is ERROR 2") {
  FakeStore store;
  ServerPolicy policy;
  policy.root = "/srv/tftp";
  auto missing = HandleRequest(Rrq("nope"), kClient, nullptr, store, policy);
  CHECK_FALSE(missing.transfer);
  CHECK(missing.error == ErrorCode::kFileNotFound);
  auto passwd =
      HandleRequest(Rrq("/etc/passwd"), kClient, nullptr, store, policy);
  CHECK(passwd.error == ErrorCode::kAccessViolation);
  CHECK(passwd.reason ==
        "absolute path outside ROOT (and no such file under ROOT)");
  CHECK(store.last_opened == "etc/passwd");  // looked up inside ROOT only
}

TEST_CASE("Remapping runs before confinement and a remap refusal is ERROR 2") {
  FakeStore store;
  store.files["Boot/BCD"] = "bcd";
  std::vector<RemapParseError> errors;
  RemapRules rules = RemapRules::Parse("rg \\\\ /\na \\.pvt$\n", &errors);
  REQUIRE(errors.empty());
  ServerPolicy policy;
  auto wds = HandleRequest(Rrq("\\Boot\\BCD"), kClient, &rules, store, policy);
  REQUIRE(wds.transfer);
  CHECK(wds.filename == "Boot/BCD");
  auto pvt = HandleRequest(Rrq("x.pvt"), kClient, &rules, store, policy);
  CHECK(pvt.error == ErrorCode::kAccessViolation);
  // Without the rule, backslashes are refused.
  auto raw = HandleRequest(Rrq("\\Boot\\BCD"), kClient, nullptr, store, policy);
  CHECK(raw.error == ErrorCode::kAccessViolation);
}

TEST_CASE("Bad modes are ERROR 4 - WRQ without -c is ERROR 2") {
  FakeStore store;
  store.files["f"] = "x";
  ServerPolicy policy;
  CHECK(HandleRequest(Rrq("f", {}, "mail"), kClient, nullptr, store, policy)
            .error == ErrorCode::kIllegalOperation);
  Request wrq{Opcode::kWrq, "f", "octet", {}};
  auto refused = HandleRequest(wrq, kClient, nullptr, store, policy);
  CHECK(refused.error == ErrorCode::kAccessViolation);
  CHECK(store.last_opened.empty());  // never touched the file system
}

TEST_CASE("A refused option value is ERROR 8") {
  FakeStore store;
  store.files["f"] = "x";
  ServerPolicy policy;
  auto outcome = HandleRequest(Rrq("f", {{"blksize", "2"}}), kClient, nullptr,
                               store, policy);
  CHECK(outcome.error == ErrorCode::kOptionRefused);
}

TEST_CASE("netascii files are converted and sent without tsize") {
  FakeStore store;
  store.files["cfg"] = "a\nb\n";
  ServerPolicy policy;
  auto outcome = HandleRequest(Rrq("cfg", {{"tsize", "0"}}, "netascii"),
                               kClient, nullptr, store, policy);
  REQUIRE(outcome.transfer);
  CHECK(outcome.size == 6);
  CHECK(outcome.transfer->setup().oack.empty());
}

TEST_CASE("An accepted timeout option caps the retransmit timeout") {
  FakeStore store;
  store.files["f"] = "x";
  ServerPolicy policy;
  policy.limits.max_timeout_option = std::chrono::seconds(5);
  auto outcome = HandleRequest(Rrq("f", {{"timeout", "1"}}), kClient, nullptr,
                               store, policy);
  REQUIRE(outcome.transfer);
  CHECK(outcome.transfer->setup().retransmit.initial ==
        std::chrono::seconds(1));
}
