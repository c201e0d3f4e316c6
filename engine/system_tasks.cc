// System tasks: task types the engine runs itself, on its worker pool, without a worker the
// user wrote (bytecode/system_tasks.h): `http` (workers/http_task.h), `js`, and `jq`, the
// executor of every jq(...) call (stdlib/jq.h). (`publish` is no pool task: see
// transitions/publish.cc.) They go through the same queue, leases, retry policy and
// history as any task; a user who registers a worker of the same type replaces the built-in
// one.
#include "bytecode/system_tasks.h"
#include "engine/engine_impl.h"
#include "stdlib/jq.h"
#include "stdlib/js.h"
#include "workers/http_task.h"

namespace weft {

bool IsSystemTask(std::string_view task_type) { return bytecode::IsSystemTask(task_type); }

}  // namespace weft

namespace weft::engine {
namespace {

Value JqDetails(stdlib::JqFailure failure) {
  return Value::MakeObject(
      Object({{"error", Value::String(std::string(stdlib::JqFailureName(failure)))}}));
}

}  // namespace

void EngineImpl::RegisterSystemTasks() {
  // Every type here must be one IsSystemTask names, and the other way round, except
  // `weft.publish`, which the transition that calls it answers (transitions/publish.cc).
  RegisterWorker("http", [](const TaskContext& task) -> TaskOutcome {
    workers::HttpOutcome out = workers::RunHttpTask(task.input);
    if (out.ok) return TaskOutcome::Complete(std::move(out.output));
    // A 4xx or a malformed request fails the same way every time: no retry can help.
    if (!out.retryable) return TaskOutcome::FailTerminal(std::move(out.message), std::move(out.details));
    return TaskOutcome::Fail(std::move(out.message), std::move(out.details));
  }, /*concurrency=*/0);
  // Input {"query", "input"} (the compiler builds it from jq(query, value)). Every failure is
  // terminal: a program that failed or ran past its budget would do it again. The details say
  // which, as JQ_FAILED's `details.error`.
  // Input {"expression", "input"} (conductor/ writes it for Conductor's javascript
  // evaluators). Every failure is terminal, as for jq: the same program fails the same way.
  RegisterWorker(std::string(bytecode::kJsTask), [](const TaskContext& task) -> TaskOutcome {
    stdlib::JsResult out = stdlib::RunJsTask(task.input);
    if (out.ok) return TaskOutcome::Complete(std::move(out.value));
    return TaskOutcome::FailTerminal(std::move(out.message));
  }, /*concurrency=*/0);
  const stdlib::JqBudget budget{options_.jq_time_budget, options_.jq_memory_budget_bytes};
  RegisterWorker(std::string(bytecode::kJqTask), [budget](const TaskContext& task) -> TaskOutcome {
    const Value* query = nullptr;
    const Value* input = nullptr;
    if (task.input.is_object()) {
      query = task.input.as_object().Find(bytecode::kJqQueryField);
      input = task.input.as_object().Find(bytecode::kJqInputField);
    }
    if (query == nullptr || input == nullptr) {
      return TaskOutcome::FailTerminal("jq() expects the input {\"query\", \"input\"}",
                                       JqDetails(stdlib::JqFailure::kUsage));
    }
    stdlib::JqResult out = stdlib::RunJq(*query, *input, budget);
    if (out.ok) return TaskOutcome::Complete(std::move(out.value));
    return TaskOutcome::FailTerminal(std::move(out.message), JqDetails(out.failure));
  }, /*concurrency=*/0);
}

}  // namespace weft::engine
