// SIGINT and SIGTERM for the commands that run workers (`weft run`, `weft work`): the signal
// is recorded by a handler, noticed by the main thread, and answered by killing every worker
// command's process group, closing the engine (it commits what is queued; tasks that were
// running are abandoned and run again later) and exiting 128 + the signal's number (130 for
// SIGINT, 143 for SIGTERM) with a message that says so.
#ifndef WEFT_CLI_INTERRUPT_H_
#define WEFT_CLI_INTERRUPT_H_

#include <memory>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "weft/engine.h"

namespace weft::cli {

// Installs the handlers. Call before any worker starts.
void CatchInterrupts();
// The signal received since CatchInterrupts (SIGINT or SIGTERM), or 0.
int InterruptSignal();

// Engine::AwaitExecution that also returns, with Cancelled, once a signal has arrived.
absl::StatusOr<ExecutionInfo> AwaitUnlessInterrupted(Engine& engine, std::string_view id,
                                                     absl::Duration timeout);
// Waits until a signal arrives or `deadline` passes.
void SleepUntilInterrupted(absl::Time deadline);

// Kills the worker commands, closes `engine`, prints why on stderr and returns the exit
// status (128 + signal). REQUIRES: InterruptSignal() != 0.
int StopOnInterrupt(std::unique_ptr<Engine>& engine);

}  // namespace weft::cli

#endif  // WEFT_CLI_INTERRUPT_H_
