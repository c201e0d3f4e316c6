// Runs each tests/golden/run/*.wf on the real engine, with the script in its `//!` lines
// (script.h) played by the harness of harness.h (the only worker, signals, a virtual clock),
// and compares the transcript rendered from the executions' histories with the .out file.
// Every transition goes through the engine's writer and its store; ReopenedRunGolden runs
// each file again with the engine reopened at every step boundary and expects the same
// transcript, which proves that checkpoints lose nothing. A file that does not compile shows its diagnostics.
// WEFT_UPDATE_GOLDEN=1 rewrites the .out files (review each diff by eye).
#include <gtest/gtest.h>

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "compiler/compiler.h"
#include "tests/golden/golden.h"
#include "tests/golden/run/harness.h"
#include "tests/golden/run/script.h"

namespace weft::golden {
namespace {

std::string Transcript(const std::filesystem::path& wf, const RunOptions& options = {}) {
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
      out += RunOnEngine(wf.filename().string(), source, program.workflow_name, *script,
                         script->inputs[i], options);
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

// The equivalence test: the same file with the engine closed and the store opened again at
// every step boundary (harness.h, RunOptions) gives the same transcript, so every step
// resumes from the stored checkpoint and nothing was carried in memory. Compared with the
// .out file, which only RunGolden rewrites.
class ReopenedRunGolden : public ::testing::TestWithParam<std::filesystem::path> {};

TEST_P(ReopenedRunGolden, MatchesTheUninterruptedRun) {
  const std::filesystem::path& wf = GetParam();
  if (UpdateRequested()) GTEST_SKIP() << "RunGolden rewrites the .out files";
  const std::string reopened = Transcript(wf, RunOptions{.reopen_at_every_step = true});
  EXPECT_EQ(reopened, ReadFile(WithExtension(wf, ".out")));
}

INSTANTIATE_TEST_SUITE_P(Run, ReopenedRunGolden,
                         ::testing::ValuesIn(ListWfFiles("tests/golden/run")), TestNameFor);

}  // namespace
}  // namespace weft::golden
