// Internal to compiler/parser/: the ANTLR lexer and parser as we run them. The generated classes
// (namespace weftgen, from grammar/) are subclassed here for two safety properties the grammar
// cannot express: a stray `}` must not pop an empty lexer mode stack (which throws in the ANTLR
// runtime), and deeply nested input must not overflow the native stack.
#ifndef WEFT_COMPILER_PARSER_ANTLR_SUPPORT_H_
#define WEFT_COMPILER_PARSER_ANTLR_SUPPORT_H_

#include <cstdint>
#include <mutex>

#include "WeftLexer.h"
#include "WeftParser.h"
#include "antlr4-runtime.h"

namespace weft::parser {

using Lexer = weftgen::WeftLexer;
using P = weftgen::WeftParser;

// The generated lexer with a popMode that ignores an empty mode stack: a `}` with no `{` is then
// an ordinary RBRACE token and the parser reports it.
class GuardedLexer final : public weftgen::WeftLexer {
 public:
  using weftgen::WeftLexer::WeftLexer;
  size_t popMode() override;
};

// Thrown by GuardedParser when the parse recursion uses more native stack than allowed. It is
// caught in Parse() and becomes a NestingTooDeep diagnostic; it never leaves compiler/parser/.
struct NestingTooDeepError {
  antlr4::Token* token;  // where the parser was when it gave up
};

// The generated parser with a native stack budget checked on every rule entry.
// REQUIRES: stack_base is the address of a local in a frame that encloses the whole parse.
class GuardedParser final : public weftgen::WeftParser {
 public:
  GuardedParser(antlr4::TokenStream* input, uintptr_t stack_base)
      : weftgen::WeftParser(input), stack_base_(stack_base) {}

  void enterRule(antlr4::ParserRuleContext* ctx, size_t state, size_t rule) override;
  void enterRecursionRule(antlr4::ParserRuleContext* ctx, size_t state, size_t rule,
                          int precedence) override;

 private:
  void CheckStack();
  uintptr_t stack_base_;
};

// The generated recognisers share static DFA caches. The 4.9 runtime guards them, but parsing
// is rare (deploy time) and a crash in a workflow engine is expensive, so every use of the
// lexer or parser holds this mutex.
std::mutex& RecognizerMutex();

// The address of a local in the caller's frame: the base against which stack use is measured.
#define WEFT_STACK_MARKER() reinterpret_cast<uintptr_t>(__builtin_frame_address(0))

}  // namespace weft::parser

#endif  // WEFT_COMPILER_PARSER_ANTLR_SUPPORT_H_
