// Parse(): sanitise, lex, parse in two stages, transform. The first stage uses ANTLR's fast SLL
// prediction and gives up at the first syntax error; only then is the input parsed again with
// full LL prediction and error recovery, which reports every error. Valid files, the common
// case, pay only for the fast stage. ANTLR's shared prediction caches are bounded
// (BoundCaches; parser.h).
#include "compiler/parser/parser.h"

#include <atomic>
#include <exception>
#include <mutex>

#include "compiler/parser/antlr_support.h"
#include "compiler/parser/grammar_hash.h"
#include "compiler/parser/source_ranges.h"
#include "compiler/parser/syntax_errors.h"
#include "compiler/parser/transformer.h"
#include "compiler/parser/utf8.h"

namespace weft::parser {
namespace {

using diag::DiagnosticKind;

// Lexer errors should be impossible (ERROR_CHAR matches any character); kept as a safety net.
class LexerErrorListener final : public antlr4::BaseErrorListener {
 public:
  explicit LexerErrorListener(diag::DiagnosticList& diags) : diags_(diags) {}
  void syntaxError(antlr4::Recognizer*, antlr4::Token*, size_t line, size_t column,
                   const std::string&, std::exception_ptr) override {
    const auto l = static_cast<uint32_t>(line), c = static_cast<uint32_t>(column) + 1;
    diags_.Add(DiagnosticKind::kUnexpectedCharacter, {l, c, l, c + 1}, "unexpected character");
  }

 private:
  diag::DiagnosticList& diags_;
};

SourceRange RangeAtOffset(std::string_view text, size_t offset) {
  uint32_t line = 1, column = 1;
  for (size_t i = 0; i < offset && i < text.size(); ++i) {
    const auto b = static_cast<unsigned char>(text[i]);
    if (b == '\n') {
      ++line;
      column = 1;
    } else if ((b & 0xC0) != 0x80) {
      ++column;
    }
  }
  return {line, column, line, column + 1};
}

std::string ShowCharacters(const std::string& text) {
  if (text.size() == 1 && static_cast<unsigned char>(text[0]) < 0x20) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "U+%04X", static_cast<unsigned>(text[0]));
    return buf;
  }
  return "`" + text + "`";
}

// Tokens on the ERRORS channel: one diagnostic per run of adjacent stray characters, one per
// unterminated comment.
void ReportLexicalErrors(const std::vector<antlr4::Token*>& tokens, bool had_invalid_utf8,
                         diag::DiagnosticList& diags) {
  for (size_t i = 0; i < tokens.size(); ++i) {
    antlr4::Token* t = tokens[i];
    if (t->getChannel() != Lexer::ERRORS) continue;
    if (t->getType() == Lexer::UNTERMINATED_COMMENT) {
      const SourceRange start = TokenRange(t);
      diags.Add(DiagnosticKind::kUnterminatedComment,
                {start.line, start.column, start.line, start.column + 2},
                "block comment is not closed before the end of the file")
          .hints.push_back("add `*/` where the comment ends");
      continue;
    }
    std::string text = t->getText();
    SourceRange range = TokenRange(t);
    while (i + 1 < tokens.size() && tokens[i + 1]->getType() == Lexer::ERROR_CHAR &&
           tokens[i + 1]->getStartIndex() == tokens[i]->getStopIndex() + 1 &&
           tokens[i + 1]->getText() != "\n") {
      text += tokens[++i]->getText();
      range = Span(range, TokenRange(tokens[i]));
    }
    if (had_invalid_utf8 && text.find("\xEF\xBF\xBD") != std::string::npos) continue;
    diags.Add(DiagnosticKind::kUnexpectedCharacter, range,
              "unexpected " + std::string(text.size() == 1 ? "character " : "characters ") +
                  ShowCharacters(text));
  }
}

bool IsOpening(size_t type) {
  return type == P::LBRACE || type == P::LPAREN || type == P::LBRACK || type == P::STR_INTERP;
}

bool IsClosing(size_t type) {
  return type == P::RBRACE || type == P::RPAREN || type == P::RBRACK;
}

bool IsPrefixOperator(size_t type) {
  return type == P::MINUS || type == P::BANG || type == P::KW_NOT;
}

// Rejects nesting deeper than the transformer accepts before parsing starts: ANTLR's own work
// per rule grows with the depth of the rule stack, so very deep input would be slow before it
// overflowed anything. Brackets and runs of prefix operators are what nest without bound.
// The stack guard in GuardedParser still covers the rest (long `??` or `else if` chains).
bool RejectDeepNesting(const std::vector<antlr4::Token*>& tokens, diag::DiagnosticList& diags) {
  int depth = 0, prefix_run = 0;
  for (antlr4::Token* t : tokens) {
    if (t->getChannel() != antlr4::Token::DEFAULT_CHANNEL) continue;
    const size_t type = t->getType();
    if (IsOpening(type)) ++depth;
    if (IsClosing(type) && depth > 0) --depth;
    prefix_run = IsPrefixOperator(type) ? prefix_run + 1 : 0;
    if (depth > Transformer::kMaxDepth || prefix_run > Transformer::kMaxDepth) {
      diags.Add(DiagnosticKind::kNestingTooDeep, TokenRange(t),
                "nesting is too deep: more than " + std::to_string(Transformer::kMaxDepth) +
                    (depth > Transformer::kMaxDepth ? " levels of brackets"
                                                    : " prefix operators in a row"))
          .hints.push_back("split the expression or move inner parts into variables");
      return true;
    }
  }
  return false;
}

