// Property: every config that an accepted pxe-mkcfg command writes passes
// `pxe-mkcfg check`. Option combinations come from a seeded generator (so a
// failure reproduces) plus edge values, and go through the entry points the
// CLI uses: ValidateBootSpec, ParseHostOption / ParseHostList,
// RemoveDuplicateHosts, DirectoryUnderRoot, then GeneratePxelinux,
// GenerateGrub or GenerateIpxe. Whatever ValidateBootSpec refuses is a usage
// error, never written, so it is skipped. The tree holds every file the
// configs name (kernel, initrds, menu.c32, ldlinux.c32), as a working TFTP
// root would.
#include <fmt/format.h>
#include <catch2/catch.hpp>

#include <random>
#include <string>
#include <vector>

#include "bootcfg/checker.h"
#include "bootcfg/generate.h"
#include "bootcfg/host_list.h"
#include "bootcfg/tftp_path.h"
#include "support/memory_tree.h"

namespace pxekit {
namespace {

class Gen {
 public:
  explicit Gen(unsigned seed) : rng_(seed) {}

  int Int(int lo, int hi) {
    return std::uniform_int_distribution<int>(lo, hi)(rng_);
  }
  bool Chance(int percent) { return Int(1, 100) <= percent; }
  template <typename T>
  const T& Pick(const std::vector<T>& items) {
    return items[static_cast<std::size_t>(Int(0, int(items.size()) - 1))];
  }

  // A word of printable ASCII, some of it special to one loader or another.
  std::string Word(int max_len) {
    static const std::string chars =
        "abcdefxyzABC0123456789-_.,:;=+$'\"\\{}()[]<>|&!?*~%@^`#/";
    std::string out;
    int len = Int(1, max_len);
    for (int i = 0; i < len; ++i)
      out.push_back(chars[static_cast<std::size_t>(
          Int(0, static_cast<int>(chars.size()) - 1))]);
    return out;
  }

  std::string Label() {
    static const std::vector<std::string> edge = {
        "linux",      "menu",    "failed",      "menu_", "target",
        "a",          "default", "LOCALBOOT",   "x$y",   "it's",
        "semi;colon", "{brace}", "ubuntu-22.04"};
    return Chance(50) ? Pick(edge) : Word(12);
  }

  std::string File() {
    static const std::vector<std::string> edge = {"vmlinuz",
                                                  "boot/vmlinuz",
                                                  "/vmlinuz",
                                                  "a/b/c/d/vmlinuz",
                                                  "linux.c32",
                                                  "dir.x/k-1.img",
                                                  "ubuntu/casper/vmlinuz.efi",
                                                  "::k",
                                                  "srv::k",
                                                  "http://srv/k",
                                                  "(http,srv)/k",
                                                  "::/boot/k",
                                                  "initrd.gz",
                                                  "/boot/initrd",
                                                  "k",
                                                  "../k",
                                                  "a/../k",
                                                  "with space",
                                                  "k,comma"};
    if (Chance(70)) return Pick(edge);
    std::string out = Word(10);
    if (Chance(30)) out = Word(5) + "/" + out;
    return out;
  }

  std::string Append() {
    static const std::vector<std::string> edge = {"",
                                                  "rw",
                                                  "quiet splash",
                                                  "console=ttyS0,115200n8",
                                                  "a;b $x 'q'",
                                                  "  padded  ",
                                                  "BOOTIF=01-aa-bb-cc-dd-ee-ff",
                                                  "initrd=x",
                                                  "--- quiet",
                                                  "{ } # |"};
    if (Chance(60)) return Pick(edge);
    std::string out;
    int words = Int(1, 4);
    for (int i = 0; i < words; ++i) out += (i ? " " : "") + Word(8);
    return out;
  }

  std::string Mac() {
    return fmt::format("02:00:00:{:02x}:{:02x}:{:02x}", Int(0, 3), Int(0, 255),
                       Int(0, 255));
  }

  std::string HostLine() {
    std::string line = Mac();
    int fields = Int(0, 3);
    if (fields >= 1)
      line += Chance(20) ? " -"
                         : fmt::format(" 10.0.{}.{}", Int(0, 3), Int(1, 254));
    if (fields >= 2)
      line += Chance(20) ? " -" : " pc" + std::to_string(Int(0, 99));
    if (fields >= 3) line += " " + Label();
    return line;
  }

