// Lease files: any text reads (warnings, never a crash), and every lease
// read writes back to a block that reads to the same lease.
#include <cstdint>
#include <string_view>

#include "fuzz_check.h"
#include "lease/lease_file.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  using namespace pxekit;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  LeaseFileContents contents = ParseLeaseFile(text);
  FUZZ_CHECK(contents.warnings.size() <= 100);
  FUZZ_CHECK(contents.leases.size() <= contents.blocks);
  for (const Lease& lease : contents.leases) {
    LeaseFileContents again = ParseLeaseFile(FormatLease(lease));
    FUZZ_CHECK(again.warnings.empty());
    FUZZ_CHECK(again.leases.size() == 1);
    FUZZ_CHECK(again.leases[0] == lease);
  }
  return 0;
}
