#pragma once
// Bounds-checked reading and writing of wire formats (DHCP, TFTP, power-off
// datagrams). Every check compares remaining sizes, never pointers, and
// nothing throws: a reader that runs out of bytes goes into a failed state
// and returns zeros from then on, so a codec can read a whole header and test
// ok() once. Multi-byte values are big-endian (network order).

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace pxekit {

// The bytes of a text, for the readers and writers below and any code that
// takes a byte span.
inline std::span<const std::uint8_t> AsBytes(std::string_view text) {
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

class ByteReader {
 public:
  explicit ByteReader(std::span<const std::uint8_t> data) : data_(data) {}

  bool ok() const { return ok_; }
  std::size_t offset() const { return offset_; }
  std::size_t remaining() const { return ok_ ? data_.size() - offset_ : 0; }
  bool empty() const { return remaining() == 0; }

  std::uint8_t U8();
  std::uint16_t U16();
  std::uint32_t U32();
  // The next `count` bytes, or an empty span (and the failed state) when
  // fewer remain.
  std::span<const std::uint8_t> Bytes(std::size_t count);
  // Everything left; never fails.
  std::span<const std::uint8_t> Rest();
  void Skip(std::size_t count) { (void)Bytes(count); }

 private:
  bool Take(std::size_t count);

  std::span<const std::uint8_t> data_;
  std::size_t offset_ = 0;
  bool ok_ = true;
};

// Writes into a caller-owned buffer of fixed size. A write that does not fit
// writes nothing and sets the failed state: the caller learns "doesn't fit"
// from ok() instead of a crash or a silently short packet.
class ByteWriter {
 public:
  explicit ByteWriter(std::span<std::uint8_t> buffer) : buffer_(buffer) {}

  bool ok() const { return ok_; }
  std::size_t size() const { return offset_; }
  std::size_t remaining() const { return buffer_.size() - offset_; }
  std::span<const std::uint8_t> written() const {
    return buffer_.first(offset_);
  }

  void U8(std::uint8_t value);
  void U16(std::uint16_t value);
  void U32(std::uint32_t value);
  void Bytes(std::span<const std::uint8_t> bytes);
  void Text(std::string_view text);
  // `count` copies of `value` (padding).
  void Fill(std::uint8_t value, std::size_t count);
  // Overwrites an already written byte range, e.g. a length filled in later.
  // false (and the failed state) when it lies outside what was written.
  bool PatchU8(std::size_t at, std::uint8_t value);
  bool PatchU16(std::size_t at, std::uint16_t value);

 private:
  bool Reserve(std::size_t count);

  std::span<std::uint8_t> buffer_;
  std::size_t offset_ = 0;
  bool ok_ = true;
};

}  // namespace pxekit
