// The Weft parser: source text in, our AST (compiler/ast/ast.h) and diagnostics out. This is
// the only public header of compiler/parser/; ANTLR is an implementation detail behind it and
// none of its types appear here.
#ifndef WEFT_COMPILER_PARSER_PARSER_H_
#define WEFT_COMPILER_PARSER_PARSER_H_

#include <memory>
#include <string>
#include <string_view>

#include "compiler/ast/ast.h"
#include "compiler/diag/diagnostic.h"

namespace weft::parser {

// Parses one .wf file. Syntax errors (kinds E00xx) are added to `diags`; nothing is printed and
// no exception escapes. Always returns a module (never null), even for garbage input.
//
// When `diags` gained syntax errors the module is best effort: friendly errors (`elif`,
// `if a = b`, `let x` without a value, ...) still produce the AST the user meant, but where text
// was missing or unparseable the transformer leaves out the broken declaration or statement,
// or puts a `null` literal in place of a broken expression. Callers normally skip later phases
// when the parse reported errors; running them anyway is safe.
//
// `path` is stored in Module::path and used only for that.
// Thread-safe: concurrent calls are allowed (they are serialised internally).
std::unique_ptr<ast::Module> Parse(std::string_view path, std::string_view source,
                                   diag::DiagnosticList& diags);

// ANTLR's prediction caches (the lexer's and the parser's DFA states, and the parser's shared
// prediction contexts) are static, shared by every parse, and grow with each new shape of
// input. So that a long-lived process compiling hostile sources (`weft serve`) stays bounded, a
// parse that leaves more than the limit of DFA states clears all three when it is done (the
// next parses rebuild what they need, a little slower; results never change).
struct PredictionCacheStats {
  size_t dfa_states = 0;  // lexer and parser, now
  size_t contexts = 0;    // the parser's shared context cache, now
  uint64_t clears = 0;    // since the process started
};
PredictionCacheStats GetPredictionCacheStats();
// About 4 KB of memory per state with its contexts; real programs need a few thousand.
inline constexpr size_t kDefaultPredictionCacheLimit = 50000;  // DFA states
void SetPredictionCacheLimit(size_t dfa_states);               // tests

// The tokens phase dump: one token per line, `line:col KIND "text"`, ending with the EOF token.
// Skipped text (spaces, comments) is not shown; tokens the parser never sees (a stray character,
// an unterminated comment) are shown with their channel, e.g. `3:5 ERROR_CHAR "@" (errors)`.
// The text is stable: golden files pin it.
std::string DumpTokens(std::string_view source);

// SHA-256 (hex) of the grammar files this parser was generated from. It changes whenever the
// grammar changes, so it can be recorded next to compiled output.
std::string_view GrammarHash();

}  // namespace weft::parser

#endif  // WEFT_COMPILER_PARSER_PARSER_H_
