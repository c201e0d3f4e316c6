// Evaluating a `migrate` section's values while an execution moves (docs/migration.md): the
// compiler turns each value into a tiny program over the old frame's variables
// (compiler/migrate/value_program.h) and the VM runs it with the old values as its arguments,
// so a value means exactly what the same expression means in a workflow. Internal to the
// migration planner (migrate_plan.cc).
#ifndef WEFT_ENGINE_MIGRATE_VALUES_H_
#define WEFT_ENGINE_MIGRATE_VALUES_H_

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>

#include "compiler/migrate/state_map.h"
#include "compiler/migrate/value_program.h"
#include "weft/value.h"

namespace weft::engine {

class MigrateValues {
 public:
  // `inputs` (both versions, compiled) outlives this; `now_ms` is what now() gives.
  MigrateValues(const migrate::MapInputs& inputs, int64_t now_ms) : inputs_(inputs), now_ms_(now_ms) {}

  // The value of `entry` for a fiber waiting at `old_point`, whose old slots `old_slot` reads
  // (nullptr: no such slot). nullopt with *error when it does not compile or fails on the VM
  // (a type error, a missing field, ...): the reason the execution stays.
  std::optional<Value> Evaluate(const ast::MigrateEntry& entry, const migrate::Point& old_point,
                                const std::function<const Value*(uint32_t)>& old_slot, std::string* error);

 private:
  const migrate::MapInputs& inputs_;
  int64_t now_ms_;
  // Compiled once per entry and old point (keyed by their addresses, stable in the map).
  std::map<std::pair<const void*, const void*>, migrate::ValueProgram> programs_;
};

}  // namespace weft::engine

#endif  // WEFT_ENGINE_MIGRATE_VALUES_H_
