// The code generator's golden tests. For each tests/golden/disasm/X.wf, every workflow in it is
// compiled, must pass the bytecode verifier, and its disassembly (bytecode::Disassemble, one
// workflow after another, separated by a blank line) is compared with X.disasm. The files pin
// the lowering of every statement and expression form, and the opcode numbers through the
// disassembler's output. WEFT_UPDATE_GOLDEN=1 rewrites the expected files.
#include <gtest/gtest.h>

#include "bytecode/disasm.h"
#include "bytecode/verifier.h"
#include "compiler/compiler.h"
#include "compiler/diag/diagnostic.h"
#include "tests/golden/golden.h"

namespace weft {
namespace {

class DisasmGolden : public ::testing::TestWithParam<std::filesystem::path> {};

TEST_P(DisasmGolden, MatchesExpected) {
  const std::filesystem::path& wf = GetParam();
  const std::string source = golden::ReadFile(wf);
  const std::string name = wf.filename().string();
  const compiler::CompileOutput out = compiler::Compile(name, source);
  ASSERT_TRUE(out.ok()) << diag::RenderAll(out.diagnostics, name, source);
  ASSERT_FALSE(out.workflows.empty()) << name << " has no workflow";
  std::string text;
  for (const bytecode::Program& program : out.workflows) {
    const absl::Status verified = bytecode::VerifyProgram(program);
    EXPECT_TRUE(verified.ok()) << program.workflow_name << ": " << verified;
    if (!text.empty()) text += "\n";
    text += bytecode::Disassemble(program);
  }
  EXPECT_TRUE(golden::MatchesGolden(text, golden::WithExtension(wf, ".disasm")));
}

INSTANTIATE_TEST_SUITE_P(Disasm, DisasmGolden,
                         ::testing::ValuesIn(golden::ListWfFiles("tests/golden/disasm")),
                         golden::TestNameFor);

}  // namespace
}  // namespace weft
