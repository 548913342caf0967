#include <string>
#include <string_view>
#include <vector>

#include <catch2/catch.hpp>

#include "exports/exports.h"
#include "exports/exports_check.h"
#include "exports/exports_merge.h"

namespace pxekit::exports {
namespace {

ExportRequest Add(std::string path, std::string host,
                  std::vector<std::string> options = {}) {
  auto canonical = CanonicalClientOptions(host, options);
  REQUIRE(canonical.ok());
  ExportRequest r;
  r.path = std::move(path);
  std::vector<std::string> split;
  std::string_view rest = *canonical;
  while (true) {
    std::size_t comma = rest.find(',');
    split.emplace_back(rest.substr(0, comma));
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  r.clients.push_back(ClientSpec{std::move(host), std::move(split)});
  r.origin = "test";
  return r;
}

ExportRequest Remove(std::string path, std::vector<std::string> hosts = {}) {
  ExportRequest r;
  r.path = std::move(path);
  for (auto& h : hosts) r.clients.push_back(ClientSpec{h, {}});
  r.origin = "test";
  return r;
}

// A file people wrote: comments, a blank line, CRLF ends, a continuation
// line, tabs and odd spacing, and a foreign export of the path we add.
const std::string kForeign =
    "# /etc/exports: hand-written\r\n"
    "/srv/homes\thost1(rw,sync,no_subtree_check)   # keep my spacing\r\n"
    "\n"
    "/srv/long \\\n"
    "    10.0.0.0/24(ro,sync,no_subtree_check)\n"
    "/srv/root host9(ro,sync,no_subtree_check)\n";

}  // namespace

TEST_CASE("Merge add appends one marked line to an empty file", "[exports]") {
  MergeResult r = MergeAdd("", "f", {Add("/srv/root", "10.0.0.0/24", {"rw"})});
  CHECK(r.problems.empty());
  CHECK(r.text ==
        "/srv/root 10.0.0.0/24(rw,sync,no_subtree_check) # pxe-exports\n");
  CHECK(r.changes.size() == 1);
}

TEST_CASE("Merge add twice gives the same bytes", "[exports]") {
  std::vector<ExportRequest> requests = {
      Add("/srv/root", "10.0.0.0/24", {"rw", "no_root_squash"}),
      Add("/srv/iso", "*", {"ro"})};
  MergeResult first = MergeAdd(kForeign, "f", requests);
  REQUIRE(first.problems.empty());
  REQUIRE(first.Changed(kForeign));
  MergeResult second = MergeAdd(first.text, "f", requests);
  CHECK(second.problems.empty());
  CHECK(second.text == first.text);
  CHECK_FALSE(second.Changed(first.text));
  CHECK(second.changes.empty());
}

TEST_CASE("Merge add leaves foreign lines byte for byte", "[exports]") {
  MergeResult r =
      MergeAdd(kForeign, "f", {Add("/srv/root", "10.0.0.5", {"rw"})});
  REQUIRE(r.problems.empty());
  // The foreign export of /srv/root is not ours: a new marked line follows.
  REQUIRE(r.text.substr(0, kForeign.size()) == kForeign);
  CHECK(r.text.substr(kForeign.size()) ==
        "/srv/root 10.0.0.5(rw,sync,no_subtree_check) # pxe-exports\n");
}

TEST_CASE("Merge add joins a client to the marked line of its path",
          "[exports]") {
  std::string text = kForeign +
                     "/srv/root 10.0.0.5(rw,sync,no_subtree_check) # "
                     "pxe-exports\n# trailing comment\n";
  MergeResult r = MergeAdd(text, "f", {Add("/srv/root/", "10.0.0.6", {"rw"})});
  REQUIRE(r.problems.empty());
  CHECK(r.text == kForeign +
                      "/srv/root 10.0.0.5(rw,sync,no_subtree_check) "
                      "10.0.0.6(rw,sync,no_subtree_check) # pxe-exports\n"
                      "# trailing comment\n");
}

TEST_CASE("Merge add gives a managed client its new options", "[exports]") {
  std::string text =
      "/srv/a h1(rw,sync,no_subtree_check) h2(ro,sync,no_subtree_check) # "
      "pxe-exports\n"
      "/srv/b   h3(rw,sync,no_subtree_check)\t# pxe-exports\n";
  MergeResult r = MergeAdd(text, "f", {Add("/srv/a", "H2", {"rw", "async"})});
  REQUIRE(r.problems.empty());
  // Only the line that changed is rewritten; /srv/b keeps its odd spacing.
  CHECK(r.text ==
        "/srv/a h1(rw,sync,no_subtree_check) h2(rw,async,no_subtree_check) # "
        "pxe-exports\n"
        "/srv/b   h3(rw,sync,no_subtree_check)\t# pxe-exports\n");
  REQUIRE(r.changes.size() == 1);
  CHECK(r.changes[0].find("is now") != std::string::npos);
}

TEST_CASE("Merge keeps a CRLF end on a rewritten marked line", "[exports]") {
  std::string text = "/srv/a h1(rw,sync,no_subtree_check) # pxe-exports\r\n";
  MergeResult r = MergeAdd(text, "f", {Add("/srv/a", "h2")});
  CHECK(r.text ==
        "/srv/a h1(rw,sync,no_subtree_check) h2(sync,no_subtree_check) # "
        "pxe-exports\r\n");
}

TEST_CASE("Merge appends CRLF lines to a CRLF file", "[exports]") {
  std::string text = "# windows\r\n/srv/x h(ro,sync,no_subtree_check)\r\n";
  MergeResult r = MergeAdd(text, "f", {Add("/srv/a", "h1")});
  CHECK(r.text == text + "/srv/a h1(sync,no_subtree_check) # pxe-exports\r\n");
  MergeResult again = MergeAdd(r.text, "f", {Add("/srv/a", "h1")});
  CHECK(again.text == r.text);
  MergeResult removed = MergeRemove(r.text, "f", {Remove("/srv/a")});
  CHECK(removed.text == text);
}

TEST_CASE("A marker on a continued line does not make it ours", "[exports]") {
  std::string text =
      "/srv/a \\\n"
      "  h1(rw,sync,no_subtree_check) # pxe-exports\n";
  MergeResult r = MergeAdd(text, "f", {Add("/srv/a", "h1", {"ro"})});
  REQUIRE(r.problems.empty());
  CHECK(r.text.substr(0, text.size()) == text);
  CHECK(r.text.substr(text.size()) ==
        "/srv/a h1(ro,sync,no_subtree_check) # pxe-exports\n");
  MergeResult removed = MergeRemove(text, "f", {Remove("/srv/a")});
  CHECK(removed.text == text);
  CHECK(removed.foreign.size() == 1);
}

TEST_CASE("Merge add ends a last line without newline or with a continuation",
          "[exports]") {
  MergeResult r = MergeAdd("# no newline", "f", {Add("/srv/a", "h1")});
  CHECK(r.text ==
        "# no newline\n/srv/a h1(sync,no_subtree_check) # pxe-exports\n");
  // "\\\n" at the very end would join the next line to the comment.
  MergeResult c = MergeAdd("# dangling \\\n", "f", {Add("/srv/a", "h1")});
  CHECK(c.text ==
        "# dangling \\\n\n/srv/a h1(sync,no_subtree_check) # pxe-exports\n");
  ExportsFile parsed = ParseExports(c.text, "f");
  CHECK(parsed.entries.size() == 1);
}

TEST_CASE("Merge add reports conflicting requests and keeps the first",
          "[exports]") {
  ExportRequest a = Add("/srv/a", "h1", {"rw"});
  a.origin = "<stdin>:1";
  ExportRequest b = Add("/srv/a", "h1", {"ro"});
  b.origin = "<stdin>:4";
  MergeResult r = MergeAdd("", "f", {a, b});
  REQUIRE(r.problems.size() == 1);
  CHECK(r.problems[0].origin == "<stdin>:4");
  CHECK(r.problems[0].message.find("<stdin>:1") != std::string::npos);
  CHECK(r.text == "/srv/a h1(rw,sync,no_subtree_check) # pxe-exports\n");
}

TEST_CASE("Merge leaves a marked line that does not parse alone", "[exports]") {
  std::string text = "/srv/a h1(rw,bogus) # pxe-exports\n";
  MergeResult r = MergeAdd(text, "exports", {Add("/srv/b", "h1")});
  REQUIRE(r.problems.size() == 1);
  CHECK(r.problems[0].origin == "exports:1");
  CHECK(r.problems[0].message.find("bogus") != std::string::npos);
  CHECK(r.text.substr(0, text.size()) == text);
}

TEST_CASE("Merge remove drops a whole path or some clients", "[exports]") {
  std::string text = kForeign +
                     "/srv/a h1(rw,sync,no_subtree_check) "
                     "h2(ro,sync,no_subtree_check) # pxe-exports\n"
                     "# between\n"
                     "/srv/b h3(rw,sync,no_subtree_check) # pxe-exports\n";
  MergeResult some = MergeRemove(text, "f", {Remove("/srv/a", {"h2"})});
  CHECK(some.text == kForeign +
                         "/srv/a h1(rw,sync,no_subtree_check) # pxe-exports\n"
                         "# between\n"
                         "/srv/b h3(rw,sync,no_subtree_check) # pxe-exports\n");
  MergeResult whole = MergeRemove(text, "f", {Remove("/srv/b")});
  CHECK(whole.text == kForeign +
                          "/srv/a h1(rw,sync,no_subtree_check) "
                          "h2(ro,sync,no_subtree_check) # pxe-exports\n"
                          "# between\n");
  // Removing every client drops the line too.
  MergeResult all = MergeRemove(text, "f", {Remove("/srv/a", {"h1", "h2"})});
  CHECK(all.text == kForeign +
                        "# between\n"
                        "/srv/b h3(rw,sync,no_subtree_check) # pxe-exports\n");
  // Twice: nothing more to do, same bytes.
  MergeResult again = MergeRemove(all.text, "f", {Remove("/srv/a")});
  CHECK(again.text == all.text);
  CHECK(again.changes.empty());
  CHECK(again.foreign.empty());
}

TEST_CASE("Merge remove reports clients exported by foreign lines",
          "[exports]") {
  MergeResult r = MergeRemove(kForeign, "f", {Remove("/srv/long")});
  CHECK(r.text == kForeign);
  REQUIRE(r.foreign.size() == 1);
  CHECK(r.foreign[0].origin == "f:5");
  CHECK(r.foreign[0].message.find("10.0.0.0/24") != std::string::npos);
  CHECK(MergeRemove(kForeign, "f", {Remove("/srv/homes", {"host2"})})
            .foreign.empty());
}

TEST_CASE("Merged files pass the checker", "[exports]") {
  MergeResult r =
      MergeAdd(kForeign, "f",
               {Add("/srv/new dir", "10.0.0.0/24", {"rw", "no_root_squash"}),
                Add("/srv/iso", "@lab", {"ro", "fsid=7"})});
  REQUIRE(r.problems.empty());
  CheckOptions o;
  o.check_paths = false;
  auto ds = CheckExports({ParseExports(r.text, "f")}, o);
  CHECK_FALSE(HasErrors(ds));
  CHECK(r.text.find("/srv/new\\040dir ") != std::string::npos);
}

TEST_CASE("Stdin add lines report bad lines by number and keep good ones",
          "[exports]") {
  std::string input =
      "\xEF\xBB\xBF# lab list\r\n"
      "/srv/a h1 rw,no_root_squash\r\n"
      "relative h2\n"
      "/srv/b\n"
      "/srv/c h3(rw)\n"
      "/srv/c h4(rw) async\n"
      "/srv/d h5 RW\n"
      "/srv/e bad^host\n"
      "/srv/with\\040blank h6\n"
      "/srv/f h7 rw extra\n";
  RequestList list = ParseAddLines(input, "<stdin>", {"ro"});
  REQUIRE(list.requests.size() == 3);
  CHECK(list.requests[0].path == "/srv/a");
  CHECK(list.requests[0].origin == "<stdin>:2");
  CHECK(list.requests[0].clients[0].options ==
        std::vector<std::string>{"rw", "no_root_squash", "sync",
                                 "no_subtree_check"});
  CHECK(list.requests[1].clients[0].host == "h3");
  CHECK(list.requests[1].clients[0].options ==
        std::vector<std::string>{"rw", "sync", "no_subtree_check"});
  // A line without options takes the command line's.
  CHECK(list.requests[2].path == "/srv/with blank");
  CHECK(list.requests[2].clients[0].options ==
        std::vector<std::string>{"ro", "sync", "no_subtree_check"});
  REQUIRE(list.problems.size() == 6);
  CHECK(list.problems[0].origin == "<stdin>:3:1");
  CHECK(list.problems[0].message == "path 'relative' is not absolute");
  CHECK(list.problems[1].origin == "<stdin>:4:7");
  CHECK(list.problems[1].message == "expected PATH CLIENT [OPTIONS]");
  CHECK(list.problems[2].origin == "<stdin>:6:15");
  CHECK(list.problems[3].origin == "<stdin>:7:11");
  CHECK(list.problems[3].message.find("case-sensitive") != std::string::npos);
  CHECK(list.problems[4].origin == "<stdin>:8:8");
  CHECK(list.problems[5].origin == "<stdin>:10:14");
}

TEST_CASE("Stdin add lines refuse NUL and overlong lines", "[exports]") {
  std::string input =
      "/srv/a h1\n/srv/\\000 h2\n" + std::string(70000, 'x') + "\n/srv/b h3\n";
  input += std::string("/srv/c h\0 4\n", 12);
  RequestList list = ParseAddLines(input, "<stdin>", {});
  REQUIRE(list.requests.size() == 2);
  CHECK(list.requests[1].path == "/srv/b");
  REQUIRE(list.problems.size() == 3);
  CHECK(list.problems[0].origin == "<stdin>:2:1");
  CHECK(list.problems[1].origin.rfind("<stdin>:3:", 0) == 0);
  CHECK(list.problems[2].origin.rfind("<stdin>:5:", 0) == 0);
}

TEST_CASE("Stdin remove lines take a path and optional clients", "[exports]") {
  RequestList list = ParseRemoveLines(
      "/srv/a\n/srv/b h1 h2\nnot/abs\n/srv/c (x)\n", "<stdin>");
  REQUIRE(list.requests.size() == 2);
  CHECK(list.requests[0].clients.empty());
  CHECK(list.requests[1].clients.size() == 2);
  REQUIRE(list.problems.size() == 2);
  CHECK(list.problems[0].origin == "<stdin>:3:1");
  CHECK(list.problems[1].origin == "<stdin>:4:8");
}

TEST_CASE("The managed marker is a trailing comment only", "[exports]") {
  for (const char* line :
       {"/srv/a h(rw) # pxe-exports", "/srv/a h(rw)\t# pxe-exports  "}) {
    INFO(line);
    CHECK(HasManagedMarker(line));
  }
  for (const char* line :
       {"# /srv/a h(rw) # pxe-exports", "/srv/a h(rw) # pxe-exports later",
        "/srv/a h(rw)# pxe-exports", "# pxe-exports"}) {
    INFO(line);
    CHECK_FALSE(HasManagedMarker(line));
  }
}

}  // namespace pxekit::exports
