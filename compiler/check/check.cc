// The checker's entry point: module-level declarations first, then each workflow body.
#include "compiler/check/check.h"

#include "compiler/check/body_checker.h"
#include "compiler/check/declarations.h"

namespace weft::check {

void Check(ast::Module& module, diag::DiagnosticList& diags) {
  const ModuleNames names = CheckDeclarations(module, diags);
  for (ast::WorkflowDecl& workflow : module.workflows) {
    CheckParams(workflow, diags);
    BodyChecker(names, diags).Run(workflow);
  }
}

}  // namespace weft::check
