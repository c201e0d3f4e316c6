// The semantic checker: the phase between parsing and code generation.
//
// It resolves every name and call (Expr::resolution), assigns local slots (Stmt::slot and
// hidden_slot, WorkflowDecl::num_locals), and reports every semantic mistake: unknown and
// duplicate names, bad assignments, misplaced break/continue, unreachable code, reads of a
// `var` before it is assigned, bad calls, bad literals and bad switches.
//
// Slot layout per workflow: parameters take slots 0..n-1 in order; then each `let`, `var` and
// loop variable takes the next free slot, a `for` takes two consecutive hidden slots for its
// iterator (Stmt::hidden_slot, hidden_slot + 1) and a switch statement one hidden slot for its
// subject. A block's slots are reused by later sibling blocks. A `parallel` branch and a
// `parallel for` body allocate from a base (Stmt::bases, Expr::base): the next free slot where
// they start, so every slot below it is an outer variable the branch shares with its parent
// and every slot it declares is at or above it (its fiber's private locals); the determinism
// rules (no two branches racing on an outer variable) are checked on that split.
//
// A task call's resolution index is the task's position in the workflow's own task table:
// the tasks the workflow calls, in the order of their first call in the source.
#ifndef WEFT_COMPILER_CHECK_CHECK_H_
#define WEFT_COMPILER_CHECK_CHECK_H_

#include "compiler/ast/ast.h"
#include "compiler/diag/diagnostic.h"

namespace weft::check {

// Checks `module`, filling its resolution fields and adding every error to `diags`. It carries
// on after errors, so one run reports them all. The resolution fields are meaningful only
// when no error was added. Tolerates a module built from a parse with errors (null children).
void Check(ast::Module& module, diag::DiagnosticList& diags);

}  // namespace weft::check

#endif  // WEFT_COMPILER_CHECK_CHECK_H_
