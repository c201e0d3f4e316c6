// The in-process engine behind the run goldens: runs one workflow of a compiled module to its
// end against the script of its file (script.h) on a virtual clock, and returns the
// transcript. It is deterministic: the same file always gives the same transcript.
//
// Each step, the runner takes the first of these that applies:
//   1. an immediate answer: a child that ended resumes its parent's wait with its output (or
//      a CHILD_FAILED error shaped as the engine's), a detached start gets the child's id;
//   2. the next scripted `//! signal`, delivered to the top execution while it waits;
//   3. the oldest open task request of any execution (request order; the branches of a
//      `parallel` have all of theirs open at once), answered from the script; compensations
//      (`undo` lines) are answered the same way, from the results of their task type; the
//      system task `jq` (every jq(...) call), unless scripted, runs jq as the engine does
//      (stdlib/jq.h, default budgets);
//   4. the earliest timer, signal timeout or workflow deadline (`with { timeout: ... }`): the
//      clock jumps to its due time and it fires.
// When nothing applies the run stops; a top execution still waiting then is reported with
// its open waits. Child workflows (CALL_WORKFLOW / START_WORKFLOW) must be declared in the
// same file; they start at once, run in-process with the same script and their lines carry
// an `[exec-N name]` prefix. A version (`billing@3`) is printed but not resolved: the file
// has one version of each workflow. Before every transition each execution's state goes
// through a checkpoint round trip (encode, decode, CheckStateFits), so every golden also
// proves that the checkpoint loses nothing.
//
// Transcript lines (prefixed for children):
//   task T INPUT [with POLICY]      a task request answered, then `  => OUTPUT` or `  !> REASON`
//   undo T INPUT                    a compensation, answered the same way
//   signal NAME PAYLOAD             a scripted signal delivered
//   timer fires at MS               a sleep ended (the clock is now MS)
//   signal NAME times out at MS     an `await signal` timeout fired
//   deadline at MS                  the workflow's timeout fired (the execution is aborted)
//   cancel <request>                a wait abandoned by the VM (fail fast, terminate)
//   child NAME@V INPUT -> exec-N    a child started (`start NAME@V ...` when detached)
//   COMPLETED OUTPUT / FAILED ERROR the end of an execution
#ifndef WEFT_TESTS_GOLDEN_RUN_RUNNER_H_
#define WEFT_TESTS_GOLDEN_RUN_RUNNER_H_

#include <string>
#include <vector>

#include "bytecode/program.h"
#include "tests/golden/run/script.h"
#include "weft/value.h"

namespace weft::golden {

// The transcript of running `top` (one of `module`) with `input`.
std::string RunWorkflow(const std::vector<bytecode::Program>& module, const bytecode::Program& top,
                        const Script& script, const Value& input);

}  // namespace weft::golden

#endif  // WEFT_TESTS_GOLDEN_RUN_RUNNER_H_
