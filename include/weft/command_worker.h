// weft::CommandWorker turns an external command into a worker: the way the `weft` CLI runs
// tasks with `--worker NAME=COMMAND`, and a way for embedders to reuse scripts they already have.
//
// For each task the handler runs `/bin/sh -c COMMAND` with
//   - stdin:  the task input as one line of JSON;
//   - env:    the caller's environment plus WEFT_TASK_ID, WEFT_EXECUTION_ID, WEFT_TASK_TYPE and
//             WEFT_ATTEMPT;
//   - stdout: read as one JSON document, the task's output (empty or blank stdout = null).
// The task fails when the command exits non-zero or dies by a signal (the reason carries the
// exit status and the tail of stderr), prints something that is not JSON, prints more than
// `max_output_bytes`, or outlives `timeout` (its whole process group is then killed).
//
// The handler is thread-safe: the engine may run many commands at once from its worker pool.
// Each command runs in its own process group; no child is left as a zombie.
#ifndef WEFT_COMMAND_WORKER_H_
#define WEFT_COMMAND_WORKER_H_

#include <cstddef>
#include <string>

#include "absl/time/time.h"
#include "weft/engine.h"

namespace weft {

struct CommandWorkerOptions {
  absl::Duration timeout = absl::InfiniteDuration();  // per task run; then SIGKILL
  size_t stderr_tail_bytes = 2048;                    // how much of stderr a failure reports
  size_t max_output_bytes = size_t{64} << 20;         // stdout larger than this fails the task
};

// REQUIRES: shell_command is not empty.
TaskHandler CommandWorker(std::string shell_command, CommandWorkerOptions options = {});

}  // namespace weft

#endif  // WEFT_COMMAND_WORKER_H_
