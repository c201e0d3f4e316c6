// Runs each tests/golden/run/*.wf through the compiler and the VM with its scripted task
// results, and compares the transcript with the .out file. At every suspension the VM state is
// checkpointed and resumed from the decoded bytes, so every run also proves the checkpoint
// round trip. WEFT_UPDATE_GOLDEN=1 rewrites the .out files.
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "compiler/compiler.h"
#include "tests/golden/golden.h"
#include "tests/golden/run/script.h"
#include "vm/checkpoint.h"
#include "vm/vm.h"

namespace weft::golden {
namespace {

constexpr int kMaxSuspensions = 10000;

// One execution: the transcript lines of its task calls and its end.
std::string RunOnce(const bytecode::Program& program, const Script& script, const Value& input) {
  std::string out;
  absl::StatusOr<std::vector<Value>> args = vm::BindInput(program, input);
  if (!args.ok()) return absl::StrCat("input rejected: ", args.status().message(), "\n");
  vm::ExecState state = vm::NewExecState(program, *std::move(args), /*seed=*/42);
  vm::RunContext ctx;
  ctx.now_ms = script.now_ms;
  vm::RunResult r = vm::Run(program, state, ctx);
  std::map<std::string, size_t> used;
  for (int i = 0; r.status == vm::RunStatus::kSuspended; ++i) {
    if (i == kMaxSuspensions) return out + "too many task calls\n";
    const std::string& type = program.tasks[r.task_index].name;
    absl::StrAppend(&out, "task ", type, " ", r.task_input.ToJson(), "\n");
    // Continue from the checkpoint's bytes, as the engine does after every transition.
    absl::StatusOr<vm::ExecState> restored = vm::DecodeCheckpoint(vm::EncodeCheckpoint(state));
    if (!restored.ok()) return absl::StrCat(out, "checkpoint error: ", restored.status().message(), "\n");
    state = *std::move(restored);
    auto it = script.results.find(type);
    if (it == script.results.end() || it->second.empty()) {
      return absl::StrCat(out, "script has no result for task ", type, "\n");
    }
    const ScriptedResult& result = it->second[std::min(used[type]++, it->second.size() - 1)];
    if (result.ok) {
      absl::StrAppend(&out, "  => ", result.value.ToJson(), "\n");
      r = vm::ResumeWithTaskOutput(program, state, result.value, ctx);
    } else {
      absl::StrAppend(&out, "  !> ", result.reason, "\n");
      // The engine's shape, with the ids this run would get: the i-th task call, first attempt.
      Value error = vm::MakeTaskFailure(type, absl::StrCat("task-", i + 1), /*attempt=*/1,
                                        result.reason, Value());
      r = vm::ResumeWithTaskFailure(program, state, error, ctx);
    }
  }
  if (r.status == vm::RunStatus::kCompleted) return absl::StrCat(out, "COMPLETED ", r.output.ToJson(), "\n");
  return absl::StrCat(out, "FAILED ", r.error.ToJson(), "\n");
}

std::string Transcript(const std::filesystem::path& wf) {
  const std::string source = ReadFile(wf);
  absl::StatusOr<Script> script = ParseScript(source);
  if (!script.ok()) return absl::StrCat("bad script: ", script.status().message(), "\n");
  compiler::CompileOutput compiled = compiler::Compile(wf.filename().string(), source);
  if (!compiled.ok()) return diag::RenderAll(compiled.diagnostics, wf.filename().string(), source);
  std::string out;
  for (const bytecode::Program& program : compiled.workflows) {
    for (size_t i = 0; i < script->inputs.size(); ++i) {
      absl::StrAppend(&out, "--- ", program.workflow_name, " ", script->inputs[i].ToJson(), "\n");
      out += RunOnce(program, *script, script->inputs[i]);
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
