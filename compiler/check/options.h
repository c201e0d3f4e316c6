// The `with { ... }` objects: a task's policy (on its declaration or at a call site) and a
// workflow's options. Both must be literal objects with known keys and values of the right
// type and range, because they are stored as constants in the program (TaskDecl::policy,
// CALL_TASK_WITH's operand, Program::timeout_ms and failure_workflow).
//
// Task policy keys (declared once, in common/task_policy_keys.def): retries (int 0..100),
// backoff ("fixed" | "linear" | "exponential"), delay, max_delay, timeout, heartbeat,
// schedule_timeout, total_timeout (durations >= 0), jitter (number 0..1), optional (bool),
// priority (int 0..99), backoff_scale (number > 0).
// Workflow option keys: timeout (duration > 0), on_failure (the name of a workflow of the file).
#ifndef WEFT_COMPILER_CHECK_OPTIONS_H_
#define WEFT_COMPILER_CHECK_OPTIONS_H_

#include <string>
#include <vector>

#include "compiler/ast/ast.h"
#include "compiler/check/declarations.h"
#include "compiler/diag/diagnostic.h"

namespace weft::check {

// The keys a task policy may have, in the order the "the keys are ..." hint lists them.
std::vector<std::string> TaskPolicyKeys();

// Reports unknown keys (UnknownOptionKey) and bad values (BadOptionValue) of the policy `e`.
// An `e` that is not an object literal (a placeholder for broken syntax) is ignored.
void CheckTaskPolicy(const ast::Expr& e, diag::DiagnosticList& diags);

// The same for workflow options; `on_failure` must name one of `names.workflows`.
void CheckWorkflowOptions(const ast::Expr& e, const ModuleNames& names,
                          diag::DiagnosticList& diags);

}  // namespace weft::check

#endif  // WEFT_COMPILER_CHECK_OPTIONS_H_
