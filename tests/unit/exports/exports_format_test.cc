#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "exports/exports.h"
#include "exports/exports_format.h"

namespace pxekit::exports {

TEST_CASE("A line is written with sync and no_subtree_check spelled out",
          "[exports]") {
  ExportSpec spec{"/srv/nfsroot/host1",
                  {{"192.168.1.21", {"rw", "no_root_squash"}},
                   {"10.0.0.0/24", {"ro", "async", "subtree_check"}}}};
  auto line = FormatExportLine(spec);
  REQUIRE(line.ok());
  CHECK(*line ==
        "/srv/nfsroot/host1 192.168.1.21(rw,no_root_squash,sync,"
        "no_subtree_check) 10.0.0.0/24(ro,async,subtree_check)");
  ExportSpec bare{"/a", {{"*", {}}}};
  CHECK(FormatExportLine(bare).value() == "/a *(sync,no_subtree_check)");
}

TEST_CASE("Special characters in the path are octal escaped", "[exports]") {
  CHECK(EscapePath("/srv/my dir") == "/srv/my\\040dir");
  CHECK(EscapePath("/a\tb\\c\"d#e\n") == "/a\\011b\\134c\\042d\\043e\\012");
  CHECK(EscapePath("/srv/caf\xc3\xa9") == "/srv/caf\xc3\xa9");
}

TEST_CASE("Bad specs are refused naming the culprit", "[exports]") {
  CHECK(FormatExportLine({"relative", {{"*", {}}}})
            .error()
            .find("not absolute") != std::string::npos);
  CHECK(FormatExportLine({"/a", {}}).error().find("no client") !=
        std::string::npos);
  CHECK(FormatExportLine({"/a", {{"[::1]", {}}}}).error().find("brackets") !=
        std::string::npos);
  CHECK(FormatExportLine({"/a", {{"h", {"RW"}}}})
            .error()
            .find("case-sensitive") != std::string::npos);
  CHECK_FALSE(FormatExportLine({"/a", {{"h", {"rw,ro"}}}}).ok());
  CHECK_FALSE(FormatExportLine({"/a", {{"h", {"rw", "ro"}}}}).ok());
  CHECK_FALSE(FormatExportLine({"/a", {{"h(rw)", {}}}}).ok());
  CHECK_FALSE(FormatExportLine({std::string("/a\0b", 4), {{"h", {}}}}).ok());
}

TEST_CASE("Format then parse gives the same entry", "[exports]") {
  const ExportSpec specs[] = {
      {"/srv/with space/and\ttab", {{"*", {"ro"}}}},
      {"/srv/q\"uote#hash\\back", {{"@lab", {"rw", "sec=krb5p:sys"}}}},
      {"/x",
       {{"2001:db8::/64", {"fsid=0", "crossmnt", "refer=/a@h1+h2"}},
        {"pc[0-9].lab", {"anonuid=1000", "mp=/mnt"}}}},
  };
  for (const auto& spec : specs) {
    auto line = FormatExportLine(spec);
    REQUIRE(line.ok());
    INFO(*line);
    ExportsFile f = ParseExports(*line + "\n", "round");
    CHECK(f.diagnostics.empty());
    REQUIRE(f.entries.size() == 1);
    CHECK(f.entries[0].path == spec.path);
    ExportSpec back = SpecOf(f.entries[0]);
    REQUIRE(back.clients.size() == spec.clients.size());
    for (std::size_t i = 0; i < spec.clients.size(); ++i) {
      CHECK(back.clients[i].host == spec.clients[i].host);
      // Formatting again is a fixed point.
    }
    CHECK(FormatExportLine(back).value() == *line);
  }
}

TEST_CASE("Line defaults a client overrides are dropped from its spec",
          "[exports]") {
  ExportsFile f = ParseExports("/g -ro,sync,fsid=3 a b(rw,fsid=4)\n", "x");
  REQUIRE(f.entries.size() == 1);
  ExportSpec spec = SpecOf(f.entries[0]);
  REQUIRE(spec.clients.size() == 2);
  CHECK(spec.clients[0].options ==
        std::vector<std::string>{"ro", "sync", "fsid=3"});
  CHECK(spec.clients[1].options ==
        std::vector<std::string>{"sync", "rw", "fsid=4"});
  CHECK(FormatExportLine(spec).value() ==
        "/g a(ro,sync,fsid=3,no_subtree_check) "
        "b(sync,rw,fsid=4,no_subtree_check)");
}

}  // namespace pxekit::exports
