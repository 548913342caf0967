#include "lease/lease_file.h"

#include <ctime>
#include <map>

#include <fmt/format.h>

#include "dhcpconf/conf_lexer.h"
#include "util/enum_names.h"
#include "util/hex.h"
#include "util/text.h"

namespace pxekit {

std::string_view LeaseStateName(LeaseState state) {
  // In the order of LeaseState.
  static constexpr std::array<std::string_view, 6> kNames = {
      "free", "active", "expired", "released", "abandoned", "offered"};
  static_assert(kNames.size() == EnumCount(LeaseState::kOffered));
  return EnumName(state, kNames, "free");
}

namespace {

// Lease files hold 9999-12-31 at most; anything later reads as never.
constexpr UnixTime kMaxWritableTime = 253402300799;

std::string QuoteUid(const std::vector<std::uint8_t>& uid) {
  // ISC's default: a quoted string, non-printables as \ooo octal.
  std::string out = "\"";
  for (std::uint8_t c : uid) {
    if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\')
      out.push_back(static_cast<char>(c));
    else
      out += fmt::format("\\{:03o}", c);
  }
  out.push_back('"');
  return out;
}

std::string QuoteText(std::string_view text) {
  std::string out = "\"";
  for (char ch : text) {
    auto c = static_cast<unsigned char>(ch);
    if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\')
      out.push_back(ch);
    else
      out += fmt::format("\\{:03o}", c);
  }
  out.push_back('"');
  return out;
}

std::optional<LeaseState> StateFromName(std::string_view name) {
  for (LeaseState state :
       {LeaseState::kFree, LeaseState::kActive, LeaseState::kExpired,
        LeaseState::kReleased, LeaseState::kAbandoned})
    if (LeaseStateName(state) == name) return state;
  if (name == "backup" || name == "reset") return LeaseState::kFree;
  return std::nullopt;
}

bool ParseUInt(std::string_view text, std::int64_t max, std::int64_t* out) {
  if (text.empty() || text.size() > 12) return false;
  std::int64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  if (value > max) return false;
  *out = value;
  return true;
}

// "2026/11/25" "05:48:58" -> seconds, UTC.
std::optional<UnixTime> ParseDateTime(std::string_view date,
                                      std::string_view time) {
  std::int64_t y, mo, d, h, mi, s;
  if (date.size() < 8 || time.size() != 8) return std::nullopt;
  auto slash1 = date.find('/');
  auto slash2 = date.find('/', slash1 + 1);
  if (slash1 == std::string_view::npos || slash2 == std::string_view::npos)
    return std::nullopt;
  if (!ParseUInt(date.substr(0, slash1), 9999, &y) ||
      !ParseUInt(date.substr(slash1 + 1, slash2 - slash1 - 1), 12, &mo) ||
      !ParseUInt(date.substr(slash2 + 1), 31, &d) ||
      !ParseUInt(time.substr(0, 2), 23, &h) || time[2] != ':' ||
      !ParseUInt(time.substr(3, 2), 59, &mi) || time[5] != ':' ||
      !ParseUInt(time.substr(6, 2), 60, &s) || y < 1970 || mo < 1 || d < 1)
    return std::nullopt;
  std::tm tm{};
  tm.tm_year = static_cast<int>(y - 1900);
  tm.tm_mon = static_cast<int>(mo - 1);
  tm.tm_mday = static_cast<int>(d);
  tm.tm_hour = static_cast<int>(h);
  tm.tm_min = static_cast<int>(mi);
  tm.tm_sec = static_cast<int>(s);
  return static_cast<UnixTime>(timegm(&tm));
}

class LeaseReader {
 public:
  explicit LeaseReader(std::string_view text) : lexer_(text) {}

  LeaseFileContents Read() {
    std::map<std::uint32_t, Lease> by_address;
    for (;;) {
      Token token = lexer_.Next();
      if (token.kind == TokenKind::kEnd) break;
      if (token.kind == TokenKind::kWord && token.text == "lease") {
        Lease lease;
        if (ReadLease(token, &lease)) {
          by_address[lease.address.value()] = lease;
          ++out_.blocks;
        }
        continue;
      }
      if (token.kind == TokenKind::kWord &&
          (token.text == "authoring-byte-order" ||
           token.text == "server-duid")) {
        SkipStatement();
        continue;
      }
      if (token.kind == TokenKind::kWord &&
          (token.text == "host" || token.text == "class" ||
           token.text == "subclass" || token.text == "failover")) {
        Warn(token, fmt::format("'{}' block skipped", token.text));
        SkipStatement();
        continue;
      }
      Warn(token,
           "corrupt lease file - possible data loss; skipping to the "
           "next lease");
      SkipToNextLease();
    }
    for (auto& [address, lease] : by_address) out_.leases.push_back(lease);
    return std::move(out_);
  }

