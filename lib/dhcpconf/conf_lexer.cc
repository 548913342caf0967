#include "dhcpconf/conf_lexer.h"

#include <utility>

#include <fmt/format.h>

#include "util/text.h"

namespace pxekit {
namespace {

bool IsWordChar(char c) {
  switch (c) {
    case ' ':
    case '\t':
    case '\r':
    case '\n':
    case '\f':
    case '\v':
    case '"':
    case ';':
    case '{':
    case '}':
    case '(':
    case ')':
    case ',':
    case '=':
    case '!':
    case '#':
      return false;
    default:
      return c != '\0';
  }
}

}  // namespace

char ConfLexer::Get() {
  char c = text_[pos_++];
  if (c == '\n') {
    ++line_;
    column_ = 1;
  } else {
    ++column_;
  }
  return c;
}

void ConfLexer::SkipBlanksAndComments() {
  while (pos_ < text_.size()) {
    char c = text_[pos_];
    if (c == '#') {
      while (pos_ < text_.size() && text_[pos_] != '\n') Get();
    } else if (IsAsciiSpace(c)) {
      Get();
    } else {
      break;
    }
  }
}

Token ConfLexer::Peek() {
  if (!peeked_) {
    peek_ = Next();
    peeked_ = true;
  }
  return peek_;
}

Token ConfLexer::Next() {
  if (peeked_) {
    peeked_ = false;
    return std::move(peek_);
  }
  SkipBlanksAndComments();
  Token token;
  token.line = line_;
  token.column = column_;
  if (pos_ >= text_.size()) return token;
  char c = Get();
  // The one-character tokens.
  static constexpr std::pair<char, TokenKind> kPunctuation[] = {
      {';', TokenKind::kSemicolon}, {'{', TokenKind::kLBrace},
      {'}', TokenKind::kRBrace},    {'(', TokenKind::kLParen},
      {')', TokenKind::kRParen},    {',', TokenKind::kComma},
      {'=', TokenKind::kEqual},
  };
  for (const auto& [punctuation, kind] : kPunctuation) {
    if (c != punctuation) continue;
    token.kind = kind;
    return token;
  }
  switch (c) {
    case '!':
      if (pos_ < text_.size() && text_[pos_] == '=') {
        Get();
        token.kind = TokenKind::kNotEqual;
      } else {
        token.kind = TokenKind::kError;
        token.text = "'!' must be followed by '='";
      }
      return token;
    case '"': {
      token.kind = TokenKind::kString;
      for (;;) {
        if (pos_ >= text_.size() || text_[pos_] == '\n') {
          token.kind = TokenKind::kError;
          token.text = "unterminated string";
          return token;
        }
        char s = Get();
        if (s == '"') return token;
        if (s != '\\') {
          token.text.push_back(s);
          continue;
        }
        if (pos_ >= text_.size()) continue;  // reported as unterminated
        char e = Get();
        if (e >= '0' && e <= '7') {  // up to three octal digits
          int value = e - '0';
          for (int i = 0; i < 2 && pos_ < text_.size() && text_[pos_] >= '0' &&
                          text_[pos_] <= '7';
               ++i)
            value = value * 8 + (Get() - '0');
          if (value > 255) {
            token.kind = TokenKind::kError;
            token.text = "octal escape over \\377";
            return token;
          }
          token.text.push_back(static_cast<char>(value));
        } else if (e == 'n') {
          token.text.push_back('\n');
        } else if (e == 't') {
          token.text.push_back('\t');
        } else {
          token.text.push_back(e);
        }
      }
    }
    default:
      break;
  }
  if (!IsWordChar(c)) {
    token.kind = TokenKind::kError;
    token.text = fmt::format("unexpected character {}", DescribeChar(c));
    return token;
  }
  token.kind = TokenKind::kWord;
  token.text.push_back(c);
  while (pos_ < text_.size() && IsWordChar(text_[pos_]))
    token.text.push_back(Get());
  return token;
}

std::string_view ConfLexer::Line(int line) const {
  std::size_t start = 0;
  for (int i = 1; i < line; ++i) {
    start = text_.find('\n', start);
    if (start == std::string_view::npos) return {};
    ++start;
  }
  std::size_t end = text_.find('\n', start);
  if (end == std::string_view::npos) end = text_.size();
  std::string_view out = text_.substr(start, end - start);
  if (!out.empty() && out.back() == '\r') out.remove_suffix(1);
  return out;
}

}  // namespace pxekit
