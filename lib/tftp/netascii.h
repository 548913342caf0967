#pragma once
// netascii (RFC 764 via RFC 1350): LF is sent as CR LF and a bare CR as
// CR NUL. Encoding works on a whole file (the size on the wire differs from
// the size on disk, so blocks cannot be read at fixed offsets); decoding is
// streaming, because a CR LF pair may straddle two DATA blocks.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace pxekit::tftp {

std::string NetasciiEncode(std::string_view text);

class NetasciiDecoder {
 public:
  // Appends the decoded form of `bytes` to `out`.
  void Feed(std::span<const std::uint8_t> bytes, std::string* out);
  // Flushes a CR left pending at the very end.
  void Finish(std::string* out);

 private:
  bool pending_cr_ = false;
};

}  // namespace pxekit::tftp
