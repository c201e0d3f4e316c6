// The Weft virtual machine: runs one execution of a verified Program from its current state
// until it suspends on a task call or ends. The VM has no I/O and no clock of its own; the
// engine gives it the transition's time and persists ExecState (checkpoint.h) after every run.
//
// Execution state is plain data: a pc and a vector of slots (locals, then the operand stack).
// There is no C++ recursion for anything the language does, so a checkpoint is a faithful
// serialisation of the execution and resuming it never replays history.
#ifndef WEFT_VM_VM_H_
#define WEFT_VM_VM_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "bytecode/program.h"
#include "weft/value.h"

namespace weft::vm {

// The live state of one execution. Everything here is checkpointed.
struct ExecState {
  uint32_t pc = 0;                 // next instruction to run
  std::vector<Value> slots;        // [0, num_locals): locals; above: the operand stack
                                   // (between runs it holds exactly the live values)
  uint64_t rng_state = 0;          // uuid() and friends draw from here
  uint64_t steps = 0;              // instructions run so far, for inspection and fuel limits
  bool suspended = false;          // waiting on the task of the CALL_TASK just before pc
};

enum class RunStatus : uint8_t { kSuspended, kCompleted, kFailed };

struct RunResult {
  RunStatus status = RunStatus::kFailed;
  // kSuspended: the task to schedule and its input object.
  uint32_t task_index = 0;
  Value task_input;
  // kCompleted: the workflow's output.
  Value output;
  // kFailed: a structured error object:
  //   {"code": "...", "message": "...", "line": N, "column": N, ...}
  // codes: "WORKFLOW_FAILED" (a `fail` statement; the failed value is in "details" when it is
  // not a string), "RUNTIME_ERROR" (a type error, missing field, ...), "TASK_FAILED" (the task's
  // error is in "details"), "FUEL_EXHAUSTED".
  Value error;
};

struct RunContext {
  int64_t now_ms = 0;               // the transition's time, seen by now()
  uint64_t max_steps = 100'000'000; // instructions per Run before the execution fails
};

// Binds a JSON input object to the program's parameters: fills defaults, checks types, and
// rejects missing and unknown fields. Errors are InvalidArgument with a message for the user,
// e.g. "missing required input `vendor` (string)".
absl::StatusOr<std::vector<Value>> BindInput(const bytecode::Program& program, const Value& input);

// A fresh execution positioned at pc 0 with the bound arguments in the parameter slots.
ExecState NewExecState(const bytecode::Program& program, std::vector<Value> args, uint64_t seed);

// Runs until the execution suspends or ends. REQUIRES: program passed the verifier, state is
// not suspended and not ended.
RunResult Run(const bytecode::Program& program, ExecState& state, const RunContext& ctx);

// Resumes a suspended execution with its task's output, then runs as Run does.
RunResult ResumeWithTaskOutput(const bytecode::Program& program, ExecState& state, Value output,
                               const RunContext& ctx);
// Resumes a suspended execution with its task's failure. With no handler in the language yet,
// the execution fails with code "TASK_FAILED" and the task error under "details".
RunResult ResumeWithTaskFailure(const bytecode::Program& program, ExecState& state,
                                Value task_error, const RunContext& ctx);

// The task error ResumeWithTaskFailure expects, built in one place so that the engine and the
// tests agree on its shape: {"task", "task_id", "attempt", "message", "details"}, in that order.
Value MakeTaskFailure(std::string_view task_type, std::string_view task_id, uint32_t attempt,
                      std::string_view message, Value details);

// The source position of a pc, from the program's line table; {0, 0} when unknown.
struct SourcePos { uint32_t line = 0, column = 0; };
SourcePos PositionOf(const bytecode::Program& program, uint32_t pc);

// Checks that a state (typically decoded from a stored checkpoint, which is untrusted) fits
// `program`, so that running it is safe: pc is a reachable instruction start, the slot count is
// num_locals plus the stack depth the verifier computed there (one less while suspended, as the
// task's output is not pushed yet), and a suspended state sits just after a CALL_TASK.
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
