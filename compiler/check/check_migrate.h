// Checks the `migrate w { ... }` sections of a module (docs/migration.md).
// Internal to compiler/check; check.h runs it after the declarations.
#ifndef WEFT_COMPILER_CHECK_CHECK_MIGRATE_H_
#define WEFT_COMPILER_CHECK_CHECK_MIGRATE_H_

#include "compiler/ast/ast.h"
#include "compiler/check/declarations.h"
#include "compiler/diag/diagnostic.h"

namespace weft::check {

// Reports BadMigrateEntry (unknown workflow, unknown or repeated variable, a
// second section for one workflow) and MigrateValueNotPure (a value that calls
// a task or workflow, awaits, starts, forks or fails). The values' names stay
// unresolved: they are the old version's.
void CheckMigrations(const ast::Module &module, const ModuleNames &names,
                     diag::DiagnosticList &diags);

}  // namespace weft::check

#endif  // WEFT_COMPILER_CHECK_CHECK_MIGRATE_H_
