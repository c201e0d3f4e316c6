// Internal to compiler/parser/: turns ANTLR's recognition errors into our diagnostics. ANTLR's
// own messages ("mismatched input 'x' expecting {...}") are replaced by ones in our style:
// "expected `)`, found keyword `let`", with token sets folded into words such as "an
// expression" so the message stays short.
#ifndef WEFT_COMPILER_PARSER_SYNTAX_ERRORS_H_
#define WEFT_COMPILER_PARSER_SYNTAX_ERRORS_H_

#include <string>

#include "antlr4-runtime.h"
#include "compiler/diag/diagnostic.h"

namespace weft::parser {

// How a token reads in a message: "keyword `let`", "`)`", "a string", "end of file".
std::string DescribeToken(const antlr4::Token* token);

// "`)`", "`)` or `,`", "an expression" ...; empty when the set is too large to be helpful.
std::string DescribeExpected(const antlr4::misc::IntervalSet& expected,
                             const antlr4::dfa::Vocabulary& vocabulary);

// DefaultErrorStrategy (same recovery) that reports into a DiagnosticList instead of calling
// error listeners. At most one diagnostic per offending token.
class ReportingErrorStrategy final : public antlr4::DefaultErrorStrategy {
 public:
  explicit ReportingErrorStrategy(diag::DiagnosticList& diags) : diags_(diags) {}

 protected:
  void reportNoViableAlternative(antlr4::Parser* parser,
                                 const antlr4::NoViableAltException& e) override;
  void reportInputMismatch(antlr4::Parser* parser,
                           const antlr4::InputMismatchException& e) override;
  void reportFailedPredicate(antlr4::Parser* parser,
                             const antlr4::FailedPredicateException& e) override;
  void reportUnwantedToken(antlr4::Parser* parser) override;
  void reportMissingToken(antlr4::Parser* parser) override;

 public:
  // At the top level, skips tokens that cannot start a declaration (a stray `}`) instead of
  // giving up: an exception caught by the start rule would end the parse.
  void sync(antlr4::Parser* parser) override;

 private:
  // `missing`: the parser will act as if an expected token were inserted before `found`.
  void Report(antlr4::Parser* parser, antlr4::Token* found,
              const antlr4::misc::IntervalSet& expected, bool missing);

  diag::DiagnosticList& diags_;
  size_t last_token_index_ = SIZE_MAX;
};

}  // namespace weft::parser

#endif  // WEFT_COMPILER_PARSER_SYNTAX_ERRORS_H_
