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
//   - falling off the end of the body returns null.
#ifndef WEFT_COMPILER_CODEGEN_CODEGEN_H_
#define WEFT_COMPILER_CODEGEN_CODEGEN_H_

#include <vector>

#include "bytecode/program.h"
#include "compiler/ast/ast.h"

namespace weft::codegen {

// Compiles one workflow. REQUIRES: `workflow` belongs to a module that check::Check accepted
// without errors (resolutions, slots and num_locals are filled in); violations are WEFT_CHECK
// failures, not diagnostics.
bytecode::Program GenerateWorkflow(const ast::WorkflowDecl& workflow);

// Compiles every workflow of `module`, in declaration order. Same REQUIRES.
std::vector<bytecode::Program> Generate(const ast::Module& module);

}  // namespace weft::codegen

#endif  // WEFT_COMPILER_CODEGEN_CODEGEN_H_
