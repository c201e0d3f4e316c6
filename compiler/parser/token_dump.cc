// DumpTokens(): the tokens phase dump pinned by tests/golden/parse/*.tokens.
#include <mutex>

#include "compiler/ast/ast_dump.h"
#include "compiler/parser/antlr_support.h"
#include "compiler/parser/parser.h"
#include "compiler/parser/utf8.h"

namespace weft::parser {
namespace {

std::string DumpTokensLocked(std::string_view source) {
  const SanitizedSource clean = SanitizeUtf8(source);
  antlr4::ANTLRInputStream input(clean.text);
  GuardedLexer lexer(&input);
  lexer.removeErrorListeners();
  antlr4::CommonTokenStream tokens(&lexer);
  tokens.fill();
  std::string out;
  for (antlr4::Token* t : tokens.getTokens()) {
    out += std::to_string(t->getLine()) + ":" + std::to_string(t->getCharPositionInLine() + 1);
    if (t->getType() == antlr4::Token::EOF) {
      out += " EOF\n";
      break;
    }
    out += " " + std::string(lexer.getVocabulary().getSymbolicName(t->getType())) + " " +
           ast::QuoteForDump(t->getText());
    if (t->getChannel() == Lexer::ERRORS) out += " (errors)";
    out += "\n";
  }
  return out;
}

}  // namespace

std::string DumpTokens(std::string_view source) {
  std::lock_guard<std::mutex> lock(RecognizerMutex());
  try {
    return DumpTokensLocked(source);
  } catch (const std::exception& e) {  // a bug in the lexer; never let it escape
    return std::string("internal lexer error: ") + e.what() + "\n";
  }
}

}  // namespace weft::parser
