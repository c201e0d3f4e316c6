// The checker's entry point: module-level declarations first, then each workflow body.
#include "compiler/check/check.h"

#include "compiler/check/body_checker.h"
#include "compiler/check/check_migrate.h"
#include "compiler/check/declarations.h"
#include "compiler/check/options.h"

namespace weft::check {

void Check(ast::Module& module, diag::DiagnosticList& diags) {
  const ModuleNames names = CheckDeclarations(module, diags);
  for (const ast::TaskDecl& task : module.tasks) {
    if (task.policy != nullptr) CheckTaskPolicy(*task.policy, diags);
  }
  for (ast::WorkflowDecl& workflow : module.workflows) {
    CheckParams(workflow, diags);
    if (workflow.options != nullptr) CheckWorkflowOptions(*workflow.options, names, diags);
    BodyChecker(names, diags).Run(workflow);
  }
  CheckMigrations(module, names, diags);
}

}  // namespace weft::check
