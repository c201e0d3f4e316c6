// weft::CommandWorker turns an external command into a worker: the way the `weft` CLI runs
// tasks with `--worker NAME=COMMAND`, and a way for embedders to reuse scripts they already have.
//
// For each task the handler runs `/bin/sh -c COMMAND` with
//   - stdin:  the task input as one line of JSON;
//   - env:    the caller's environment plus WEFT_TASK_ID, WEFT_EXECUTION_ID, WEFT_TASK_TYPE and
//             WEFT_ATTEMPT;
//   - stdout: read as one JSON document, the task's output (empty or blank stdout = null),
//             except for message lines (below).
// The task fails (and its retry policy applies) when the command exits non-zero or dies by a
// signal (the reason carries the exit status and the tail of stderr), prints something that is
// not JSON, prints more than `max_output_bytes`, or outlives `timeout` (its whole process group
// is then killed).
//
// Messages. A line of stdout that is a JSON object with a string member "weft" is a message to
// the engine, not output (workers/command_messages.h):
//   {"weft":"heartbeat","progress":V}  sent while the command runs: the task is alive. It
//        extends the task's lease and its `heartbeat:` deadline at once and records `progress`
//        (optional, any JSON) on the task, as Engine::Heartbeat does.
//   {"weft":"fail","reason":"card declined","terminal":true,"details":V}  the task failed,
//        whatever the exit status. With "terminal": true the failure is final: no retry runs,
//        whatever `retries:` says (TaskOutcome::FailTerminal). "terminal" defaults to false
//        (an ordinary, retryable failure); "details" (any JSON) is the error's details.
// A message with another "weft" value fails the task. So an output that is itself one line of
// JSON object with a string member "weft" must be printed across lines or nested.
//
// The handler is thread-safe: the engine may run many commands at once from its worker pool.
// Each command runs in its own process group; no child is left as a zombie, and none outlives
// the thread that started it (the kernel kills it, PR_SET_PDEATHSIG, if the process dies, even
// by SIGKILL).
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

// For a process shutting down (SIGINT, SIGTERM): kills the process group of every command
// running now, in every CommandWorker, and starts no new one. The tasks they ran are abandoned
// (TaskOutcome::Abandon), not failed: they run again when workers next serve the store.
// Irreversible; not async-signal-safe (call it from a thread, not a signal handler).
void StopCommandWorkers();

}  // namespace weft

#endif  // WEFT_COMMAND_WORKER_H_