 private:
  void Warn(const Token& token, std::string text) {
    if (out_.warnings.size() < 100)
      out_.warnings.push_back(fmt::format("line {}: {}", token.line, text));
  }

  // Skips to the end of a statement: a ';' at this depth or a whole block.
  void SkipStatement() {
    int depth = 0;
    for (;;) {
      Token token = lexer_.Next();
      if (token.kind == TokenKind::kEnd) return;
      if (token.kind == TokenKind::kLBrace) ++depth;
      if (token.kind == TokenKind::kRBrace && --depth <= 0) return;
      if (token.kind == TokenKind::kSemicolon && depth == 0) return;
    }
  }

  void SkipToNextLease() {
    for (;;) {
      Token token = lexer_.Peek();
      if (token.kind == TokenKind::kEnd) return;
      if (token.kind == TokenKind::kWord && token.text == "lease") return;
      lexer_.Next();
    }
  }

  // Reads the words of one statement up to ';' (false at '}' or the end).
  bool Words(std::vector<Token>* words) {
    for (;;) {
      Token token = lexer_.Peek();
      if (token.kind == TokenKind::kSemicolon) {
        lexer_.Next();
        return true;
      }
      if (token.kind == TokenKind::kEnd || token.kind == TokenKind::kRBrace ||
          token.kind == TokenKind::kLBrace)
        return false;
      words->push_back(lexer_.Next());
      if (words->size() > 64) return false;
    }
  }

  bool ReadTime(const std::vector<Token>& words, UnixTime* out) {
    if (words.size() == 2 && words[1].text == "never") {
      *out = kNever;
      return true;
    }
    if (words.size() == 3 && words[1].text == "epoch") {
      std::int64_t value;
      if (!ParseUInt(words[2].text, kMaxWritableTime, &value)) return false;
      *out = value;
      return true;
    }
    if (words.size() != 4) return false;
    auto time = ParseDateTime(words[2].text, words[3].text);
    if (!time) return false;
    *out = *time;
    return true;
  }

