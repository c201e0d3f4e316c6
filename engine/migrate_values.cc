// Runs a migrate value's program like a fresh execution that never waits: bound arguments,
// a bounded number of steps, its output or its error.
#include "engine/migrate_values.h"

#include "absl/strings/str_cat.h"
#include "vm/vm.h"

namespace weft::engine {
namespace {

constexpr uint64_t kMaxSteps = 1'000'000;  // a value is an expression: this is generous

std::string ErrorText(const Value& error) {
  const Value* message = error.is_object() ? error.as_object().Find("message") : nullptr;
  return message != nullptr && message->is_string() ? std::string(message->as_string()) : error.ToJson();
}

}  // namespace

std::optional<Value> MigrateValues::Evaluate(const ast::MigrateEntry& entry, const migrate::Point& old_point,
                                             const std::function<const Value*(uint32_t)>& old_slot,
                                             std::string* error) {
  auto [it, inserted] = programs_.try_emplace({&entry, &old_point});
  if (inserted) it->second = migrate::CompileMigrateValue(entry, old_point, inputs_);
  const migrate::ValueProgram& value = it->second;
  if (!value.ok) {
    *error = value.error;
    return std::nullopt;
  }
  std::vector<Value> args;
  for (const migrate::Variable& v : value.params) {
    const Value* old = old_slot(v.slot);
    args.push_back(old != nullptr ? *old : Value());
  }
  vm::ExecState state = vm::NewExecState(value.program, std::move(args), /*seed=*/0);
  vm::RunContext ctx;
  ctx.now_ms = now_ms_;
  ctx.max_steps = kMaxSteps;
  vm::RunResult run = vm::Start(value.program, state, ctx);
  switch (run.status) {
    case vm::RunStatus::kCompleted:
      return std::move(run.output);
    case vm::RunStatus::kFailed:
      *error = absl::StrCat("the migrate value of `", entry.name, "` failed: ", ErrorText(run.error));
      return std::nullopt;
    case vm::RunStatus::kWaiting:
      break;
  }
  *error = absl::StrCat("the migrate value of `", entry.name, "` waits, which a migrate value cannot");
  return std::nullopt;
}

}  // namespace weft::engine
