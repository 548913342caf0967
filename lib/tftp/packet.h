#pragma once
// TFTP packets: bytes <-> structs. RFC 1350 (RRQ, WRQ, DATA, ACK, ERROR),
// RFC 2347 (OACK and the option list of a request).
//
// Parsing never throws and never reads out of bounds. Policy on sloppy input:
//  - a request must end in NUL (tftpd-hpa: "Request not null-terminated");
//    an option name without a value at the end is dropped (lenient);
//  - ACK and DATA headers must be complete; bytes after an ACK's block number
//    are ignored;
//  - an ERROR message without its NUL is taken up to the end of the packet.
// Mode and option names are returned lower-cased (they are case-insensitive);
// the file name and option values are returned as sent.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "util/result.h"

namespace pxekit {
class ByteWriter;
}

namespace pxekit::tftp {

enum class Opcode : std::uint16_t {
  kRrq = 1,
  kWrq = 2,
  kData = 3,
  kAck = 4,
  kError = 5,
  kOack = 6,
};

// RFC 1350 section 5 plus RFC 2347 (8).
enum class ErrorCode : std::uint16_t {
  kNotDefined = 0,
  kFileNotFound = 1,
  kAccessViolation = 2,
  kDiskFull = 3,
  kIllegalOperation = 4,
  kUnknownTid = 5,
  kFileExists = 6,
  kNoSuchUser = 7,
  kOptionRefused = 8,
};

// The largest DATA payload RFC 2348 allows.
inline constexpr std::size_t kMaxBlockSize = 65464;
inline constexpr std::size_t kMinBlockSize = 8;
inline constexpr std::size_t kDefaultBlockSize = 512;
inline constexpr std::size_t kDataHeaderSize = 4;
// A UDP payload can never be larger than this.
inline constexpr std::size_t kMaxPacketSize = 65536;

struct Option {
  std::string name;  // lower case
  std::string value;
  friend bool operator==(const Option&, const Option&) = default;
};

struct Request {
  Opcode opcode = Opcode::kRrq;  // kRrq or kWrq
  std::string filename;
  std::string mode;  // lower case
  std::vector<Option> options;
};

struct Data {
  std::uint16_t block = 0;
  std::span<const std::uint8_t> payload;  // points into the parsed bytes
};

struct Ack {
  std::uint16_t block = 0;
};

struct Error {
  std::uint16_t code = 0;  // raw: peers send codes beyond 8
  std::string message;
};

struct Oack {
  std::vector<Option> options;
};

using Packet = std::variant<Request, Data, Ack, Error, Oack>;

// Views into `bytes` (Data::payload) stay valid only as long as `bytes` do.
Result<Packet> ParsePacket(std::span<const std::uint8_t> bytes);

// Builders. Each writes one whole packet or, when it does not fit, sets the
// writer's failed state.
void WriteRequest(ByteWriter& out, const Request& request);
void WriteDataHeader(ByteWriter& out, std::uint16_t block);
void WriteAck(ByteWriter& out, std::uint16_t block);
void WriteError(ByteWriter& out, ErrorCode code, std::string_view message);
void WriteOack(ByteWriter& out, const std::vector<Option>& options);

// Convenience forms for the rare packets (errors, OACKs, tests).
std::vector<std::uint8_t> EncodeRequest(const Request& request);
std::vector<std::uint8_t> EncodeData(std::uint16_t block,
                                     std::span<const std::uint8_t> payload);
std::vector<std::uint8_t> EncodeAck(std::uint16_t block);
std::vector<std::uint8_t> EncodeError(ErrorCode code, std::string_view message);
std::vector<std::uint8_t> EncodeOack(const std::vector<Option>& options);

// "RRQ", "DATA", ... for traces; "opcode N" for unknown values.
std::string OpcodeName(std::uint16_t opcode);
// One line describing a packet, for -v tracing.
std::string DescribePacket(std::span<const std::uint8_t> bytes);

}  // namespace pxekit::tftp
