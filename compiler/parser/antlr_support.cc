// The guarded lexer and parser (see antlr_support.h).
#include "compiler/parser/antlr_support.h"

namespace weft::parser {
namespace {

// Generous for real programs (thousands of nesting levels in release builds), and far below
// the smallest thread stack we run on (glibc's default is 8 MiB; we assume at least 2 MiB).
constexpr uintptr_t kMaxParserStackBytes = 1024 * 1024;

}  // namespace

std::mutex& RecognizerMutex() {
  static std::mutex mu;
  return mu;
}

size_t GuardedLexer::popMode() {
  if (modeStack.empty()) return mode;
  return weftgen::WeftLexer::popMode();
}

void GuardedParser::CheckStack() {
  const uintptr_t here = WEFT_STACK_MARKER();
  if (here < stack_base_ && stack_base_ - here > kMaxParserStackBytes) {
    throw NestingTooDeepError{getCurrentToken()};
  }
}

void GuardedParser::enterRule(antlr4::ParserRuleContext* ctx, size_t state, size_t rule) {
  CheckStack();
  weftgen::WeftParser::enterRule(ctx, state, rule);
}

void GuardedParser::enterRecursionRule(antlr4::ParserRuleContext* ctx, size_t state,
                                       size_t rule, int precedence) {
  CheckStack();
  weftgen::WeftParser::enterRecursionRule(ctx, state, rule, precedence);
}

}  // namespace weft::parser
