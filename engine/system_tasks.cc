// System tasks: task types the engine runs itself, on its worker pool, without a worker the
// user wrote. Today that is `http` (workers/http_task.h). They go through the same queue,
// leases, retry policy and history as any task; a user who registers a worker of the same
// type replaces the built-in one.
#include "engine/engine_impl.h"
#include "workers/http_task.h"

namespace weft {

bool IsSystemTask(std::string_view task_type) { return task_type == "http"; }

}  // namespace weft

namespace weft::engine {

void EngineImpl::RegisterSystemTasks() {
  // Every type here must be one IsSystemTask names, and the other way round.
  RegisterWorker("http", [](const TaskContext& task) -> TaskOutcome {
    workers::HttpOutcome out = workers::RunHttpTask(task.input);
    if (out.ok) return TaskOutcome::Complete(std::move(out.output));
    // A 4xx or a malformed request fails the same way every time: no retry can help.
    if (!out.retryable) return TaskOutcome::FailTerminal(std::move(out.message), std::move(out.details));
    return TaskOutcome::Fail(std::move(out.message), std::move(out.details));
  }, /*concurrency=*/0);
}

}  // namespace weft::engine
