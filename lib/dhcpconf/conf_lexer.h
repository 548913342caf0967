#pragma once
// Tokens of dhcpd.conf (ISC's free-form syntax). Words are runs of
// characters other than blanks, quotes and ; { } ( ) , = ! - so a word can be
// a keyword, a number, a dotted quad, colon-hex (00:07) or a MAC address;
// the parser decides which by context, as ISC's lexer does.

#include <cstdint>
#include <string>
#include <string_view>

namespace pxekit {

enum class TokenKind {
  kEnd,
  kWord,
  kString,  // "..." with escapes resolved
  kSemicolon,
  kLBrace,
  kRBrace,
  kLParen,
  kRParen,
  kComma,
  kEqual,
  kNotEqual,
  kError,  // text holds the reason
};

struct Token {
  TokenKind kind = TokenKind::kEnd;
  std::string text;
  int line = 1;
  int column = 1;
};

class ConfLexer {
 public:
  explicit ConfLexer(std::string_view text) : text_(text) {}

  Token Next();
  Token Peek();
  // The source line `line` (1-based) without its newline, for carets.
  std::string_view Line(int line) const;

 private:
  void SkipBlanksAndComments();
  char Get();

  std::string_view text_;
  std::size_t pos_ = 0;
  int line_ = 1;
  int column_ = 1;
  bool peeked_ = false;
  Token peek_;
};

}  // namespace pxekit
