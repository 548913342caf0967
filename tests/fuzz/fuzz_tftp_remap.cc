// tftpd-hpa map files: any text gives rules or line:column errors, never a
// crash; errors point inside the text; the rules, applied to a few names
// (including the text's own first line), end with a name or a refusal, and
// a name never holds NUL and never passes the length limit.
//
// The rules run with lower limits than the server's (RemapLimits): a looping
// rule set ("rs ^ x") otherwise runs 4096 regexec calls on names of up to
// 4096 bytes for each of the 8 look-ups, about 230 ms an input under ASan,
// and most of the fuzzer's time went there. The code paths are the same;
// fuzz_tftp_request still applies map files with the server's limits.
#include <cstdint>
#include <string_view>
#include <vector>

#include "fuzz_check.h"
#include "tftpd/remap.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  using namespace pxekit::tftp;
  constexpr RemapLimits kLimits{64, 512};
  if (size > 4096) return 0;  // glibc regexec is exponential on some inputs
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::size_t lines = 1;
  for (char c : text) lines += c == '\n';
  std::vector<RemapParseError> errors;
  RemapRules rules = RemapRules::Parse(text, &errors);
  for (const auto& error : errors) {
    FUZZ_CHECK(error.line >= 1 && error.line <= lines);
    FUZZ_CHECK(error.column >= 1);
    FUZZ_CHECK(error.column <= error.line_text.size() + 1);
    FUZZ_CHECK(!error.message.empty());
  }
  std::string_view first = text.substr(0, text.find('\n'));
  for (std::string_view name :
       {std::string_view("pxelinux.0"), std::string_view("C:\\Boot\\BCD"),
        std::string_view(""), first.substr(0, 64)}) {
    for (bool write : {false, true}) {
      RemapOutcome outcome = rules.Apply(
          name, RemapContext{write, pxekit::Ipv4Addr::FromOctets(10, 1, 2, 3)},
          kLimits);
      if (outcome.kind == RemapOutcome::Kind::kName) {
        FUZZ_CHECK(outcome.name.find('\0') == std::string::npos);
        FUZZ_CHECK(outcome.name.size() <= kLimits.max_name_length);
      }
    }
  }
  return 0;
}
