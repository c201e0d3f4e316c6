// The Weft virtual machine: runs one execution of a verified Program from its current state
// until every fiber waits on something outside (a task, a timer, a signal, a child workflow)
// or the execution ends. The VM has no I/O and no clock of its own: the engine gives it the
// transition's time, carries out the Requests it returns and persists ExecState
// (checkpoint.h) after every entry point, in one transaction.
//
// Execution state is plain data: fibers (fiber.h), each a pc, an operand stack and locals.
// There is no C++ recursion for anything the language does, so a checkpoint is a faithful
// serialisation of the execution and resuming it never replays history.
#ifndef WEFT_VM_VM_H_
#define WEFT_VM_VM_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "bytecode/program.h"
#include "vm/fiber.h"
#include "weft/value.h"

namespace weft::vm {

// The live state of one execution. Everything here is checkpointed.
struct ExecState {
  std::map<uint32_t, Fiber> fibers;  // live fibers by id; the root is 1; empty once ended
  uint32_t next_fiber_id = 2;
  uint64_t next_wait_id = 1;
  uint64_t rng_state = 0;            // uuid() and friends draw from here
  uint64_t steps = 0;                // instructions run so far, for inspection and fuel limits
  // Registered compensations, oldest first: {"task": index, "input": object}.
  std::vector<Value> compensations;
  // Signals that arrived before anyone waited for them, oldest first: {"name", "payload"}.
  std::vector<Value> mailbox;
  // Set while compensations run after a failure: the failure, and what each undo did.
  bool compensating = false;
  Value failure;
  std::vector<Value> compensation_log;
  uint64_t compensation_wait = 0;
  bool ended = false;
};

// Something the engine must do for the execution. Requests come out of every VM entry point,
// in the order the fibers asked, and are persisted in the same transaction as the checkpoint.
struct Request {
  enum class Kind : uint8_t {
    kTask,        // schedule task `task_index` with `input` (and call-site `policy`)
    kTimer,       // resume wait `wait_id` with null at `due_ms`
    kSignal,      // wait_id waits for signal `name`; fail it with TIMEOUT at `due_ms` unless 0
                  // (`timeout_ms`: the timeout it was given, so a retry can restart it)
    kChild,       // start workflow `name` at `version` (0: latest) with `input`; resume with its end
    kStartChild,  // the same, detached; resume at once with the new execution's id
    kCancel,      // wait_id is abandoned (its branch was cancelled): cancel its task/timer/child
  };
  Kind kind = Kind::kTask;
  uint64_t wait_id = 0;
  uint32_t task_index = 0;
  Value input;
  Value policy;               // kTask: the call site's policy object, or null
  int64_t due_ms = 0;
  int64_t timeout_ms = 0;     // kSignal: the `timeout:` given, 0 for none
  std::string name;
  uint32_t version = 0;
  bool compensation = false;  // kTask: an undo run after a failure
};

enum class RunStatus : uint8_t { kWaiting, kCompleted, kFailed };

struct RunResult {
  RunStatus status = RunStatus::kWaiting;
  std::vector<Request> requests;
  Value output;  // kCompleted: the workflow's output
  // kFailed: a structured error object {"code", "message", ..., "line", "column"}. Codes:
  // WORKFLOW_FAILED (`fail`), RUNTIME_ERROR (type error, missing field, ...), TASK_FAILED,
  // CHILD_FAILED, TIMEOUT, FUEL_EXHAUSTED. After compensations ran, "compensations" lists them.
  Value error;
  bool ignored = false;  // the event named a wait that no longer exists; nothing changed
  // The wait this event ended, when the engine did not name it: DeliverSignal's woken signal
  // wait (0: the signal went to the mailbox). Its record outside the VM is to be dropped.
  uint64_t closed_wait = 0;
};

// How a wait ended. A failure's `value` is an error object whose "code" the engine chose
// (TASK_FAILED, TIMEOUT, CHILD_FAILED, ...); the VM adds the fiber's source position.
struct Outcome {
  bool ok = true;
  Value value;
};

struct RunContext {
  int64_t now_ms = 0;               // the transition's time, seen by now() and timers
  uint64_t max_steps = 100'000'000; // instructions per entry point before the execution fails
};

// Binds a JSON input object to the program's parameters: fills defaults, checks types, and
// rejects missing and unknown fields. Errors are InvalidArgument with a message for the user,
// e.g. "missing required input `vendor` (string)".
absl::StatusOr<std::vector<Value>> BindInput(const bytecode::Program& program, const Value& input);

// A fresh execution: the root fiber at pc 0 with the bound arguments in the parameter slots.
ExecState NewExecState(const bytecode::Program& program, std::vector<Value> args, uint64_t seed);

// Runs a fresh execution until every fiber waits or it ends.
RunResult Start(const bytecode::Program& program, ExecState& state, const RunContext& ctx);

// Ends wait `wait_id` with `outcome` and runs until every fiber waits or the execution ends.
// A wait that no longer exists (a late timer, a result for a cancelled branch) gives
// `ignored` and changes nothing.
RunResult Resume(const bytecode::Program& program, ExecState& state, uint64_t wait_id,
                 Outcome outcome, const RunContext& ctx);

// Delivers a signal: to the oldest fiber waiting for that name, or into the mailbox, where
// the next `await signal(name)` finds it. Either way nothing is lost and order is kept.
RunResult DeliverSignal(const bytecode::Program& program, ExecState& state, std::string name,
                        Value payload, const RunContext& ctx);

// Fails the execution from outside (its deadline passed): every wait is cancelled and the
// registered compensations run, as for an uncaught error.
RunResult Abort(const bytecode::Program& program, ExecState& state, Value error,
                const RunContext& ctx);

// Ends the execution without compensating (terminate): a kCancel for every open wait.
std::vector<Request> CancelAll(ExecState& state);

// One request per open wait, as first asked: what the engine re-issues when it continues an
// execution from a stored state whose waits it has dropped (retry from a failed step).
std::vector<Request> OpenRequests(const ExecState& state);

// The task error an engine reports for a failed task, built in one place so that the engine
// and the tests agree on its shape: {"code": "TASK_FAILED", "message", "task", "task_id",
// "attempt", "details"}. A failure of the system task `jq` has the code JQ_FAILED and the
// executor's message as it is ("jq() error: ..."), since jq(...) is written as an expression.
Value MakeTaskFailure(std::string_view task_type, std::string_view task_id, uint32_t attempt,
                      std::string_view message, Value details);

// The source position of a pc, from the program's line table; {0, 0} when unknown.
struct SourcePos { uint32_t line = 0, column = 0; };
SourcePos PositionOf(const bytecode::Program& program, uint32_t pc);

// Checks that a state (typically decoded from a stored checkpoint, which is untrusted) fits
// `program`, so that running it is safe. For every fiber: its parent exists, its base and
// private locals match num_locals, its pc is a reachable instruction start just after an
// instruction that waits the way it waits, its stack depth is what the verifier computed there
// (one less while a value is still to be pushed), and its handlers are catch targets whose
// depth matches.
// Cost: one verifier pass over the program (O(code size)). FailedPrecondition when it does not
// fit; the program's own verifier error when the program is invalid.
absl::Status CheckStateFits(const bytecode::Program& program, const ExecState& state);
// The same check in O(1), with the program's stack depths computed once beforehand by
// bytecode::VerifyProgram(program, &depths) (e.g. kept next to the program in a cache).
// REQUIRES: depths came from that program.
absl::Status CheckStateFits(const bytecode::Program& program, const std::vector<int32_t>& depths,
                            const ExecState& state);

}  // namespace weft::vm

#endif  // WEFT_VM_VM_H_
