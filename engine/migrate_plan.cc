// Builds an execution's state on a new version from its state on the old one and the
// compiler's state map (migrate_plan.h). What this release moves: executions whose only fiber
// waits at a top-level task, child, sleep or signal point, outside any `try` block, with no
// registered compensation; `migrate` values that are an old variable or a literal. Anything
// else gets a reason and stays where it is.
#include "engine/migrate_plan.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "bytecode/instruction.h"
#include "bytecode/lines.h"
#include "common/strings.h"
#include "compiler/migrate/state_map.h"
#include "engine/value_builders.h"

namespace weft::engine {
namespace {

using migrate::PointKind;

vm::WaitKind WaitOf(PointKind kind) {
  switch (kind) {
    case PointKind::kTask:
      return vm::WaitKind::kTask;
    case PointKind::kChild:
      return vm::WaitKind::kChild;
    case PointKind::kSleep:
      return vm::WaitKind::kTimer;
    case PointKind::kSignal:
      return vm::WaitKind::kSignal;
    case PointKind::kJoin:
      return vm::WaitKind::kJoin;
  }
  return vm::WaitKind::kNone;
}

// The pc just after the suspending instruction at `range`'s start; 0 when there is none.
uint32_t ResumePcAt(const bytecode::Program& program, const diag::SourceRange& range) {
  for (uint32_t pc = 0; pc < program.code.size();) {
    std::optional<bytecode::Instruction> ins = bytecode::DecodeAt(program.code, pc);
    if (!ins) return 0;
    if ((bytecode::InfoOf(ins->op).flags & bytecode::F_SUSPEND) != 0) {
      const bytecode::LineEntry* line = bytecode::FindLine(program, pc);
      if (line != nullptr && line->line == range.line && line->column == range.column) {
        return pc + ins->size;
      }
    }
    pc += ins->size;
  }
  return 0;
}

// The old point a fiber waits at, by its source position.
const migrate::PointMap* FindOldPoint(const migrate::StateMap& map, const bytecode::Program& program,
                                      const vm::Fiber& fiber) {
  const bytecode::LineEntry* line = bytecode::FindLine(program, fiber.pc > 0 ? fiber.pc - 1 : 0);
  if (line == nullptr) return nullptr;
  for (const migrate::PointMap& p : map.points) {
    if (p.old_point.range.line == line->line && p.old_point.range.column == line->column &&
        WaitOf(p.old_point.kind) == fiber.wait) {
      return &p;
    }
  }
  return nullptr;
}

std::string Where(const migrate::Point& point) {
  return absl::StrCat(point.range.line, ":", point.range.column, " ", migrate::PointKindName(point.kind), " ",
                      point.key);
}

// A `migrate` value: an old variable, or a literal. Sets *reason otherwise.
std::optional<Value> ComputeValue(const ast::Expr& expr, const migrate::Point& old_point,
                                  const vm::Fiber& fiber, std::string* reason) {
  switch (expr.kind) {
    case ast::ExprKind::kNull:
      return Value();
    case ast::ExprKind::kBool:
      return Value::Bool(expr.bool_value);
    case ast::ExprKind::kInt:
    case ast::ExprKind::kDuration:
      return Value::Int(expr.int_value);
    case ast::ExprKind::kDouble:
      return Value::Double(expr.double_value);
    case ast::ExprKind::kString:
      if (expr.parts.size() == 1 && expr.parts[0].expr == nullptr) {
        return Value::String(expr.parts[0].text);
      }
      break;
    case ast::ExprKind::kName:
      if (const migrate::Variable* v = old_point.FindLive(expr.name);
          v != nullptr && v->slot < fiber.locals.size()) {
        return fiber.locals[v->slot];
      }
      break;
    default:
      break;
  }
  *reason =
      "its `migrate` value is an expression; this release carries only an old "
      "variable or a literal";
  return std::nullopt;
}

// The new root frame's locals, by the point's moves.
bool MapLocals(const migrate::PointMap& point, const bytecode::Program& to, const vm::Fiber& old,
               std::vector<Value>* locals, std::string* reason) {
  locals->assign(to.num_locals, Value());
  for (const migrate::VarMove& move : point.moves) {
    if (move.new_slot >= locals->size()) {
      *reason = absl::StrCat("variable `", move.name, "` has no slot in the new program");
      return false;
    }
    Value& slot = (*locals)[move.new_slot];
    switch (move.how) {
      case migrate::VarMove::How::kCarry:
        if (move.old_slot >= old.locals.size()) {
          *reason = absl::StrCat("variable `", move.name, "` has no slot in the old frame");
          return false;
        }
        slot = old.locals[move.old_slot];
        break;
      case migrate::VarMove::How::kDefault:
        if (move.new_slot >= to.params.size() || !to.params[move.new_slot].has_default) {
          *reason = absl::StrCat("parameter `", move.name, "` has no default");
          return false;
        }
        slot = to.params[move.new_slot].default_value;
        break;
      case migrate::VarMove::How::kCompute: {
        std::optional<Value> v = ComputeValue(*move.entry->value, point.old_point, old, reason);
        if (!v) {
          *reason = absl::StrCat("`", move.name, "`: ", *reason);
          return false;
        }
        slot = *std::move(v);
        break;
      }
    }
  }
  return true;
}

// The wait's request on the new program: a task's index is the new program's.
bool MapRequest(const migrate::PointMap& point, const bytecode::Program& to, vm::Fiber& fiber,
                std::string* reason) {
  const migrate::Point& from = point.old_point;
  const migrate::Point& dest = *point.new_point;
  if ((from.kind == PointKind::kTask || from.kind == PointKind::kChild) && from.name != dest.name) {
    *reason = absl::StrCat("it waits for ", migrate::PointKindName(from.kind), " `", from.name,
                           "`; the new point calls `", dest.name, "`");
    return false;
  }
  if (from.kind != PointKind::kTask) return true;
  for (size_t i = 0; i < to.tasks.size(); ++i) {
    if (to.tasks[i].name != dest.name) continue;
    Object request = fiber.request.as_object();
    request.Set("task", Value::Int(static_cast<int64_t>(i)));
    fiber.request = Value::MakeObject(std::move(request));
    return true;
  }
  *reason = absl::StrCat("task `", dest.name, "` is not declared in the new program");
  return false;
}

MigrationPlan Refuse(std::string reason) {
  MigrationPlan plan;
  plan.reason = std::move(reason);
  return plan;
}

}  // namespace

MigrationPlan PlanMigration(std::string_view workflow, const PlanVersion& from, const PlanVersion& to,
                            const vm::ExecState& state) {
  if (state.compensating) return Refuse("it is running its compensations");
  if (!state.compensations.empty()) {
    return Refuse("it has registered compensations; this release does not move them");
  }
  if (state.fibers.size() != 1 || !state.fibers.contains(1)) {
    return Refuse("it runs parallel branches; this release moves single-fiber executions");
  }
  const vm::Fiber& old = state.fibers.at(1);
  migrate::MapInputs inputs;
  const std::string from_name = absl::StrCat(ToAbsl(workflow), "@v", from.version);
  const std::string to_name = absl::StrCat(ToAbsl(workflow), "@v", to.version);
  const migrate::StateMap map =
      migrate::ComputeStateMap(workflow, {from_name, from.source}, {to_name, to.source}, inputs);
  if (!map.error.empty()) return Refuse(map.error);
  const migrate::PointMap* point = FindOldPoint(map, *from.program, old);
  if (point == nullptr) {
    return Refuse("it waits inside an expression or at no suspension point the map knows");
  }
  const std::string at = Where(point->old_point);
  if (!point->mappable()) {
    if (point->problems.empty()) return Refuse(absl::StrCat("at ", at, ": no counterpart"));
    const diag::Diagnostic& d = point->problems.front().diagnostic;
    return Refuse(absl::StrCat("at ", at, ": ", d.message, " [", ToAbsl(diag::InfoOf(d.kind).code), "]"));
  }
  if (!point->old_point.path.empty()) {
    return Refuse(absl::StrCat("at ", at, ": it waits inside `", point->old_point.PathText(),
                               "`; this release moves only top-level points"));
  }
  if (!old.handlers.empty()) {
    return Refuse(absl::StrCat("at ", at, ": it waits inside a `try` block; not moved yet"));
  }
  if (!old.stack.empty()) {
    return Refuse(absl::StrCat("at ", at, ": it waits inside an expression; not moved yet"));
  }
  MigrationPlan plan;
  plan.state = state;
  vm::Fiber& fiber = plan.state.fibers.at(1);
  fiber.pc = ResumePcAt(*to.program, point->new_point->range);
  if (fiber.pc == 0) return Refuse(absl::StrCat("at ", at, ": the new point has no code"));
  std::string reason;
  if (!MapLocals(*point, *to.program, old, &fiber.locals, &reason) ||
      !MapRequest(*point, *to.program, fiber, &reason)) {
    return Refuse(absl::StrCat("at ", at, ": ", reason));
  }
  if (absl::Status fits = vm::CheckStateFits(*to.program, plan.state); !fits.ok()) {
    return Refuse(
        absl::StrCat("at ", at, ": the moved state does not fit the new program (", fits.message(), ")"));
  }
  const migrate::Point& dest = *point->new_point;
  plan.moves.push_back({1, migrate::PointKindName(dest.kind), dest.key, point->old_point.range.line,
                        point->old_point.range.column, dest.range.line, dest.range.column});
  plan.ok = true;
  return plan;
}

Value MovesValue(const std::vector<FiberMove>& moves) {
  List out;
  for (const FiberMove& m : moves) {
    out.push_back(Obj({{"fiber", Value::Int(m.fiber)},
                       {"kind", Str(m.kind)},
                       {"key", Str(m.key)},
                       {"from", Str(absl::StrCat(m.old_line, ":", m.old_column))},
                       {"to", Str(absl::StrCat(m.new_line, ":", m.new_column))}}));
  }
  return Value::MakeList(std::move(out));
}

}  // namespace weft::engine
