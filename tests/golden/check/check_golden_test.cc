// The checker's golden tests. For each tests/golden/check/X.wf:
//   X.wf       -> X.checked (compiler::DumpChecked: the AST with resolutions, slots and
//                 num_locals); the file must compile cleanly.
//   fail_X.wf  -> fail_X.diag (the rendered diagnostics of the whole compile); the file must
//                 have errors, and only semantic ones (E01xx-E03xx): a syntax error in a
//                 checker test is a broken test.
// WEFT_UPDATE_GOLDEN=1 rewrites the expected files.
#include <gtest/gtest.h>

#include "compiler/compiler.h"
#include "compiler/diag/diagnostic.h"
#include "tests/golden/golden.h"

namespace weft {
namespace {

using golden::MatchesGolden;
using golden::WithExtension;

class CheckGolden : public ::testing::TestWithParam<std::filesystem::path> {};

TEST_P(CheckGolden, MatchesExpected) {
  const std::filesystem::path& wf = GetParam();
  const std::string source = golden::ReadFile(wf);
  const std::string name = wf.filename().string();
  const compiler::CompileOutput out = compiler::Compile(name, source);
  const std::string rendered = diag::RenderAll(out.diagnostics, name, source);
  if (golden::IsFailCase(wf)) {
    // Errors, or warnings for the kinds that are warnings (E0108).
    EXPECT_FALSE(out.diagnostics.all().empty()) << name << " is a fail_ case but compiles cleanly";
    for (const diag::Diagnostic& d : out.diagnostics.all()) {
      EXPECT_NE(diag::InfoOf(d.kind).code.substr(0, 3), "E00")
          << name << ":" << d.range.line << ": a syntax error in a checker test: " << d.message;
    }
    EXPECT_TRUE(MatchesGolden(rendered, WithExtension(wf, ".diag")));
    return;
  }
  EXPECT_FALSE(out.diagnostics.has_errors()) << rendered;
  EXPECT_TRUE(MatchesGolden(compiler::DumpChecked(name, source), WithExtension(wf, ".checked")));
}

INSTANTIATE_TEST_SUITE_P(Check, CheckGolden,
                         ::testing::ValuesIn(golden::ListWfFiles("tests/golden/check")),
                         golden::TestNameFor);

}  // namespace
}  // namespace weft
