// The code generator: one bytecode::Program per workflow of a checked module.
//
// Lowering, in brief (the golden disassembly in tests/golden/disasm/ pins the details):
//   - statements leave the operand stack empty, so break/continue/return jump from depth 0;
//   - `let`/`var`/assignment store to the checker's slot; `var x` alone emits nothing
//     (the checker proved it is assigned before any read);
//   - if/while/for use JUMP_IF_FALSE and JUMP; for uses ITER_INIT/ITER_HAS/ITER_NEXT on the
//     hidden slot pair; a switch statement keeps its subject in its hidden slot, a switch
//     expression on the stack (DUP per case test);
//   - `and`/`or` produce a bool and type-check both operands at runtime; `??` keeps the left
//     value unless it is null;
//   - a task call builds its input object (MAKE_OBJECT from name/value pairs, in the written
//     order) and then CALL_TASK; an interpolated string is CONCAT of its parts;
//   - falling off the end of the body returns null;
//   - `parallel` FORKs one fiber per branch and JOINs them; `parallel for` FORK_EACHes one per
//     item; branch code follows after a jump and ends in BRANCH_END (gen_parallel.cc);
//   - try is TRY/END_TRY around the block, the catch target after it; break/continue END_TRY
//     every handler they leave; sleep, await signal, sub-workflow calls, start, `with` and
//     `compensate` each map to their one instruction (gen_stmt.cc, gen_call.cc).
#ifndef WEFT_COMPILER_CODEGEN_CODEGEN_H_
#define WEFT_COMPILER_CODEGEN_CODEGEN_H_

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "bytecode/program.h"
#include "compiler/ast/ast.h"

namespace weft::codegen {

// The declared policy of each task that has one, by task name (values as stored in
// bytecode::TaskDecl::policy).
using TaskPolicies = std::map<std::string, Value, std::less<>>;

// The policies declared in `module`'s task declarations. REQUIRES: checked without errors.
TaskPolicies DeclaredPolicies(const ast::Module& module);

// Compiles one workflow. REQUIRES: `workflow` belongs to a module that check::Check accepted
// without errors (resolutions, slots and num_locals are filled in); violations are WEFT_CHECK
// failures, not diagnostics. `policies` are the module's declared task policies.
bytecode::Program GenerateWorkflow(const ast::WorkflowDecl& workflow,
                                   const TaskPolicies& policies = {});

// Compiles every workflow of `module`, in declaration order. Same REQUIRES.
std::vector<bytecode::Program> Generate(const ast::Module& module);

}  // namespace weft::codegen

#endif  // WEFT_COMPILER_CODEGEN_CODEGEN_H_
