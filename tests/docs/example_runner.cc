// See example_runner.h. The execution loop mirrors tests/golden/run/run_golden_test.cc.
#include "tests/docs/example_runner.h"

#include <algorithm>
#include <map>

#include "absl/strings/str_cat.h"
#include "compiler/diag/diagnostic.h"
#include "tests/golden/run/script.h"
#include "vm/checkpoint.h"
#include "vm/vm.h"

namespace weft::docs {
namespace {

constexpr int kMaxSuspensions = 10000;

// Resumes `state` with the scripted result of the task it waits on; false when there is none.
bool Resume(const bytecode::Program& program, const golden::Script& script,
            std::map<std::string, size_t>& used, vm::ExecState& state, vm::RunResult& r,
            const vm::RunContext& ctx, std::string& out) {
  const std::string& type = program.tasks[r.task_index].name;
  absl::StrAppend(&out, "task ", type, " ", r.task_input.ToJson(), "\n");
  absl::StatusOr<vm::ExecState> restored = vm::DecodeCheckpoint(vm::EncodeCheckpoint(state));
  if (!restored.ok()) {
    absl::StrAppend(&out, "checkpoint error: ", restored.status().message(), "\n");
    return false;
  }
  state = *std::move(restored);
  auto it = script.results.find(type);
  if (it == script.results.end() || it->second.empty()) {
    absl::StrAppend(&out, "script has no result for task ", type, "\n");
    return false;
  }
  const golden::ScriptedResult& result = it->second[std::min(used[type]++, it->second.size() - 1)];
  if (!result.ok) {
    // The engine's error object for a failed task holds a task id a page cannot pin; the
    // docs show a real one captured from the CLI instead.
    absl::StrAppend(&out, "scripted task failures (!>) are not supported in docs examples\n");
    return false;
  }
  absl::StrAppend(&out, "  => ", result.value.ToJson(), "\n");
  r = vm::ResumeWithTaskOutput(program, state, result.value, ctx);
  return true;
}

std::string RunOnce(const bytecode::Program& program, const golden::Script& script,
                    const Value& input) {
  absl::StatusOr<std::vector<Value>> args = vm::BindInput(program, input);
  if (!args.ok()) return absl::StrCat("input rejected: ", args.status().message(), "\n");
  vm::ExecState state = vm::NewExecState(program, *std::move(args), /*seed=*/42);
  vm::RunContext ctx;
  ctx.now_ms = script.now_ms;
  vm::RunResult r = vm::Run(program, state, ctx);
  std::map<std::string, size_t> used;
  std::string out;
  for (int i = 0; r.status == vm::RunStatus::kSuspended; ++i) {
    if (i == kMaxSuspensions) return out + "too many task calls\n";
    if (!Resume(program, script, used, state, r, ctx, out)) return out;
  }
  if (r.status == vm::RunStatus::kCompleted) {
    return absl::StrCat(out, "COMPLETED ", r.output.ToJson(), "\n");
  }
  return absl::StrCat(out, "FAILED ", r.error.ToJson(), "\n");
}

}  // namespace

compiler::CompileOutput CompileExample(const std::string& source) {
  return compiler::Compile(kExampleFile, source);
}

std::string RenderDiagnostics(const compiler::CompileOutput& out, const std::string& source) {
  return diag::RenderAll(out.diagnostics, kExampleFile, source);
}

std::string RunTranscript(const compiler::CompileOutput& out, const std::string& script_text) {
  absl::StatusOr<golden::Script> script = golden::ParseScript(script_text);
  if (!script.ok()) return absl::StrCat("bad script: ", script.status().message(), "\n");
  std::string transcript;
  for (const bytecode::Program& program : out.workflows) {
    for (const Value& input : script->inputs) {
      absl::StrAppend(&transcript, "--- ", program.workflow_name, " ", input.ToJson(), "\n");
      transcript += RunOnce(program, *script, input);
    }
  }
  return transcript;
}

}  // namespace weft::docs
