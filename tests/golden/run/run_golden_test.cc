// Runs each tests/golden/run/*.wf through the compiler and the VM, with the script in its
// `//!` lines (script.h) played by the in-process engine of runner.h (tasks, signals, timers
// on a virtual clock, child workflows), and compares the transcript with the .out file. Every
// transition starts from a checkpoint round trip, so every run also proves that checkpoints
// lose nothing. WEFT_UPDATE_GOLDEN=1 rewrites the .out files (review each diff by eye).
#include <gtest/gtest.h>

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "compiler/compiler.h"
#include "tests/golden/golden.h"
#include "tests/golden/run/runner.h"
#include "tests/golden/run/script.h"

namespace weft::golden {
namespace {

std::string Transcript(const std::filesystem::path& wf) {
  const std::string source = ReadFile(wf);
  absl::StatusOr<Script> script = ParseScript(source);
  if (!script.ok()) return absl::StrCat("bad script: ", script.status().message(), "\n");
  compiler::CompileOutput compiled = compiler::Compile(wf.filename().string(), source);
  if (!compiled.ok()) return diag::RenderAll(compiled.diagnostics, wf.filename().string(), source);
  std::string out;
  for (const std::string& name : script->run) {
    if (std::none_of(compiled.workflows.begin(), compiled.workflows.end(),
                     [&](const bytecode::Program& p) { return p.workflow_name == name; })) {
      absl::StrAppend(&out, "bad script: no workflow `", name, "` to run\n");
    }
  }
  for (const bytecode::Program& program : compiled.workflows) {
    if (!script->run.empty() && std::find(script->run.begin(), script->run.end(),
                                          program.workflow_name) == script->run.end()) {
      continue;
    }
    for (size_t i = 0; i < script->inputs.size(); ++i) {
      absl::StrAppend(&out, "--- ", program.workflow_name, " ", script->inputs[i].ToJson(), "\n");
      out += RunWorkflow(compiled.workflows, program, *script, script->inputs[i]);
    }
  }
  return out;
}

class RunGolden : public ::testing::TestWithParam<std::filesystem::path> {};

TEST_P(RunGolden, Matches) {
  const std::filesystem::path& wf = GetParam();
  EXPECT_TRUE(MatchesGolden(Transcript(wf), WithExtension(wf, ".out")));
}

INSTANTIATE_TEST_SUITE_P(Run, RunGolden, ::testing::ValuesIn(ListWfFiles("tests/golden/run")),
                         TestNameFor);

}  // namespace
}  // namespace weft::golden
