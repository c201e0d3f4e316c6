// See weft_condition.h.
#include "engine/weft_condition.h"

#include <memory>
#include <mutex>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "common/strings.h"
#include "compiler/compiler.h"
#include "compiler/diag/diagnostic.h"
#include "vm/vm.h"

namespace weft::engine {
namespace {

constexpr char kPath[] = "condition";
// Instructions one evaluation may run: far more than any expression needs, far less than a
// loop that never ends.
constexpr uint64_t kMaxSteps = 1'000'000;
// Compiled conditions kept; the cache starts over when full.
constexpr size_t kMaxCached = 1024;

std::string SourceOf(std::string_view condition) {
  return absl::StrCat("workflow condition(event: any) {\n  return (", ToAbsl(condition), ")\n}\n");
}

absl::StatusOr<std::shared_ptr<const bytecode::Program>> Compile(std::string_view condition) {
  if (condition.find('\n') != std::string_view::npos) {
    return absl::InvalidArgumentError("condition: a Weft condition is one line, an expression");
  }
  const std::string source = SourceOf(condition);
  compiler::CompileOutput out = compiler::Compile(kPath, source);
  if (!out.ok() || out.workflows.size() != 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        "condition: not a Weft expression over `event`:\n",
        diag::RenderAll(out.diagnostics, kPath, source)));
  }
  return std::make_shared<const bytecode::Program>(std::move(out.workflows[0]));
}

absl::StatusOr<std::shared_ptr<const bytecode::Program>> Cached(std::string_view condition) {
  static std::mutex mu;
  static auto* cache =
      new absl::flat_hash_map<std::string, std::shared_ptr<const bytecode::Program>>();
  {
    std::lock_guard<std::mutex> lock(mu);
    if (auto it = cache->find(ToAbsl(condition)); it != cache->end()) return it->second;
  }
  absl::StatusOr<std::shared_ptr<const bytecode::Program>> program = Compile(condition);
  if (!program.ok()) return program.status();
  std::lock_guard<std::mutex> lock(mu);
  if (cache->size() >= kMaxCached) cache->clear();
  cache->emplace(std::string(condition), *program);
  return *program;
}

}  // namespace

absl::Status CheckWeftCondition(std::string_view condition) {
  return Cached(condition).status();
}

absl::StatusOr<bool> EvaluateWeftCondition(std::string_view condition, const Value& payload) {
  absl::StatusOr<std::shared_ptr<const bytecode::Program>> program = Cached(condition);
  if (!program.ok()) return program.status();
  Object input;
  input.Set("event", payload);
  absl::StatusOr<std::vector<Value>> args =
      vm::BindInput(**program, Value::MakeObject(std::move(input)));
  if (!args.ok()) return absl::InvalidArgumentError(absl::StrCat("condition: ", args.status().message()));
  vm::ExecState state = vm::NewExecState(**program, *std::move(args), 0);
  vm::RunContext ctx;
  ctx.max_steps = kMaxSteps;
  vm::RunResult r = vm::Start(**program, state, ctx);
  switch (r.status) {
    case vm::RunStatus::kCompleted:
      return r.output.is_bool() && r.output.as_bool();
    case vm::RunStatus::kFailed: {
      const Value* message =
          r.error.is_object() ? r.error.as_object().Find("message") : nullptr;
      return absl::InvalidArgumentError(absl::StrCat(
          "condition: ", message != nullptr && message->is_string() ? message->as_string()
                                                                    : r.error.ToJson()));
    }
    case vm::RunStatus::kWaiting:
      break;
  }
  return absl::InvalidArgumentError("condition: a Weft condition cannot call tasks or wait");
}

}  // namespace weft::engine
