#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <catch2/catch.hpp>

#include "exports/exports.h"
#include "exports/ganesha.h"

namespace pxekit::exports {
namespace {

GaneshaResult Ganesha(std::string_view text, std::string file = "exports") {
  return FormatGanesha({ParseExports(text, std::move(file))});
}

std::string Dump(const std::vector<Diagnostic>& ds) {
  std::string out;
  for (const auto& d : ds) out += d.Format() + "\n";
  return out;
}

// The text of the first CLIENT block whose Clients line is `clients`.
std::string ClientBlock(const std::string& config, std::string_view clients) {
  std::string key = "Clients = " + std::string(clients) + ";";
  auto at = config.find(key);
  if (at == std::string::npos) return "";
  auto end = config.find('}', at);
  return config.substr(at, end - at);
}

// tests/golden/pxe-exports: from PXEKIT_SRC when set, else where CMake put
// the source tree (PXEKIT_GOLDEN_DIR), so that the binary also runs by hand
// from any directory (__FILE__ is relative to the build directory once
// ccache's CCACHE_BASEDIR has rewritten it).
std::filesystem::path GoldenDir() {
  std::vector<std::filesystem::path> candidates;
  if (const char* src = std::getenv("PXEKIT_SRC"))
    candidates.push_back(std::filesystem::path(src) /
                         "tests/golden/pxe-exports");
  candidates.push_back(PXEKIT_GOLDEN_DIR);
  for (const auto& dir : candidates)
    if (std::filesystem::exists(dir / "seed-exports")) return dir;
  return {};
}

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

bool Has(std::string_view text, std::string_view needle) {
  return text.find(needle) != std::string_view::npos;
}

// The config for `text`, which must convert without errors (warnings are
// allowed).
std::string Converted(std::string_view text) {
  auto r = Ganesha(text);
  INFO(Dump(r.diagnostics));
  REQUIRE_FALSE(r.HasErrors());
  return r.config;
}

// The first diagnostic for `text`, which must be refused: an error, and no
// config at all.
Diagnostic Refused(std::string_view text) {
  auto r = Ganesha(text);
  INFO(Dump(r.diagnostics));
  REQUIRE(r.HasErrors());
  CHECK(r.config.empty());
  return r.diagnostics[0];
}

}  // namespace

TEST_CASE("Ganesha: one export to a network with every permission written out",
          "[ganesha]") {
  auto r = Ganesha(
      "/srv/root 10.1.2.0/24(rw,no_root_squash,sync,"
      "no_subtree_check)\n");
  INFO(Dump(r.diagnostics));
  REQUIRE(r.diagnostics.empty());
  std::string id = std::to_string(GaneshaHomeExportId("/srv/root"));
  CHECK(r.config ==
        "# /srv/root from exports:1\n"
        "EXPORT {\n"
        "\tExport_Id = " +
            id +
            ";\n"
            "\tPath = \"/srv/root\";\n"
            "\tPseudo = \"/srv/root\";\n"
            "\tFSAL {\n\t\tName = VFS;\n\t}\n"
            "\tProtocols = 3, 4;\n"
            "\tTransports = UDP, TCP;\n"
            "\t# Clients that no CLIENT block names get no access.\n"
            "\tAccess_Type = None;\n"
            "\tSquash = Root_Squash;\n"
            "\tSecType = sys;\n"
            "\tCLIENT {\n"
            "\t\tClients = 10.1.2.0/24;\n"
            "\t\tAccess_Type = RW;\n"
            "\t\tSquash = No_Root_Squash;\n"
            "\t\tAnonymous_Uid = 65534;\n"
            "\t\tAnonymous_Gid = 65534;\n"
            "\t\tSecType = sys;\n"
            "\t\tPrivilegedPort = true;\n"
            "\t}\n"
            "}\n");
}

TEST_CASE("Ganesha: exportfs defaults are written instead of Ganesha's",
          "[ganesha]") {
  std::string b =
      ClientBlock(Converted("/a host1(sync,no_subtree_check)\n"), "host1");
  CHECK(Has(b, "Access_Type = RO;"));
  CHECK(Has(b, "Squash = Root_Squash;"));
  CHECK(Has(b, "Anonymous_Uid = 65534;"));
  CHECK(Has(b, "SecType = sys;"));
  CHECK(Has(b, "PrivilegedPort = true;"));
}

TEST_CASE("Ganesha: squash and anonymous ids and insecure and sec= are mapped",
          "[ganesha]") {
  std::string config = Converted(
      "/a h1(rw,all_squash,anonuid=1000,anongid=100,insecure,sec=krb5p:unix,"
      "sync,no_subtree_check) h2(root_squash,anonuid=-1,sync,"
      "no_subtree_check)\n");
  std::string h1 = ClientBlock(config, "h1");
  CHECK(Has(h1, "Squash = All_Squash;"));
  CHECK(Has(h1, "Anonymous_Uid = 1000;"));
  CHECK(Has(h1, "Anonymous_Gid = 100;"));
  CHECK(Has(h1, "PrivilegedPort = false;"));
  CHECK(Has(h1, "SecType = krb5p, sys;"));
  // uid_t is 32 bits: -1 is 4294967295, as exportfs stores it.
  CHECK(Has(ClientBlock(config, "h2"), "Anonymous_Uid = 4294967295;"));
}

TEST_CASE("Ganesha: line default options apply to every client on the line",
          "[ganesha]") {
  std::string config =
      Converted("/g -rw,sync,no_subtree_check 10.3.0.1 10.3.0.2(ro)\n");
  CHECK(Has(ClientBlock(config, "10.3.0.1"), "Access_Type = RW;"));
  CHECK(Has(ClientBlock(config, "10.3.0.2"), "Access_Type = RO;"));
}

TEST_CASE("Ganesha: client forms as its lexer takes them", "[ganesha]") {
  std::string config = Converted(
      "/a *(ro,sync,no_subtree_check) @lab(ro,sync,no_subtree_check) "
      "*.lab.example(ro,sync,no_subtree_check) "
      "10.0.0.0/255.255.252.0(ro,sync,no_subtree_check) "
      "2001:db8::/32(ro,sync,no_subtree_check) "
      "2001:db8::7(ro,sync,no_subtree_check) "
      "pc-1.lab.example(ro,sync,no_subtree_check) "
      "10.9.8.7(ro,sync,no_subtree_check)\n");
  // Sorted by exportfs's precedence: hosts, networks, wildcards,
  // netgroups, then everyone; line order within a kind.
  std::vector<std::string> order;
  std::string_view rest = config;
  for (auto at = rest.find("Clients = "); at != std::string_view::npos;
       at = rest.find("Clients = ")) {
    rest.remove_prefix(at + 10);
    order.emplace_back(rest.substr(0, rest.find(';')));
  }
  CHECK(order == std::vector<std::string>{"2001:db8::7", "pc-1.lab.example",
                                          "10.9.8.7", "10.0.0.0/22",
                                          "2001:db8::/32", "*.lab.example",
                                          "@lab", "*"});
}

TEST_CASE("Ganesha: a more specific client listed after the world still wins",
          "[ganesha]") {
  // exportfs gives 10.0.0.5 rw whatever the order; Ganesha takes the first
  // CLIENT block that matches, so 10.0.0.5 must come first.
  std::string config = Converted(
      "/a *(ro,sync,no_subtree_check) 10.0.0.5(rw,sync,no_subtree_check)\n");
  CHECK(config.find("Clients = 10.0.0.5;") < config.find("Clients = *;"));
}

TEST_CASE("Ganesha: client names its syntax cannot carry are errors",
          "[ganesha]") {
  for (std::string_view line : {
           "/a 1host.example(ro,sync,no_subtree_check)\n",
           "/a on(ro,sync,no_subtree_check)\n",
           "/a host[0-9](ro,sync,no_subtree_check)\n",
           "/a ?abc(ro,sync,no_subtree_check)\n",
           "/a 0.0.0.0(ro,sync,no_subtree_check)\n",
       }) {
    auto r = Ganesha(line);
    INFO(line);
    INFO(Dump(r.diagnostics));
    CHECK(r.HasErrors());
    CHECK(r.config.empty());
    REQUIRE(r.diagnostics.size() == 1);
    CHECK(r.diagnostics[0].column == 4);
  }
}

TEST_CASE("Ganesha: gss/krb5i clients are everyone with that flavour",
          "[ganesha]") {
  std::string b = ClientBlock(
      Converted("/srv/nfs4 gss/krb5i(rw,sync,no_subtree_check)\n"), "*");
  CHECK(Has(b, "SecType = krb5i;"));
  CHECK(Has(b, "Access_Type = RW;"));
}

TEST_CASE("Ganesha: a gss client beside other clients is an error",
          "[ganesha]") {
  // exportfs keeps gss/krb5i (krb5i requests) apart from * (the others);
  // Ganesha picks the first CLIENT block by address and would then refuse
  // every AUTH_SYS request with WRONGSEC.
  Diagnostic d = Refused(
      "/a gss/krb5i(rw,sync,no_subtree_check) "
      "*(ro,sync,no_subtree_check)\n");
  CHECK(d.column == 40);
  CHECK(Has(d.message, "'gss/krb5i' and other clients"));
  Converted(
      "/a gss/krb5i(rw,sync,no_subtree_check)\n"
      "/b 10.0.0.0/8(ro,sync,no_subtree_check)\n");
}

TEST_CASE("Ganesha: one client twice with other flavours is an error",
          "[ganesha]") {
  Diagnostic d = Refused(
      "/a h(sec=sys,ro,sync,no_subtree_check)\n"
      "/a h(sec=krb5,rw,sync,no_subtree_check)\n");
  CHECK(d.line == 2);
  CHECK(Has(d.message, "only ever use the first CLIENT"));
}

TEST_CASE("Ganesha: an option it cannot express is an error naming it",
          "[ganesha]") {
  for (std::string_view option :
       {"subtree_check", "nocrossmnt", "insecure_locks", "no_auth_nlm", "pnfs",
        "security_label", "mountpoint", "mp=/srv", "refer=/x@h",
        "replicas=/x@h", "squash_uids=0-15"}) {
    std::string line = "/srv/a 10.0.0.1(ro,sync," + std::string(option) + ")\n";
    auto r = Ganesha(line, "/etc/exports.d/lab.exports");
    INFO(line);
    INFO(Dump(r.diagnostics));
    REQUIRE(r.diagnostics.size() == 1);
    const Diagnostic& d = r.diagnostics[0];
    CHECK(d.severity == Severity::kError);
    CHECK(d.file == "/etc/exports.d/lab.exports");
    CHECK(d.line == 1);
    CHECK(d.column == 25);
    CHECK(d.message.find(std::string(option) +
                         ": NFS-Ganesha cannot express this option") == 0);
    CHECK(r.config.empty());
  }
}

TEST_CASE("Ganesha: options it already honours give no diagnostic",
          "[ganesha]") {
  auto r = Ganesha(
      "/a h(ro,sync,no_subtree_check,no_pnfs,acl,secure_locks,auth_nlm,hide,"
      "crossmnt,wdelay,no_wdelay,secure,no_all_squash)\n"
      "/b h(ro,sync,no_subtree_check,nohide)\n");
  INFO(Dump(r.diagnostics));
  CHECK(r.diagnostics.empty());
  CHECK_FALSE(r.config.empty());
}

TEST_CASE("Ganesha: async and fsid=N are warnings and not silent drops",
          "[ganesha]") {
  auto r = Ganesha("/a h(rw,async,fsid=7,no_subtree_check)\n");
  INFO(Dump(r.diagnostics));
  REQUIRE_FALSE(r.HasErrors());
  REQUIRE(r.diagnostics.size() == 2);
  CHECK(r.diagnostics[0].severity == Severity::kWarning);
  CHECK(r.diagnostics[0].message.find("async:") == 0);
  CHECK(r.diagnostics[0].column == 9);
  CHECK(r.diagnostics[1].message.find("fsid=7:") == 0);
  CHECK_FALSE(r.config.empty());
}

TEST_CASE("Ganesha: per-flavour options after a second sec= are an error",
          "[ganesha]") {
  Diagnostic d =
      Refused("/a h(sec=krb5p,rw,sec=sys,ro,sync,no_subtree_check)\n");
  CHECK(d.message.find("sec=sys:") == 0);
}

TEST_CASE("Ganesha: fsid=0 makes the pseudo root and re-roots the others",
          "[ganesha]") {
  std::string config = Converted(
      "/srv/nfs4 10.0.0.0/8(rw,sync,fsid=0,crossmnt,no_subtree_check)\n"
      "/srv/nfs4/homes 10.0.0.0/8(rw,sync,no_subtree_check)\n"
      "/srv/other 10.0.0.0/8(ro,sync,no_subtree_check)\n"
      "/srv/nfs4x 10.0.0.0/8(ro,sync,no_subtree_check)\n");
  CHECK(Has(config, "Path = \"/srv/nfs4\";\n\tPseudo = \"/\";"));
  CHECK(Has(config, "Path = \"/srv/nfs4/homes\";\n\tPseudo = \"/homes\";"));
  // Outside the root: NFSv4 clients of knfsd cannot reach it either.
  CHECK(Has(config, "Path = \"/srv/other\";\n\tFSAL"));
  CHECK(Has(config, "Path = \"/srv/nfs4x\";\n\tFSAL"));
  CHECK(Has(config, "# NFSv3 only: outside the NFSv4 root /srv/nfs4"));
}

TEST_CASE("Ganesha: two fsid=0 roots are an error", "[ganesha]") {
  Diagnostic d = Refused(
      "/a h(ro,sync,fsid=0,no_subtree_check)\n"
      "/b h(ro,sync,fsid=root,no_subtree_check)\n");
  CHECK(d.line == 2);
  CHECK(d.message.find("one NFSv4 root") != std::string::npos);
}

TEST_CASE(
    "Ganesha: a path exported twice is one EXPORT and a repeated client "
    "is an error",
    "[ganesha]") {
  std::string config = Converted(
      "/srv/a/ h1(ro,sync,no_subtree_check)\n"
      "//srv//a h2(rw,sync,no_subtree_check)\n");
  CHECK(config.find("EXPORT {") == config.rfind("EXPORT {"));
  CHECK(Has(config, "Path = \"/srv/a\";"));
  Diagnostic dup = Refused(
      "/srv/a h1(ro,sync,no_subtree_check)\n"
      "/srv/a h1(rw,sync,no_subtree_check)\n");
  CHECK(dup.line == 2);
}

TEST_CASE("Ganesha: no_acl and nordirplus must agree across an export",
          "[ganesha]") {
  std::string ok = Converted(
      "/a h1(ro,sync,no_acl,nordirplus,no_subtree_check) "
      "h2(ro,sync,no_acl,nordirplus,no_subtree_check)\n");
  CHECK(Has(ok, "\tDisable_ACL = true;\n"));
  CHECK(Has(ok, "\tDisableReaddirPlus = true;\n"));
  Diagnostic bad = Refused(
      "/a h1(ro,sync,no_acl,no_subtree_check) "
      "h2(ro,sync,no_subtree_check)\n");
  CHECK(bad.message.find("Disable_ACL") != std::string::npos);
}

TEST_CASE("Ganesha: paths are quoted and escaped for its lexer", "[ganesha]") {
  CHECK(GaneshaQuote("/srv/a b") == "\"/srv/a b\"");
  CHECK(GaneshaQuote("/srv/q\"x\\y") == "\"/srv/q\\\"x\\\\y\"");
  CHECK(GaneshaQuote("/srv/a#b;c{d}") == "\"/srv/a#b;c{d}\"");
  CHECK(GaneshaQuote("/srv/a\nb").empty());
  std::string config = Converted(
      "\"/srv/with space\" h(ro,sync,no_subtree_check)\n"
      "/srv/oct\\042al h(ro,sync,no_subtree_check)\n");
  CHECK(Has(config, "Path = \"/srv/with space\";"));
  CHECK(Has(config, "Path = \"/srv/oct\\\"al\";"));
  Diagnostic nl = Refused("/srv/new\\012line h(ro,sync,no_subtree_check)\n");
  CHECK(nl.message.find("control character") != std::string::npos);
}

TEST_CASE("Ganesha: Export_Id is stable for a path and unique", "[ganesha]") {
  CHECK(GaneshaHomeExportId("/srv/a") == GaneshaHomeExportId("/srv/a"));
  CHECK(GaneshaHomeExportId("/srv/a") >= 1);
  CHECK(NormaliseGaneshaPath("//srv//a//") == "/srv/a");
  CHECK(NormaliseGaneshaPath("/") == "/");
  auto one = Ganesha("/srv/a h(ro,sync,no_subtree_check)\n");
  auto two = Ganesha(
      "/srv/zzz h(ro,sync,no_subtree_check)\n"
      "/srv/a h(ro,sync,no_subtree_check)\n");
  std::string id =
      "Export_Id = " + std::to_string(GaneshaHomeExportId("/srv/a")) + ";";
  CHECK(Has(one.config, id));
  CHECK(Has(two.config, id));
}

TEST_CASE("Ganesha: colliding home ids follow the documented rule",
          "[ganesha]") {
  // Find two paths with the same home id (the birthday bound makes this
  // quick), and a third whose home id is the slot right after theirs.
  std::map<std::uint16_t, std::string> seen;
  std::string a, b;
  for (int i = 0; i < 200000 && a.empty(); ++i) {
    std::string p = "/p" + std::to_string(i);
    auto [it, fresh] = seen.try_emplace(GaneshaHomeExportId(p), p);
    if (!fresh) {
      a = it->second;
      b = p;
    }
  }
  REQUIRE_FALSE(a.empty());
  if (b < a) std::swap(a, b);
  std::uint16_t home = GaneshaHomeExportId(a);
  std::uint16_t next = static_cast<std::uint16_t>(home % 65535 + 1);
  std::string c;
  for (int i = 0; i < 2000000 && c.empty(); ++i) {
    std::string p = "/q" + std::to_string(i);
    if (GaneshaHomeExportId(p) == next) c = p;
  }
  REQUIRE_FALSE(c.empty());
  auto r = Ganesha(b + " h(ro,sync,no_subtree_check)\n" + c +
                   " h(ro,sync,no_subtree_check)\n" + a +
                   " h(ro,sync,no_subtree_check)\n");
  INFO(r.config);
  REQUIRE_FALSE(r.HasErrors());
  auto id_of = [&](const std::string& path) {
    auto at = r.config.find("Path = \"" + path + "\";");
    auto id = r.config.rfind("Export_Id = ", at);
    return std::stoi(r.config.substr(id + 12));
  };
  // The smaller path keeps the home id; the third keeps its own (the next
  // slot), so the loser takes the slot after that.
  CHECK(id_of(a) == home);
  CHECK(id_of(c) == next);
  CHECK(id_of(b) == next % 65535 + 1);
}

TEST_CASE("Ganesha: files with parse errors give their errors and no config",
          "[ganesha]") {
  CHECK(Refused("/a h (rw)\n/b h(ro,sync,no_subtree_check)\n").line == 1);
}

TEST_CASE("Ganesha: the seed's exports example matches its golden config",
          "[ganesha]") {
  std::filesystem::path dir = GoldenDir();
  INFO("tests/golden/pxe-exports not found (PXEKIT_SRC, " PXEKIT_GOLDEN_DIR
       ")");
  REQUIRE_FALSE(dir.empty());
  std::string text = ReadFile(dir / "seed-exports");
  REQUIRE(text.find("/srv/tftpboot/ *(no_subtree_check,rw,no_root_squash,"
                    "async)\n") != std::string::npos);
  auto r = FormatGanesha({ParseExports(text, "seed-exports")});
  CHECK(r.config == ReadFile(dir / "seed-exports.ganesha"));
  CHECK(Dump(r.diagnostics) == ReadFile(dir / "seed-exports.ganesha.diag"));
  // Every export line of the seed gives one EXPORT block.
  std::size_t blocks = 0;
  for (auto at = r.config.find("EXPORT {"); at != std::string::npos;
       at = r.config.find("EXPORT {", at + 1))
    ++blocks;
  CHECK(blocks == 5);
}

}  // namespace pxekit::exports
