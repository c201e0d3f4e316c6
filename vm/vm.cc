// The VM's entry points (vm.h) around the interpreter loop (interpreter.cc).
#include "vm/vm.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "bytecode/instruction.h"
#include "bytecode/lines.h"
#include "bytecode/verifier.h"
#include "common/check.h"
#include "vm/errors.h"
#include "vm/interpreter.h"

namespace weft::vm {
namespace {

using bytecode::Op;

constexpr uint32_t kCallTaskSize = bytecode::InstructionSize(Op::CALL_TASK);

// The pc of the CALL_TASK a suspended state waits on.
uint32_t SuspendedCallPc(const bytecode::Program& program, const ExecState& state) {
  WEFT_CHECK(state.suspended && state.pc >= kCallTaskSize);
  const uint32_t call_pc = state.pc - kCallTaskSize;
  WEFT_CHECK(program.code[call_pc] == static_cast<uint8_t>(Op::CALL_TASK));
  return call_pc;
}

}  // namespace

ExecState NewExecState(const bytecode::Program& program, std::vector<Value> args, uint64_t seed) {
  WEFT_CHECK(args.size() == program.params.size());
  ExecState state;
  state.slots = std::move(args);
  state.slots.reserve(size_t{program.num_locals} + program.max_stack);
  state.slots.resize(program.num_locals);
  state.rng_state = seed;
  return state;
}

RunResult Run(const bytecode::Program& program, ExecState& state, const RunContext& ctx) {
  WEFT_CHECK(!state.suspended);
  WEFT_CHECK(state.pc < program.code.size());
  WEFT_CHECK(state.slots.size() >= program.num_locals &&
             state.slots.size() - program.num_locals <= program.max_stack);
  return Interpret(program, state, ctx);
}

RunResult ResumeWithTaskOutput(const bytecode::Program& program, ExecState& state, Value output,
                               const RunContext& ctx) {
  SuspendedCallPc(program, state);
  state.slots.push_back(std::move(output));
  state.suspended = false;
  return Run(program, state, ctx);
}

RunResult ResumeWithTaskFailure(const bytecode::Program& program, ExecState& state,
                                Value task_error, const RunContext& ctx) {
  const uint32_t call_pc = SuspendedCallPc(program, state);
  const uint32_t task = bytecode::ReadU32(&program.code[call_pc + 1]);
  state.suspended = false;
  RunResult result;
  result.status = RunStatus::kFailed;
  result.error =
      TaskFailedError(program.tasks[task].name, task_error, PositionOf(program, call_pc));
  return result;
}

SourcePos PositionOf(const bytecode::Program& program, uint32_t pc) {
  const bytecode::LineEntry* e = bytecode::FindLine(program, pc);
  if (e == nullptr) return {};
  return {e->line, e->column};
}

absl::Status CheckStateFits(const bytecode::Program& program, const ExecState& state) {
  std::vector<int32_t> depths;
  if (absl::Status s = bytecode::VerifyProgram(program, &depths); !s.ok()) return s;
  return CheckStateFits(program, depths, state);
}

absl::Status CheckStateFits(const bytecode::Program& program, const std::vector<int32_t>& depths,
                            const ExecState& state) {
  WEFT_CHECK(depths.size() == program.code.size());
  auto mismatch = [](std::string message) {
    return absl::FailedPreconditionError(
        absl::StrCat("checkpoint does not fit its program: ", message));
  };
  if (state.pc >= program.code.size() || depths[state.pc] < 0) {
    return mismatch(absl::StrCat("pc ", state.pc, " is not a reachable instruction"));
  }
  int64_t depth = depths[state.pc];
  if (state.suspended) {
    if (state.pc < kCallTaskSize ||
        program.code[state.pc - kCallTaskSize] != static_cast<uint8_t>(Op::CALL_TASK) ||
        depths[state.pc - kCallTaskSize] < 0) {
      return mismatch(absl::StrCat("suspended at pc ", state.pc, ", which does not follow a ",
                                   "CALL_TASK"));
    }
    depth -= 1;  // the task's output is not pushed yet
  }
  const int64_t expected = int64_t{program.num_locals} + depth;
  if (static_cast<int64_t>(state.slots.size()) != expected) {
    return mismatch(absl::StrCat("it holds ", state.slots.size(), " slots where pc ", state.pc,
                                 " needs ", expected));
  }
  return absl::OkStatus();
}

}  // namespace weft::vm
