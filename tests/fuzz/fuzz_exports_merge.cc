// pxe-exports add/remove over any file: never a crash; idempotent (the same
// request twice gives the same bytes); lines it did not write survive an
// add followed by the remove of what was added, byte for byte (apart from
// the line end a last line without one gets); and the stdin list parser
// reports real line numbers.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "exports/exports_merge.h"
#include "fuzz_check.h"

namespace {

namespace ex = pxekit::exports;

ex::ExportRequest Request(std::string path, std::string host,
                          std::vector<std::string> options) {
  ex::ExportRequest r;
  r.path = std::move(path);
  r.origin = "fuzz";
  if (!host.empty()) r.clients.push_back({std::move(host), std::move(options)});
  return r;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  const std::vector<ex::ExportRequest> adds = {
      Request("/srv/a", "h1", {"rw", "sync", "no_subtree_check"}),
      Request("/srv/a", "*", {"ro", "sync", "no_subtree_check"}),
      Request("/srv/b", "10.0.0.0/24", {"sync", "no_subtree_check"})};
  const std::vector<ex::ExportRequest> removes = {Request("/srv/a", "h1", {}),
                                                  Request("/srv/b", "", {})};

  ex::MergeResult added = ex::MergeAdd(text, "fuzz", adds);
  ex::MergeResult again = ex::MergeAdd(added.text, "fuzz", adds);
  FUZZ_CHECK(again.text == added.text);
  ex::MergeResult removed = ex::MergeRemove(added.text, "fuzz", removes);
  ex::MergeResult removed2 = ex::MergeRemove(removed.text, "fuzz", removes);
  FUZZ_CHECK(removed2.text == removed.text);

  // A path the text cannot hold: added, then removed, gives the text back.
  if (text.find("fuzz") == std::string_view::npos) {
    auto fresh = {Request("/fuzz/never", "h", {"sync", "no_subtree_check"})};
    ex::MergeResult in = ex::MergeAdd(text, "fuzz", fresh);
    FUZZ_CHECK(in.text.size() > text.size());
    FUZZ_CHECK(in.text.compare(0, text.size(), text) == 0);
    ex::MergeResult out =
        ex::MergeRemove(in.text, "fuzz", {Request("/fuzz/never", "", {})});
    std::string t(text);
    bool ends_open = !t.empty() && t.back() == '\\';
    FUZZ_CHECK(out.text == t || out.text == t + "\n" ||
               (ends_open && out.text == t + "\n\n") ||
               (t.size() >= 2 && t.compare(t.size() - 2, 2, "\\\n") == 0 &&
                out.text == t + "\n"));
  }

  int lines = 1;
  for (char c : text) lines += c == '\n';
  ex::RequestList list = ex::ParseAddLines(text, "<stdin>", {"ro"});
  for (const auto& p : list.problems) {
    FUZZ_CHECK(p.origin.rfind("<stdin>:", 0) == 0);
    FUZZ_CHECK(std::stoi(p.origin.substr(8)) <= lines);
    FUZZ_CHECK(!p.message.empty());
  }
  for (const auto& r : list.requests) {
    FUZZ_CHECK(!r.path.empty() && r.path[0] == '/');
    FUZZ_CHECK(r.clients.size() == 1);
  }
  ex::RequestList gone = ex::ParseRemoveLines(text, "<stdin>");
  for (const auto& r : gone.requests) FUZZ_CHECK(r.path[0] == '/');
  return 0;
}
