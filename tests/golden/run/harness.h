// The harness behind the run goldens: runs one workflow of a .wf file on the real engine
// (include/weft/engine.h) in a fresh store, on a virtual clock that starts at the script's
// `now:`, with the file's script (script.h) playing the workers and the signals, and renders
// what happened, from the executions' histories, as a transcript. It is deterministic: the same
// file always gives the same transcript.
//
// The harness is the engine's only worker, an external one (PollTask, CompleteTask, FailTask),
// and drives it in lockstep:
//   1. the file is deployed and the workflow started (Engine::Start);
//   2. the scripted signals are sent to it (Engine::Signal), in order, with the clock held
//      still, so that they arrive before any task is answered or any timer fires; a signal the
//      execution no longer takes (it ended) is reported `not delivered`;
//   3. then, one at a time, the oldest scheduled task of any execution is taken and answered
//      from the script: a task type's scripted results in call order (the last one again once
//      they run out), a failure as a retryable failure, so the task's retry policy applies;
//      the system task `jq`, unless scripted, runs jq as the engine does (stdlib/jq.h, default
//      budgets); a task with no scripted result stops the run;
//   4. while no task is ready the engine is idle, and its virtual clock jumps to the next timer
//      (a sleep, a signal timeout, a retry, a deadline), which the harness waits for;
//   5. the run ends when every execution has ended, or when nothing can happen any more
//      (EngineImpl::Quiescent): an execution still running then is reported WAITING.
//
// The transcript is rendered from the executions' histories once the run is over
// (transcript.h has its lines); what the harness itself has to say (a signal not delivered, a
// task with no scripted result) follows it.
#ifndef WEFT_TESTS_GOLDEN_RUN_HARNESS_H_
#define WEFT_TESTS_GOLDEN_RUN_HARNESS_H_

#include <string>
#include <string_view>

#include "tests/golden/run/script.h"
#include "weft/value.h"

namespace weft::golden {

struct RunOptions {
  // Closes the engine and opens the store again at every step boundary (after the start and
  // its signals, after each answered task), so that every step resumes from what was stored
  // and nothing held in memory: the transcript must not change.
  bool reopen_at_every_step = false;
};

// The transcript of running `workflow`, one of the workflows of `source` (the text of the file
// `file_name`), with `input`. REQUIRES: `source` compiles.
std::string RunOnEngine(std::string_view file_name, std::string_view source,
                        const std::string& workflow, const Script& script, const Value& input,
                        const RunOptions& options = {});

}  // namespace weft::golden

#endif  // WEFT_TESTS_GOLDEN_RUN_HARNESS_H_
