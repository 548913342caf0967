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

// Thrown only inside this file, to unwind to ParseDhcpdConf; never escapes.
struct ParseAbort {};

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
        Next();
        Report(token, "unexpected '}' with no open block");
        continue;
      }
      try {
        ParseStatement(context);
      } catch (const ParseAbort&) {
        Recover();
      }
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

  // Records an error and abandons the statement; Recover() then skips to
  // its end.
  [[noreturn]] void ErrorAt(const Token& token, std::string message) {
    Report(token, std::move(message));
    throw ParseAbort{};
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

  Token Next() {
    Token token = lexer_->Next();
    last_kind_ = token.kind;
    if (token.kind == TokenKind::kError) ErrorAt(token, token.text);
    return token;
  }

  Token Expect(TokenKind kind, std::string_view what) {
    Token token = Next();
    if (token.kind != kind)
      ErrorAt(token,
              fmt::format("expected {}, found {}", what, Describe(token)));
    return token;
  }

  void ExpectSemicolon() { Expect(TokenKind::kSemicolon, "';'"); }

  Token ExpectWord(std::string_view what) {
    return Expect(TokenKind::kWord, what);
  }

  bool PeekWord(std::string_view keyword) {
    Token token = lexer_->Peek();
    return token.kind == TokenKind::kWord && AsciiLower(token.text) == keyword;
  }

  void ExpectKeyword(std::string_view keyword) {
    Token token = Next();
    if (token.kind != TokenKind::kWord || AsciiLower(token.text) != keyword)
      ErrorAt(token,
              fmt::format("expected '{}', found {}", keyword, Describe(token)));
  }

  Ipv4Addr ParseIp() {
    Token token = Next();
    if (token.kind != TokenKind::kWord)
      ErrorAt(token, fmt::format("expected an IPv4 address, found {}",
                                 Describe(token)));
    auto address = Ipv4Addr::Parse(token.text);
    if (!address) {
      bool looks_like_name = std::any_of(
          token.text.begin(), token.text.end(),
          [](char c) { return std::isalpha(static_cast<unsigned char>(c)); });
      ErrorAt(token,
              looks_like_name
                  ? fmt::format("{}: host names are not resolved here; write "
                                "the IPv4 address",
                                QuoteForMessage(token.text))
                  : fmt::format("{} is not an IPv4 address: {}",
                                QuoteForMessage(token.text), address.error()));
    }
    return *address;
  }

  std::uint64_t ParseNumber(std::uint64_t max, std::string_view what) {
    Token token = Next();
    if (token.kind != TokenKind::kWord || !IsDecimal(token.text))
      ErrorAt(token, fmt::format("expected {} (a number), found {}", what,
                                 Describe(token)));
    std::uint64_t value = std::stoull(token.text);
    if (value > max)
      ErrorAt(token, fmt::format("{} {} is over {}", what, value, max));
    return value;
  }

  std::string ParseString(std::string_view what) {
    Token token = Next();
    if (token.kind != TokenKind::kString)
      ErrorAt(token, fmt::format("expected {} in double quotes, found {}", what,
                                 Describe(token)));
    return token.text;
  }

  bool ParseFlagValue() {
    Token token = Next();
    std::string word = AsciiLower(token.text);
    if (token.kind == TokenKind::kWord) {
      if (word == "on" || word == "true") return true;
      if (word == "off" || word == "false") return false;
    }
    ErrorAt(token, fmt::format("expected on, off, true or false, found {}",
                               Describe(token)));
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

  void RequireKind(const Token& token, const Context& context,
                   unsigned allowed) {
    if ((allowed & In({context.kind})) != 0) return;
    ErrorAt(token, fmt::format("'{}' is not allowed in {}",
                               AsciiLower(token.text), KindName(context.kind)));
  }

  // --- option names and values ---

  std::optional<OptionName> LookupOption(std::string_view name) {
    std::string key = AsciiLower(name);
    if (auto it = defined_.find(key); it != defined_.end()) return it->second;
    if (const OptionDef* def = FindOptionByName(key))
      return OptionName{def->code, def->type};
    return std::nullopt;
  }

  OptionName ExpectOptionName(const Token& token) {
    if (token.kind != TokenKind::kWord)
      ErrorAt(token, fmt::format("expected an option name, found {}",
                                 Describe(token)));
    if (token.text.find('.') != std::string::npos)
      ErrorAt(token, fmt::format("option {}: option spaces are not supported",
                                 QuoteForMessage(token.text)));
    auto option = LookupOption(token.text);
    if (!option)
      ErrorAt(token,
              fmt::format("unknown option {} (define it with 'option NAME "
                          "code N = TYPE;')",
                          QuoteForMessage(token.text)));
    return *option;
  }

  void AppendNumber(std::vector<std::uint8_t>& out, std::uint64_t value,
                    int width) {
    for (int i = width - 1; i >= 0; --i)
      out.push_back(static_cast<std::uint8_t>(value >> (8 * i)));
  }

  std::int64_t ParseSignedNumber(std::int64_t min, std::int64_t max,
                                 std::string_view what) {
    Token token = Next();
    std::string_view text = token.text;
    bool negative = !text.empty() && text[0] == '-';
    if (negative) text.remove_prefix(1);
    if (token.kind != TokenKind::kWord || !IsDecimal(text))
      ErrorAt(token, fmt::format("expected {} (a number), found {}", what,
                                 Describe(token)));
    std::int64_t value = std::stoll(std::string(text));
    if (negative) value = -value;
    if (value < min || value > max)
      ErrorAt(token,
              fmt::format("{} {} is outside {}..{}", what, value, min, max));
    return value;
  }

  std::vector<std::uint8_t> ParseOptionValue(OptionType type) {
    std::vector<std::uint8_t> out;
    auto list = [&](auto&& one) {
      for (;;) {
        one();
        if (lexer_->Peek().kind != TokenKind::kComma) break;
        Next();
      }
    };
    switch (type) {
      case OptionType::kIp:
        AppendNumber(out, ParseIp().value(), 4);
        break;
      case OptionType::kIpList:
        list([&] { AppendNumber(out, ParseIp().value(), 4); });
        break;
      case OptionType::kU8:
        AppendNumber(out, ParseNumber(0xff, "value"), 1);
        break;
      case OptionType::kU16:
        AppendNumber(out, ParseNumber(0xffff, "value"), 2);
        break;
      case OptionType::kU32:
        AppendNumber(out, ParseNumber(0xffffffffu, "value"), 4);
        break;
      case OptionType::kI32:
        AppendNumber(out,
                     static_cast<std::uint32_t>(static_cast<std::int32_t>(
                         ParseSignedNumber(INT32_MIN, INT32_MAX, "value"))),
                     4);
        break;
      case OptionType::kU16List:
        list([&] { AppendNumber(out, ParseNumber(0xffff, "value"), 2); });
        break;
      case OptionType::kU8List:
        list([&] { AppendNumber(out, ParseNumber(0xff, "value"), 1); });
        break;
      case OptionType::kBool:
        out.push_back(ParseFlagValue() ? 1 : 0);
        break;
      case OptionType::kText: {
        std::string text = ParseString("text");
        out.assign(text.begin(), text.end());
        break;
      }
      case OptionType::kBytes: {
        Token token = Next();
        if (token.kind == TokenKind::kString) {
          out.assign(token.text.begin(), token.text.end());
        } else if (auto hex = token.kind == TokenKind::kWord
                                  ? ParseColonHex(token.text)
                                  : std::nullopt) {
          out = *hex;
        } else {
          ErrorAt(token, fmt::format("expected a quoted string or colon-hex "
                                     "bytes (01:02:ff), found {}",
                                     Describe(token)));
        }
        break;
      }
      case OptionType::kDomainList:
        list([&] {
          Token token = Next();
          if (token.kind != TokenKind::kString)
            ErrorAt(token, "expected a domain name in double quotes");
          std::size_t start = 0;
          std::string_view name = token.text;
          while (start < name.size()) {
            std::size_t dot = name.find('.', start);
            if (dot == std::string_view::npos) dot = name.size();
            std::size_t length = dot - start;
            if (length == 0 || length > 63)
              ErrorAt(token, "domain name label must be 1 to 63 characters");
            out.push_back(static_cast<std::uint8_t>(length));
            out.insert(out.end(), name.begin() + start, name.begin() + dot);
            start = dot + 1;
          }
          out.push_back(0);
        });
        break;
    }
    if (out.size() > 1024)
      ErrorAt(lexer_->Peek(), "option value is longer than 1024 bytes");
    return out;
  }

  OptionType ParseOptionType() {
    Token token = ExpectWord("an option type");
    std::string word = AsciiLower(token.text);
    bool array = false;
    if (word == "array") {
      ExpectKeyword("of");
      array = true;
      token = ExpectWord("an option type");
      word = AsciiLower(token.text);
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
      if (PeekWord("compressed")) Next();
      type = OptionType::kDomainList;
    } else if (word == "unsigned" || word == "signed" || word == "integer") {
      bool is_signed = word != "unsigned";
      if (word != "integer") ExpectKeyword("integer");
      Token width_token = Next();
      int width = width_token.kind == TokenKind::kWord &&
                          IsDecimal(width_token.text) &&
                          width_token.text.size() <= 2
                      ? std::stoi(width_token.text)
                      : 0;
      if (width == 8) {
        type = array ? OptionType::kU8List : OptionType::kU8;
      } else if (width == 16) {
        type = array ? OptionType::kU16List : OptionType::kU16;
      } else if (width == 32) {
        if (array)
          ErrorAt(token, "arrays of 32-bit integers are not supported");
        type = is_signed ? OptionType::kI32 : OptionType::kU32;
      } else {
        ErrorAt(width_token, "integer width must be 8, 16 or 32");
      }
      array = false;
    } else if (word == "encapsulate") {
      ErrorAt(token, "'encapsulate' option spaces are not supported");
    } else {
      ErrorAt(token, fmt::format("unknown option type {}",
                                 QuoteForMessage(token.text)));
    }
    if (array && type != OptionType::kU8List && type != OptionType::kU16List)
      ErrorAt(token, fmt::format("arrays of {} are not supported", word));
    return type;
  }

  void ParseOptionStatement(Context& context) {
    Token name = Next();
    if (name.kind == TokenKind::kWord && AsciiLower(name.text) == "space")
      ErrorAt(name, "option spaces are not supported");
    if (name.kind == TokenKind::kWord && PeekWord("code")) {
      Next();
      if (name.text.find('.') != std::string::npos)
        ErrorAt(name, "option spaces are not supported");
      std::uint8_t code = static_cast<std::uint8_t>(ParseNumber(254, "code"));
      if (code == 0) ErrorAt(name, "option code 0 is PAD");
      Expect(TokenKind::kEqual, "'='");
      OptionType type = ParseOptionType();
      ExpectSemicolon();
      defined_[AsciiLower(name.text)] = OptionName{code, type};
      return;
    }
    OptionName option = ExpectOptionName(name);
    if (option.code == dhcp_option::kMessageType ||
        option.code == dhcp_option::kOverload ||
        option.code == dhcp_option::kRequestedAddress)
      ErrorAt(name, fmt::format("option {} is set by the server itself",
                                QuoteForMessage(name.text)));
    auto value = ParseOptionValue(option.type);
    ExpectSemicolon();
    if (context.kind == ScopeKind::kHost &&
        option.code == dhcp_option::kClientIdentifier)
      conf_->hosts[context.host].client_id = value;
    NewParams(context).SetOption(option.code, std::move(value));
  }

  // --- expressions ---

  Expr ParseData() {
    Token token = Next();
    Expr expr;
    if (token.kind == TokenKind::kString) {
      expr.kind = Expr::Kind::kData;
      expr.data.assign(token.text.begin(), token.text.end());
      return expr;
    }
    if (token.kind != TokenKind::kWord)
      ErrorAt(token,
              fmt::format("expected a value, found {}", Describe(token)));
    std::string word = AsciiLower(token.text);
    if (word == "option") {
      Token name = Next();
      OptionName option = ExpectOptionName(name);
      expr.kind = Expr::Kind::kOption;
      expr.option_code = option.code;
      expr.option_type = option.type;
      return expr;
    }
    if (word == "substring" || word == "suffix") {
      Expect(TokenKind::kLParen, "'('");
      expr.args.push_back(ParseData());
      Expect(TokenKind::kComma, "','");
      if (word == "substring") {
        expr.kind = Expr::Kind::kSubstring;
        expr.offset = static_cast<std::uint32_t>(ParseNumber(65535, "offset"));
        Expect(TokenKind::kComma, "','");
      } else {
        expr.kind = Expr::Kind::kSuffix;
      }
      expr.length = static_cast<std::uint32_t>(ParseNumber(65535, "length"));
      Expect(TokenKind::kRParen, "')'");
      return expr;
    }
    if (word == "lcase") {
      Expect(TokenKind::kLParen, "'('");
      expr.kind = Expr::Kind::kLcase;
      expr.args.push_back(ParseData());
      Expect(TokenKind::kRParen, "')'");
      return expr;
    }
    if (word == "hardware") {
      expr.kind = Expr::Kind::kHardware;
      return expr;
    }
    if (IsDecimal(token.text)) {
      expr.kind = Expr::Kind::kData;
      expr.number = std::stoll(token.text);
      return expr;
    }
    if (auto hex = ParseColonHex(token.text)) {
      expr.kind = Expr::Kind::kData;
      expr.data = *hex;
      return expr;
    }
    ErrorAt(token, fmt::format("expected a value (option NAME, \"text\", "
                               "00:07, substring(...)), found {}",
                               Describe(token)));
  }

  // A bare number compared with an integer option takes that option's width.
  void EncodeNumber(Expr& number, const Expr& other, const Token& at) {
    if (number.kind != Expr::Kind::kData || number.number < 0) return;
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
      ErrorAt(at,
              "a bare number compares only with an integer option; write "
              "bytes as colon-hex (00:07) or text in quotes");
    if (number.number >= (std::int64_t{1} << (8 * width)))
      ErrorAt(at, fmt::format("{} does not fit the option's {} bytes",
                              number.number, width));
    AppendNumber(number.data, static_cast<std::uint64_t>(number.number), width);
    number.number = -1;
  }

  Expr ParseComparison(int depth) {
    if (depth > kMaxNesting)
      ErrorAt(lexer_->Peek(), "expression nested too deeply");
    Token token = lexer_->Peek();
    if (token.kind == TokenKind::kLParen) {
      Next();
      Expr inner = ParseOr(depth + 1);
      Expect(TokenKind::kRParen, "')'");
      return inner;
    }
    if (token.kind == TokenKind::kWord) {
      std::string word = AsciiLower(token.text);
      if (word == "exists") {
        Next();
        Token name = Next();
        OptionName option = ExpectOptionName(name);
        Expr expr;
        expr.kind = Expr::Kind::kExists;
        expr.option_code = option.code;
        return expr;
      }
      if (word == "known") {
        Next();
        Expr expr;
        expr.kind = Expr::Kind::kKnown;
        return expr;
      }
    }
    Token start = lexer_->Peek();
    Expr lhs = ParseData();
    Token op = Next();
    if (op.kind != TokenKind::kEqual && op.kind != TokenKind::kNotEqual)
      ErrorAt(op, fmt::format("expected '=' or '!=', found {}", Describe(op)));
    Token rhs_token = lexer_->Peek();
    Expr rhs = ParseData();
    EncodeNumber(rhs, lhs, rhs_token);
    EncodeNumber(lhs, rhs, start);
    Expr expr;
    expr.kind = op.kind == TokenKind::kEqual ? Expr::Kind::kEqual
                                             : Expr::Kind::kNotEqual;
    expr.args.push_back(std::move(lhs));
    expr.args.push_back(std::move(rhs));
    return expr;
  }

  Expr ParseNot(int depth) {
    if (PeekWord("not")) {
      Next();
      Expr expr;
      expr.kind = Expr::Kind::kNot;
      if (depth > kMaxNesting)
        ErrorAt(lexer_->Peek(), "expression nested too deeply");
      expr.args.push_back(ParseNot(depth + 1));
      return expr;
    }
    return ParseComparison(depth);
  }

  // OPERAND (WORD OPERAND)*, left-associative: "and" binds tighter than
  // "or" because ParseOr's operand is ParseAnd.
  Expr ParseChain(int depth, std::string_view word, Expr::Kind kind,
                  Expr (Parser::*operand)(int)) {
    Expr lhs = (this->*operand)(depth);
    while (PeekWord(word)) {
      Next();
      Expr expr;
      expr.kind = kind;
      expr.args.push_back(std::move(lhs));
      expr.args.push_back((this->*operand)(depth));
      lhs = std::move(expr);
    }
    return lhs;
  }

  Expr ParseAnd(int depth) {
    return ParseChain(depth, "and", Expr::Kind::kAnd, &Parser::ParseNot);
  }

  Expr ParseOr(int depth) {
    return ParseChain(depth, "or", Expr::Kind::kOr, &Parser::ParseAnd);
  }

  // --- blocks ---

  // Parses "{ statements }" into `inner`.
  void ParseBlock(Context& inner, const Token& opener) {
    if (inner.depth > kMaxNesting) ErrorAt(opener, "blocks nested too deeply");
    Expect(TokenKind::kLBrace, "'{'");
    for (;;) {
      Token token = lexer_->Peek();
      if (token.kind == TokenKind::kRBrace) {
        Next();
        return;
      }
      if (token.kind == TokenKind::kEnd) {
        // The caret goes under the block that is never closed: the end of
        // the file says nothing about where the '}' went missing.
        int last_line =
            token.column == 1 && token.line > 1 ? token.line - 1 : token.line;
        Report(opener, fmt::format("missing '}}' for this '{}' (the file "
                                   "ends at line {})",
                                   AsciiLower(opener.text), last_line));
        return;
      }
      try {
        ParseStatement(inner);
      } catch (const ParseAbort&) {
        Recover();
      }
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

  void ParseIf(Context& context, const Token& keyword) {
    Conditional conditional;
    Token branch_token = keyword;
    bool has_condition = true;
    for (;;) {
      Conditional::Branch branch;
      branch.pos = Pos(branch_token);
      if (has_condition) branch.condition = ParseOr(0);
      branch.body = conf_->NewScope(
          fmt::format("{} at {}:{}",
                      has_condition ? AsciiLower(branch_token.text) : "else",
                      file_, branch_token.line),
          branch.pos);
      Context inner = Child(context, ScopeKind::kIfBody, branch.body);
      ParseBlock(inner, branch_token);
      conditional.branches.push_back(std::move(branch));
      if (!has_condition) break;
      if (PeekWord("elsif")) {
        branch_token = Next();
        continue;
      }
      if (PeekWord("else")) {
        branch_token = Next();
        if (PeekWord("if")) {
          branch_token = Next();
          continue;
        }
        has_condition = false;
        continue;
      }
      break;
    }
    context.scope->items.emplace_back();
    context.scope->items.back().conditional = std::move(conditional);
  }

  void ParseRange(Context& context, const Token& keyword) {
    RangeDecl range;
    range.pos = Pos(keyword);
    if (PeekWord("dynamic-bootp")) {
      Next();
      range.dynamic_bootp = true;
    }
    Token first_token = lexer_->Peek();
    Ipv4Addr first = ParseIp();
    Ipv4Addr last = first;
    if (lexer_->Peek().kind != TokenKind::kSemicolon) last = ParseIp();
    ExpectSemicolon();
    auto made = Ipv4Range::Make(first, last);
    if (!made)
      ErrorAt(first_token,
              fmt::format("range {} {}: {}", first, last, made.error()));
    range.range = *made;
    const SubnetDecl& subnet = conf_->subnets[context.subnet];
    if (!subnet.prefix.Contains(first) || !subnet.prefix.Contains(last))
      ErrorAt(first_token, fmt::format("range {}-{} is outside subnet {}",
                                       first, last, subnet.prefix));
    if (context.kind == ScopeKind::kPool)
      conf_->subnets[context.subnet].pools[context.pool].ranges.push_back(
          range);
    else
      conf_->subnets[context.subnet].ranges.push_back(range);
  }

  void ParseSubnet(Context& context, const Token& keyword) {
    Token address_token = lexer_->Peek();
    Ipv4Addr address = ParseIp();
    ExpectKeyword("netmask");
    Token mask_token = lexer_->Peek();
    Ipv4Addr mask = ParseIp();
    auto length = Ipv4Prefix::NetmaskToLength(mask.ToString());
    if (!length)
      ErrorAt(mask_token, fmt::format("netmask {}: {}", mask, length.error()));
    Ipv4Prefix prefix(address, *length);
    if (prefix.Network() != address)
      ErrorAt(address_token,
              fmt::format("subnet {} has host bits set for netmask {} (the "
                          "network is {})",
                          address, mask, prefix.Network()));
    for (const SubnetDecl& other : conf_->subnets)
      if (other.prefix.Contains(address) ||
          prefix.Contains(other.prefix.address()))
        ErrorAt(
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
    ParseBlock(inner, keyword);
  }

  void ParsePool(Context& context, const Token& keyword) {
    PoolDecl pool;
    pool.scope = conf_->NewScope(
        fmt::format("pool at {}:{}", file_, keyword.line), Pos(keyword));
    Context inner = Child(context, ScopeKind::kPool, pool.scope);
    conf_->subnets[context.subnet].pools.push_back(std::move(pool));
    inner.pool = conf_->subnets[context.subnet].pools.size() - 1;
    ParseBlock(inner, keyword);
  }

  void ParseHost(Context& context, const Token& keyword) {
    Token name = Next();
    if (name.kind == TokenKind::kString)
      ErrorAt(name, "host names are bare words, not quoted (as in ISC dhcpd)");
    if (name.kind != TokenKind::kWord)
      ErrorAt(name,
              fmt::format("expected a host name, found {}", Describe(name)));
    // A map, not a scan: a lab registry has 100,000 hosts.
    auto [known, added] =
        host_names_.emplace(AsciiLower(name.text), conf_->hosts.size());
    if (!added) {
      const HostDecl& other = conf_->hosts[known->second];
      ErrorAt(name, fmt::format("host {} is already declared at {}:{}",
                                name.text, other.pos.file, other.pos.line));
    }
    HostDecl host;
    host.name = name.text;
    host.pos = Pos(keyword);
    std::string label =
        fmt::format("host {} at {}:{}", name.text, file_, keyword.line);
    Context inner = Declare(context, ScopeKind::kHost, std::move(label),
                            std::move(host), conf_->hosts, &Context::host);
    ParseBlock(inner, keyword);
    const HostDecl& done = conf_->hosts[inner.host];
    if (!done.mac && done.client_id.empty())
      Report(keyword, fmt::format("host {} has neither 'hardware ethernet' "
                                  "nor a dhcp-client-identifier",
                                  done.name));
  }

  void ParseClass(Context& context, const Token& keyword) {
    Token name = Next();
    if (name.kind != TokenKind::kString && name.kind != TokenKind::kWord)
      ErrorAt(name,
              fmt::format("expected a class name, found {}", Describe(name)));
    ClassDecl klass;
    klass.name = name.text;
    klass.pos = Pos(keyword);
    klass.scope = conf_->NewScope(
        fmt::format("class \"{}\" at {}:{}", name.text, file_, keyword.line),
        klass.pos);
    Context inner = Child(context, ScopeKind::kClass, klass.scope);
    conf_->classes.push_back(std::move(klass));
    inner.klass = conf_->classes.size() - 1;
    ParseBlock(inner, keyword);
  }

  void ParseAllow(Context& context, const Token& keyword) {
    std::string verb = AsciiLower(keyword.text);
    bool allow = verb == "allow";
    Token what = ExpectWord("what to allow or deny");
    std::string word = AsciiLower(what.text);
    if (context.kind == ScopeKind::kPool) {
      PoolDecl& pool = conf_->subnets[context.subnet].pools[context.pool];
      if (word == "members") {
        ExpectKeyword("of");
        std::string name = ParseString("a class name");
        ExpectSemicolon();
        (allow ? pool.allow_members : pool.deny_members).push_back(name);
        return;
      }
      if (word == "known-clients" || word == "unknown-clients") {
        ExpectSemicolon();
        (word == "known-clients" ? pool.known_clients : pool.unknown_clients) =
            allow;
        return;
      }
      if (word == "all") {
        ExpectKeyword("clients");
        ExpectSemicolon();
        if (!allow) ErrorAt(what, "'deny all clients' makes the pool useless");
        return;
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
      ErrorAt(what, fmt::format("'{} {}' is not supported{}", verb, what.text,
                                word == "members" || word == "known-clients"
                                    ? " outside a pool"
                                    : ""));
    }
    ExpectSemicolon();
  }

  void ParseInclude(Context& context, const Token& keyword) {
    std::string path = ParseString("a file name");
    ExpectSemicolon();
    if (std::find(include_stack_.begin(), include_stack_.end(), path) !=
            include_stack_.end() ||
        path == file_) {
      std::string chain;
      for (const std::string& f : include_stack_) chain += f + " -> ";
      ErrorAt(keyword,
              fmt::format("include loop: {}{} -> {}", chain, file_, path));
    }
    if (include_depth_ >= kMaxIncludeDepth)
      ErrorAt(keyword, "includes nested too deeply");
    // Said once, at the first include over the bound; the rest are skipped.
    if (includes_read_ > kMaxIncludes) throw ParseAbort{};
    if (includes_read_++ == kMaxIncludes)
      ErrorAt(keyword, fmt::format("more than {} includes in all (files that "
                                   "include each other over and over?)",
                                   kMaxIncludes));
    auto text = loader_
                    ? loader_(path)
                    : Result<std::string>(Fail("includes are not available"));
    if (!text)
      ErrorAt(keyword, fmt::format("include {}: {}", QuoteForMessage(path),
                                   text.error()));
    int depth = include_depth_;
    include_stack_.push_back(file_);
    ParseFile(*text, path, context, depth + 1);
    include_stack_.pop_back();
    include_depth_ = depth;
  }

  [[noreturn]] void Reject(const Token& token, std::string_view why) {
    ErrorAt(token, fmt::format("'{}' is not supported: {}",
                               AsciiLower(token.text), why));
  }

  // --- statements: one table row per keyword, as the option codes ---

  // Parses the rest of a statement; `keyword` is its first token, taken.
  using StatementParser = void (Parser::*)(Context&, const Token& keyword);
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

  void ParseStatement(Context& context) {
    Token token = Next();
    if (token.kind == TokenKind::kSemicolon) return;  // ISC allows empty
    if (token.kind != TokenKind::kWord)
      ErrorAt(token,
              fmt::format("expected a statement, found {}", Describe(token)));
    std::string word = AsciiLower(token.text);
    for (const Statement& statement : Statements()) {
      if (statement.keyword != word) continue;
      RequireKind(token, context, statement.allowed);
      return (this->*statement.parse)(context, token);
    }
    for (const Refusal& refusal : kRefusals)
      if (refusal.keyword == word) Reject(token, refusal.why);
    if (word.starts_with("dhcp6.")) Reject(token, kDhcpv4Only);
    ErrorAt(token,
            fmt::format("unknown statement {}", QuoteForMessage(token.text)));
  }

  void ParseOptionKeyword(Context& context, const Token&) {
    ParseOptionStatement(context);
  }

  [[noreturn]] void ParseElseWithoutIf(Context&, const Token& token) {
    ErrorAt(token, fmt::format("'{}' without 'if'", AsciiLower(token.text)));
  }

  // shared-network NAME { ... } and group { ... }.
  void ParseGroup(Context& context, const Token& token) {
    using K = ScopeKind;
    std::string word = AsciiLower(token.text);
    if (word == "shared-network" && context.kind == K::kSubnet)
      ErrorAt(token, "'shared-network' is not allowed in a subnet");
    std::string label;
    if (word == "shared-network") {
      Token name = Next();
      if (name.kind != TokenKind::kWord && name.kind != TokenKind::kString)
        ErrorAt(name, "expected a shared-network name");
      label = fmt::format("shared-network {} at {}:{}", name.text, file_,
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
    ParseBlock(inner, token);
  }

  void ParseHardware(Context& context, const Token&) {
    Token type = ExpectWord("'ethernet'");
    if (AsciiLower(type.text) != "ethernet")
      ErrorAt(type, fmt::format("hardware type {} is not supported (only "
                                "ethernet)",
                                QuoteForMessage(type.text)));
    Token mac_token = ExpectWord("a MAC address");
    auto mac = MacAddr::Parse(mac_token.text);
    if (!mac)
      ErrorAt(mac_token, fmt::format("{}: {}", QuoteForMessage(mac_token.text),
                                     mac.error()));
    ExpectSemicolon();
    conf_->hosts[context.host].mac = *mac;
  }

  void ParseFixedAddress(Context& context, const Token&) {
    Ipv4Addr address = ParseIp();
    while (lexer_->Peek().kind == TokenKind::kComma) {
      Next();
      Token extra = lexer_->Peek();
      ParseIp();
      Warn(extra, "only the first fixed-address is used");
    }
    ExpectSemicolon();
    conf_->hosts[context.host].fixed_address = address;
  }

  void ParseMatch(Context& context, const Token&) {
    Token what = ExpectWord("'if'");
    if (AsciiLower(what.text) != "if")
      ErrorAt(what,
              "only 'match if EXPRESSION;' is supported (no 'match "
              "hardware' / subclass)");
    conf_->classes[context.klass].match = ParseOr(0);
    ExpectSemicolon();
  }

  void ParseLeaseTime(Context& context, const Token& token) {
    std::string word = AsciiLower(token.text);
    auto value = static_cast<std::uint32_t>(ParseNumber(0xffffffffu, word));
    ExpectSemicolon();
    Params& params = NewParams(context);
    (word == "default-lease-time" ? params.default_lease_time
     : word == "max-lease-time"   ? params.max_lease_time
                                  : params.min_lease_time) = value;
  }

  void ParseAddressParam(Context& context, const Token& token) {
    Ipv4Addr address = ParseIp();
    ExpectSemicolon();
    Params& params = NewParams(context);
    (AsciiLower(token.text) == "next-server" ? params.next_server
                                             : params.server_identifier) =
        address;
  }

  void ParseStringParam(Context& context, const Token& token) {
    std::string word = AsciiLower(token.text);
    std::string value = ParseString(word);
    ExpectSemicolon();
    Params& params = NewParams(context);
    if (word == "filename") {
      params.filename = value;
      params.filename_origin =
          context.scope->label.empty() ? "global" : context.scope->label;
    } else {
      params.server_name = value;
    }
  }

  void ParseAuthoritative(Context& context, const Token&) {
    ExpectSemicolon();
    NewParams(context).authoritative = true;
  }

  void ParseNotAuthoritative(Context& context, const Token&) {
    ExpectKeyword("authoritative");
    ExpectSemicolon();
    NewParams(context).authoritative = false;
  }

  void ParseFlagParam(Context& context, const Token& token) {
    std::string word = AsciiLower(token.text);
    bool value = ParseFlagValue();
    ExpectSemicolon();
    Params& params = NewParams(context);
    (word == "use-host-decl-names" ? params.use_host_decl_names
     : word == "always-broadcast"  ? params.always_broadcast
                                   : params.ignore_client_uids) = value;
  }

  void ParseDdnsUpdateStyle(Context&, const Token& token) {
    Token style = ExpectWord("none, ad-hoc, interim or standard");
    std::string value = AsciiLower(style.text);
    if (value == "interim" || value == "standard")
      ErrorAt(style, fmt::format("'ddns-update-style {}' is not supported: "
                                 "pxe-dhcpd does no DNS updates; use none",
                                 value));
    if (value != "none" && value != "ad-hoc")
      ErrorAt(style, fmt::format("unknown ddns-update-style {}",
                                 QuoteForMessage(style.text)));
    ExpectSemicolon();
    Note(token, fmt::format("'ddns-update-style {}' accepted (no DNS updates)",
                            value));
  }

  void ParseDdnsUpdates(Context&, const Token& token) {
    Token value_token = lexer_->Peek();
    if (ParseFlagValue())
      ErrorAt(value_token,
              "'ddns-updates on' is not supported: pxe-dhcpd "
              "does no DNS updates");
    ExpectSemicolon();
    Note(token, "'ddns-updates off' accepted");
  }

  // ISC statements that change nothing here: KEYWORD VALUE;
  void ParseNoOp(Context&, const Token& token) {
    std::string word = AsciiLower(token.text);
    Token value = Next();
    if (value.kind != TokenKind::kWord)
      ErrorAt(value, fmt::format("expected a value for '{}'", word));
    ExpectSemicolon();
    Note(token, fmt::format("'{} {}' accepted as a no-op", word, value.text));
  }

  void ParsePing(Context&, const Token& token) {
    Next();
    ExpectSemicolon();
    Warn(token, fmt::format("'{}' ignored: pxe-dhcpd does not probe "
                            "addresses with ICMP before offering them",
                            AsciiLower(token.text)));
  }

  void ParseDontUseFsync(Context&, const Token& token) {
    if (lexer_->Peek().kind == TokenKind::kWord) Next();
    ExpectSemicolon();
    Warn(token,
         "'dont-use-fsync' ignored: every lease is still fsync'd "
         "before its ACK");
  }

  void ParseFileNameFlag(Context&, const Token& token) {
    ParseString("a file name");
    ExpectSemicolon();
    Note(token,
         fmt::format("'{}' ignored: use --lease-file", AsciiLower(token.text)));
  }

  void ParseLocalPort(Context&, const Token& token) {
    ParseNumber(65535, "port");
    ExpectSemicolon();
    Note(token, "'local-port' ignored: use --port");
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
