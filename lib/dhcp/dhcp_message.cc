#include "dhcp/dhcp_message.h"

#include <algorithm>

#include "dhcp/dhcp_options.h"
#include "dhcp/option_list.h"
#include "util/byte_reader.h"
#include "util/enum_names.h"

namespace pxekit {
namespace {

constexpr std::uint32_t kMagicCookie = 0x63825363;  // 99.130.83.99
constexpr std::size_t kSnameSize = 64;
constexpr std::size_t kFileSize = 128;

// Reads TLVs from `area` into `out`; false when an option was truncated.
// Sets *overload from option 52 when it is seen here.
bool ParseOptionArea(std::span<const std::uint8_t> area, DhcpOptions* out,
                     std::uint8_t* overload) {
  ByteReader reader(area);
  while (!reader.empty()) {
    std::uint8_t code = reader.U8();
    if (code == dhcp_option::kPad) continue;
    if (code == dhcp_option::kEnd) return true;
    std::uint8_t length = reader.U8();
    auto data = reader.Bytes(length);
    if (!reader.ok()) return false;
    if (code == dhcp_option::kOverload) {
      if (overload != nullptr && length == 1) *overload = data[0];
      continue;  // consumed by the codec, never shown to policy
    }
    out->Append(code, data);
  }
  return true;
}

// sname and file are NUL-terminated strings (RFC 2131 §2): the last byte
// is the terminator, so a field without a NUL is cut before it, exactly as
// EncodeDhcpMessage writes the field back (63 and 127 characters).
std::string FieldString(std::span<const std::uint8_t> field) {
  field = field.first(field.size() - 1);
  auto end = std::find(field.begin(), field.end(), 0);
  return std::string(field.begin(), end);
}

}  // namespace

std::string_view DhcpMessageTypeName(DhcpMessageType type) {
  // In the order of DhcpMessageType (option 53's values).
  static constexpr std::array<std::string_view, 9> kNames = {
      "BOOTREQUEST", "DHCPDISCOVER", "DHCPOFFER",
      "DHCPREQUEST", "DHCPDECLINE",  "DHCPACK",
      "DHCPNAK",     "DHCPRELEASE",  "DHCPINFORM"};
  static_assert(kNames.size() == EnumCount(DhcpMessageType::kInform));
  return EnumName(type, kNames, "DHCP?");
}

const std::vector<std::uint8_t>* DhcpOptions::Find(std::uint8_t code) const {
  for (const DhcpOption& option : list_)
    if (option.code == code) return &option.data;
  return nullptr;
}

void SetOptionIn(std::vector<DhcpOption>& options, std::uint8_t code,
                 std::vector<std::uint8_t> data) {
  for (DhcpOption& option : options) {
    if (option.code == code) {
      option.data = std::move(data);
      return;
    }
  }
  options.push_back(DhcpOption{code, std::move(data)});
}

void DhcpOptions::Set(std::uint8_t code, std::vector<std::uint8_t> data) {
  SetOptionIn(list_, code, std::move(data));
}

void DhcpOptions::Set(std::uint8_t code, std::span<const std::uint8_t> data) {
  Set(code, std::vector<std::uint8_t>(data.begin(), data.end()));
}

void DhcpOptions::SetText(std::uint8_t code, std::string_view text) {
  Set(code, std::vector<std::uint8_t>(text.begin(), text.end()));
}

void DhcpOptions::SetU8(std::uint8_t code, std::uint8_t value) {
  Set(code, std::vector<std::uint8_t>{value});
}

void DhcpOptions::SetU16(std::uint8_t code, std::uint16_t value) {
  Set(code, std::vector<std::uint8_t>{static_cast<std::uint8_t>(value >> 8),
                                      static_cast<std::uint8_t>(value)});
}

void DhcpOptions::SetU32(std::uint8_t code, std::uint32_t value) {
  Set(code, std::vector<std::uint8_t>{static_cast<std::uint8_t>(value >> 24),
                                      static_cast<std::uint8_t>(value >> 16),
                                      static_cast<std::uint8_t>(value >> 8),
                                      static_cast<std::uint8_t>(value)});
}

void DhcpOptions::SetIp(std::uint8_t code, Ipv4Addr address) {
  SetU32(code, address.value());
}

void DhcpOptions::Remove(std::uint8_t code) {
  std::erase_if(
      list_, [code](const DhcpOption& option) { return option.code == code; });
}

void DhcpOptions::Append(std::uint8_t code,
                         std::span<const std::uint8_t> data) {
  for (DhcpOption& option : list_) {
    if (option.code == code) {
      option.data.insert(option.data.end(), data.begin(), data.end());
      return;
    }
  }
  list_.push_back(DhcpOption{code, {data.begin(), data.end()}});
}

DhcpMessageType DhcpMessage::Type() const {
  const auto* type = options.Find(dhcp_option::kMessageType);
  if (type == nullptr || type->size() != 1) return DhcpMessageType::kBootp;
  std::uint8_t value = (*type)[0];
  if (value < 1 || value > 8) return DhcpMessageType::kBootp;
  return static_cast<DhcpMessageType>(value);
}

MacAddr DhcpMessage::Mac() const {
  MacAddr mac;
  if (htype == 1 && hlen == 6) MacAddr::FromBytes(chaddr, &mac);
  return mac;
}

std::optional<Ipv4Addr> DhcpMessage::GetIp(std::uint8_t code) const {
  auto value = GetU32(code);
  if (!value) return std::nullopt;
  return Ipv4Addr(*value);
}

std::optional<std::uint16_t> DhcpMessage::GetU16(std::uint8_t code) const {
  const auto* data = options.Find(code);
  if (data == nullptr || data->size() != 2) return std::nullopt;
  return static_cast<std::uint16_t>((*data)[0] << 8 | (*data)[1]);
}

std::optional<std::uint32_t> DhcpMessage::GetU32(std::uint8_t code) const {
  const auto* data = options.Find(code);
  if (data == nullptr || data->size() != 4) return std::nullopt;
  ByteReader reader(*data);
  return reader.U32();
}

std::string_view DhcpMessage::GetText(std::uint8_t code) const {
  const auto* data = options.Find(code);
  if (data == nullptr) return {};
  return std::string_view(reinterpret_cast<const char*>(data->data()),
                          data->size());
}

std::vector<std::uint16_t> DhcpMessage::ClientArchs() const {
  std::vector<std::uint16_t> archs;
  const auto* data = options.Find(dhcp_option::kClientArch);
  if (data == nullptr) return archs;
  for (std::size_t i = 0; i + 1 < data->size(); i += 2)
    archs.push_back(
        static_cast<std::uint16_t>((*data)[i] << 8 | (*data)[i + 1]));
  return archs;
}

Result<DhcpMessage> ParseDhcpMessage(std::span<const std::uint8_t> bytes) {
  if (bytes.size() < kBootpHeaderSize)
    return Fail(fmt::format("message too short: {} bytes, BOOTP needs {}",
                            bytes.size(), kBootpHeaderSize));
  ByteReader reader(bytes);
  DhcpMessage m;
  m.op = reader.U8();
  m.htype = reader.U8();
  m.hlen = reader.U8();
  m.hops = reader.U8();
  m.xid = reader.U32();
  m.secs = reader.U16();
  m.flags = reader.U16();
  m.ciaddr = Ipv4Addr(reader.U32());
  m.yiaddr = Ipv4Addr(reader.U32());
  m.siaddr = Ipv4Addr(reader.U32());
  m.giaddr = Ipv4Addr(reader.U32());
  auto chaddr = reader.Bytes(16);
  auto sname = reader.Bytes(kSnameSize);
  auto file = reader.Bytes(kFileSize);
  if (!reader.ok()) return Fail("message too short");  // unreachable
  if (m.hlen > 16)
    return Fail(fmt::format("hardware address length {} is over 16", m.hlen));
  std::copy(chaddr.begin(), chaddr.end(), m.chaddr.begin());

  if (reader.remaining() < 4 || reader.U32() != kMagicCookie) {
    m.has_cookie = false;
    m.sname = FieldString(sname);
    m.file = FieldString(file);
    return m;
  }
  std::uint8_t overload = 0;
  bool complete = ParseOptionArea(reader.Rest(), &m.options, &overload);
  if (complete && (overload & 1) != 0)
    complete = ParseOptionArea(file, &m.options, nullptr);
  if (complete && (overload & 2) != 0)
    complete = ParseOptionArea(sname, &m.options, nullptr);
  m.truncated = !complete;
  if ((overload & 1) == 0) m.file = FieldString(file);
  if ((overload & 2) == 0) m.sname = FieldString(sname);
  return m;
}

Result<EncodedMessage> EncodeDhcpMessage(const DhcpMessage& m,
                                         std::size_t max_size) {
  EncodedMessage out;
  std::size_t capacity = std::max(max_size, kBootpMinimumSize);
  out.bytes.assign(capacity, 0);
  ByteWriter writer(out.bytes);
  writer.U8(m.op);
  writer.U8(m.htype);
  writer.U8(std::min<std::uint8_t>(m.hlen, 16));
  writer.U8(m.hops);
  writer.U32(m.xid);
  writer.U16(m.secs);
  writer.U16(m.flags);
  writer.U32(m.ciaddr.value());
  writer.U32(m.yiaddr.value());
  writer.U32(m.siaddr.value());
  writer.U32(m.giaddr.value());
  writer.Bytes(m.chaddr);
  auto field = [&writer](std::string_view text, std::size_t size) {
    text = text.substr(0, size - 1);  // keep the NUL
    writer.Text(text);
    writer.Fill(0, size - text.size());
  };
  field(m.sname, kSnameSize);
  field(m.file, kFileSize);
  if (m.has_cookie || !m.options.empty()) writer.U32(kMagicCookie);
  // The header must fit the caller's limit; reserve END from here on.
  if (!writer.ok() || writer.size() + 1 > max_size)
    return Fail(fmt::format("{} bytes cannot hold a BOOTP header", max_size));

  auto write_option = [&](const DhcpOption& option) {
    // Instances of at most 255 bytes each (RFC 3396); at least one, even
    // for an empty value.
    std::size_t instances =
        option.data.empty() ? 1 : (option.data.size() + 254) / 255;
    std::size_t needed = option.data.size() + 2 * instances;
    if (writer.size() + needed + 1 > max_size) {
      out.dropped.push_back(option.code);
      return;
    }
    std::size_t at = 0;
    do {
      std::size_t chunk = std::min<std::size_t>(255, option.data.size() - at);
      writer.U8(option.code);
      writer.U8(static_cast<std::uint8_t>(chunk));
      writer.Bytes(std::span(option.data).subspan(at, chunk));
      at += chunk;
    } while (at < option.data.size());
  };
  const DhcpOption* relay_info = nullptr;
  for (const DhcpOption& option : m.options.list()) {
    if (option.code == dhcp_option::kPad || option.code == dhcp_option::kEnd ||
        option.code == dhcp_option::kOverload)
      continue;
    if (option.code == dhcp_option::kRelayAgentInfo) {
      relay_info = &option;
      continue;
    }
    write_option(option);
  }
  if (relay_info != nullptr) write_option(*relay_info);
  if (m.has_cookie || !m.options.empty()) writer.U8(dhcp_option::kEnd);
  if (!writer.ok()) return Fail("internal: option writer overflow");
  out.bytes.resize(std::max(writer.size(), kBootpMinimumSize));
  return out;
}

}  // namespace pxekit
