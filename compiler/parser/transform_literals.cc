// Transformer: literals. Integers are exact 64-bit (`-9223372036854775808` included, by folding
// the minus into the literal), durations become milliseconds, strings are decoded into text
// and `${}` parts.
#include <charconv>
#include <cstdint>
#include <limits>

#include "compiler/parser/transformer.h"

namespace weft::parser {
namespace {

using diag::DiagnosticKind;

constexpr char kEscapeHint[] =
    "the escapes are `\\\"` `\\\\` `\\n` `\\t` `\\r` `\\$` and `\\u{XXXX}`";

void AppendUtf8(uint32_t cp, std::string& out) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// The character a one-letter escape stands for, or 0 when the escape is unknown.
char SimpleEscape(char c) {
  switch (c) {
    case '"': return '"';
    case '\\': return '\\';
    case 'n': return '\n';
    case 't': return '\t';
    case 'r': return '\r';
    case '$': return '$';
    default: return 0;
  }
}

// Milliseconds per unit of a duration literal's suffix.
uint64_t DurationUnitMs(std::string_view unit) {
  if (unit == "ms") return 1;
  if (unit == "s") return 1000;
  if (unit == "m") return 60 * 1000;
  if (unit == "h") return 60 * 60 * 1000;
  return 24 * 60 * 60 * 1000;  // "d"
}

}  // namespace

ast::ExprPtr Transformer::TransformLiteral(P::LiteralContext* ctx, bool negated,
                                           SourceRange range) {
  // A literal is one token, or a stringLiteral: its first token says which.
  antlr4::Token* token = ctx->getStart();
  switch (token != nullptr ? token->getType() : 0) {
    case P::INT: return TransformInt(token, negated, range);
    case P::FLOAT: return TransformFloat(token, negated, range);
    case P::DURATION: return TransformDuration(token, range);
    case P::STRING_OPEN: return TransformStringLiteral(ctx->stringLiteral());
    case P::SQ_STRING: return TransformSingleQuoted(token);
    case P::BAD_NUMBER: return TransformBadNumber(token, range);
    case P::KW_TRUE:
    case P::KW_FALSE: {
      ast::ExprPtr e = MakeExpr(ast::ExprKind::kBool, range);
      e->bool_value = token->getType() == P::KW_TRUE;
      return e;
    }
    default: return MakeExpr(ast::ExprKind::kNull, range);
  }
}

P::LiteralContext* Transformer::NegatableLiteral(P::ExpressionContext* operand) {
  auto* primary = As<P::PrimaryExprContext>(operand);
  if (primary == nullptr || primary->primary() == nullptr) return nullptr;
  auto* literal = As<P::LiteralContext>(FirstChild(primary->primary()));
  const size_t type = literal != nullptr && literal->getStart() != nullptr
                          ? literal->getStart()->getType() : 0;
  return type == P::INT || type == P::FLOAT ? literal : nullptr;
}

ast::ExprPtr Transformer::TransformInt(antlr4::Token* token, bool negated, SourceRange range) {
  ast::ExprPtr e = MakeExpr(ast::ExprKind::kInt, range);
  const std::string text = token->getText();
  uint64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  const uint64_t limit = static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) + negated;
  if (ec != std::errc() || end != text.data() + text.size() || value > limit) {
    Report(DiagnosticKind::kNumberOutOfRange, range,
           "integer `" + std::string(negated ? "-" : "") + text + "` does not fit in 64 bits")
        .hints.push_back("integers range from -9223372036854775808 to 9223372036854775807");
    return e;
  }
  // Negating in unsigned arithmetic keeps -2^63 exact.
  e->int_value = static_cast<int64_t>(negated ? 0 - value : value);
  return e;
}

ast::ExprPtr Transformer::TransformFloat(antlr4::Token* token, bool negated, SourceRange range) {
  ast::ExprPtr e = MakeExpr(ast::ExprKind::kDouble, range);
  const std::string text = token->getText();
  double value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) {
    Report(DiagnosticKind::kNumberOutOfRange, range,
           "number `" + std::string(negated ? "-" : "") + text +
               "` cannot be represented as a 64-bit float");
    return e;
  }
  e->double_value = negated ? -value : value;
  return e;
}

ast::ExprPtr Transformer::TransformDuration(antlr4::Token* token, SourceRange range) {
  ast::ExprPtr e = MakeExpr(ast::ExprKind::kDuration, range);
  const std::string text = token->getText();
  const size_t digits = text.find_first_not_of("0123456789");
  uint64_t count = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + digits, count);
  uint64_t ms = 0;
  const bool overflow = ec != std::errc() || end != text.data() + digits ||
                        __builtin_mul_overflow(count, DurationUnitMs(text.substr(digits)), &ms) ||
                        ms > static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
  if (overflow) {
    Report(DiagnosticKind::kNumberOutOfRange, range,
           "duration `" + text + "` is too long: its milliseconds do not fit in 64 bits");
    return e;
  }
  e->int_value = static_cast<int64_t>(ms);
  return e;
}

