// ANTLR's prediction caches stay bounded (compiler/parser/parser.h, PredictionCacheStats): a
// stream of different hostile sources, as a long-lived `weft serve` could be sent, grows the
// shared DFA only up to the limit, where the caches are cleared; and a parse after a clear
// gives exactly what it gave before.
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "compiler/ast/ast_dump.h"
#include "compiler/parser/parser.h"

namespace weft::parser {
namespace {

constexpr char kProgram[] =
    "task charge, ship\n"
    "workflow order(id: string, amount: int = 3) {\n"
    "  let paid = charge(id: id, amount: amount * 2 + 1)\n"
    "  if paid.ok and amount > 2 { ship(id: id) } else { fail \"unpaid ${id}\" }\n"
    "  for i in [1, 2, 3] { while amount > 0 { amount = amount - 1 } }\n"
    "  return { id: id, paid: paid?.receipt ?? null, items: [1.5, 250ms, true] }\n"
    "}\n";

// Words of the language, glued at random: each source is new to the DFA.
const char* const kWords[] = {"workflow", "task",  "let",    "var",    "if",     "else",    "for",
                              "in",       "while", "return", "switch", "case",   "default", "=>",
                              "parallel", "try",   "catch",  "await",  "signal", "(",       ")",
                              "{",        "}",     "[",      "]",      ",",      ":",       "=",
                              "==",       "+",     "*",      "?.",     "??",     "and",     "not",
                              "x",        "y",     "f",      "1",      "2.5",    "\"s\"",   "\"a ${x} b\"",
                              "null",     "true",  "250ms",  "\n"};

std::string RandomSource(std::mt19937& rng) {
  std::string out;
  const size_t n = 20 + rng() % 120;
  for (size_t i = 0; i < n; ++i) {
    out += kWords[rng() % (sizeof kWords / sizeof kWords[0])];
    out += ' ';
  }
  return out;
}

std::string ParseAndDump(const std::string& source) {
  diag::DiagnosticList diags;
  std::unique_ptr<ast::Module> module = Parse("t.wf", source, diags);
  std::string out = ast::DumpAst(*module);
  for (const diag::Diagnostic& d : diags.all()) out += "\n" + d.message;
  return out;
}

TEST(PredictionCacheTest, HostileSourcesGrowTheCachesOnlyUpToTheLimit) {
  // These sources alone build about 1,000 states (the fuzz corpus, 5,000 files: 16,500).
  constexpr size_t kLimit = 500;
  SetPredictionCacheLimit(kLimit);
  std::mt19937 rng(20261204);
  const uint64_t clears_before = GetPredictionCacheStats().clears;
  size_t most = 0;
  for (int i = 0; i < 1500; ++i) {
    ParseAndDump(RandomSource(rng));
    const PredictionCacheStats s = GetPredictionCacheStats();
    ASSERT_LE(s.dfa_states, kLimit) << "after source " << i;
    most = std::max(most, s.dfa_states);
  }
  EXPECT_GT(GetPredictionCacheStats().clears, clears_before) << "the inputs never reached the limit";
  EXPECT_GT(most, kLimit / 2);
  SetPredictionCacheLimit(kDefaultPredictionCacheLimit);
}

TEST(PredictionCacheTest, AParseAfterAClearGivesWhatItGaveBefore) {
  const std::string before = ParseAndDump(kProgram);
  const std::string broken = std::string(kProgram).substr(0, 90) + "} ]] (";
  const std::string broken_before = ParseAndDump(broken);
  const uint64_t clears = GetPredictionCacheStats().clears;
  SetPredictionCacheLimit(0);  // the next parse clears the caches when it is done
  ParseAndDump("workflow w() { return 1 }");
  SetPredictionCacheLimit(kDefaultPredictionCacheLimit);
  EXPECT_EQ(GetPredictionCacheStats().clears, clears + 1);
  EXPECT_EQ(GetPredictionCacheStats().dfa_states, 0u);
  EXPECT_EQ(GetPredictionCacheStats().contexts, 0u);
  EXPECT_EQ(ParseAndDump(kProgram), before);
  EXPECT_EQ(ParseAndDump(broken), broken_before);
  EXPECT_GT(GetPredictionCacheStats().dfa_states, 0u);
}

}  // namespace
}  // namespace weft::parser
