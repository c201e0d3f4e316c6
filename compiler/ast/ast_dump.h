// A stable, indented text dump of the AST: the parse phase's output in golden tests
// (tests/golden/parse/*.ast) and, with resolution, the "checked program" dump. One node per
// line, two spaces of indent per level, each node's source range as <line:col-line:col>.
#ifndef WEFT_COMPILER_AST_AST_DUMP_H_
#define WEFT_COMPILER_AST_AST_DUMP_H_

#include <string>
#include <string_view>

#include "compiler/ast/ast.h"

namespace weft::ast {

// with_resolution adds what the checker filled in: `-> local 3` on names and calls, `slot=`
// and `hidden=` on statements, `locals=` on workflows.
std::string DumpAst(const Module& module, bool with_resolution = false);

// `text` in double quotes with `"`, `\` and control characters escaped (\n, \t, \r, \u{1b}),
// so a dump line never spans lines.
std::string QuoteForDump(std::string_view text);

}  // namespace weft::ast

#endif  // WEFT_COMPILER_AST_AST_DUMP_H_
