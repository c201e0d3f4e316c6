// A `migrate` section's value as a program (docs/migration.md): the entry's expression,
// compiled by the ordinary compiler as the body of a tiny workflow whose parameters are the
// old frame's variables at one point, so the engine evaluates it on the VM with the VM's own
// operators and builtins. Compiler side only: the result is plain bytecode.
#ifndef WEFT_COMPILER_MIGRATE_VALUE_PROGRAM_H_
#define WEFT_COMPILER_MIGRATE_VALUE_PROGRAM_H_

#include <string>
#include <vector>

#include "bytecode/program.h"
#include "compiler/migrate/state_map.h"

namespace weft::migrate {

struct ValueProgram {
  bool ok = false;
  std::string error;             // !ok: why the value does not compile, for the user
  bytecode::Program program;     // its parameters are `params`, in order
  std::vector<Variable> params;  // the old frame's variables it reads (old slots)
};

// Compiles `entry` (a kCompute move's entry, from the new version in `inputs`) over the
// variables of `old_point` that it reads. The program returns the value; its parameters take the old
// values as they are (untyped).
ValueProgram CompileMigrateValue(const ast::MigrateEntry& entry, const Point& old_point,
                                 const MapInputs& inputs);

}  // namespace weft::migrate

#endif  // WEFT_COMPILER_MIGRATE_VALUE_PROGRAM_H_