std::atomic<size_t> cache_limit{kDefaultPredictionCacheLimit};
uint64_t cache_clears = 0;  // under RecognizerMutex

size_t StatesOf(std::vector<antlr4::dfa::DFA>& dfas) {
  size_t n = 0;
  for (antlr4::dfa::DFA& dfa : dfas) n += dfa.states.size();
  return n;
}

// The caches' sizes, read through a lexer and a parser (the caches are static: any instance
// reaches them). REQUIRES: RecognizerMutex held.
PredictionCacheStats MeasureCaches(GuardedLexer& lexer, GuardedParser& parser) {
  auto* sim = parser.getInterpreter<antlr4::atn::ParserATNSimulator>();
  PredictionCacheStats s;
  auto* lexer_sim = lexer.getInterpreter<antlr4::atn::LexerATNSimulator>();
  s.dfa_states = StatesOf(sim->decisionToDFA);
  for (size_t mode = 0; mode < lexer.getATN().modeToStartState.size(); ++mode) {
    s.dfa_states += lexer_sim->getDFA(mode).states.size();
  }
  s.contexts = sim->getSharedContextCache().size();
  s.clears = cache_clears;
  return s;
}

// Clears the caches past the limit. REQUIRES: RecognizerMutex held, no parse under way.
void BoundCaches(GuardedLexer& lexer, GuardedParser& parser) {
  if (MeasureCaches(lexer, parser).dfa_states <= cache_limit.load()) return;
  auto* sim = parser.getInterpreter<antlr4::atn::ParserATNSimulator>();
  sim->clearDFA();
  sim->getSharedContextCache().clear();
  lexer.getInterpreter<antlr4::atn::LexerATNSimulator>()->clearDFA();
  ++cache_clears;
}

P::ModuleContext* ParseTwoStage(GuardedParser& parser, diag::DiagnosticList& diags) {
  auto* sim = parser.getInterpreter<antlr4::atn::ParserATNSimulator>();
  parser.removeErrorListeners();
  parser.setErrorHandler(std::make_shared<antlr4::BailErrorStrategy>());
  sim->setPredictionMode(antlr4::atn::PredictionMode::SLL);
  try {
    return parser.module();
  } catch (const antlr4::ParseCancellationException&) {
    // A syntax error, or an input SLL cannot decide: parse again, reporting.
  }
  parser.reset();
  parser.setErrorHandler(std::make_shared<ReportingErrorStrategy>(diags));
  sim->setPredictionMode(antlr4::atn::PredictionMode::LL);
  return parser.module();
}

std::unique_ptr<ast::Module> ParseLocked(std::string_view path, std::string_view source,
                                         diag::DiagnosticList& diags) {
  const SanitizedSource clean = SanitizeUtf8(source);
  if (clean.had_invalid) {
    char byte[8];
    std::snprintf(byte, sizeof byte, "0x%02X", clean.first_invalid_byte);
    diags.Add(DiagnosticKind::kInvalidUtf8, RangeAtOffset(clean.text, clean.first_invalid),
              "the file is not valid UTF-8: unexpected byte " + std::string(byte))
        .hints.push_back("save the file as UTF-8");
  }
  antlr4::ANTLRInputStream input(clean.text);
  GuardedLexer lexer(&input);
  LexerErrorListener lexer_errors(diags);
  lexer.removeErrorListeners();
  lexer.addErrorListener(&lexer_errors);
  antlr4::CommonTokenStream tokens(&lexer);
  tokens.fill();
  ReportLexicalErrors(tokens.getTokens(), clean.had_invalid, diags);
  auto module = std::make_unique<ast::Module>();
  module->path = std::string(path);
  if (RejectDeepNesting(tokens.getTokens(), diags)) return module;

  GuardedParser parser(&tokens, WEFT_STACK_MARKER());
  P::ModuleContext* tree = nullptr;
  try {
    tree = ParseTwoStage(parser, diags);
  } catch (const NestingTooDeepError& e) {
    diags.Add(DiagnosticKind::kNestingTooDeep, TokenRange(e.token),
              "nesting is too deep to parse")
        .hints.push_back("split the expression or move inner parts into variables");
    return module;
  }
  Transformer transformer(diags);
  std::unique_ptr<ast::Module> out = transformer.TransformModule(tree, path);
  BoundCaches(lexer, parser);
  return out;
}

}  // namespace

std::unique_ptr<ast::Module> Parse(std::string_view path, std::string_view source,
                                   diag::DiagnosticList& diags) {
  std::lock_guard<std::mutex> lock(RecognizerMutex());
  try {
    return ParseLocked(path, source, diags);
  } catch (const std::exception& e) {
    // A bug in the parser or the ANTLR runtime; report it rather than crash the host.
    diags.Add(DiagnosticKind::kSyntaxError, {}, std::string("internal parser error: ") + e.what());
  } catch (...) {
    diags.Add(DiagnosticKind::kSyntaxError, {}, "internal parser error");
  }
  auto module = std::make_unique<ast::Module>();
  module->path = std::string(path);
  return module;
}

std::string_view GrammarHash() { return WEFT_GRAMMAR_SHA256; }

PredictionCacheStats GetPredictionCacheStats() {
  std::lock_guard<std::mutex> lock(RecognizerMutex());
  antlr4::ANTLRInputStream input("");
  GuardedLexer lexer(&input);
  antlr4::CommonTokenStream tokens(&lexer);
  GuardedParser parser(&tokens, WEFT_STACK_MARKER());
  return MeasureCaches(lexer, parser);
}

void SetPredictionCacheLimit(size_t dfa_states) { cache_limit.store(dfa_states); }

}  // namespace weft::parser
