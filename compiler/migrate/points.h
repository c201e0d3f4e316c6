// The suspension points of one checked workflow, for live migration
// (docs/migration.md): every place an execution can wait durably (a task call,
// a child workflow call, `sleep`, `await signal`, the join of a `parallel`
// block or `parallel for`), each with its stable identity and the variables
// that hold values there. Computed from the checked AST, which still has the
// names, labels and structure the bytecode lost.
#ifndef WEFT_COMPILER_MIGRATE_POINTS_H_
#define WEFT_COMPILER_MIGRATE_POINTS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "compiler/ast/ast.h"

namespace weft::migrate {

using diag::SourceRange;

enum class PointKind : uint8_t { kTask, kChild, kSleep, kSignal, kJoin };
const char *PointKindName(PointKind kind);  // "task", "child", "sleep", "signal", "join"

// One loop or parallel construct around a point. Other statements (if, switch,
// try, blocks) are transparent: moving a call into or out of them keeps its
// identity.
struct PathStep {
  std::string key;        // "for item#1", "while#2", "do#1", "parallel#1 branch 2",
                          // "parallel for x#1"; the number counts same-named siblings
  SourceRange range;      // the construct
  uint32_t branches = 0;  // a parallel block's branch count; 0 for the others
  uint32_t base = 0;      // a parallel branch or `parallel for` body: the first local slot
                          // private to its fibers (the code's FORK operand); 0 for loops
};

// State the generated code keeps in hidden local slots while a construct around
// the point runs (a `for` loop's list and index), named so that a map can carry
// it like a variable: by its construct's path key and its role.
struct HiddenSlot {
  std::string owner;  // the construct's PathStep key, "for item#1"
  std::string role;   // "items" (the list or object iterated), "index" (the next one)
  uint32_t slot = 0;
};

// A variable that has a value at a point: a parameter, or a let/var/loop/catch
// variable declared before the point in a scope enclosing it.
struct Variable {
  std::string name;
  uint32_t slot = 0;
  std::string type_name;  // its annotation, or empty
  SourceRange decl;       // its declaration (a parameter's range)
  bool param = false;
  bool has_default = false;  // a parameter with a default value
};

struct Point {
  PointKind kind = PointKind::kTask;
  std::string name;   // the task, child workflow or (literal) signal name; empty else
  std::string label;  // `as "label"`, or empty
  std::string key;    // the identity: the label when there is one, else the name,
                      // "sleep", "parallel" or "parallel for x"
  std::vector<PathStep> path;
  uint32_t occurrence = 1;  // among points with the same kind, key and path, in source order
  SourceRange range;
  std::vector<Variable> live;           // variables with a value here (innermost of a name wins)
  std::vector<std::string> read_after;  // those of `live` the workflow may read after the point
  uint32_t branches = 0;                // a parallel block's join: its branch count
  std::vector<HiddenSlot> hidden;       // the hidden state of the loops around it
  // The `try` blocks whose body encloses the point in the point's own fiber
  // (a parallel branch starts with none), outermost first: the handlers a fiber
  // waiting here has, each the range of its `try` statement.
  std::vector<SourceRange> tries;

  std::string PathText() const;  // "" at top level, else the keys joined by " > "
  const Variable *FindLive(const std::string &name) const;
  bool ReadAfter(const std::string &name) const;
};

// Every suspension point of `w` in source order (a call after its arguments, a
// join after its branches). REQUIRES: `w` was checked without errors.
std::vector<Point> CollectPoints(const ast::WorkflowDecl &w);

}  // namespace weft::migrate

#endif  // WEFT_COMPILER_MIGRATE_POINTS_H_
