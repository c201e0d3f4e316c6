// The pieces of weft::CommandWorker (include/weft/command_worker.h) that tests look at on their
// own: the environment a command sees, and how a finished process becomes a TaskOutcome.
#ifndef WEFT_WORKERS_COMMAND_WORKER_H_
#define WEFT_WORKERS_COMMAND_WORKER_H_

#include <string>
#include <string_view>
#include <vector>

#include "weft/command_worker.h"
#include "weft/engine.h"
#include "workers/subprocess.h"

namespace weft::workers {

// WEFT_TASK_ID=..., WEFT_EXECUTION_ID=..., WEFT_TASK_TYPE=..., WEFT_ATTEMPT=...
std::vector<std::string> TaskEnvironment(const TaskContext& task);

// Complete with stdout's output lines parsed as JSON (blank = null); Fail or FailTerminal as a
// `fail` message says (command_messages.h); Fail with a reason naming the command and what
// went wrong (exit status or signal plus the stderr tail, timeout, bad JSON, ...); Abandon when
// StopCommandWorkers killed it.
TaskOutcome OutcomeFromProcess(std::string_view command, const SubprocessResult& process,
                               const CommandWorkerOptions& options);

// Runs `command` for one task: the whole of what the handler does.
TaskOutcome RunCommandTask(const std::string& command, const CommandWorkerOptions& options,
                           const TaskContext& task);

}  // namespace weft::workers

#endif  // WEFT_WORKERS_COMMAND_WORKER_H_
