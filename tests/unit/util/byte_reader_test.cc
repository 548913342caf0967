#include "util/byte_reader.h"

#include <array>
#include <catch2/catch.hpp>
#include <vector>

using pxekit::ByteReader;
using pxekit::ByteWriter;

TEST_CASE("ByteReader reads big-endian values in order") {
  const std::vector<std::uint8_t> data = {0x01, 0x02, 0x03, 0x04, 0x05,
                                          0x06, 0x07, 0xaa, 0xbb};
  ByteReader reader(data);
  CHECK(reader.U8() == 0x01);
  CHECK(reader.U16() == 0x0203);
  CHECK(reader.U32() == 0x04050607u);
  CHECK(reader.remaining() == 2);
  auto rest = reader.Rest();
  REQUIRE(rest.size() == 2);
  CHECK(rest[0] == 0xaa);
  CHECK(reader.ok());
  CHECK(reader.empty());
}

TEST_CASE("ByteReader fails and stays failed when it runs out") {
  const std::vector<std::uint8_t> data = {0x01, 0x02, 0x03};
  ByteReader reader(data);
  CHECK(reader.U16() == 0x0102);
  CHECK(reader.U32() == 0);  // only one byte left
  CHECK_FALSE(reader.ok());
  CHECK(reader.U8() == 0);  // even though one byte was there
  CHECK(reader.remaining() == 0);
  CHECK(reader.Bytes(0).empty());
}

TEST_CASE("ByteReader::Bytes checks a huge count without overflow") {
  const std::vector<std::uint8_t> data = {1, 2, 3, 4};
  ByteReader reader(data);
  reader.Skip(1);
  CHECK(reader.Bytes(SIZE_MAX).empty());
  CHECK_FALSE(reader.ok());
}

TEST_CASE("ByteWriter writes big-endian and refuses what does not fit") {
  std::array<std::uint8_t, 8> buffer{};
  ByteWriter writer(buffer);
  writer.U8(0x11);
  writer.U16(0x2233);
  writer.U32(0x44556677);
  CHECK(writer.ok());
  CHECK(writer.size() == 7);
  writer.U16(0x8899);  // one byte of room left: nothing is written
  CHECK_FALSE(writer.ok());
  CHECK(writer.size() == 7);
  CHECK(buffer[7] == 0);
  const std::vector<std::uint8_t> expected = {0x11, 0x22, 0x33, 0x44,
                                              0x55, 0x66, 0x77};
  CHECK(std::vector<std::uint8_t>(writer.written().begin(),
                                  writer.written().end()) == expected);
}

TEST_CASE("ByteWriter text and fill and patch") {
  std::array<std::uint8_t, 10> buffer{};
  ByteWriter writer(buffer);
  writer.U16(0);  // a length to fill in later
  writer.Text("abc");
  writer.Fill(0, 2);
  CHECK(writer.PatchU16(0, 5));
  CHECK(writer.ok());
  CHECK(buffer[1] == 5);
  CHECK(buffer[2] == 'a');
  CHECK(writer.size() == 7);
  CHECK_FALSE(writer.PatchU16(6, 1));  // would cover an unwritten byte
  CHECK_FALSE(writer.ok());
}
