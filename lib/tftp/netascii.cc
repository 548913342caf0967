#include "tftp/netascii.h"

namespace pxekit::tftp {

std::string NetasciiEncode(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 16);
  for (char c : text) {
    if (c == '\n') {
      out += "\r\n";
    } else if (c == '\r') {
      out.push_back('\r');
      out.push_back('\0');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

void NetasciiDecoder::Feed(std::span<const std::uint8_t> bytes,
                           std::string* out) {
  for (std::uint8_t byte : bytes) {
    char c = static_cast<char>(byte);
    if (pending_cr_) {
      pending_cr_ = false;
      if (c == '\n') {
        out->push_back('\n');
        continue;
      }
      out->push_back('\r');
      if (c == '\0') continue;  // CR NUL is a bare CR
    }
    if (c == '\r') {
      pending_cr_ = true;
    } else {
      out->push_back(c);
    }
  }
}

void NetasciiDecoder::Finish(std::string* out) {
  if (pending_cr_) out->push_back('\r');
  pending_cr_ = false;
}

}  // namespace pxekit::tftp
