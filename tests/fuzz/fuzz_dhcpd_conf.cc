// dhcpd.conf: any text parses or fails with every error, each with a
// position inside the text and a message; the checks run on what parses; a
// parsed config evaluates for a PXE client without crashing.
#include <cstdint>
#include <string_view>
#include <vector>

#include "dhcpconf/conf_check.h"
#include "dhcpconf/conf_eval.h"
#include "dhcpconf/dhcpd_conf_parser.h"
#include "fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  using namespace pxekit;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  int lines = 1;
  for (char c : text) lines += c == '\n';
  // include "x" resolves to the input itself, up to the depth limit (8),
  // and fails after kIncludeBudget loads. The parser's own bound, 10,000 in
  // all, is unit-tested: near it one input took 0.8 s, and a 15 s run from
  // the seeds made 80 executions. With this budget it made 24,671.
  constexpr int kIncludeBudget = 10;
  int loads = 0;
  IncludeLoader loader = [text,
                          &loads](const std::string&) -> Result<std::string> {
    if (++loads > kIncludeBudget)
      return Fail("the fuzz input's include budget is spent");
    return std::string(text);
  };
  DhcpdConf conf;
  std::vector<ConfError> errors;
  if (!ParseDhcpdConf(text, "fuzz.conf", loader, &conf, &errors)) {
    // Every error is reported, each with a place; at most 50 and a count.
    FUZZ_CHECK(!errors.empty() && errors.size() <= 51);
    for (const ConfError& error : errors) {
      FUZZ_CHECK(!error.message.empty());
      if (error.line == 0) {  // "N more errors not shown"
        FUZZ_CHECK(&error == &errors.back() && errors.size() == 51);
        continue;
      }
      if (error.file == "fuzz.conf") FUZZ_CHECK(error.line <= lines);
      FUZZ_CHECK(error.column >= 1 || error.source_line.empty());
      (void)error.Format();
    }
    return 0;
  }
  (void)CheckDhcpdConf(conf);
  conf.IndexHosts();
  DhcpMessage m;
  m.chaddr = {0x02, 0, 0, 0, 0, 0x22};
  m.options.SetU8(53, 1);
  m.options.SetU16(93, 7);
  m.options.SetText(60, "PXEClient:Arch:00007:UNDI:003016");
  m.options.SetText(77, "iPXE");
  auto classes = MatchingClasses(conf, m, false);
  EvaluateParams(conf, EvalInput{&m, nullptr, nullptr, nullptr}, classes);
  for (const SubnetDecl& subnet : conf.subnets) {
    for (const RangeDecl& range : subnet.ranges)
      FUZZ_CHECK(subnet.prefix.Contains(range.range.first()) &&
                 subnet.prefix.Contains(range.range.last()));
    EvaluateParams(conf, EvalInput{&m, &subnet, nullptr, nullptr}, classes);
  }
  for (const HostDecl& host : conf.hosts) {
    FUZZ_CHECK(host.mac.has_value() || !host.client_id.empty());
    EvaluateParams(conf, EvalInput{&m, nullptr, nullptr, &host}, classes);
  }
  return 0;
}
