// PE/COFF header codec (Secure Boot checks): any bytes give an image or a
// reason, never a crash; a parsed certificate table classed as Authenticode
// lies inside the input; the Secure Boot verdict agrees with the parse.
#include <cstdint>
#include <span>

#include "bootcfg/pe_image.h"
#include "bootcfg/secure_boot.h"
#include "fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  std::span<const std::uint8_t> bytes(data, size);
  auto image = pxekit::ParsePeImage(bytes);
  std::string problem = pxekit::SecureBootLoaderProblem(bytes);
  if (!image) {
    FUZZ_CHECK(!image.error().empty());
    FUZZ_CHECK(!problem.empty());
    return 0;
  }
  FUZZ_CHECK(pxekit::LooksLikePe(bytes));
  switch (image->signature) {
    case pxekit::PeSignature::kAuthenticode:
      FUZZ_CHECK(image->cert_size >= 8);
      FUZZ_CHECK(image->cert_offset <= size &&
                 image->cert_size <= size - image->cert_offset);
      FUZZ_CHECK(problem.empty());
      break;
    case pxekit::PeSignature::kNone:
      FUZZ_CHECK(image->cert_size == 0);
      FUZZ_CHECK(!problem.empty());
      break;
    case pxekit::PeSignature::kMalformed:
      FUZZ_CHECK(!image->signature_problem.empty());
      FUZZ_CHECK(!problem.empty());
      break;
  }
  return 0;
}
