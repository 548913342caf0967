#include "dhcpconf/dhcpd_conf_parser.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <memory>
#include <span>
#include <unordered_map>

#include <fmt/format.h>

#include "dhcpconf/conf_lexer.h"
#include "util/ascii.h"
#include "util/enum_names.h"
#include "util/hex.h"
#include "util/text.h"

namespace pxekit {
namespace {

constexpr int kMaxIncludeDepth = 8;
// Includes read in all, over the whole tree. Files that include several
// others (no loop: none includes a file that includes it) are read again
// for every path down the tree: k files that each include all the others
// make k!/(k-8)! paths, 13,699 for 8 files (a fuzzer's slow unit: 1.1 s),
// 5 billion for 20: a config that never finishes loading. 10,000 is far
// above a lab's one file per host.
constexpr int kMaxIncludes = 10000;
constexpr int kMaxNesting = 64;
// -t reports every error; past this many the rest are likely one mistake's
// echoes (a binary file, a lost quote), and the count is enough.
constexpr std::size_t kMaxErrors = 50;

bool IsDecimal(std::string_view text) {
  return !text.empty() && text.size() <= 10 &&
         std::all_of(text.begin(), text.end(),
                     [](char c) { return c >= '0' && c <= '9'; });
}

// 1-2 hex digits per byte, ':' between bytes: "00:07", "1:2:aa".
std::optional<std::vector<std::uint8_t>> ParseColonHex(std::string_view text) {
  std::vector<std::uint8_t> out;
  std::size_t start = 0;
  for (;;) {
    std::size_t end = text.find(':', start);
    std::string_view group = text.substr(start, end == std::string_view::npos
                                                    ? std::string_view::npos
                                                    : end - start);
    if (group.empty() || group.size() > 2) return std::nullopt;
    int value = 0;
    for (char c : group) {
      int digit = HexDigitValue(c);
      if (digit < 0) return std::nullopt;
      value = value * 16 + digit;
    }
    out.push_back(static_cast<std::uint8_t>(value));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return out;
}

enum class ScopeKind {
  kGlobal,
  kGroup,
  kSharedNetwork,
  kSubnet,
  kPool,
  kHost,
  kClass,
  kIfBody
};

std::string_view KindName(ScopeKind kind) {
  // In the order of ScopeKind.
  static constexpr std::array<std::string_view, 8> kNames = {
      "the global scope", "a group", "a shared-network", "a subnet",
      "a pool",           "a host",  "a class",          "an if block"};
  static_assert(kNames.size() == EnumCount(ScopeKind::kIfBody));
  return EnumName(kind, kNames, "");
}

// The scopes a statement may stand in, as a bit set of ScopeKind.
constexpr unsigned In(std::initializer_list<ScopeKind> kinds) {
  unsigned mask = 0;
  for (ScopeKind kind : kinds) mask |= 1u << static_cast<unsigned>(kind);
  return mask;
}
constexpr unsigned kAnywhere = ~0u;
constexpr unsigned kDeclarations =
    In({ScopeKind::kGlobal, ScopeKind::kGroup, ScopeKind::kSharedNetwork,
        ScopeKind::kSubnet});

struct Context {
  ScopeKind kind = ScopeKind::kGlobal;
  Scope* scope = nullptr;
  std::vector<Scope*> chain;  // enclosing declaration scopes, then own
  std::size_t subnet = SIZE_MAX;
  std::size_t pool = SIZE_MAX;
  std::size_t host = SIZE_MAX;
  std::size_t klass = SIZE_MAX;
  int depth = 0;
};

struct OptionName {
  std::uint8_t code;
  OptionType type;
};

// Errors are returned, never thrown. A statement parser returns false when
// it abandons its statement (ErrorAt has recorded why) and its caller then
// skips to the statement's end (Recover); a parser of a value returns an
// empty optional. Every caller passes a failure straight up.

class Parser {
 public:
  Parser(const IncludeLoader& loader, DhcpdConf* conf)
      : loader_(loader), conf_(conf) {}

  void ParseFile(std::string_view text, const std::string& file,
                 Context& context, int include_depth) {
    ConfLexer lexer(SkipUtf8Bom(text));
    ConfLexer* saved_lexer = lexer_;
    std::string saved_file = file_;
    lexer_ = &lexer;
    file_ = file;
    include_depth_ = include_depth;
    for (;;) {
      Token token = lexer_->Peek();
      if (token.kind == TokenKind::kEnd) break;
      if (token.kind == TokenKind::kRBrace) {
        Skip();
        Report(token, "unexpected '}' with no open block");
        continue;
      }
      if (!ParseStatement(context)) Recover();
    }
    lexer_ = saved_lexer;
    file_ = saved_file;
  }

  const std::vector<ConfError>& errors() const { return errors_; }
  std::size_t suppressed() const { return suppressed_; }

 private:
  // Records an error and goes on: the statement it is in is complete.
  void Report(const Token& token, std::string message) {
    if (errors_.size() >= kMaxErrors) {
      ++suppressed_;
      return;
    }
    errors_.push_back(ConfError{Pos(token), std::move(message),
                                std::string(lexer_->Line(token.line))});
  }

  // Records an error that abandons the statement: `return ErrorAt(...)`
  // from a parser of a value (an empty optional) or `return Abandon(...)`
  // from a statement's (false). Recover() then skips to its end.
  std::nullopt_t ErrorAt(const Token& token, std::string message) {
    Report(token, std::move(message));
    return std::nullopt;
  }
  bool Abandon(const Token& token, std::string message) {
    Report(token, std::move(message));
    return false;
  }

  // After an error: skip the rest of the statement - up to its ';' or
  // through its block - leaving a '}' that closes an enclosing block.
  void Recover() {
    // An error found after the statement's ';' (a range outside its
    // subnet): nothing is left to skip.
    if (last_kind_ == TokenKind::kSemicolon) return;
    int depth = 0;
    for (;;) {
      Token token = lexer_->Peek();
      switch (token.kind) {
        case TokenKind::kEnd:
          return;
        case TokenKind::kLBrace:
          ++depth;
          break;
        case TokenKind::kRBrace:
          if (depth == 0) return;
          if (--depth == 0) {
            lexer_->Next();
            return;
          }
          break;
        case TokenKind::kSemicolon:
          if (depth == 0) {
            lexer_->Next();
            return;
          }
          break;
        default:
          break;
      }
      lexer_->Next();
    }
  }

  SourcePos Pos(const Token& token) const {
    return SourcePos{file_, token.line, token.column};
  }

  std::string Describe(const Token& token) const {
    if (token.kind == TokenKind::kWord) return QuoteForMessage(token.text);
    if (token.kind == TokenKind::kError) return token.text;
    // In the order of TokenKind; a word and an error are their text.
    static constexpr std::array<std::string_view, 12> kNames = {
        "end of file", "",     "a quoted string",
        "';'",         "'{'",  "'}'",
        "'('",         "')'",  "','",
        "'='",         "'!='", ""};
    static_assert(kNames.size() == EnumCount(TokenKind::kError));
    return std::string(EnumName(token.kind, kNames, "?"));
  }

  // The next token; a lexer error (a lost quote, a NUL) abandons the
  // statement.
  [[nodiscard]] std::optional<Token> Next() {
    Token token = lexer_->Next();
    last_kind_ = token.kind;
    if (token.kind == TokenKind::kError) return ErrorAt(token, token.text);
    return token;
  }

  // Takes a token already seen with Peek(), whose kind is known.
  Token Take() {
    Token token = lexer_->Next();
    last_kind_ = token.kind;
    return token;
  }
  void Skip() { Take(); }

  [[nodiscard]] std::optional<Token> Expect(TokenKind kind,
                                            std::string_view what) {
    std::optional<Token> token = Next();
    if (token && token->kind != kind)
      return ErrorAt(
          *token, fmt::format("expected {}, found {}", what, Describe(*token)));
    return token;
  }

  [[nodiscard]] bool ExpectSemicolon() {
    return Expect(TokenKind::kSemicolon, "';'").has_value();
  }

  [[nodiscard]] std::optional<Token> ExpectWord(std::string_view what) {
    return Expect(TokenKind::kWord, what);
  }

  bool PeekWord(std::string_view keyword) {
    Token token = lexer_->Peek();
    return token.kind == TokenKind::kWord && AsciiLower(token.text) == keyword;
  }

  [[nodiscard]] bool ExpectKeyword(std::string_view keyword) {
    std::optional<Token> token = Next();
    if (!token) return false;
    if (token->kind != TokenKind::kWord || AsciiLower(token->text) != keyword)
      return Abandon(*token, fmt::format("expected '{}', found {}", keyword,
                                         Describe(*token)));
    return true;
  }

  [[nodiscard]] std::optional<Ipv4Addr> ParseIp() {
    std::optional<Token> token = Next();
    if (!token) return std::nullopt;
    if (token->kind != TokenKind::kWord)
      return ErrorAt(*token, fmt::format("expected an IPv4 address, found {}",
                                         Describe(*token)));
    auto address = Ipv4Addr::Parse(token->text);
    if (!address) {
      bool looks_like_name = std::any_of(
          token->text.begin(), token->text.end(),
          [](char c) { return std::isalpha(static_cast<unsigned char>(c)); });
      return ErrorAt(
          *token,
          looks_like_name
              ? fmt::format("{}: host names are not resolved here; write "
                            "the IPv4 address",
                            QuoteForMessage(token->text))
              : fmt::format("{} is not an IPv4 address: {}",
                            QuoteForMessage(token->text), address.error()));
    }
    return *address;
  }

  [[nodiscard]] std::optional<std::uint64_t> ParseNumber(
      std::uint64_t max, std::string_view what) {
    std::optional<Token> token = Next();
    if (!token) return std::nullopt;
    if (token->kind != TokenKind::kWord || !IsDecimal(token->text))
      return ErrorAt(*token, fmt::format("expected {} (a number), found {}",
                                         what, Describe(*token)));
    std::uint64_t value = std::stoull(token->text);
    if (value > max)
      return ErrorAt(*token, fmt::format("{} {} is over {}", what, value, max));
    return value;
  }

  [[nodiscard]] std::optional<std::string> ParseString(std::string_view what) {
    std::optional<Token> token = Next();
    if (!token) return std::nullopt;
    if (token->kind != TokenKind::kString)
      return ErrorAt(*token,
                     fmt::format("expected {} in double quotes, found {}", what,
                                 Describe(*token)));
    return std::move(token->text);
  }

  [[nodiscard]] std::optional<bool> ParseFlagValue() {
    std::optional<Token> token = Next();
    if (!token) return std::nullopt;
    std::string word = AsciiLower(token->text);
    if (token->kind == TokenKind::kWord) {
      if (word == "on" || word == "true") return true;
      if (word == "off" || word == "false") return false;
    }
    return ErrorAt(*token,
                   fmt::format("expected on, off, true or false, found {}",
                               Describe(*token)));
  }

  Params& NewParams(Context& context) {
    context.scope->items.emplace_back();
    return context.scope->items.back().params;
  }

  void Note(const Token& token, std::string text) {
    conf_->notes.push_back(
        fmt::format("{}:{}: {}", file_, token.line, std::move(text)));
  }
  void Warn(const Token& token, std::string text) {
    conf_->warnings.push_back(
        fmt::format("{}:{}: {}", file_, token.line, std::move(text)));
  }

  [[nodiscard]] bool RequireKind(const Token& token, const Context& context,
                                 unsigned allowed) {
    if ((allowed & In({context.kind})) != 0) return true;
    return Abandon(
        token, fmt::format("'{}' is not allowed in {}", AsciiLower(token.text),
                           KindName(context.kind)));
  }

  // --- option names and values ---

  std::optional<OptionName> LookupOption(std::string_view name) {
    std::string key = AsciiLower(name);
    if (auto it = defined_.find(key); it != defined_.end()) return it->second;
    if (const OptionDef* def = FindOptionByName(key))
      return OptionName{def->code, def->type};
    return std::nullopt;
  }

  [[nodiscard]] std::optional<OptionName> ExpectOptionName(const Token& token) {
    if (token.kind != TokenKind::kWord)
      return ErrorAt(token, fmt::format("expected an option name, found {}",
                                        Describe(token)));
    if (token.text.find('.') != std::string::npos)
      return ErrorAt(token,
                     fmt::format("option {}: option spaces are not supported",
                                 QuoteForMessage(token.text)));
    auto option = LookupOption(token.text);
    if (!option)
      return ErrorAt(token,
                     fmt::format("unknown option {} (define it with 'option "
                                 "NAME code N = TYPE;')",
                                 QuoteForMessage(token.text)));
    return option;
  }

  // The option named by the next token.
  [[nodiscard]] std::optional<OptionName> ParseOptionName() {
    std::optional<Token> name = Next();
    if (!name) return std::nullopt;
    return ExpectOptionName(*name);
  }

  void AppendNumber(std::vector<std::uint8_t>& out, std::uint64_t value,
                    int width) {
    for (int i = width - 1; i >= 0; --i)
      out.push_back(static_cast<std::uint8_t>(value >> (8 * i)));
  }

  [[nodiscard]] std::optional<std::int64_t> ParseSignedNumber(
      std::int64_t min, std::int64_t max, std::string_view what) {
    std::optional<Token> token = Next();
    if (!token) return std::nullopt;
    std::string_view text = token->text;
    bool negative = !text.empty() && text[0] == '-';
    if (negative) text.remove_prefix(1);
    if (token->kind != TokenKind::kWord || !IsDecimal(text))
      return ErrorAt(*token, fmt::format("expected {} (a number), found {}",
                                         what, Describe(*token)));
    std::int64_t value = std::stoll(std::string(text));
    if (negative) value = -value;
    if (value < min || value > max)
      return ErrorAt(*token, fmt::format("{} {} is outside {}..{}", what, value,
                                         min, max));
    return value;
  }

  [[nodiscard]] std::optional<std::vector<std::uint8_t>> ParseOptionValue(
      OptionType type) {
    std::vector<std::uint8_t> out;
    // One value, or a comma-separated list of them; `one` appends a value
    // to `out` and returns false when it abandons the statement.
    auto list = [&](auto&& one) {
      for (;;) {
        if (!one()) return false;
        if (lexer_->Peek().kind != TokenKind::kComma) return true;
        Skip();
      }
    };
    auto number = [&](std::uint64_t max, int width) {
      std::optional<std::uint64_t> value = ParseNumber(max, "value");
      if (value) AppendNumber(out, *value, width);
      return value.has_value();
    };
    auto ip = [&] {
      std::optional<Ipv4Addr> address = ParseIp();
      if (address) AppendNumber(out, address->value(), 4);
      return address.has_value();
    };
    bool ok = false;
    switch (type) {
      case OptionType::kIp:
        ok = ip();
        break;
      case OptionType::kIpList:
        ok = list(ip);
        break;
      case OptionType::kU8:
        ok = number(0xff, 1);
        break;
      case OptionType::kU16:
        ok = number(0xffff, 2);
        break;
      case OptionType::kU32:
        ok = number(0xffffffffu, 4);
        break;
      case OptionType::kI32: {
        std::optional<std::int64_t> value =
            ParseSignedNumber(INT32_MIN, INT32_MAX, "value");
        if (value)
          AppendNumber(
              out,
              static_cast<std::uint32_t>(static_cast<std::int32_t>(*value)), 4);
        ok = value.has_value();
        break;
      }
      case OptionType::kU16List:
        ok = list([&] { return number(0xffff, 2); });
        break;
      case OptionType::kU8List:
        ok = list([&] { return number(0xff, 1); });
        break;
      case OptionType::kBool: {
        std::optional<bool> flag = ParseFlagValue();
        if (flag) out.push_back(*flag ? 1 : 0);
        ok = flag.has_value();
        break;
      }
      case OptionType::kText: {
        std::optional<std::string> text = ParseString("text");
        if (text) out.assign(text->begin(), text->end());
        ok = text.has_value();
        break;
      }
      case OptionType::kBytes: {
        std::optional<Token> token = Next();
        if (!token) return std::nullopt;
        if (token->kind == TokenKind::kString) {
          out.assign(token->text.begin(), token->text.end());
        } else if (auto hex = token->kind == TokenKind::kWord
                                  ? ParseColonHex(token->text)
                                  : std::nullopt) {
          out = *hex;
        } else {
          return ErrorAt(*token,
                         fmt::format("expected a quoted string or colon-hex "
                                     "bytes (01:02:ff), found {}",
                                     Describe(*token)));
        }
        ok = true;
        break;
      }
      case OptionType::kDomainList:
        ok = list([&] {
          std::optional<Token> token = Next();
          if (!token) return false;
          if (token->kind != TokenKind::kString)
            return Abandon(*token, "expected a domain name in double quotes");
          std::size_t start = 0;
          std::string_view name = token->text;
          while (start < name.size()) {
            std::size_t dot = name.find('.', start);
            if (dot == std::string_view::npos) dot = name.size();
            std::size_t length = dot - start;
            if (length == 0 || length > 63)
              return Abandon(*token,
                             "domain name label must be 1 to 63 characters");
            out.push_back(static_cast<std::uint8_t>(length));
            out.insert(out.end(), name.begin() + start, name.begin() + dot);
            start = dot + 1;
          }
          out.push_back(0);
          return true;
        });
        break;
    }
    if (!ok) return std::nullopt;
    if (out.size() > 1024)
      return ErrorAt(lexer_->Peek(), "option value is longer than 1024 bytes");
    return out;
  }

  [[nodiscard]] std::optional<OptionType> ParseOptionType() {
    std::optional<Token> token = ExpectWord("an option type");
    if (!token) return std::nullopt;
    std::string word = AsciiLower(token->text);
    bool array = false;
    if (word == "array") {
      if (!ExpectKeyword("of")) return std::nullopt;
      array = true;
      token = ExpectWord("an option type");
      if (!token) return std::nullopt;
      word = AsciiLower(token->text);
    }
    OptionType type;
    if (word == "boolean") {
      type = OptionType::kBool;
    } else if (word == "ip-address") {
      type = array ? OptionType::kIpList : OptionType::kIp;
      array = false;
    } else if (word == "text") {
      type = OptionType::kText;
    } else if (word == "string") {
      type = OptionType::kBytes;
    } else if (word == "domain-list") {
      if (PeekWord("compressed")) Skip();
      type = OptionType::kDomainList;
    } else if (word == "unsigned" || word == "signed" || word == "integer") {
      bool is_signed = word != "unsigned";
      if (word != "integer" && !ExpectKeyword("integer")) return std::nullopt;
      std::optional<Token> width_token = Next();
      if (!width_token) return std::nullopt;
      int width = width_token->kind == TokenKind::kWord &&
                          IsDecimal(width_token->text) &&
                          width_token->text.size() <= 2
                      ? std::stoi(width_token->text)
                      : 0;
      if (width == 8) {
        type = array ? OptionType::kU8List : OptionType::kU8;
      } else if (width == 16) {
        type = array ? OptionType::kU16List : OptionType::kU16;
      } else if (width == 32) {
        if (array)
          return ErrorAt(*token, "arrays of 32-bit integers are not supported");
        type = is_signed ? OptionType::kI32 : OptionType::kU32;
      } else {
        return ErrorAt(*width_token, "integer width must be 8, 16 or 32");
      }
      array = false;
    } else if (word == "encapsulate") {
      return ErrorAt(*token, "'encapsulate' option spaces are not supported");
    } else {
      return ErrorAt(*token, fmt::format("unknown option type {}",
                                         QuoteForMessage(token->text)));
    }
    if (array && type != OptionType::kU8List && type != OptionType::kU16List)
      return ErrorAt(*token,
                     fmt::format("arrays of {} are not supported", word));
    return type;
  }

  [[nodiscard]] bool ParseOptionStatement(Context& context) {
    std::optional<Token> name = Next();
    if (!name) return false;
    if (name->kind == TokenKind::kWord && AsciiLower(name->text) == "space")
      return Abandon(*name, "option spaces are not supported");
    if (name->kind == TokenKind::kWord && PeekWord("code")) {
      Skip();
      if (name->text.find('.') != std::string::npos)
        return Abandon(*name, "option spaces are not supported");
      std::optional<std::uint64_t> code = ParseNumber(254, "code");
      if (!code) return false;
      if (*code == 0) return Abandon(*name, "option code 0 is PAD");
      if (!Expect(TokenKind::kEqual, "'='")) return false;
      std::optional<OptionType> type = ParseOptionType();
      if (!type || !ExpectSemicolon()) return false;
      defined_[AsciiLower(name->text)] =
          OptionName{static_cast<std::uint8_t>(*code), *type};
      return true;
    }
    std::optional<OptionName> option = ExpectOptionName(*name);
    if (!option) return false;
    if (option->code == dhcp_option::kMessageType ||
        option->code == dhcp_option::kOverload ||
        option->code == dhcp_option::kRequestedAddress)
      return Abandon(*name, fmt::format("option {} is set by the server itself",
                                        QuoteForMessage(name->text)));
    auto value = ParseOptionValue(option->type);
    if (!value || !ExpectSemicolon()) return false;
    if (context.kind == ScopeKind::kHost &&
        option->code == dhcp_option::kClientIdentifier)
      conf_->hosts[context.host].client_id = *value;
    NewParams(context).SetOption(option->code, std::move(*value));
    return true;
  }

  // --- expressions ---

  [[nodiscard]] std::optional<Expr> ParseData() {
    std::optional<Token> token = Next();
    if (!token) return std::nullopt;
    Expr expr;
    if (token->kind == TokenKind::kString) {
      expr.kind = Expr::Kind::kData;
      expr.data.assign(token->text.begin(), token->text.end());
      return expr;
    }
    if (token->kind != TokenKind::kWord)
      return ErrorAt(
          *token, fmt::format("expected a value, found {}", Describe(*token)));
    std::string word = AsciiLower(token->text);
    if (word == "option") {
      std::optional<OptionName> option = ParseOptionName();
      if (!option) return std::nullopt;
      expr.kind = Expr::Kind::kOption;
      expr.option_code = option->code;
      expr.option_type = option->type;
      return expr;
    }
    if (word == "substring" || word == "suffix") {
      if (!Expect(TokenKind::kLParen, "'('")) return std::nullopt;
      std::optional<Expr> data = ParseData();
      if (!data) return std::nullopt;
      expr.args.push_back(std::move(*data));
      if (!Expect(TokenKind::kComma, "','")) return std::nullopt;
      if (word == "substring") {
        expr.kind = Expr::Kind::kSubstring;
        std::optional<std::uint64_t> offset = ParseNumber(65535, "offset");
        if (!offset || !Expect(TokenKind::kComma, "','")) return std::nullopt;
        expr.offset = static_cast<std::uint32_t>(*offset);
      } else {
        expr.kind = Expr::Kind::kSuffix;
      }
      std::optional<std::uint64_t> length = ParseNumber(65535, "length");
      if (!length || !Expect(TokenKind::kRParen, "')'")) return std::nullopt;
      expr.length = static_cast<std::uint32_t>(*length);
      return expr;
    }
    if (word == "lcase") {
      if (!Expect(TokenKind::kLParen, "'('")) return std::nullopt;
      expr.kind = Expr::Kind::kLcase;
      std::optional<Expr> data = ParseData();
      if (!data) return std::nullopt;
      expr.args.push_back(std::move(*data));
      if (!Expect(TokenKind::kRParen, "')'")) return std::nullopt;
      return expr;
    }
    if (word == "hardware") {
      expr.kind = Expr::Kind::kHardware;
      return expr;
    }
    if (IsDecimal(token->text)) {
      expr.kind = Expr::Kind::kData;
      expr.number = std::stoll(token->text);
      return expr;
    }
    if (auto hex = ParseColonHex(token->text)) {
      expr.kind = Expr::Kind::kData;
      expr.data = *hex;
      return expr;
    }
    return ErrorAt(*token, fmt::format("expected a value (option NAME, "
                                       "\"text\", 00:07, substring(...)), "
                                       "found {}",
                                       Describe(*token)));
  }

  // A bare number compared with an integer option takes that option's width.
  [[nodiscard]] bool EncodeNumber(Expr& number, const Expr& other,
                                  const Token& at) {
    if (number.kind != Expr::Kind::kData || number.number < 0) return true;
    int width = 0;
    if (other.kind == Expr::Kind::kOption) {
      switch (other.option_type) {
        case OptionType::kU8:
        case OptionType::kU8List:
        case OptionType::kBool:
          width = 1;
          break;
        case OptionType::kU16:
        case OptionType::kU16List:
          width = 2;
          break;
        case OptionType::kU32:
        case OptionType::kI32:
          width = 4;
          break;
        default:
          break;
      }
    }
    if (width == 0)
      return Abandon(at,
                     "a bare number compares only with an integer option; "
                     "write bytes as colon-hex (00:07) or text in quotes");
    if (number.number >= (std::int64_t{1} << (8 * width)))
      return Abandon(at, fmt::format("{} does not fit the option's {} bytes",
                                     number.number, width));
    AppendNumber(number.data, static_cast<std::uint64_t>(number.number), width);
    number.number = -1;
    return true;
  }

  [[nodiscard]] std::optional<Expr> ParseComparison(int depth) {
    if (depth > kMaxNesting)
      return ErrorAt(lexer_->Peek(), "expression nested too deeply");
    Token token = lexer_->Peek();
    if (token.kind == TokenKind::kLParen) {
      Skip();
      std::optional<Expr> inner = ParseOr(depth + 1);
      if (!inner || !Expect(TokenKind::kRParen, "')'")) return std::nullopt;
      return inner;
    }
    if (token.kind == TokenKind::kWord) {
      std::string word = AsciiLower(token.text);
      if (word == "exists") {
        Skip();
        std::optional<OptionName> option = ParseOptionName();
        if (!option) return std::nullopt;
        Expr expr;
        expr.kind = Expr::Kind::kExists;
        expr.option_code = option->code;
        return expr;
      }
      if (word == "known") {
        Skip();
        Expr expr;
        expr.kind = Expr::Kind::kKnown;
        return expr;
      }
    }
    Token start = lexer_->Peek();
    std::optional<Expr> lhs = ParseData();
    if (!lhs) return std::nullopt;
    std::optional<Token> op = Next();
    if (!op) return std::nullopt;
    if (op->kind != TokenKind::kEqual && op->kind != TokenKind::kNotEqual)
      return ErrorAt(
          *op, fmt::format("expected '=' or '!=', found {}", Describe(*op)));
    Token rhs_token = lexer_->Peek();
    std::optional<Expr> rhs = ParseData();
    if (!rhs || !EncodeNumber(*rhs, *lhs, rhs_token) ||
        !EncodeNumber(*lhs, *rhs, start))
      return std::nullopt;
    Expr expr;
    expr.kind = op->kind == TokenKind::kEqual ? Expr::Kind::kEqual
                                              : Expr::Kind::kNotEqual;
    expr.args.push_back(std::move(*lhs));
    expr.args.push_back(std::move(*rhs));
    return expr;
  }

  [[nodiscard]] std::optional<Expr> ParseNot(int depth) {
    if (PeekWord("not")) {
      Skip();
      Expr expr;
      expr.kind = Expr::Kind::kNot;
      if (depth > kMaxNesting)
        return ErrorAt(lexer_->Peek(), "expression nested too deeply");
      std::optional<Expr> operand = ParseNot(depth + 1);
      if (!operand) return std::nullopt;
      expr.args.push_back(std::move(*operand));
      return expr;
    }
    return ParseComparison(depth);
  }

  // OPERAND (WORD OPERAND)*, left-associative: "and" binds tighter than
  // "or" because ParseOr's operand is ParseAnd.
  [[nodiscard]] std::optional<Expr> ParseChain(
      int depth, std::string_view word, Expr::Kind kind,
      std::optional<Expr> (Parser::*operand)(int)) {
    std::optional<Expr> lhs = (this->*operand)(depth);
    if (!lhs) return std::nullopt;
    while (PeekWord(word)) {
      Skip();
      std::optional<Expr> rhs = (this->*operand)(depth);
      if (!rhs) return std::nullopt;
      Expr expr;
      expr.kind = kind;
      expr.args.push_back(std::move(*lhs));
      expr.args.push_back(std::move(*rhs));
      lhs = std::move(expr);
    }
    return lhs;
  }

  [[nodiscard]] std::optional<Expr> ParseAnd(int depth) {
    return ParseChain(depth, "and", Expr::Kind::kAnd, &Parser::ParseNot);
  }

  [[nodiscard]] std::optional<Expr> ParseOr(int depth) {
    return ParseChain(depth, "or", Expr::Kind::kOr, &Parser::ParseAnd);
  }

  // --- blocks ---

  // Parses "{ statements }" into `inner`.
  // False when the block cannot begin; an error inside it abandons only
  // the statement it is in.
  [[nodiscard]] bool ParseBlock(Context& inner, const Token& opener) {
    if (inner.depth > kMaxNesting)
      return Abandon(opener, "blocks nested too deeply");
    if (!Expect(TokenKind::kLBrace, "'{'")) return false;
    for (;;) {
      Token token = lexer_->Peek();
      if (token.kind == TokenKind::kRBrace) {
        Skip();
        return true;
      }
      if (token.kind == TokenKind::kEnd) {
        // The caret goes under the block that is never closed: the end of
        // the file says nothing about where the '}' went missing.
        int last_line =
            token.column == 1 && token.line > 1 ? token.line - 1 : token.line;
        Report(opener, fmt::format("missing '}}' for this '{}' (the file "
                                   "ends at line {})",
                                   AsciiLower(opener.text), last_line));
        return true;
      }
      if (!ParseStatement(inner)) Recover();
    }
  }

  Context Child(const Context& outer, ScopeKind kind, Scope* scope) {
    Context inner = outer;
    inner.kind = kind;
    inner.scope = scope;
    inner.depth = outer.depth + 1;
    if (kind != ScopeKind::kIfBody) inner.chain.push_back(scope);
    return inner;
  }

  // A subnet or host: its own scope called `label`, added to `list`, and
  // the Context of its block (which records the index in `index`).
  template <typename Decl>
  Context Declare(const Context& context, ScopeKind kind, std::string label,
                  Decl decl, std::vector<Decl>& list,
                  std::size_t Context::*index) {
    Scope* scope = conf_->NewScope(std::move(label), decl.pos);
    Context inner = Child(context, kind, scope);
    decl.chain = inner.chain;
    list.push_back(std::move(decl));
    inner.*index = list.size() - 1;
    return inner;
  }

  [[nodiscard]] bool ParseIf(Context& context, const Token& keyword) {
    Conditional conditional;
    Token branch_token = keyword;
    bool has_condition = true;
    for (;;) {
      Conditional::Branch branch;
      branch.pos = Pos(branch_token);
      if (has_condition) {
        std::optional<Expr> condition = ParseOr(0);
        if (!condition) return false;
        branch.condition = std::move(*condition);
      }
      branch.body = conf_->NewScope(
          fmt::format("{} at {}:{}",
                      has_condition ? AsciiLower(branch_token.text) : "else",
                      file_, branch_token.line),
          branch.pos);
      Context inner = Child(context, ScopeKind::kIfBody, branch.body);
      if (!ParseBlock(inner, branch_token)) return false;
      conditional.branches.push_back(std::move(branch));
      if (!has_condition) break;
      if (PeekWord("elsif")) {
        branch_token = Take();
        continue;
      }
      if (PeekWord("else")) {
        branch_token = Take();
        if (PeekWord("if")) {
          branch_token = Take();
          continue;
        }
        has_condition = false;
        continue;
      }
      break;
    }
    context.scope->items.emplace_back();
    context.scope->items.back().conditional = std::move(conditional);
    return true;
  }

  [[nodiscard]] bool ParseRange(Context& context, const Token& keyword) {
    RangeDecl range;
    range.pos = Pos(keyword);
    if (PeekWord("dynamic-bootp")) {
      Skip();
      range.dynamic_bootp = true;
    }
    Token first_token = lexer_->Peek();
    std::optional<Ipv4Addr> first = ParseIp();
    if (!first) return false;
    std::optional<Ipv4Addr> last = first;
    if (lexer_->Peek().kind != TokenKind::kSemicolon) last = ParseIp();
    if (!last || !ExpectSemicolon()) return false;
    auto made = Ipv4Range::Make(*first, *last);
    if (!made)
      return Abandon(first_token, fmt::format("range {} {}: {}", *first, *last,
                                              made.error()));
    range.range = *made;
    const SubnetDecl& subnet = conf_->subnets[context.subnet];
    if (!subnet.prefix.Contains(*first) || !subnet.prefix.Contains(*last))
      return Abandon(first_token,
                     fmt::format("range {}-{} is outside subnet {}", *first,
                                 *last, subnet.prefix));
    if (context.kind == ScopeKind::kPool)
      conf_->subnets[context.subnet].pools[context.pool].ranges.push_back(
          range);
    else
      conf_->subnets[context.subnet].ranges.push_back(range);
    return true;
  }

  [[nodiscard]] bool ParseSubnet(Context& context, const Token& keyword) {
    Token address_token = lexer_->Peek();
    std::optional<Ipv4Addr> address = ParseIp();
    if (!address || !ExpectKeyword("netmask")) return false;
    Token mask_token = lexer_->Peek();
    std::optional<Ipv4Addr> mask = ParseIp();
    if (!mask) return false;
    auto length = Ipv4Prefix::NetmaskToLength(mask->ToString());
    if (!length)
      return Abandon(mask_token,
                     fmt::format("netmask {}: {}", *mask, length.error()));
    Ipv4Prefix prefix(*address, *length);
    if (prefix.Network() != *address)
      return Abandon(address_token,
                     fmt::format("subnet {} has host bits set for netmask {} "
                                 "(the network is {})",
                                 *address, *mask, prefix.Network()));
    for (const SubnetDecl& other : conf_->subnets)
      if (other.prefix.Contains(*address) ||
          prefix.Contains(other.prefix.address()))
        return Abandon(
            address_token,
            fmt::format("subnet {} overlaps subnet {} declared at {}:{}",
                        prefix, other.prefix, other.pos.file, other.pos.line));
    SubnetDecl subnet;
    subnet.prefix = Ipv4Prefix(prefix.Network(), *length);
    subnet.pos = Pos(keyword);
    std::string label =
        fmt::format("subnet {} at {}:{}", subnet.prefix, file_, keyword.line);
    Context inner =
        Declare(context, ScopeKind::kSubnet, std::move(label),
                std::move(subnet), conf_->subnets, &Context::subnet);
    return ParseBlock(inner, keyword);
  }

  [[nodiscard]] bool ParsePool(Context& context, const Token& keyword) {
    PoolDecl pool;
    pool.scope = conf_->NewScope(
        fmt::format("pool at {}:{}", file_, keyword.line), Pos(keyword));
    Context inner = Child(context, ScopeKind::kPool, pool.scope);
    conf_->subnets[context.subnet].pools.push_back(std::move(pool));
    inner.pool = conf_->subnets[context.subnet].pools.size() - 1;
    return ParseBlock(inner, keyword);
  }

  [[nodiscard]] bool ParseHost(Context& context, const Token& keyword) {
    std::optional<Token> name = Next();
    if (!name) return false;
    if (name->kind == TokenKind::kString)
      return Abandon(*name,
                     "host names are bare words, not quoted (as in ISC dhcpd)");
    if (name->kind != TokenKind::kWord)
      return Abandon(*name, fmt::format("expected a host name, found {}",
                                        Describe(*name)));
    // A map, not a scan: a lab registry has 100,000 hosts.
    auto [known, added] =
        host_names_.emplace(AsciiLower(name->text), conf_->hosts.size());
    if (!added) {
      const HostDecl& other = conf_->hosts[known->second];
      return Abandon(
          *name, fmt::format("host {} is already declared at {}:{}", name->text,
                             other.pos.file, other.pos.line));
    }
    HostDecl host;
    host.name = name->text;
    host.pos = Pos(keyword);
    std::string label =
        fmt::format("host {} at {}:{}", name->text, file_, keyword.line);
    Context inner = Declare(context, ScopeKind::kHost, std::move(label),
                            std::move(host), conf_->hosts, &Context::host);
    if (!ParseBlock(inner, keyword)) return false;
    const HostDecl& done = conf_->hosts[inner.host];
    if (!done.mac && done.client_id.empty())
      Report(keyword, fmt::format("host {} has neither 'hardware ethernet' "
                                  "nor a dhcp-client-identifier",
                                  done.name));
    return true;
  }

  [[nodiscard]] bool ParseClass(Context& context, const Token& keyword) {
    std::optional<Token> name = Next();
    if (!name) return false;
    if (name->kind != TokenKind::kString && name->kind != TokenKind::kWord)
      return Abandon(*name, fmt::format("expected a class name, found {}",
                                        Describe(*name)));
    ClassDecl klass;
    klass.name = name->text;
    klass.pos = Pos(keyword);
    klass.scope = conf_->NewScope(
        fmt::format("class \"{}\" at {}:{}", name->text, file_, keyword.line),
        klass.pos);
    Context inner = Child(context, ScopeKind::kClass, klass.scope);
    conf_->classes.push_back(std::move(klass));
    inner.klass = conf_->classes.size() - 1;
    return ParseBlock(inner, keyword);
  }

  [[nodiscard]] bool ParseAllow(Context& context, const Token& keyword) {
    std::string verb = AsciiLower(keyword.text);
    bool allow = verb == "allow";
    std::optional<Token> what = ExpectWord("what to allow or deny");
    if (!what) return false;
    std::string word = AsciiLower(what->text);
    if (context.kind == ScopeKind::kPool) {
      PoolDecl& pool = conf_->subnets[context.subnet].pools[context.pool];
      if (word == "members") {
        if (!ExpectKeyword("of")) return false;
        std::optional<std::string> name = ParseString("a class name");
        if (!name || !ExpectSemicolon()) return false;
        (allow ? pool.allow_members : pool.deny_members).push_back(*name);
        return true;
      }
      if (word == "known-clients" || word == "unknown-clients") {
        if (!ExpectSemicolon()) return false;
        (word == "known-clients" ? pool.known_clients : pool.unknown_clients) =
            allow;
        return true;
      }
      if (word == "all") {
        if (!ExpectKeyword("clients") || !ExpectSemicolon()) return false;
        if (!allow)
          return Abandon(*what, "'deny all clients' makes the pool useless");
        return true;
      }
    }
    Params& params = NewParams(context);
    if (word == "bootp") {
      params.allow_bootp = allow;
    } else if (word == "booting") {
      params.allow_booting = allow;
    } else if (word == "unknown-clients") {
      params.allow_unknown_clients = allow;
    } else if (word == "declines") {
      params.allow_declines = allow;
    } else if (word == "client-updates" || word == "duplicates" ||
               word == "leasequery") {
      Note(keyword, fmt::format("'{} {}' has no effect here", verb, word));
    } else {
      return Abandon(*what,
                     fmt::format("'{} {}' is not supported{}", verb, what->text,
                                 word == "members" || word == "known-clients"
                                     ? " outside a pool"
                                     : ""));
    }
    return ExpectSemicolon();
  }

  [[nodiscard]] bool ParseInclude(Context& context, const Token& keyword) {
    std::optional<std::string> path = ParseString("a file name");
    if (!path || !ExpectSemicolon()) return false;
    if (std::find(include_stack_.begin(), include_stack_.end(), *path) !=
            include_stack_.end() ||
        *path == file_) {
      std::string chain;
      for (const std::string& f : include_stack_) chain += f + " -> ";
      return Abandon(keyword, fmt::format("include loop: {}{} -> {}", chain,
                                          file_, *path));
    }
    if (include_depth_ >= kMaxIncludeDepth)
      return Abandon(keyword, "includes nested too deeply");
    // Said once, at the first include over the bound; the rest are skipped.
    if (includes_read_ > kMaxIncludes) return false;
    if (includes_read_++ == kMaxIncludes)
      return Abandon(keyword,
                     fmt::format("more than {} includes in all (files that "
                                 "include each other over and over?)",
                                 kMaxIncludes));
    auto text = loader_
                    ? loader_(*path)
                    : Result<std::string>(Fail("includes are not available"));
    if (!text)
      return Abandon(
          keyword,
          fmt::format("include {}: {}", QuoteForMessage(*path), text.error()));
    int depth = include_depth_;
    include_stack_.push_back(file_);
    ParseFile(*text, *path, context, depth + 1);
    include_stack_.pop_back();
    include_depth_ = depth;
    return true;
  }

  bool Reject(const Token& token, std::string_view why) {
    return Abandon(token, fmt::format("'{}' is not supported: {}",
                                      AsciiLower(token.text), why));
  }

  // --- statements: one table row per keyword, as the option codes ---

  // Parses the rest of a statement; `keyword` is its first token, taken.
  // False when it abandons the statement.
  using StatementParser = bool (Parser::*)(Context&, const Token& keyword);
  struct Statement {
    std::string_view keyword;  // lower case
    unsigned allowed;          // scopes it may stand in
    StatementParser parse;
  };

  static std::span<const Statement> Statements() {
    using K = ScopeKind;
    static const Statement kStatements[] = {
        {"option", kAnywhere, &Parser::ParseOptionKeyword},
        {"if", kAnywhere, &Parser::ParseIf},
        {"elsif", kAnywhere, &Parser::ParseElseWithoutIf},
        {"else", kAnywhere, &Parser::ParseElseWithoutIf},
        {"include", kAnywhere, &Parser::ParseInclude},
        {"subnet", In({K::kGlobal, K::kGroup, K::kSharedNetwork}),
         &Parser::ParseSubnet},
        {"shared-network", kDeclarations, &Parser::ParseGroup},
        {"group", kDeclarations, &Parser::ParseGroup},
        {"pool", In({K::kSubnet}), &Parser::ParsePool},
        {"range", In({K::kSubnet, K::kPool}), &Parser::ParseRange},
        {"host", kDeclarations, &Parser::ParseHost},
        {"class", In({K::kGlobal, K::kGroup}), &Parser::ParseClass},
        {"hardware", In({K::kHost}), &Parser::ParseHardware},
        {"fixed-address", In({K::kHost}), &Parser::ParseFixedAddress},
        {"match", In({K::kClass}), &Parser::ParseMatch},
        {"default-lease-time", kAnywhere, &Parser::ParseLeaseTime},
        {"max-lease-time", kAnywhere, &Parser::ParseLeaseTime},
        {"min-lease-time", kAnywhere, &Parser::ParseLeaseTime},
        {"next-server", kAnywhere, &Parser::ParseAddressParam},
        {"server-identifier", kAnywhere, &Parser::ParseAddressParam},
        {"filename", kAnywhere, &Parser::ParseStringParam},
        {"server-name", kAnywhere, &Parser::ParseStringParam},
        {"authoritative", kAnywhere, &Parser::ParseAuthoritative},
        {"not", kAnywhere, &Parser::ParseNotAuthoritative},
        {"allow", kAnywhere, &Parser::ParseAllow},
        {"deny", kAnywhere, &Parser::ParseAllow},
        {"ignore", kAnywhere, &Parser::ParseAllow},
        {"use-host-decl-names", kAnywhere, &Parser::ParseFlagParam},
        {"always-broadcast", kAnywhere, &Parser::ParseFlagParam},
        {"ignore-client-uids", kAnywhere, &Parser::ParseFlagParam},
        {"ddns-update-style", kAnywhere, &Parser::ParseDdnsUpdateStyle},
        {"ddns-updates", kAnywhere, &Parser::ParseDdnsUpdates},
        {"log-facility", kAnywhere, &Parser::ParseNoOp},
        {"get-lease-hostnames", kAnywhere, &Parser::ParseNoOp},
        {"update-static-leases", kAnywhere, &Parser::ParseNoOp},
        {"one-lease-per-client", kAnywhere, &Parser::ParseNoOp},
        {"update-optimization", kAnywhere, &Parser::ParseNoOp},
        {"update-conflict-detection", kAnywhere, &Parser::ParseNoOp},
        {"stash-agent-options", kAnywhere, &Parser::ParseNoOp},
        {"boot-unknown-clients", kAnywhere, &Parser::ParseNoOp},
        {"ping-check", kAnywhere, &Parser::ParsePing},
        {"ping-timeout", kAnywhere, &Parser::ParsePing},
        {"dont-use-fsync", kAnywhere, &Parser::ParseDontUseFsync},
        {"lease-file-name", kAnywhere, &Parser::ParseFileNameFlag},
        {"pid-file-name", kAnywhere, &Parser::ParseFileNameFlag},
        {"local-port", kAnywhere, &Parser::ParseLocalPort},
    };
    return kStatements;
  }

  // ISC statements pxe-dhcpd refuses, with the reason.
  struct Refusal {
    std::string_view keyword;  // lower case
    std::string_view why;
  };
  static constexpr std::string_view kNoDnsUpdates =
      "pxe-dhcpd does no DNS updates";
  static constexpr std::string_view kDhcpv4Only =
      "pxe-dhcpd serves DHCPv4 only";
  static constexpr std::string_view kNoHooks =
      "pxe-dhcpd runs no event hooks or commands";
  static constexpr Refusal kRefusals[] = {
      {"switch",
       "use if/elsif/else (for option arch, 'if option arch = 00:07 { ... "
       "}')"},
      {"case",
       "use if/elsif/else (for option arch, 'if option arch = 00:07 { ... "
       "}')"},
      {"failover", "pxe-dhcpd has no failover protocol"},
      {"omapi-port", "pxe-dhcpd has no OMAPI"},
      {"omapi-key", "pxe-dhcpd has no OMAPI"},
      {"key", kNoDnsUpdates},
      {"zone", kNoDnsUpdates},
      {"on", kNoHooks},
      {"execute", kNoHooks},
      {"spawn", kNoHooks},
      {"log", kNoHooks},
      {"subnet6", kDhcpv4Only},
      {"range6", kDhcpv4Only},
      {"prefix6", kDhcpv4Only},
      {"fixed-address6", kDhcpv4Only},
      {"subclass", "use 'class' with 'match if'"},
      {"vendor-option-space",
       "option spaces are not supported; pxe-dhcpd builds option 43 itself"},
  };

  [[nodiscard]] bool ParseStatement(Context& context) {
    std::optional<Token> token = Next();
    if (!token) return false;
    if (token->kind == TokenKind::kSemicolon) return true;  // ISC allows empty
    if (token->kind != TokenKind::kWord)
      return Abandon(*token, fmt::format("expected a statement, found {}",
                                         Describe(*token)));
    std::string word = AsciiLower(token->text);
    for (const Statement& statement : Statements()) {
      if (statement.keyword != word) continue;
      return RequireKind(*token, context, statement.allowed) &&
             (this->*statement.parse)(context, *token);
    }
    for (const Refusal& refusal : kRefusals)
      if (refusal.keyword == word) return Reject(*token, refusal.why);
    if (word.starts_with("dhcp6.")) return Reject(*token, kDhcpv4Only);
    return Abandon(*token, fmt::format("unknown statement {}",
                                       QuoteForMessage(token->text)));
  }

  bool ParseOptionKeyword(Context& context, const Token&) {
    return ParseOptionStatement(context);
  }

  bool ParseElseWithoutIf(Context&, const Token& token) {
    return Abandon(token,
                   fmt::format("'{}' without 'if'", AsciiLower(token.text)));
  }

  // shared-network NAME { ... } and group { ... }.
  bool ParseGroup(Context& context, const Token& token) {
    using K = ScopeKind;
    std::string word = AsciiLower(token.text);
    if (word == "shared-network" && context.kind == K::kSubnet)
      return Abandon(token, "'shared-network' is not allowed in a subnet");
    std::string label;
    if (word == "shared-network") {
      std::optional<Token> name = Next();
      if (!name) return false;
      if (name->kind != TokenKind::kWord && name->kind != TokenKind::kString)
        return Abandon(*name, "expected a shared-network name");
      label = fmt::format("shared-network {} at {}:{}", name->text, file_,
                          token.line);
    } else {
      label = fmt::format("group at {}:{}", file_, token.line);
    }
    Scope* scope = conf_->NewScope(label, Pos(token));
    Context inner =
        Child(context,
              word == "group" && context.kind == K::kSubnet
                  ? K::kSubnet
                  : (word == "group" ? K::kGroup : K::kSharedNetwork),
              scope);
    return ParseBlock(inner, token);
  }

  bool ParseHardware(Context& context, const Token&) {
    std::optional<Token> type = ExpectWord("'ethernet'");
    if (!type) return false;
    if (AsciiLower(type->text) != "ethernet")
      return Abandon(*type, fmt::format("hardware type {} is not supported "
                                        "(only ethernet)",
                                        QuoteForMessage(type->text)));
    std::optional<Token> mac_token = ExpectWord("a MAC address");
    if (!mac_token) return false;
    auto mac = MacAddr::Parse(mac_token->text);
    if (!mac)
      return Abandon(
          *mac_token,
          fmt::format("{}: {}", QuoteForMessage(mac_token->text), mac.error()));
    if (!ExpectSemicolon()) return false;
    conf_->hosts[context.host].mac = *mac;
    return true;
  }

  bool ParseFixedAddress(Context& context, const Token&) {
    std::optional<Ipv4Addr> address = ParseIp();
    if (!address) return false;
    while (lexer_->Peek().kind == TokenKind::kComma) {
      Skip();
      Token extra = lexer_->Peek();
      if (!ParseIp()) return false;
      Warn(extra, "only the first fixed-address is used");
    }
    if (!ExpectSemicolon()) return false;
    conf_->hosts[context.host].fixed_address = *address;
    return true;
  }

  bool ParseMatch(Context& context, const Token&) {
    std::optional<Token> what = ExpectWord("'if'");
    if (!what) return false;
    if (AsciiLower(what->text) != "if")
      return Abandon(*what,
                     "only 'match if EXPRESSION;' is supported (no 'match "
                     "hardware' / subclass)");
    std::optional<Expr> match = ParseOr(0);
    if (!match) return false;
    conf_->classes[context.klass].match = std::move(*match);
    return ExpectSemicolon();
  }

  bool ParseLeaseTime(Context& context, const Token& token) {
    std::string word = AsciiLower(token.text);
    std::optional<std::uint64_t> value = ParseNumber(0xffffffffu, word);
    if (!value || !ExpectSemicolon()) return false;
    Params& params = NewParams(context);
    (word == "default-lease-time" ? params.default_lease_time
     : word == "max-lease-time"   ? params.max_lease_time
                                  : params.min_lease_time) =
        static_cast<std::uint32_t>(*value);
    return true;
  }

  bool ParseAddressParam(Context& context, const Token& token) {
    std::optional<Ipv4Addr> address = ParseIp();
    if (!address || !ExpectSemicolon()) return false;
    Params& params = NewParams(context);
    (AsciiLower(token.text) == "next-server" ? params.next_server
                                             : params.server_identifier) =
        *address;
    return true;
  }

  bool ParseStringParam(Context& context, const Token& token) {
    std::string word = AsciiLower(token.text);
    std::optional<std::string> value = ParseString(word);
    if (!value || !ExpectSemicolon()) return false;
    Params& params = NewParams(context);
    if (word == "filename") {
      params.filename = std::move(*value);
      params.filename_origin =
          context.scope->label.empty() ? "global" : context.scope->label;
    } else {
      params.server_name = std::move(*value);
    }
    return true;
  }

  bool ParseAuthoritative(Context& context, const Token&) {
    if (!ExpectSemicolon()) return false;
    NewParams(context).authoritative = true;
    return true;
  }

  bool ParseNotAuthoritative(Context& context, const Token&) {
    if (!ExpectKeyword("authoritative") || !ExpectSemicolon()) return false;
    NewParams(context).authoritative = false;
    return true;
  }

  bool ParseFlagParam(Context& context, const Token& token) {
    std::string word = AsciiLower(token.text);
    std::optional<bool> value = ParseFlagValue();
    if (!value || !ExpectSemicolon()) return false;
    Params& params = NewParams(context);
    (word == "use-host-decl-names" ? params.use_host_decl_names
     : word == "always-broadcast"  ? params.always_broadcast
                                   : params.ignore_client_uids) = *value;
    return true;
  }

  bool ParseDdnsUpdateStyle(Context&, const Token& token) {
    std::optional<Token> style =
        ExpectWord("none, ad-hoc, interim or standard");
    if (!style) return false;
    std::string value = AsciiLower(style->text);
    if (value == "interim" || value == "standard")
      return Abandon(*style,
                     fmt::format("'ddns-update-style {}' is not supported: "
                                 "pxe-dhcpd does no DNS updates; use none",
                                 value));
    if (value != "none" && value != "ad-hoc")
      return Abandon(*style, fmt::format("unknown ddns-update-style {}",
                                         QuoteForMessage(style->text)));
    if (!ExpectSemicolon()) return false;
    Note(token, fmt::format("'ddns-update-style {}' accepted (no DNS updates)",
                            value));
    return true;
  }

  bool ParseDdnsUpdates(Context&, const Token& token) {
    Token value_token = lexer_->Peek();
    std::optional<bool> value = ParseFlagValue();
    if (!value) return false;
    if (*value)
      return Abandon(value_token,
                     "'ddns-updates on' is not supported: pxe-dhcpd "
                     "does no DNS updates");
    if (!ExpectSemicolon()) return false;
    Note(token, "'ddns-updates off' accepted");
    return true;
  }

  // ISC statements that change nothing here: KEYWORD VALUE;
  bool ParseNoOp(Context&, const Token& token) {
    std::string word = AsciiLower(token.text);
    std::optional<Token> value = Next();
    if (!value) return false;
    if (value->kind != TokenKind::kWord)
      return Abandon(*value, fmt::format("expected a value for '{}'", word));
    if (!ExpectSemicolon()) return false;
    Note(token, fmt::format("'{} {}' accepted as a no-op", word, value->text));
    return true;
  }

  bool ParsePing(Context&, const Token& token) {
    if (!Next() || !ExpectSemicolon()) return false;
    Warn(token, fmt::format("'{}' ignored: pxe-dhcpd does not probe "
                            "addresses with ICMP before offering them",
                            AsciiLower(token.text)));
    return true;
  }

  bool ParseDontUseFsync(Context&, const Token& token) {
    if (lexer_->Peek().kind == TokenKind::kWord) Skip();
    if (!ExpectSemicolon()) return false;
    Warn(token,
         "'dont-use-fsync' ignored: every lease is still fsync'd "
         "before its ACK");
    return true;
  }

  bool ParseFileNameFlag(Context&, const Token& token) {
    if (!ParseString("a file name") || !ExpectSemicolon()) return false;
    Note(token,
         fmt::format("'{}' ignored: use --lease-file", AsciiLower(token.text)));
    return true;
  }

  bool ParseLocalPort(Context&, const Token& token) {
    if (!ParseNumber(65535, "port") || !ExpectSemicolon()) return false;
    Note(token, "'local-port' ignored: use --port");
    return true;
  }

  const IncludeLoader& loader_;
  DhcpdConf* conf_;
  ConfLexer* lexer_ = nullptr;
  std::string file_;
  int include_depth_ = 0;
  int includes_read_ = 0;  // over the whole tree (kMaxIncludes)
  std::vector<std::string> include_stack_;  // the files that include file_
  std::map<std::string, OptionName> defined_;
  std::unordered_map<std::string, std::size_t> host_names_;  // lower-case
  std::vector<ConfError> errors_;
  std::size_t suppressed_ = 0;
  TokenKind last_kind_ = TokenKind::kEnd;  // of the last token Next() took
};

}  // namespace

std::string ConfError::Format() const {
  return FormatSourceMessage(file, line > 0 ? line : 0, column > 0 ? column : 0,
                             message, source_line);
}

bool ParseDhcpdConf(std::string_view text, const std::string& filename,
                    const IncludeLoader& loader, DhcpdConf* out,
                    std::vector<ConfError>* errors) {
  DhcpdConf conf;
  Parser parser(loader, &conf);
  Context context;
  context.kind = ScopeKind::kGlobal;
  context.scope = conf.global;
  context.chain = {};
  parser.ParseFile(text, filename, context, 0);
  *errors = parser.errors();
  std::size_t suppressed = parser.suppressed();
  // `allow members of` must name a declared class.
  std::unordered_map<std::string, bool> class_names;
  for (const ClassDecl& klass : conf.classes) class_names[klass.name] = true;
  for (const SubnetDecl& subnet : conf.subnets) {
    for (const PoolDecl& pool : subnet.pools) {
      for (const auto* names : {&pool.allow_members, &pool.deny_members}) {
        for (const std::string& name : *names) {
          if (class_names.count(name) != 0) continue;
          if (errors->size() >= kMaxErrors) {
            ++suppressed;
            continue;
          }
          errors->push_back(ConfError{
              pool.scope->pos,
              fmt::format("pool names class \"{}\", which is not declared",
                          name),
              ""});
        }
      }
    }
  }
  if (suppressed != 0) {
    ConfError more;
    more.file = filename;
    more.message = fmt::format("{} more errors not shown", suppressed);
    errors->push_back(std::move(more));
  }
  if (!errors->empty()) return false;
  *out = std::move(conf);
  return true;
}

bool ParseDhcpdConf(std::string_view text, const std::string& filename,
                    const IncludeLoader& loader, DhcpdConf* out,
                    ConfError* error) {
  std::vector<ConfError> errors;
  if (ParseDhcpdConf(text, filename, loader, out, &errors)) return true;
  *error = errors.front();
  return false;
}

}  // namespace pxekit
