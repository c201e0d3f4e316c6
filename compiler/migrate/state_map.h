// The state map between two versions of one workflow (docs/migration.md): for
// each suspension point of the old version, its counterpart in the new one and
// how the old frame's variables fill the new frame, or why the point cannot
// move (diagnostics E0401-E0405). Both versions are source text, compiled here:
// the store keeps every version's source, and the checked AST has the names,
// labels and structure that matching needs. The VM is never involved; the
// engine uses the map to move executions.
#ifndef WEFT_COMPILER_MIGRATE_STATE_MAP_H_
#define WEFT_COMPILER_MIGRATE_STATE_MAP_H_

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/ast/ast.h"
#include "compiler/diag/diagnostic.h"
#include "compiler/migrate/points.h"

namespace weft::migrate {

// One version: its file name (for diagnostics) and source text.
struct VersionSource {
  std::string path;
  std::string source;
};

// How one variable of the new frame gets its value at a point.
struct VarMove {
  enum class How : uint8_t {
    kCarry,    // the old frame's variable of the same name
    kCompute,  // the migrate section's value, from the old frame's variables
    kDefault,  // a new parameter's default
  };
  How how = How::kCarry;
  std::string name;
  uint32_t old_slot = 0;  // kCarry
  uint32_t new_slot = 0;
  const ast::MigrateEntry *entry = nullptr;  // kCompute; owned by the new module
  bool hidden = false;  // a loop's hidden state (HiddenSlot), named "for item#1 index"
};

// An unmappable point's reason. The diagnostic's range is in the new source, or
// in the old one when `in_old`; the note points at the other version.
struct Problem {
  diag::Diagnostic diagnostic;
  bool in_old = false;
  diag::SourceRange note_range;
  std::string note;
};

struct PointMap {
  Point old_point;
  std::optional<Point> new_point;    // the counterpart, when there is one
  std::vector<VarMove> moves;        // for a mappable point
  std::vector<std::string> dropped;  // old variables the new frame does not take
  std::vector<Problem> problems;     // empty: the point maps
  bool mappable() const { return new_point.has_value() && problems.empty(); }
};

struct StateMap {
  std::string workflow;
  // Set when either version does not compile or lacks the workflow; nothing
  // else is then.
  std::string error;
  std::vector<PointMap> points;  // the old version's points, in source order
  std::vector<Point> new_points;
  bool all_mappable() const;
  size_t unmappable_count() const;
};

// The names a migrate value reads (the old frame's variables), each with where
// it is read, in source order.
void FreeNames(const ast::Expr *e, std::vector<const ast::Expr *> &out);

// The compiled versions a map refers to; kept alive with it (the map points
// into them).
struct MapInputs {
  VersionSource old_version;
  VersionSource new_version;
  std::unique_ptr<ast::Module> old_module;
  std::unique_ptr<ast::Module> new_module;
};

// Compiles both versions and maps `workflow`'s points. `inputs` receives the
// compiled modules.
StateMap ComputeStateMap(std::string_view workflow, VersionSource old_version,
                         VersionSource new_version, MapInputs &inputs);

// The source text of `r` in `source` (a single-line range, or the first line of a longer
// one); "" when it is out of range.
std::string SourceTextOf(std::string_view source, const diag::SourceRange &r);

// The map as text, one block per old point (pinned by
// tests/golden/migrate/*.map).
std::string RenderStateMap(const StateMap &map, const MapInputs &inputs);

// Every problem, rendered like compiler diagnostics with a note on the other
// version, and a summary line ("2 unmappable points"); empty when all points
// map.
std::string RenderProblems(const StateMap &map, const MapInputs &inputs);

}  // namespace weft::migrate

#endif  // WEFT_COMPILER_MIGRATE_STATE_MAP_H_
