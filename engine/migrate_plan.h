// Live migration's planner (docs/migration.md, docs/versioning.md): given an execution's
// checkpointed state on one version and the state map to another (computed by the compiler
// from both versions' stored sources), builds the state the execution would have on the new
// version, fiber by fiber, or says why it cannot move. Pure: no store, no clock. The writer's
// migrate transition (engine/transitions/migrate.cc) applies the result atomically.
#ifndef WEFT_ENGINE_MIGRATE_PLAN_H_
#define WEFT_ENGINE_MIGRATE_PLAN_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "bytecode/program.h"
#include "vm/vm.h"
#include "weft/value.h"

namespace weft::engine {

// One version as the planner needs it: its verified program and the source it came from.
struct PlanVersion {
  uint32_t version = 0;
  const bytecode::Program* program = nullptr;
  std::string source;
};

// Where one fiber waited and where it waits after the move.
struct FiberMove {
  uint32_t fiber = 0;
  std::string kind;  // "task", "sleep", "signal", "child", "join" (PointKindName)
  std::string key;   // the point's identity
  uint32_t old_line = 0, old_column = 0;
  uint32_t new_line = 0, new_column = 0;
};

struct MigrationPlan {
  bool ok = false;
  std::string reason;  // !ok: why the execution stays where it is
  std::vector<FiberMove> moves;
  vm::ExecState state;  // ok: the state on the new version (waits and wait ids kept)
};

// Plans moving `state` of `workflow` from `from` to `to`. Never fails as a call: a state that
// cannot move gives !ok with a reason for the user (the state map's diagnostic, with its code,
// or the limit of this release that it hits). `now_ms` is what now() gives a `migrate` value.
MigrationPlan PlanMigration(std::string_view workflow, const PlanVersion& from, const PlanVersion& to,
                            const vm::ExecState& state, int64_t now_ms);

// The moves as a history value: [{"fiber", "kind", "key", "from": "L:C", "to": "L:C"}].
Value MovesValue(const std::vector<FiberMove>& moves);

}  // namespace weft::engine

#endif  // WEFT_ENGINE_MIGRATE_PLAN_H_
