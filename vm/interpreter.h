// The interpreter loop behind the scheduler (scheduler.h): runs one fiber. Internal to vm/.
#ifndef WEFT_VM_INTERPRETER_H_
#define WEFT_VM_INTERPRETER_H_

#include "bytecode/program.h"
#include "vm/fiber.h"
#include "vm/vm.h"

namespace weft::vm {

class Scheduler;

enum class FiberExit : uint8_t {
  kBlocked,    // the fiber waits (fiber.wait says on what)
  kEnded,      // BRANCH_END: value is the branch's result
  kReturned,   // RETURN: value is the workflow's output
  kFailed,     // an error no handler of this fiber caught: value is the error object
  kOutOfFuel,  // the step budget ran out: value is the error object (never caught)
};

struct FiberStop {
  FiberExit exit = FiberExit::kBlocked;
  Value value;
};

// Runs `fiber` from fiber.pc until it waits, ends or fails. Errors raised while it runs are
// caught by its own handlers. REQUIRES: program verified; the fiber is runnable, with pc on
// an instruction start and the stack depth the verifier computed there.
FiberStop Interpret(const bytecode::Program& program, ExecState& state, Fiber& fiber,
                    Scheduler& scheduler);

}  // namespace weft::vm

#endif  // WEFT_VM_INTERPRETER_H_