  bool ReadLease(const Token& keyword, Lease* lease) {
    Token address_token = lexer_.Next();
    auto address = Ipv4Addr::Parse(address_token.text);
    if (address_token.kind != TokenKind::kWord || !address) {
      Warn(address_token, "lease without a valid address skipped");
      SkipToNextLease();
      return false;
    }
    lease->address = *address;
    if (lexer_.Next().kind != TokenKind::kLBrace) {
      Warn(keyword, "lease without '{' skipped");
      SkipToNextLease();
      return false;
    }
    bool has_state = false;
    for (;;) {
      Token token = lexer_.Peek();
      if (token.kind == TokenKind::kRBrace) {
        lexer_.Next();
        break;
      }
      if (token.kind == TokenKind::kEnd) {
        // A torn final block: keep what was written of it, as ISC does.
        Warn(token,
             fmt::format("unexpected end of file in lease {}", lease->address));
        break;
      }
      if (token.kind == TokenKind::kWord &&
          (token.text == "on" || token.text == "set" ||
           token.text == "option")) {
        lexer_.Next();
        SkipStatement();
        continue;
      }
      std::vector<Token> words;
      bool complete = Words(&words);
      if (!complete) {
        if (lexer_.Peek().kind == TokenKind::kLBrace) {
          lexer_.Next();
          int depth = 1;
          while (depth > 0) {
            Token t = lexer_.Next();
            if (t.kind == TokenKind::kEnd) break;
            if (t.kind == TokenKind::kLBrace) ++depth;
            if (t.kind == TokenKind::kRBrace) --depth;
          }
        }
        if (words.empty() && lexer_.Peek().kind != TokenKind::kRBrace &&
            lexer_.Peek().kind != TokenKind::kEnd)
          lexer_.Next();  // a stray token: make progress
        continue;
      }
      if (words.empty()) continue;
      const std::string& field = words[0].text;
      bool ok = true;
      if (field == "starts") {
        ok = ReadTime(words, &lease->starts);
      } else if (field == "ends") {
        ok = ReadTime(words, &lease->ends);
      } else if (field == "cltt") {
        ok = ReadTime(words, &lease->cltt);
      } else if (field == "tstp" || field == "tsfp" || field == "atsfp") {
      } else if (field == "binding" && words.size() == 3 &&
                 words[1].text == "state") {
        auto state = StateFromName(words[2].text);
        ok = state.has_value();
        if (ok) {
          lease->state = *state;
          has_state = true;
        }
      } else if ((field == "next" || field == "rewind") && words.size() == 4) {
      } else if (field == "hardware" && words.size() == 3) {
        auto mac = MacAddr::Parse(words[2].text);
        ok = mac.ok() && words[1].text == "ethernet";
        if (ok) lease->mac = *mac;
      } else if (field == "uid" && words.size() == 2) {
        if (words[1].kind == TokenKind::kString) {
          lease->uid.assign(words[1].text.begin(), words[1].text.end());
        } else {
          // colon-hex form
          std::string hex;
          for (char c : words[1].text)
            if (c != ':') hex.push_back(c);
          auto bytes = FromHex(hex);
          ok = bytes.has_value();
          if (ok) lease->uid = *bytes;
        }
      } else if (field == "client-hostname" && words.size() == 2 &&
                 words[1].kind == TokenKind::kString) {
        lease->hostname = words[1].text;
      } else if (field == "bootp" && words.size() == 1) {
        lease->bootp = true;
      } else if (field == "reserved" || field == "abandoned" ||
                 field == "dynamic" || field == "deleted") {
      } else {
        ok = false;
      }
      if (!ok)
        Warn(words[0],
             fmt::format("lease {}: unreadable '{}' statement ignored",
                         lease->address, field));
    }
    if (!has_state) {
      // ISC's default for a block without a state.
      lease->state = LeaseState::kFree;
    }
    return true;
  }

  ConfLexer lexer_;
  LeaseFileContents out_;
};

}  // namespace

std::string FormatLeaseTime(UnixTime time) {
  if (time == kNever || time > kMaxWritableTime || time < 0) return "never";
  std::time_t t = static_cast<std::time_t>(time);
  std::tm tm{};
  gmtime_r(&t, &tm);
  return fmt::format("{} {:04}/{:02}/{:02} {:02}:{:02}:{:02}", tm.tm_wday,
                     tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                     tm.tm_min, tm.tm_sec);
}

std::string FormatLeaseFileHeader(std::string_view generator) {
  return fmt::format(
      "# The format of this file is documented in the dhcpd.leases(5) manual "
      "page.\n# This lease file was written by {}\n\n"
      "authoring-byte-order little-endian;\n\n",
      generator);
}

std::string FormatLease(const Lease& lease) {
  std::string out = fmt::format("lease {} {{\n", lease.address);
  out += fmt::format("  starts {};\n", FormatLeaseTime(lease.starts));
  out += fmt::format("  ends {};\n", FormatLeaseTime(lease.ends));
  if (lease.cltt != 0)
    out += fmt::format("  cltt {};\n", FormatLeaseTime(lease.cltt));
  LeaseState state =
      lease.state == LeaseState::kOffered ? LeaseState::kFree : lease.state;
  out += fmt::format("  binding state {};\n", state);
  LeaseState next = state == LeaseState::kActive ? LeaseState::kFree : state;
  if (state == LeaseState::kActive) next = LeaseState::kFree;
  out += fmt::format("  next binding state {};\n", next);
  out += fmt::format("  rewind binding state {};\n",
                     state == LeaseState::kActive ? LeaseState::kFree : state);
  if (!lease.mac.IsZero())
    out += fmt::format("  hardware ethernet {};\n", lease.mac);
  if (!lease.uid.empty())
    out += fmt::format("  uid {};\n", QuoteUid(lease.uid));
  if (!lease.hostname.empty())
    out += fmt::format("  client-hostname {};\n", QuoteText(lease.hostname));
  if (lease.bootp) out += "  bootp;\n";
  out += "}\n";
  return out;
}

LeaseFileContents ParseLeaseFile(std::string_view text) {
  // A file edited by hand on Windows may start with a BOM.
  return LeaseReader(SkipUtf8Bom(text)).Read();
}

}  // namespace pxekit
