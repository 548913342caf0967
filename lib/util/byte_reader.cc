#include "util/byte_reader.h"

#include <algorithm>
#include <cstring>

namespace pxekit {

bool ByteReader::Take(std::size_t count) {
  if (!ok_ || count > data_.size() - offset_) {
    ok_ = false;
    return false;
  }
  return true;
}

std::uint8_t ByteReader::U8() {
  if (!Take(1)) return 0;
  return data_[offset_++];
}

std::uint16_t ByteReader::U16() {
  if (!Take(2)) return 0;
  std::uint16_t value =
      static_cast<std::uint16_t>(data_[offset_] << 8 | data_[offset_ + 1]);
  offset_ += 2;
  return value;
}

std::uint32_t ByteReader::U32() {
  if (!Take(4)) return 0;
  std::uint32_t value = 0;
  for (int i = 0; i < 4; ++i) value = value << 8 | data_[offset_ + i];
  offset_ += 4;
  return value;
}

std::span<const std::uint8_t> ByteReader::Bytes(std::size_t count) {
  if (!Take(count)) return {};
  auto bytes = data_.subspan(offset_, count);
  offset_ += count;
  return bytes;
}

std::span<const std::uint8_t> ByteReader::Rest() {
  if (!ok_) return {};
  auto bytes = data_.subspan(offset_);
  offset_ = data_.size();
  return bytes;
}

bool ByteWriter::Reserve(std::size_t count) {
  if (!ok_ || count > buffer_.size() - offset_) {
    ok_ = false;
    return false;
  }
  return true;
}

void ByteWriter::U8(std::uint8_t value) {
  if (Reserve(1)) buffer_[offset_++] = value;
}

void ByteWriter::U16(std::uint16_t value) {
  if (!Reserve(2)) return;
  buffer_[offset_++] = static_cast<std::uint8_t>(value >> 8);
  buffer_[offset_++] = static_cast<std::uint8_t>(value);
}

void ByteWriter::U32(std::uint32_t value) {
  if (!Reserve(4)) return;
  for (int shift = 24; shift >= 0; shift -= 8)
    buffer_[offset_++] = static_cast<std::uint8_t>(value >> shift);
}

void ByteWriter::Bytes(std::span<const std::uint8_t> bytes) {
  if (!Reserve(bytes.size())) return;
  if (!bytes.empty())
    std::memcpy(buffer_.data() + offset_, bytes.data(), bytes.size());
  offset_ += bytes.size();
}

void ByteWriter::Text(std::string_view text) { Bytes(AsBytes(text)); }

void ByteWriter::Fill(std::uint8_t value, std::size_t count) {
  if (!Reserve(count)) return;
  std::fill_n(buffer_.begin() + static_cast<std::ptrdiff_t>(offset_), count,
              value);
  offset_ += count;
}

bool ByteWriter::PatchU8(std::size_t at, std::uint8_t value) {
  if (at >= offset_) return ok_ = false;
  buffer_[at] = value;
  return true;
}

bool ByteWriter::PatchU16(std::size_t at, std::uint16_t value) {
  if (at > offset_ || offset_ - at < 2) return ok_ = false;
  buffer_[at] = static_cast<std::uint8_t>(value >> 8);
  buffer_[at + 1] = static_cast<std::uint8_t>(value);
  return true;
}

}  // namespace pxekit
