// Source ranges of tokens and parse-tree nodes (see source_ranges.h).
#include "compiler/parser/source_ranges.h"

#include "compiler/parser/antlr_support.h"

namespace weft::parser {

bool IsMissing(const antlr4::Token* token) {
  return token == nullptr || token->getStartIndex() == INVALID_INDEX ||
         token->getTokenIndex() == INVALID_INDEX;
}

SourceRange TokenRange(const antlr4::Token* token) {
  if (token == nullptr) return {};
  SourceRange r;
  r.line = static_cast<uint32_t>(token->getLine());
  r.column = static_cast<uint32_t>(token->getCharPositionInLine()) + 1;
  r.end_line = r.line;
  r.end_column = r.column;
  if (token->getType() == antlr4::Token::EOF || token->getStartIndex() == INVALID_INDEX) {
    return r;
  }
  // Stream indices count code points, so stop - start + 1 is the length in characters. Only
  // a token that can contain a newline (an unterminated comment, a string's line break, a
  // stray character) needs its text scanned.
  const size_t type = token->getType();
  const bool may_span_lines = type == Lexer::STR_NEWLINE || type == Lexer::UNTERMINATED_COMMENT ||
                              type == Lexer::ERROR_CHAR;
  const std::string text = may_span_lines ? token->getText() : std::string();
  if (text.find('\n') == std::string::npos) {
    r.end_column += static_cast<uint32_t>(token->getStopIndex() - token->getStartIndex() + 1);
    return r;
  }
  for (size_t i = 0; i < text.size(); ++i) {
    const auto b = static_cast<unsigned char>(text[i]);
    if (b == '\n') {
      ++r.end_line;
      r.end_column = 1;
    } else if ((b & 0xC0) != 0x80) {
      ++r.end_column;
    }
  }
  return r;
}

SourceRange NodeRange(antlr4::tree::TerminalNode* node) {
  return node == nullptr ? SourceRange{} : TokenRange(node->getSymbol());
}

SourceRange ContextRange(const antlr4::ParserRuleContext* ctx) {
  if (ctx == nullptr || ctx->start == nullptr) return {};
  const SourceRange start = TokenRange(ctx->start);
  if (ctx->stop == nullptr || ctx->stop->getTokenIndex() < ctx->start->getTokenIndex()) {
    return StartOf(start);
  }
  return Span(start, TokenRange(ctx->stop));
}

SourceRange Span(const SourceRange& a, const SourceRange& b) {
  return SourceRange{a.line, a.column, b.end_line, b.end_column};
}

SourceRange StartOf(const SourceRange& r) { return {r.line, r.column, r.line, r.column}; }

SourceRange EndOf(const SourceRange& r) {
  return {r.end_line, r.end_column, r.end_line, r.end_column};
}

}  // namespace weft::parser
