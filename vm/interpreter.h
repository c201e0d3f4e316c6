// The interpreter loop behind vm::Run (vm.h). Internal to vm/.
#ifndef WEFT_VM_INTERPRETER_H_
#define WEFT_VM_INTERPRETER_H_

#include "bytecode/program.h"
#include "vm/vm.h"

namespace weft::vm {

// Runs from state.pc until a CALL_TASK suspends, a RETURN or FAIL ends the execution, a runtime
// error occurs or ctx.max_steps instructions have run. REQUIRES: program verified; state not
// suspended, with pc on an instruction start and the stack depth the verifier computed there.
RunResult Interpret(const bytecode::Program& program, ExecState& state, const RunContext& ctx);

}  // namespace weft::vm

#endif  // WEFT_VM_INTERPRETER_H_