ast::ExprPtr Transformer::TransformStringLiteral(P::StringLiteralContext* ctx) {
  if (ctx == nullptr) return Placeholder({});
  ast::ExprPtr e = MakeExpr(ast::ExprKind::kString, ContextRange(ctx));
  std::string text;
  for (P::StringPartContext* part : ctx->stringPart()) TransformStringPart(part, text, e->parts);
  if (!text.empty() || e->parts.empty()) e->parts.push_back(ast::StringPart{std::move(text), {}});
  // friendly: the grammar accepts a line break or the end of the file as the closing quote.
  auto* last = ctx->children.empty()
                   ? nullptr
                   : dynamic_cast<antlr4::tree::TerminalNode*>(ctx->children.back());
  const size_t close = last != nullptr ? last->getSymbol()->getType() : 0;
  if (close == P::STR_NEWLINE || close == antlr4::Token::EOF) {
    const SourceRange range = Span(NodeRange(ctx->STRING_OPEN()),
                                   StartOf(TokenRange(last->getSymbol())));
    Report(DiagnosticKind::kUnterminatedString, range,
           close == P::STR_NEWLINE ? "string is not closed before the end of the line"
                                   : "string is not closed before the end of the file")
        .hints.push_back("add the closing `\"`; a line break inside a string is written `\\n`");
  }
  return e;
}

void Transformer::TransformStringPart(P::StringPartContext* ctx, std::string& text,
                                      std::vector<ast::StringPart>& parts) {
  antlr4::Token* token = ctx->getStart();
  const size_t type = token != nullptr ? token->getType() : 0;
  if (type == P::STR_TEXT) {
    text += token->getText();
  } else if (type == P::STR_DOLLAR) {
    text += '$';
  } else if (type == P::STR_ESCAPE) {
    DecodeEscape(token, text);
  } else if (ctx->expression() != nullptr) {
    if (!text.empty()) parts.push_back(ast::StringPart{std::move(text), {}});
    text.clear();
    parts.push_back(ast::StringPart{"", TransformExpression(ctx->expression())});
  } else if (ctx->RBRACE() != nullptr && !IsMissing(ctx->RBRACE()->getSymbol())) {
    Report(DiagnosticKind::kEmptyInterpolation, ContextRange(ctx),
           "`${}` is empty; put an expression inside it")
        .hints.push_back("for a literal `${`, write `\\${`");
  }
}

void Transformer::DecodeEscape(antlr4::Token* token, std::string& out) {
  const std::string text = token->getText();  // `\` and what follows it
  const SourceRange range = TokenRange(token);
  if (text.size() == 2 && SimpleEscape(text[1]) != 0) {
    out += SimpleEscape(text[1]);
    return;
  }
  if (text.size() == 1) {
    Report(DiagnosticKind::kInvalidEscape, range, "incomplete escape `\\` at the end of the line")
        .hints.push_back(kEscapeHint);
    return;
  }
  if (text.rfind("\\u{", 0) != 0) {
    const std::string message =
        text == "\\u" ? "`\\u` must be followed by hex digits in braces, like `\\u{e9}`"
                      : "unknown escape `" + text + "` in a string";
    Report(DiagnosticKind::kInvalidEscape, range, message).hints.push_back(kEscapeHint);
    return;
  }
  const std::string hex = text.substr(3, text.size() - 4);
  uint32_t cp = 0;
  const auto [end, ec] = std::from_chars(hex.data(), hex.data() + hex.size(), cp, 16);
  const bool valid = !hex.empty() && hex.size() <= 6 && ec == std::errc() &&
                     end == hex.data() + hex.size() && cp <= 0x10FFFF &&
                     (cp < 0xD800 || cp > 0xDFFF);
  if (!valid) {
    Report(DiagnosticKind::kInvalidEscape, range,
           "`" + text + "` is not a Unicode character")
        .hints.push_back("write 1 to 6 hex digits of a code point up to 10FFFF, not a surrogate");
    return;
  }
  AppendUtf8(cp, out);
}

// friendly: 'text' is read as "text" (escapes as in double-quoted strings, plus `\'`).
ast::ExprPtr Transformer::TransformSingleQuoted(antlr4::Token* token) {
  ast::ExprPtr e = MakeExpr(ast::ExprKind::kString, TokenRange(token));
  const std::string raw = token->getText();
  const bool closed = raw.size() >= 2 && raw.back() == '\'' && raw[raw.size() - 2] != '\\';
  const std::string body = raw.substr(1, raw.size() - (closed ? 2 : 1));
  std::string text;
  for (size_t i = 0; i < body.size(); ++i) {
    if (body[i] == '\\' && i + 1 < body.size()) {
      const char c = body[++i];
      text += c == '\'' ? '\'' : SimpleEscape(c) != 0 ? SimpleEscape(c) : c;
    } else {
      text += body[i];
    }
  }
  std::string shown = text.size() > 30 ? text.substr(0, 30) + "..." : text;
  Report(DiagnosticKind::kSingleQuotedString, e->range,
         "Weft strings are written in double quotes, not single quotes")
      .hints.push_back("write \"" + shown + "\"");
  e->parts.push_back(ast::StringPart{std::move(text), {}});
  return e;
}

// friendly: `5mins`, `1.5s`, `10x`. Reported, and read as the number 0.
ast::ExprPtr Transformer::TransformBadNumber(antlr4::Token* token, SourceRange range) {
  const std::string text = token->getText();
  const size_t letters = text.find_first_not_of("0123456789.");
  const bool fractional = text.find('.') < letters;
  diag::Diagnostic& d = Report(DiagnosticKind::kInvalidNumber, range,
                               "`" + text + "` is not a number or a duration");
  if (fractional) {
    d.hints.push_back("a duration is a whole number of a unit: write `1500ms`, not `1.5s`");
  } else {
    d.hints.push_back("the duration units are `ms`, `s`, `m`, `h` and `d`, like `5m`; a name "
                      "cannot start with a digit");
  }
  return MakeExpr(ast::ExprKind::kInt, range);
}

}  // namespace weft::parser
