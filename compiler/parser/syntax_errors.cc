// Syntax error messages (see syntax_errors.h).
#include "compiler/parser/syntax_errors.h"

#include <vector>

#include "compiler/parser/antlr_support.h"
#include "compiler/parser/source_ranges.h"

namespace weft::parser {
namespace {

constexpr size_t kMaxExpectedItems = 4;
constexpr size_t kMaxShownTokenChars = 24;

// Reserved words; the contextual ones (KW_LIMIT..KW_MIGRATE) are names to the user.
bool IsKeyword(size_t type) {
  return (type >= P::KW_TASK && type <= P::KW_NOT) || (type >= P::KW_PARALLEL && type <= P::KW_DO);
}

// Tokens that are names wherever a name may appear.
const std::vector<size_t>& NameTokens() {
  static const std::vector<size_t> kNames = {P::ELIF_WORD, P::KW_LIMIT, P::KW_UNTIL,
                                             P::KW_SIGNAL, P::KW_START, P::KW_AS,
                                             P::KW_MIGRATE};
  return kNames;
}

// Tokens that can start an expression; a set holding most of them reads as "an expression".
const std::vector<size_t>& ExpressionStarts() {
  static const std::vector<size_t> kStarts = {
      P::KW_NULL, P::KW_TRUE, P::KW_FALSE, P::INT, P::FLOAT, P::DURATION, P::STRING_OPEN,
      P::SQ_STRING, P::IDENT, P::ELIF_WORD, P::LPAREN, P::LBRACK, P::LBRACE, P::KW_SWITCH,
      P::MINUS, P::KW_NOT, P::BANG, P::KW_PARALLEL, P::KW_AWAIT, P::KW_LIMIT, P::KW_UNTIL,
      P::KW_SIGNAL, P::KW_START, P::KW_AS, P::KW_MIGRATE};
  return kStarts;
}

// Tokens that can start a statement but not an expression.
const std::vector<size_t>& StatementOnlyStarts() {
  static const std::vector<size_t> kStarts = {
      P::KW_LET,    P::KW_VAR,  P::KW_IF,    P::KW_WHILE, P::KW_FOR,   P::KW_BREAK, P::KW_CONTINUE,
      P::KW_RETURN, P::KW_FAIL, P::KW_TRY,   P::KW_SLEEP, P::KW_YIELD, P::KW_DO};
  return kStarts;
}

// Tokens that can continue an expression: operators and postfix forms.
const std::vector<size_t>& Continuations() {
  static const std::vector<size_t> kOps = {
      P::DOT, P::QDOT, P::LBRACK, P::LPAREN, P::STAR, P::SLASH, P::PERCENT, P::PLUS, P::MINUS,
      P::EQ, P::NE, P::LT, P::LE, P::GT, P::GE, P::KW_AND, P::KW_OR, P::QQ, P::AMPAMP, P::PIPEPIPE,
      P::AT, P::KW_WITH, P::KW_COMPENSATE};
  return kOps;
}

// Tokens the grammar accepts only to report them (`&&`, `+=`, 'text', `5mins`): never
// suggested as what was expected.
const std::vector<size_t>& FriendlyOnly() {
  static const std::vector<size_t> kTokens = {
      P::SQ_STRING, P::BAD_NUMBER, P::BANG, P::AMPAMP, P::PIPEPIPE, P::PLUS_ASSIGN,
      P::MINUS_ASSIGN, P::STAR_ASSIGN, P::SLASH_ASSIGN, P::PERCENT_ASSIGN};
  return kTokens;
}

bool ContainsAll(const antlr4::misc::IntervalSet& set, const std::vector<size_t>& types) {
  for (size_t t : types) {
    if (!set.contains(t)) return false;
  }
  return true;
}

void RemoveAll(antlr4::misc::IntervalSet& set, const std::vector<size_t>& types) {
  for (size_t t : types) set.remove(t);
}

std::string Quote(std::string text) {
  if (text.size() > kMaxShownTokenChars) text = text.substr(0, kMaxShownTokenChars) + "...";
  for (char& c : text) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  return "`" + text + "`";
}

// The literal spelling of a fixed token (`)`), or a phrase for a token class.
std::string DescribeType(size_t type, const antlr4::dfa::Vocabulary& vocabulary) {
  switch (type) {
    case antlr4::Token::EOF: return "end of file";
    case P::IDENT: return "a name";
    case P::INT: return "an integer";
    case P::FLOAT: return "a number";
    case P::DURATION: return "a duration";
    case P::STRING_OPEN: return "a string";
    case P::STRING_CLOSE: return "`\"`";
    default: break;
  }
  std::string literal = vocabulary.getLiteralName(type);
  if (literal.size() >= 2 && literal.front() == '\'') literal = literal.substr(1, literal.size() - 2);
  if (literal.empty()) literal = vocabulary.getSymbolicName(type);
  return "`" + literal + "`";
}

}  // namespace

std::string DescribeToken(const antlr4::Token* token) {
  if (token == nullptr) return "nothing";
  const size_t type = token->getType();
  switch (type) {
    case antlr4::Token::EOF: return "end of file";
    case P::STRING_OPEN: return "a string";
    case P::STR_NEWLINE: return "end of line";
    default: break;
  }
  if (IsKeyword(type)) return "keyword " + Quote(token->getText());
  return Quote(token->getText());
}

std::string DescribeExpected(const antlr4::misc::IntervalSet& expected_in,
                             const antlr4::dfa::Vocabulary& vocabulary) {
  antlr4::misc::IntervalSet expected = expected_in;
  expected.remove(antlr4::Token::EPSILON);
  expected.remove(size_t{P::SEMI});  // always optional; suggesting it never helps
  for (size_t t : FriendlyOnly()) expected.remove(t);
  std::vector<std::string> items;
  bool all_keywords = true;
  for (size_t t = P::KW_TASK; t <= P::KW_DO; ++t) {
    if (IsKeyword(t)) all_keywords &= expected.contains(t);
  }
  if (all_keywords && expected.contains(size_t{P::IDENT})) {
    // Keywords are accepted where a field or declared name goes only to report them nicely.
    for (size_t t = P::KW_TASK; t <= P::KW_DO; ++t) {
      if (IsKeyword(t)) expected.remove(t);
    }
  }
  if (expected.contains(size_t{P::IDENT})) RemoveAll(expected, NameTokens());  // a name
  if (ContainsAll(expected, StatementOnlyStarts())) {
    RemoveAll(expected, StatementOnlyStarts());
    RemoveAll(expected, ExpressionStarts());
    items.push_back("a statement");
  } else if (expected.contains(size_t{P::INT}) && expected.contains(size_t{P::LBRACK})) {
    RemoveAll(expected, ExpressionStarts());
    items.push_back("an expression");
  }
  if (expected.contains(size_t{P::PLUS}) && expected.contains(size_t{P::DOT})) {
    RemoveAll(expected, Continuations());
    items.push_back("an operator");
  }
  // Inside a string, a line break or the end of the file are accepted only to be reported.
  if (expected.contains(size_t{P::STRING_CLOSE})) {
    expected.remove(size_t{P::STR_NEWLINE});
    expected.remove(antlr4::Token::EOF);
  }
  for (ssize_t t : expected.toList()) items.push_back(DescribeType(static_cast<size_t>(t), vocabulary));
  if (items.empty() || items.size() > kMaxExpectedItems) return "";
  std::string out = items[0];
  for (size_t i = 1; i < items.size(); ++i) {
    out += (i + 1 == items.size() ? " or " : ", ") + items[i];
  }
  return out;
}

void ReportingErrorStrategy::Report(antlr4::Parser* parser, antlr4::Token* found,
                                    const antlr4::misc::IntervalSet& expected, bool missing) {
  if (found == nullptr || found->getTokenIndex() == last_token_index_) return;
  last_token_index_ = found->getTokenIndex();
  const std::string want = DescribeExpected(expected, parser->getVocabulary());
  const std::string seen = DescribeToken(found);
  std::string message = want.empty() ? "unexpected " + seen : "expected " + want + ", found " + seen;
  SourceRange range = TokenRange(found);
  // Something missing at the end of a line is shown there, not at the next line's token.
  antlr4::Token* previous = parser->getTokenStream()->LT(-1);
  if (missing && previous != nullptr && previous->getLine() < found->getLine()) {
    range = EndOf(TokenRange(previous));
  }
  diags_.Add(diag::DiagnosticKind::kSyntaxError, range, std::move(message));
}

void ReportingErrorStrategy::reportNoViableAlternative(antlr4::Parser* parser,
                                                       const antlr4::NoViableAltException& e) {
  // The expected set belongs to the decision's first token; it describes the offending token
  // only when prediction failed right there.
  const bool at_start = e.getStartToken() == e.getOffendingToken();
  Report(parser, e.getOffendingToken(), at_start ? e.getExpectedTokens() : antlr4::misc::IntervalSet(),
         false);
}

void ReportingErrorStrategy::reportInputMismatch(antlr4::Parser* parser,
                                                 const antlr4::InputMismatchException& e) {
  Report(parser, e.getOffendingToken(), e.getExpectedTokens(), false);
}

void ReportingErrorStrategy::reportFailedPredicate(antlr4::Parser* parser,
                                                   const antlr4::FailedPredicateException& e) {
  Report(parser, e.getOffendingToken(), {}, false);
}

void ReportingErrorStrategy::reportUnwantedToken(antlr4::Parser* parser) {
  if (inErrorRecoveryMode(parser)) return;
  beginErrorCondition(parser);
  Report(parser, parser->getCurrentToken(), getExpectedTokens(parser), false);
}

void ReportingErrorStrategy::reportMissingToken(antlr4::Parser* parser) {
  if (inErrorRecoveryMode(parser)) return;
  beginErrorCondition(parser);
  Report(parser, parser->getCurrentToken(), getExpectedTokens(parser), true);
}

void ReportingErrorStrategy::sync(antlr4::Parser* parser) {
  if (dynamic_cast<P::ModuleContext*>(parser->getContext()) == nullptr) {
    DefaultErrorStrategy::sync(parser);
    return;
  }
  const antlr4::misc::IntervalSet expecting = parser->getExpectedTokens();
  if (expecting.contains(parser->getTokenStream()->LA(1))) return;
  if (!inErrorRecoveryMode(parser)) {
    beginErrorCondition(parser);
    antlr4::misc::IntervalSet declarations;
    declarations.add(P::KW_TASK);
    declarations.add(P::KW_WORKFLOW);
    Report(parser, parser->getCurrentToken(), declarations, false);
  }
  consumeUntil(parser, expecting);
}

}  // namespace weft::parser
