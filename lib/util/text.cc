#include "util/text.h"

#include <cstdint>

#include <fmt/format.h>

#include "util/hex.h"

namespace pxekit {
namespace {
bool IsPrintableAscii(char c) { return c >= 0x20 && c < 0x7f; }
}  // namespace

std::string DescribeChar(char c) {
  if (IsPrintableAscii(c)) return fmt::format("'{}'", c);
  return fmt::format("byte 0x{:02x}", static_cast<unsigned char>(c));
}

std::string QuoteForMessage(std::string_view text) {
  std::string out = "'";
  out.reserve(text.size() + 2);
  for (char c : text) {
    if (IsPrintableAscii(c) && c != '\\') {
      out.push_back(c);
    } else {  // \xNN, without a format call per byte
      auto byte = static_cast<std::uint8_t>(c);
      out += "\\x";
      out += ToHex({&byte, 1});
    }
  }
  out.push_back('\'');
  return out;
}

bool IsAsciiSpace(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' ||
         c == '\f';
}

std::string_view SkipUtf8Bom(std::string_view text) {
  constexpr std::string_view kBom = "\xEF\xBB\xBF";
  if (text.substr(0, kBom.size()) == kBom) text.remove_prefix(kBom.size());
  return text;
}

std::string_view TakeLine(std::string_view& text) {
  std::size_t end = text.find('\n');
  std::string_view line = text.substr(0, end);
  text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
  if (line.ends_with('\r')) line.remove_suffix(1);
  return line;
}

std::string SourceCaret(std::string_view source_line, std::size_t column) {
  std::string shown;
  std::string caret;
  for (std::size_t i = 0; i < source_line.size(); ++i) {
    char c = source_line[i];
    shown.push_back(
        c == '\t' ? ' ' : (static_cast<unsigned char>(c) < 0x20 ? '?' : c));
    if (i + 1 < column) caret.push_back(' ');
  }
  return fmt::format("  {}\n  {}^", shown, caret);
}

std::string FormatSourceMessage(std::string_view file, std::size_t line,
                                std::size_t column, std::string_view message,
                                std::string_view source_line) {
  if (line == 0) return fmt::format("{}: {}", file, message);
  std::string out = fmt::format("{}:{}:{}: {}", file, line, column, message);
  if (!source_line.empty()) out += "\n" + SourceCaret(source_line, column);
  return out;
}

std::string_view TrimAsciiSpace(std::string_view text) {
  while (!text.empty() && IsAsciiSpace(text.front())) text.remove_prefix(1);
  while (!text.empty() && IsAsciiSpace(text.back())) text.remove_suffix(1);
  return text;
}

}  // namespace pxekit
