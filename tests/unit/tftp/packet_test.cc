#include "tftp/packet.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "util/byte_reader.h"

using namespace pxekit::tftp;

namespace {

std::vector<std::uint8_t> Bytes(const std::string& text) {
  return std::vector<std::uint8_t>(text.begin(), text.end());
}

// The packet `text` parses to, which must parse and be a T.
template <typename T>
T ParseAs(const std::string& text) {
  auto packet = ParsePacket(Bytes(text));
  REQUIRE(packet.ok());
  return std::get<T>(*packet);
}

}  // namespace

TEST_CASE(
    "RRQ with options parses - mode and option names fold to lower case") {
  // EDK2's second request after the tsize probe.
  auto bytes =
      Bytes(std::string("\0\x01pxelinux.0\0OCTET\0blksize\0"
                        "1468\0WindowSize\0"
                        "4\0",
                        45));
  auto packet = ParsePacket(bytes);
  REQUIRE(packet.ok());
  const auto& request = std::get<Request>(*packet);
  CHECK(request.opcode == Opcode::kRrq);
  CHECK(request.filename == "pxelinux.0");
  CHECK(request.mode == "octet");
  REQUIRE(request.options.size() == 2);
  CHECK(request.options[0] == Option{"blksize", "1468"});
  CHECK(request.options[1] == Option{"windowsize", "4"});
}

TEST_CASE("A request must end in NUL (tftpd-hpa: not null-terminated)") {
  auto packet =
      ParsePacket(Bytes(std::string("\0\x01"
                                    "file\0octet",
                                    12)));
  REQUIRE_FALSE(packet.ok());
  CHECK(packet.error() == "request not null-terminated");
  CHECK_FALSE(ParsePacket(Bytes(std::string("\0\x02"
                                            "file\0",
                                            7)))
                  .ok());
}

TEST_CASE("A trailing option name without a value is dropped") {
  auto packet =
      ParsePacket(Bytes(std::string("\0\x01"
                                    "f\0octet\0tsize\0"
                                    "0\0blksize\0",
                                    26)));
  REQUIRE(packet.ok());
  const auto& request = std::get<Request>(*packet);
  REQUIRE(request.options.size() == 1);
  CHECK(request.options[0].name == "tsize");
}

TEST_CASE("DATA and ACK and ERROR and OACK parse") {
  auto data =
      ParseAs<Data>(std::string("\0\x03\xff\xfe"
                                "abc",
                                7));
  CHECK(data.block == 0xfffe);
  CHECK(data.payload.size() == 3);

  CHECK(ParseAs<Ack>(std::string("\0\x04\0\x07", 4)).block == 7);

  // pxelinux closing early.
  auto error =
      ParseAs<Error>(std::string("\0\x05\0\0No error, file close\0", 26));
  CHECK(error.code == 0);
  CHECK(error.message == "No error, file close");

  auto unterminated =
      ParseAs<Error>(std::string("\0\x05\0\x08"
                                 "abort",
                                 9));
  CHECK(unterminated.message == "abort");

  auto oack =
      ParseAs<Oack>(std::string("\0\x06tsize\0"
                                "42\0",
                                11));
  CHECK(oack.options == std::vector<Option>{{"tsize", "42"}});
}

TEST_CASE("Short and unknown packets are errors - never crashes") {
  CHECK_FALSE(ParsePacket({}).ok());
  CHECK_FALSE(ParsePacket(Bytes(std::string("\0", 1))).ok());
  CHECK_FALSE(ParsePacket(Bytes(std::string("\0\x04\0", 3))).ok());
  CHECK_FALSE(ParsePacket(Bytes(std::string("\0\x03\0", 3))).ok());
  CHECK_FALSE(ParsePacket(Bytes(std::string("\0\x05\0", 3))).ok());
  auto unknown = ParsePacket(Bytes(std::string("\0\x09\0\0", 4)));
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.error() == "unknown opcode 9");
}

TEST_CASE("Builders produce the RFC 1350 layouts") {
  CHECK(EncodeAck(0x1234) == Bytes(std::string("\0\x04\x12\x34", 4)));
  const std::uint8_t payload[] = {'x', 'y'};
  CHECK(EncodeData(1, payload) == Bytes(std::string("\0\x03\0\x01xy", 6)));
  CHECK(EncodeError(ErrorCode::kFileNotFound, "File not found") ==
        Bytes(std::string("\0\x05\0\x01"
                          "File not found\0",
                          19)));
  CHECK(EncodeOack({{"blksize", "1468"}, {"tsize", "0"}}) ==
        Bytes(std::string("\0\x06"
                          "blksize\0"
                          "1468\0tsize\0"
                          "0\0",
                          23)));
  Request request{Opcode::kWrq, "up.bin", "octet", {{"tsize", "10"}}};
  auto encoded = EncodeRequest(request);
  auto parsed = ParsePacket(encoded);
  REQUIRE(parsed.ok());
  CHECK(std::get<Request>(*parsed).filename == "up.bin");
  CHECK(std::get<Request>(*parsed).opcode == Opcode::kWrq);
}

TEST_CASE(
    "A builder that does not fit fails instead of writing a short packet") {
  std::uint8_t small[6];
  pxekit::ByteWriter out(small);
  WriteError(out, ErrorCode::kNotDefined, "too long for six bytes");
  CHECK_FALSE(out.ok());
}

TEST_CASE("DescribePacket names the packet for traces") {
  CHECK(DescribePacket(EncodeAck(5)) == "ACK 5");
  CHECK(DescribePacket(EncodeError(ErrorCode::kOptionRefused, "no")) ==
        "ERROR 8 'no'");
  CHECK(DescribePacket(Bytes(std::string("\0\x01"
                                         "a\0octet\0",
                                         10))) == "RRQ 'a' octet");
}
