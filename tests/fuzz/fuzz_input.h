#pragma once
// Splits one fuzz input into the values a structured target needs (a
// configuration, then packets), in the manner of libFuzzer's
// FuzzedDataProvider but with any compiler, so the replayer under g++ reads
// the corpus the same way. Reading past the end gives zeros and empty
// strings: every input is valid.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace pxekit::fuzz {

class FuzzInput {
 public:
  FuzzInput(const std::uint8_t* data, std::size_t size) : data_(data, size) {}

  bool empty() const { return at_ >= data_.size(); }
  std::size_t remaining() const { return empty() ? 0 : data_.size() - at_; }

  std::uint8_t U8() { return empty() ? 0 : data_[at_++]; }
  std::uint16_t U16() {
    std::uint16_t hi = U8();
    return static_cast<std::uint16_t>(hi << 8 | U8());
  }
  std::uint32_t U32() {
    std::uint32_t hi = U16();
    return hi << 16 | U16();
  }
  bool Bool() { return (U8() & 1) != 0; }
  // `lo` + a value read from the input, in [lo, hi].
  std::size_t Range(std::size_t lo, std::size_t hi) {
    std::size_t span = hi - lo + 1;
    std::size_t raw = span <= 256 ? U8() : span <= 65536 ? U16() : U32();
    return lo + raw % span;
  }
  // Up to `n` bytes (fewer at the end of the input).
  std::span<const std::uint8_t> Bytes(std::size_t n) {
    n = n < remaining() ? n : remaining();
    auto out = data_.subspan(at_, n);
    at_ += n;
    return out;
  }
  // A block preceded by its length: one byte when `max` < 256, else two.
  std::span<const std::uint8_t> Block(std::size_t max) {
    std::size_t n = max < 256 ? U8() : U16();
    return Bytes(n > max ? max : n);
  }
  std::string Text(std::size_t max) {
    auto bytes = Block(max);
    return std::string(bytes.begin(), bytes.end());
  }
  std::span<const std::uint8_t> Rest() { return Bytes(remaining()); }

 private:
  std::span<const std::uint8_t> data_;
  std::size_t at_ = 0;
};

}  // namespace pxekit::fuzz
