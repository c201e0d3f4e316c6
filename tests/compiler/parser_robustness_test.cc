// Robustness: Parse must never crash, hang or throw on arbitrary input. Valid programs are
// mutated at random (bytes deleted, duplicated, replaced by grammar-significant characters or
// random bytes; spans shuffled) with a fixed seed, and every result is parsed and dumped.
#include <gtest/gtest.h>

#include <random>

#include "compiler/ast/ast_dump.h"
#include "compiler/parser/parser.h"

namespace weft::parser {
namespace {

const char* const kSeeds[] = {
    "task a, b\nworkflow w(x: string, y = 3, z: list = [1, {k: 2s}],) {\n"
    "  let v = a(p: x ?? \"d ${y + 1} e\")\n  var q\n  if v.ok and not y < 2 { q = 1 }\n"
    "  else if y == 3 { q = 2 } else { q = -3 }\n"
    "  for i in z { while q > 0 { q = q - 1; if q == 5 { break } continue } }\n"
    "  let s = switch x { case \"a\", \"b\" => b(n: 1) default => fail \"bad ${x}\" }\n"
    "  switch y { case 1 => { return s } default => fail \"no\" }\n"
    "  return { out: s?.field?.[0], \"k k\": [1.5, 2e3, 250ms, null, true] }\n}\n",
    "workflow w() { let s = \"a ${x ?? \"none\"} b \\u{1F600} \\$ \\n\" /* c */ // d\n }",
    "if a = b { x += 1 } elif a < b < c { } else return 'x'\nfunction f(a = 1) { f(a, b: 2) }",
};

const char kSignificant[] = "{}[]()\"'$\\;:,.?=<>!&|+-*/%@#\n\t 0a_";

std::string Mutate(std::string text, std::mt19937& rng) {
  std::uniform_int_distribution<int> op(0, 5);
  const int edits = 1 + static_cast<int>(rng() % 8);
  for (int e = 0; e < edits && !text.empty(); ++e) {
    const size_t at = rng() % text.size();
    switch (op(rng)) {
      case 0: text.erase(at, 1 + rng() % 4); break;
      case 1: text.insert(at, 1, kSignificant[rng() % (sizeof kSignificant - 1)]); break;
      case 2: text[at] = static_cast<char>(rng() % 256); break;
      case 3: text.insert(at, text.substr(rng() % text.size(), rng() % 16)); break;
      case 4: text = text.substr(at) + text.substr(0, at); break;
      default: text.insert(at, std::string(1 + rng() % 40, kSignificant[rng() % 6])); break;
    }
  }
  return text;
}

TEST(ParserRobustness, MutatedProgramsNeverCrash) {
  std::mt19937 rng(20261126);
  size_t with_errors = 0;
  constexpr int kRuns = 3000;
  for (int i = 0; i < kRuns; ++i) {
    const std::string text = Mutate(kSeeds[i % std::size(kSeeds)], rng);
    diag::DiagnosticList diags;
    std::unique_ptr<ast::Module> module = Parse("fuzz.wf", text, diags);
    ASSERT_NE(module, nullptr);
    ast::DumpAst(*module, true);
    diag::RenderAll(diags, "fuzz.wf", text);
    DumpTokens(text);
    for (const diag::Diagnostic& d : diags.all()) {
      ASSERT_EQ(d.message.find("internal parser error"), std::string::npos) << text;
    }
    with_errors += diags.has_errors();
  }
  EXPECT_GT(with_errors, static_cast<size_t>(kRuns / 2));  // the mutations do break things
}

TEST(ParserRobustness, RandomBytesNeverCrash) {
  std::mt19937 rng(7);
  for (int i = 0; i < 500; ++i) {
    std::string text(rng() % 300, '\0');
    for (char& c : text) c = kSignificant[rng() % (sizeof kSignificant - 1)];
    if (i % 2 == 0) {
      for (size_t k = 0; k < text.size(); k += 7) text[k] = static_cast<char>(rng() % 256);
    }
    diag::DiagnosticList diags;
    ASSERT_NE(Parse("random.wf", text, diags), nullptr);
    diag::RenderAll(diags, "random.wf", text);
  }
}

}  // namespace
}  // namespace weft::parser
