#include "tftp/packet.h"

#include <fmt/format.h>

#include "util/ascii.h"
#include "util/byte_reader.h"
#include "util/text.h"

namespace pxekit::tftp {
namespace {

// Splits a run of NUL-terminated strings. `terminated` says whether the last
// one ended in NUL.
std::vector<std::string_view> SplitStrings(std::span<const std::uint8_t> bytes,
                                           bool* terminated) {
  std::vector<std::string_view> out;
  std::string_view text(reinterpret_cast<const char*>(bytes.data()),
                        bytes.size());
  std::size_t start = 0;
  *terminated = true;
  while (start < text.size()) {
    std::size_t nul = text.find('\0', start);
    if (nul == std::string_view::npos) {
      out.push_back(text.substr(start));
      *terminated = false;
      break;
    }
    out.push_back(text.substr(start, nul - start));
    start = nul + 1;
  }
  return out;
}

std::vector<Option> PairOptions(const std::vector<std::string_view>& strings,
                                std::size_t first) {
  std::vector<Option> options;
  // A name without a value at the end is dropped.
  for (std::size_t i = first; i + 1 < strings.size(); i += 2)
    options.push_back(
        Option{AsciiLower(strings[i]), std::string(strings[i + 1])});
  return options;
}

Result<Packet> ParseRequest(Opcode opcode, std::span<const std::uint8_t> body) {
  bool terminated = false;
  auto strings = SplitStrings(body, &terminated);
  if (!terminated || strings.size() < 2)
    return Fail("request not null-terminated");
  Request request;
  request.opcode = opcode;
  request.filename = std::string(strings[0]);
  request.mode = AsciiLower(strings[1]);
  request.options = PairOptions(strings, 2);
  return Packet(std::move(request));
}

void WriteString(ByteWriter& out, std::string_view text) {
  out.Text(text);
  out.U8(0);
}

template <typename Writer>
std::vector<std::uint8_t> Encode(std::size_t capacity, Writer&& write) {
  std::vector<std::uint8_t> buffer(capacity);
  ByteWriter out(buffer);
  write(out);
  if (!out.ok()) return {};
  buffer.resize(out.size());
  return buffer;
}

std::string OptionsText(const std::vector<Option>& options) {
  std::string out;
  for (const auto& option : options)
    out += fmt::format(" {}={}", option.name, QuoteForMessage(option.value));
  return out;
}

}  // namespace

Result<Packet> ParsePacket(std::span<const std::uint8_t> bytes) {
  ByteReader in(bytes);
  std::uint16_t opcode = in.U16();
  if (!in.ok()) return Fail("packet shorter than an opcode");
  switch (static_cast<Opcode>(opcode)) {
    case Opcode::kRrq:
    case Opcode::kWrq:
      return ParseRequest(static_cast<Opcode>(opcode), in.Rest());
    case Opcode::kData: {
      Data data;
      data.block = in.U16();
      if (!in.ok()) return Fail("DATA shorter than its header");
      data.payload = in.Rest();
      return Packet(data);
    }
    case Opcode::kAck: {
      Ack ack;
      ack.block = in.U16();
      if (!in.ok()) return Fail("ACK shorter than its header");
      return Packet(ack);
    }
    case Opcode::kError: {
      Error error;
      error.code = in.U16();
      if (!in.ok()) return Fail("ERROR shorter than its header");
      auto rest = in.Rest();
      std::string_view text(reinterpret_cast<const char*>(rest.data()),
                            rest.size());
      error.message = std::string(text.substr(0, text.find('\0')));
      return Packet(std::move(error));
    }
    case Opcode::kOack: {
      bool terminated = false;
      auto strings = SplitStrings(in.Rest(), &terminated);
      if (!terminated) return Fail("OACK not null-terminated");
      return Packet(Oack{PairOptions(strings, 0)});
    }
  }
  return Fail(fmt::format("unknown opcode {}", opcode));
}

void WriteRequest(ByteWriter& out, const Request& request) {
  out.U16(static_cast<std::uint16_t>(request.opcode));
  WriteString(out, request.filename);
  WriteString(out, request.mode);
  for (const auto& option : request.options) {
    WriteString(out, option.name);
    WriteString(out, option.value);
  }
}

void WriteDataHeader(ByteWriter& out, std::uint16_t block) {
  out.U16(static_cast<std::uint16_t>(Opcode::kData));
  out.U16(block);
}

void WriteAck(ByteWriter& out, std::uint16_t block) {
  out.U16(static_cast<std::uint16_t>(Opcode::kAck));
  out.U16(block);
}

void WriteError(ByteWriter& out, ErrorCode code, std::string_view message) {
  out.U16(static_cast<std::uint16_t>(Opcode::kError));
  out.U16(static_cast<std::uint16_t>(code));
  WriteString(out, message);
}

void WriteOack(ByteWriter& out, const std::vector<Option>& options) {
  out.U16(static_cast<std::uint16_t>(Opcode::kOack));
  for (const auto& option : options) {
    WriteString(out, option.name);
    WriteString(out, option.value);
  }
}

std::vector<std::uint8_t> EncodeRequest(const Request& request) {
  return Encode(kMaxPacketSize,
                [&](ByteWriter& out) { WriteRequest(out, request); });
}

std::vector<std::uint8_t> EncodeData(std::uint16_t block,
                                     std::span<const std::uint8_t> payload) {
  return Encode(kDataHeaderSize + payload.size(), [&](ByteWriter& out) {
    WriteDataHeader(out, block);
    out.Bytes(payload);
  });
}

std::vector<std::uint8_t> EncodeAck(std::uint16_t block) {
  return Encode(4, [&](ByteWriter& out) { WriteAck(out, block); });
}

std::vector<std::uint8_t> EncodeError(ErrorCode code,
                                      std::string_view message) {
  return Encode(5 + message.size(),
                [&](ByteWriter& out) { WriteError(out, code, message); });
}

std::vector<std::uint8_t> EncodeOack(const std::vector<Option>& options) {
  return Encode(kMaxPacketSize,
                [&](ByteWriter& out) { WriteOack(out, options); });
}

std::string OpcodeName(std::uint16_t opcode) {
  switch (opcode) {
    case 1:
      return "RRQ";
    case 2:
      return "WRQ";
    case 3:
      return "DATA";
    case 4:
      return "ACK";
    case 5:
      return "ERROR";
    case 6:
      return "OACK";
    default:
      return fmt::format("opcode {}", opcode);
  }
}

std::string DescribePacket(std::span<const std::uint8_t> bytes) {
  auto parsed = ParsePacket(bytes);
  if (!parsed)
    return fmt::format("malformed ({} bytes): {}", bytes.size(),
                       parsed.error());
  struct Describer {
    std::string operator()(const Request& r) const {
      return fmt::format(
          "{} {} {}{}", OpcodeName(static_cast<std::uint16_t>(r.opcode)),
          QuoteForMessage(r.filename), r.mode, OptionsText(r.options));
    }
    std::string operator()(const Data& d) const {
      return fmt::format("DATA {} ({} bytes)", d.block, d.payload.size());
    }
    std::string operator()(const Ack& a) const {
      return fmt::format("ACK {}", a.block);
    }
    std::string operator()(const Error& e) const {
      return fmt::format("ERROR {} {}", e.code, QuoteForMessage(e.message));
    }
    std::string operator()(const Oack& o) const {
      return fmt::format("OACK{}", OptionsText(o.options));
    }
  };
  return std::visit(Describer{}, *parsed);
}

}  // namespace pxekit::tftp
