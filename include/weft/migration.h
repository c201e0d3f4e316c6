// What `Engine::CheckMigration` answers (docs/versioning.md, "Checking a migration"): for a
// .wf source about to be deployed, each older version of its workflows that has running or
// paused executions, with the compiler's state map onto the source's version: every
// suspension point of the old version, its counterpart, how the new frame's variables get
// their values, and why a point cannot move. The same structure is served as JSON by
// `POST /api/weft/check-migration` (docs/server.md) and read back by the CLI's client mode.
// Also what `Engine::MigrateExecution` did with one execution (MigrationResult).
#ifndef WEFT_MIGRATION_H_
#define WEFT_MIGRATION_H_

#include <cstdint>
#include <string>
#include <vector>

namespace weft {

// How one variable of the new frame gets its value at a mapped point, or an old variable the
// new frame drops.
struct MigrationVariable {
  std::string name;
  std::string how;        // "carry", "compute", "default", "drop"
  uint32_t old_slot = 0;  // carry
  uint32_t new_slot = 0;  // carry, compute, default
  std::string value;      // compute: the `migrate` section's expression, as written
};

// Why a point cannot move: a diagnostic of the state map (E0401-E0405), with its place in
// both sources (0 when it has none in one of them).
struct MigrationDiagnostic {
  std::string code;  // "E0401"
  std::string message;
  uint32_t old_line = 0, old_column = 0;
  uint32_t new_line = 0, new_column = 0;
  std::string note;  // what the place in the other version is
  std::vector<std::string> hints;
};

// One suspension point of the old version.
struct MigrationPoint {
  std::string kind;   // "task", "child", "sleep", "signal", "join"
  std::string key;    // its identity: the label, else the name, "sleep", "parallel", ...
  std::string name;   // the task, child or signal name; empty for the others
  std::string label;  // `as "label"`, or empty
  std::string path;   // the loops and parallel blocks around it ("" at top level)
  uint32_t old_line = 0, old_column = 0;
  bool has_counterpart = false;
  uint32_t new_line = 0, new_column = 0;  // has_counterpart
  bool mappable = false;
  std::vector<MigrationVariable> variables;      // mappable
  std::vector<MigrationDiagnostic> diagnostics;  // !mappable
};

// One older version with running or paused executions, mapped onto the source's version.
struct MigrationVersionCheck {
  std::string workflow;
  uint32_t version = 0;
  uint64_t running = 0;  // its RUNNING and PAUSED executions
  // Set when its points cannot be mapped at all (its source is not stored, or the map could
  // not be computed); nothing else below is then.
  std::string error;
  uint32_t new_points = 0;  // suspension points of the source's version
  std::vector<MigrationPoint> points;
  bool mappable = false;  // every point maps
  // The block `weft deploy --check-migration` prints for this version: a header line, the map
  // and every diagnostic rendered against both sources (compiler/migrate/render.cc).
  std::string text;
};

// A compiler diagnostic of the source itself.
struct SourceDiagnostic {
  std::string code;
  std::string severity;  // "error", "warning"
  std::string message;
  uint32_t line = 0, column = 0;
  std::vector<std::string> hints;
};

struct MigrationCheck {
  std::string file;  // the source's name, as given
  // The source does not compile: its diagnostics, and them rendered as the compiler prints
  // them; nothing was checked.
  std::vector<SourceDiagnostic> compile_errors;
  std::string compile_text;
  std::vector<MigrationVersionCheck> versions;  // by workflow in source order, then version
  bool compiles() const { return compile_errors.empty(); }
  // True when the source compiles and every version's executions can move.
  bool all_mappable() const {
    if (!compiles()) return false;
    for (const MigrationVersionCheck& v : versions) {
      if (!v.mappable) return false;
    }
    return true;
  }
};

// What `Engine::MigrateExecution` did with one execution (docs/versioning.md).
struct MigrationResult {
  std::string execution_id;
  std::string workflow;
  uint32_t from_version = 0;
  uint32_t to_version = 0;
  bool moved = false;  // it moved (a dry run: it would move)
  std::string reason;  // !moved: why it stays on its version, untouched
  // moved: where each fiber waited and waits now, "fiber 1: task pay 5:5 -> 6:5"
  std::vector<std::string> points;
};

}  // namespace weft

#endif  // WEFT_MIGRATION_H_
