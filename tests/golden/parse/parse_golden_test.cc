// The parse phase's golden tests. For each tests/golden/parse/X.wf:
//   X.wf       -> X.tokens (DumpTokens) and X.ast (DumpAst); the file must parse cleanly.
//   fail_X.wf  -> fail_X.diag (the rendered syntax diagnostics); the file must have errors.
// WEFT_UPDATE_GOLDEN=1 rewrites the expected files.
#include <gtest/gtest.h>

#include "compiler/ast/ast_dump.h"
#include "compiler/diag/diagnostic.h"
#include "compiler/parser/parser.h"
#include "tests/golden/golden.h"

namespace weft {
namespace {

using golden::MatchesGolden;
using golden::WithExtension;

class ParseGolden : public ::testing::TestWithParam<std::filesystem::path> {};

TEST_P(ParseGolden, MatchesExpected) {
  const std::filesystem::path& wf = GetParam();
  const std::string source = golden::ReadFile(wf);
  const std::string name = wf.filename().string();
  diag::DiagnosticList diags;
  const std::unique_ptr<ast::Module> module = parser::Parse(name, source, diags);
  ASSERT_NE(module, nullptr);
  diags.SortByPosition();
  const std::string rendered = diag::RenderAll(diags, name, source);
  if (golden::IsFailCase(wf)) {
    EXPECT_TRUE(diags.has_errors()) << name << " is a fail_ case but parses cleanly";
    EXPECT_TRUE(MatchesGolden(rendered, WithExtension(wf, ".diag")));
    return;
  }
  EXPECT_FALSE(diags.has_errors()) << rendered;
  EXPECT_TRUE(MatchesGolden(parser::DumpTokens(source), WithExtension(wf, ".tokens")));
  EXPECT_TRUE(MatchesGolden(ast::DumpAst(*module), WithExtension(wf, ".ast")));
}

INSTANTIATE_TEST_SUITE_P(Parse, ParseGolden,
                         ::testing::ValuesIn(golden::ListWfFiles("tests/golden/parse")),
                         golden::TestNameFor);

}  // namespace
}  // namespace weft
