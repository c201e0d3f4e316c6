// Module-level checks: the names a file declares (tasks and workflows) and each workflow's
// parameters. Runs before any body is checked; the bodies resolve calls against the result.
#ifndef WEFT_COMPILER_CHECK_DECLARATIONS_H_
#define WEFT_COMPILER_CHECK_DECLARATIONS_H_

#include <string>
#include <string_view>
#include <vector>

#include "compiler/ast/ast.h"
#include "compiler/diag/diagnostic.h"

namespace weft::check {

struct ModuleNames {
  std::vector<std::string> tasks;      // distinct, in declaration order
  std::vector<std::string> workflows;  // distinct, in declaration order
  std::vector<const ast::WorkflowDecl*> workflow_decls;  // parallel to `workflows`

  bool IsTask(std::string_view name) const;
  bool IsWorkflow(std::string_view name) const;
  // The declaration of workflow `name`, or nullptr; *index (when non-null) is its position.
  const ast::WorkflowDecl* FindWorkflow(std::string_view name, uint32_t* index = nullptr) const;
};

// Reports duplicate tasks and workflows, a task and a workflow sharing a name, and either
// named like a builtin. Returns the distinct names.
ModuleNames CheckDeclarations(const ast::Module& module, diag::DiagnosticList& diags);

// Reports duplicate parameter names, unknown type annotations, and defaults that are not
// literals or do not match their annotation.
void CheckParams(const ast::WorkflowDecl& workflow, diag::DiagnosticList& diags);

// Reports UnknownWorkflow at `range` unless `name` is a workflow of the file. `what` names
// what needs a workflow there ("`start`", "`on_failure`"). Returns true when it is one.
bool ReportIfNotWorkflow(const ModuleNames& names, const std::string& name,
                         diag::SourceRange range, std::string_view what,
                         diag::DiagnosticList& diags);

// Reports keys that appear twice in the object literal `e`. REQUIRES: e.kind == kObject.
void CheckObjectKeys(const ast::Expr& e, diag::DiagnosticList& diags);

// Reports NameTooLong at `range` when `name` is longer than kMaxNameBytes (common/name_limits.h).
// `what` is "workflow", "task", "parameter" or "signal".
void CheckNameLength(std::string_view what, const std::string& name, diag::SourceRange range,
                     diag::DiagnosticList& diags);

// Reports an unknown type annotation `type_name` at `range`. Empty means "no annotation".
void CheckTypeName(const std::string& type_name, diag::SourceRange range,
                   diag::DiagnosticList& diags);

}  // namespace weft::check

#endif  // WEFT_COMPILER_CHECK_DECLARATIONS_H_
