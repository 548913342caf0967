#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>
#include <catch2/catch.hpp>

#include "exports/exports.h"
#include "exports/exports_check.h"

namespace pxekit::exports {
namespace {

CheckOptions NoPaths() {
  CheckOptions o;
  o.check_paths = false;
  return o;
}

std::vector<Diagnostic> Check(std::string_view text,
                              const CheckOptions& options = NoPaths()) {
  return CheckExports({ParseExports(text, "exports")}, options);
}

std::string Dump(const std::vector<Diagnostic>& ds) {
  std::string out;
  for (const auto& d : ds) out += d.Format() + "\n";
  return out;
}

// The diagnostics whose message contains `needle`.
std::vector<Diagnostic> With(const std::vector<Diagnostic>& ds,
                             std::string_view needle) {
  std::vector<Diagnostic> out;
  for (const auto& d : ds)
    if (d.message.find(needle) != std::string::npos) out.push_back(d);
  return out;
}

}  // namespace

TEST_CASE("The seed tftpboot export warns of root for the world", "[exports]") {
  auto ds =
      Check("/srv/tftpboot/ *(no_subtree_check,rw,no_root_squash,async)\n");
  INFO(Dump(ds));
  CHECK_FALSE(HasErrors(ds));
  REQUIRE(ds.size() == 2);
  CHECK(ds[0].severity == Severity::kWarning);
  CHECK(ds[0].message ==
        "no_root_squash for *: every host that can reach this server can "
        "read and write /srv/tftpboot/ as root");
  CHECK(ds[0].line == 1);
  CHECK(ds[0].column == 16);
  CHECK(ds[1].message.find("rw with async") == 0);
}

TEST_CASE("The other seed lines are clean or warned as exportfs would",
          "[exports]") {
  auto ds = Check(
      "/srv/homes       hostname1(rw,sync,no_subtree_check) "
      "hostname2(ro,sync,no_subtree_check)\n"
      "/srv/nfs4        gss/krb5i(rw,sync,fsid=0,crossmnt,no_subtree_check)\n"
      "/srv/nfs4/homes  gss/krb5i(rw,sync,no_subtree_check)\n"
      "/srv/www    *(ro)\n");
  INFO(Dump(ds));
  CHECK_FALSE(HasErrors(ds));
  CHECK(With(ds, "deprecated").size() == 2);
  auto subtree = With(ds, "neither subtree_check");
  REQUIRE(subtree.size() == 1);
  CHECK(subtree[0].line == 4);
  CHECK(ds.size() == 3);
}

TEST_CASE("Contradictions in one option list are errors", "[exports]") {
  auto ds = Check(
      "/a h(ro,rw,sync,no_subtree_check)\n"
      "/b h(sync,async,no_subtree_check)\n"
      "/c h(fsid=1,fsid=2,sync,no_subtree_check)\n"
      "/d h(sec=sys,rw,sec=krb5,ro,sync,no_subtree_check)\n"
      "/e -ro,sync,no_subtree_check h(rw)\n");
  INFO(Dump(ds));
  REQUIRE(ds.size() == 3);
  CHECK(ds[0].message == "rw contradicts ro in the same option list");
  CHECK(ds[0].column == 9);
  CHECK(ds[1].message == "async contradicts sync in the same option list");
  CHECK(ds[2].message == "two fsids in one option list: fsid=1 and fsid=2");
  CHECK(ds[2].line == 3);
}

TEST_CASE("A bare client without defaults is an error", "[exports]") {
  auto ds = Check("/a 10.0.0.1\n/b -ro,sync,no_subtree_check 10.0.0.1\n");
  INFO(Dump(ds));
  REQUIRE(ds.size() == 1);
  CHECK(ds[0].line == 1);
  CHECK(ds[0].severity == Severity::kError);
  CHECK(ds[0].message.find("no options for '10.0.0.1'") == 0);
}

TEST_CASE("The space before a parenthesis is reported as world access",
          "[exports]") {
  auto ds = Check("/srv/a 192.168.1.10 (rw)\n");
  INFO(Dump(ds));
  REQUIRE(ds.size() == 1);
  CHECK(ds[0].column == 21);
  CHECK(ds[0].message.find("whole world (*)") != std::string::npos);
}

TEST_CASE("Wide networks get root and write warnings naming who", "[exports]") {
  auto ds = Check(
      "/a 10.0.0.0/8(rw,sync,no_subtree_check)\n"
      "/b 10.1.0.0/16(ro,no_root_squash,sync,no_subtree_check)\n"
      "/c 10.1.2.0/24(rw,no_root_squash,sync,no_subtree_check)\n"
      "/d *.lab.example(rw,sync,no_subtree_check)\n"
      "/e 2001:db8::/32(rw,sync,no_subtree_check)\n"
      "/f 2001:db8:1:2::/64(rw,no_root_squash,sync,no_subtree_check)\n"
      "/g @lab(rw,no_root_squash,sync,no_subtree_check)\n");
  INFO(Dump(ds));
  REQUIRE(ds.size() == 4);
  CHECK(ds[0].message ==
        "rw for 10.0.0.0/8: every host in 10.0.0.0/8 can write to /a");
  CHECK(ds[1].message ==
        "no_root_squash for 10.1.0.0/16: every host in 10.1.0.0/16 can read "
        "every file in /b as root");
  CHECK(ds[2].line == 4);
  CHECK(ds[2].message.find("matches '*.lab.example'") != std::string::npos);
  CHECK(ds[3].line == 5);
}

TEST_CASE("Duplicates and two NFSv4 roots are found across files",
          "[exports]") {
  std::vector<ExportsFile> files = {
      ParseExports("/srv/a h(ro,sync,no_subtree_check)\n"
                   "/srv/v4 h(ro,fsid=0,sync,no_subtree_check)\n",
                   "/etc/exports"),
      ParseExports("/srv/a/ H(ro,sync,no_subtree_check)\n"
                   "/srv//a h(rw,sync,no_subtree_check)\n"
                   "/srv/other h(ro,fsid=root,sync,no_subtree_check)\n"
                   "/srv/v4 k(ro,fsid=0,sync,no_subtree_check)\n",
                   "/etc/exports.d/lab.exports")};
  auto ds = CheckExports(files, NoPaths());
  INFO(Dump(ds));
  REQUIRE(ds.size() == 3);
  CHECK(ds[0].file == "/etc/exports.d/lab.exports");
  CHECK(ds[0].severity == Severity::kWarning);
  CHECK(ds[0].message ==
        "/srv/a/ is exported to H again (first at /etc/exports:1)");
  CHECK(ds[1].severity == Severity::kError);
  CHECK(ds[1].line == 2);
  CHECK(ds[1].message.find("twice with different options") !=
        std::string::npos);
  CHECK(ds[2].line == 3);
  CHECK(ds[2].message ==
        "a second export with fsid=0: /srv/other and /srv/v4 (at "
        "/etc/exports:2) both claim the NFSv4 root");
}

TEST_CASE("Paths are checked through the injected probe", "[exports]") {
  std::map<std::string, PathKind> fs = {{"/srv/dir", PathKind::kDirectory},
                                        {"/srv/file", PathKind::kOther}};
  std::vector<std::string> asked;
  CheckOptions options;
  options.probe = [&](const std::string& path) {
    asked.push_back(path);
    auto it = fs.find(path);
    return it == fs.end() ? PathKind::kMissing : it->second;
  };
  const char* text =
      "/srv/dir h(ro,sync,no_subtree_check)\n"
      "/srv/file h(ro,sync,no_subtree_check)\n"
      "/srv/gone h(ro,sync,no_subtree_check) k(ro,sync,no_subtree_check)\n";
  auto ds = Check(text, options);
  INFO(Dump(ds));
  REQUIRE(ds.size() == 2);
  CHECK(ds[0].severity == Severity::kWarning);
  CHECK(ds[0].message == "'/srv/file' is not a directory");
  CHECK(ds[1].severity == Severity::kError);
  CHECK(ds[1].line == 3);
  CHECK(ds[1].column == 1);
  CHECK(ds[1].message.find("does not exist") != std::string::npos);
  CHECK(asked.size() == 3);

  options.check_paths = false;
  asked.clear();
  CHECK(Check(text, options).empty());
  CHECK(asked.empty());
}

TEST_CASE("A warning on a continuation line shows that line", "[exports]") {
  auto ds = Check(
      "/a h(ro,sync,no_subtree_check) \\\n  *(rw,sync,no_subtree_check)\n");
  INFO(Dump(ds));
  REQUIRE(ds.size() == 1);
  CHECK(ds[0].line == 2);
  CHECK(ds[0].column == 3);
  CHECK(ds[0].Format() ==
        "exports:2:3: warning: rw for *: every host that can reach this "
        "server can write to /a\n"
        "    *(rw,sync,no_subtree_check)\n"
        "    ^");
}

TEST_CASE("Each client's warning shows its own continuation line",
          "[exports]") {
  // Clients on lines 1 to 5, two on line 3; the wide ones warn.
  auto ds = Check(
      "/a h1(ro,sync,no_subtree_check) \\\n"
      "  h2(ro,sync,no_subtree_check) \\\n"
      "  h3(ro,sync,no_subtree_check) *(rw,sync,no_subtree_check) \\\n"
      "  h4(ro,sync,no_subtree_check) \\\n"
      "  10.0.0.0/8(rw,sync,no_subtree_check)\n");
  INFO(Dump(ds));
  REQUIRE(ds.size() == 2);
  CHECK(ds[0].line == 3);
  CHECK(ds[0].source_line ==
        "  h3(ro,sync,no_subtree_check) *(rw,sync,no_subtree_check) \\");
  CHECK(ds[1].line == 5);
  CHECK(ds[1].source_line == "  10.0.0.0/8(rw,sync,no_subtree_check)");
}

TEST_CASE("Parse errors come first in line order with the checks",
          "[exports]") {
  auto ds = Check("/a *(rw,sync,no_subtree_check)\n/b h(XX)\n");
  INFO(Dump(ds));
  REQUIRE(ds.size() == 2);
  CHECK(ds[0].line == 1);
  CHECK(ds[1].line == 2);
  CHECK(HasErrors(ds));
}

}  // namespace pxekit::exports