 private:
  std::mt19937 rng_;
};

std::vector<std::string> Render(const std::vector<Finding>& findings) {
  std::vector<std::string> lines;
  for (const Finding& f : findings)
    lines.push_back(fmt::format("{}:{}: {}", f.file, f.line, f.message));
  return lines;
}

// Adds the files a config names, so that "missing" findings mean a naming
// mismatch between generator and checker, not an incomplete tree.
void AddBootFile(MemoryTree& tree, const std::string& name) {
  TftpPath path = ResolveTftpPath("", name);
  if (path.kind == TftpPath::Kind::kLocal && !path.path.empty())
    tree.Add(path.path, "x");
}

}  // namespace

TEST_CASE("Every config an accepted command writes passes check",
          "[bootcfg][check][property]") {
  constexpr int kRuns = 3000;
  int accepted = 0;
  int per_loader[3] = {0, 0, 0};
  for (int run = 0; run < kRuns; ++run) {
    Gen gen(static_cast<unsigned>(run) * 2654435761u + 17);
    BootSpec spec;
    if (gen.Chance(80)) spec.label = gen.Label();
    spec.kernel = gen.File();
    for (int i = gen.Int(0, 3); i > 0; --i) spec.initrds.push_back(gen.File());
    spec.append = gen.Append();
    if (gen.Chance(30)) {
      spec.nfsroot = gen.Chance(80) ? "10.0.0.1:/srv/root" : gen.Word(12);
      spec.casper = gen.Chance(40);
    } else {
      spec.casper = gen.Chance(5);
    }
    // Edge values first: 0, 1, the largest, one past it, a stray negative.
    static const std::vector<int> timeouts = {0,   1,    5,    9,     10, 99,
                                              100, 3599, 3600, 35996, -1};
    if (gen.Chance(70))
      spec.timeout_s = gen.Chance(50) ? gen.Pick(timeouts) : gen.Int(0, 4000);
    spec.prompt = gen.Chance(30);
    spec.menu = gen.Chance(30);

    int loader = gen.Int(0, 2);
    auto valid = ValidateBootSpec(spec);
    if (!valid) continue;
    valid = ValidateBootSpecFor(std::move(valid).value(),
                                static_cast<BootLoader>(loader));
    if (!valid) continue;
    const BootSpec& checked = *valid;

    std::vector<HostEntry> hosts;
    std::string hosts_text;
    if (gen.Chance(50)) {
      for (int i = gen.Int(0, 2); i > 0; --i) {
        std::string option = gen.Mac();
        if (gen.Chance(40)) option += "," + gen.Label();
        auto host = ParseHostOption(option);
        if (host) hosts.push_back(std::move(host).value());
      }
      for (int i = gen.Int(0, 4); i > 0; --i)
        hosts_text += gen.HostLine() + "\n";
      HostList list = ParseHostList(hosts_text, "hosts");
      for (HostEntry& host : list.hosts) hosts.push_back(std::move(host));
      RemoveDuplicateHosts(hosts);
    }

    static const std::vector<std::string> prefixes = {
        "boot/grub", "/boot/grub/", "", "/", "efi//grub", "a/./b", "grub"};
    auto prefix = DirectoryUnderRoot("--grub-prefix", gen.Pick(prefixes));
    REQUIRE(prefix);

    std::vector<GeneratedFile> files;
    switch (loader) {
      case 0:
        files = GeneratePxelinux(checked, hosts);
        break;
      case 1:
        files = GenerateGrub(checked, hosts, *prefix);
        break;
      default:
        files = GenerateIpxe(checked, hosts);
        break;
    }
    ++accepted;
    ++per_loader[loader];

    MemoryTree tree({{"pxelinux.0", "nbp"},
                     {"ldlinux.c32", "elf"},
                     {"menu.c32", "elf"},
                     {"libutil.c32", "elf"}});
    AddBootFile(tree, checked.kernel);
    for (const std::string& initrd : checked.initrds) AddBootFile(tree, initrd);
    // An initrd= of --append's own (allowed without --initrd).
    for (std::size_t at = checked.append.find("initrd=");
         at != std::string::npos; at = checked.append.find("initrd=", at + 1)) {
      std::string list = checked.append.substr(at + 7);
      list = list.substr(0, list.find(' '));
      for (std::size_t pos = 0; pos <= list.size();) {
        std::size_t comma = std::min(list.find(',', pos), list.size());
        AddBootFile(tree, list.substr(pos, comma - pos));
        pos = comma + 1;
      }
    }
    for (const GeneratedFile& file : files) tree.Add(file.path, file.content);
    std::size_t configs = 0;
    auto findings = Render(CheckBootTree(tree, &configs));
    INFO("run " << run << ", loader " << loader << "\nkernel: "
                << checked.kernel << "\nlabel: " << checked.label
                << "\nappend: " << checked.append << "\nhosts:\n"
                << hosts_text << "first file:\n"
                << files.at(0).content);
    CHECK(configs == files.size());
    CHECK(findings == std::vector<std::string>{});
    if (!findings.empty()) break;  // one reproducible case is enough
  }
  // The generator must really exercise all three loaders.
  CHECK(accepted > kRuns / 4);
  CHECK(per_loader[0] > 100);
  CHECK(per_loader[1] > 100);
  CHECK(per_loader[2] > 100);
}

TEST_CASE("The GRUB prefix stays under the root", "[bootcfg][gen]") {
  CHECK(*DirectoryUnderRoot("--grub-prefix", "/boot//grub/") == "boot/grub");
  CHECK(*DirectoryUnderRoot("--grub-prefix", "/") == "");
  CHECK(DirectoryUnderRoot("--grub-prefix", "../../x").error() ==
        "--grub-prefix '../../x': '..' is not allowed: the directory must "
        "stay under the TFTP root (--root)");
  CHECK_FALSE(DirectoryUnderRoot("--grub-prefix", "boot/../../etc"));
  CHECK_FALSE(DirectoryUnderRoot("--grub-prefix", "a/.."));
  CHECK_FALSE(DirectoryUnderRoot("--grub-prefix", "http://x/y"));
}

}  // namespace pxekit
