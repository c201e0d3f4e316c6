// Internal to compiler/parser/: source ranges (1-based line and column, end exclusive) of ANTLR
// tokens and parse-tree nodes. Columns count characters (code points), as the renderer does.
#ifndef WEFT_COMPILER_PARSER_SOURCE_RANGES_H_
#define WEFT_COMPILER_PARSER_SOURCE_RANGES_H_

#include "antlr4-runtime.h"
#include "compiler/diag/source_range.h"

namespace weft::parser {

using diag::SourceRange;

// True for a token conjured by error recovery (it has no text in the source).
bool IsMissing(const antlr4::Token* token);

// The token's extent; a conjured or EOF token has an empty range at its position.
SourceRange TokenRange(const antlr4::Token* token);
SourceRange NodeRange(antlr4::tree::TerminalNode* node);

// From the start of the rule's first token to the end of its last one. A rule that matched no
// tokens gets an empty range at its start.
SourceRange ContextRange(const antlr4::ParserRuleContext* ctx);

// From the start of `a` to the end of `b`.
SourceRange Span(const SourceRange& a, const SourceRange& b);

// An empty range at the start or at the end of `r`.
SourceRange StartOf(const SourceRange& r);
SourceRange EndOf(const SourceRange& r);

}  // namespace weft::parser

#endif  // WEFT_COMPILER_PARSER_SOURCE_RANGES_H_
