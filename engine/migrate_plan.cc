// Builds an execution's state on a new version from its state on the old one and the
// compiler's state map (migrate_plan.h), fiber by fiber: each fiber's pc moves to its point's
// counterpart, its locals are refilled by the point's moves (a branch's shared slots land in
// its parent's frame, its private ones in its own, at the new program's base), its try
// handlers move to the corresponding catch blocks, a `parallel for`'s pending items to the new
// body, its task request to the new task table. Registered compensations move by task name.
// The execution moves only if every fiber does; anything else gets a reason and stays.
#include "engine/migrate_plan.h"

#include <map>
#include <utility>

#include "absl/strings/str_cat.h"
#include "bytecode/instruction.h"
#include "common/strings.h"
#include "compiler/migrate/state_map.h"
#include "engine/migrate_code.h"
#include "engine/migrate_values.h"
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

std::string Where(const migrate::Point& point) {
  std::string text = absl::StrCat(point.range.line, ":", point.range.column, " ",
                                  migrate::PointKindName(point.kind), " ", point.key);
  if (!point.path.empty()) absl::StrAppend(&text, " in ", point.PathText());
  return text;
}

// A parallel branch or `parallel for` body: a step that starts fibers of its own.
bool IsBranchStep(const migrate::PathStep& step) { return step.key.rfind("parallel", 0) == 0; }

// The first private slot of a fiber waiting at `point`: its innermost branch step's base; 0
// (the root) when it is in no branch.
uint32_t BaseAt(const migrate::Point& point) {
  for (size_t i = point.path.size(); i-- > 0;) {
    if (IsBranchStep(point.path[i])) return point.path[i].base;
  }
  return 0;
}

bool IsParallelForJoin(const migrate::Point& point) {
  return point.kind == PointKind::kJoin && point.key.rfind("parallel for", 0) == 0;
}

// One fiber of the old state, the point it waits at, and its frame on the new program.
struct FiberAt {
  const vm::Fiber* old = nullptr;
  const migrate::PointMap* point = nullptr;
  uint32_t new_base = 0;
  std::vector<Value> locals;  // private slots [new_base, num_locals) on the new program
  std::vector<bool> written;
};

class Planner {
 public:
  Planner(const PlanVersion& from, const PlanVersion& to, const vm::ExecState& state,
          const migrate::StateMap& map, const migrate::MapInputs& inputs, int64_t now_ms)
      : from_(from), to_(to), state_(state), map_(map), values_(inputs, now_ms) {}

  MigrationPlan Run() {
    MigrationPlan plan;
    if (!LocateAll() || !FillFrames()) return Refused();
    plan.state = state_;
    for (auto& [id, at] : fibers_) {
      if (!Rewrite(id, at, plan.state.fibers.at(id))) return Refused();
      const migrate::Point& dest = *at.point->new_point;
      plan.moves.push_back({id, migrate::PointKindName(dest.kind), dest.key, at.point->old_point.range.line,
                            at.point->old_point.range.column, dest.range.line, dest.range.column});
    }
    if (!MoveCompensations(plan.state.compensations)) return Refused();
    if (absl::Status fits = vm::CheckStateFits(*to_.program, plan.state); !fits.ok()) {
      reason_ = absl::StrCat("the moved state does not fit the new program (", fits.message(), ")");
      return Refused();
    }
    plan.ok = true;
    return plan;
  }

 private:
  MigrationPlan Refused() {
    MigrationPlan plan;
    plan.reason = std::move(reason_);
    return plan;
  }
  // Sets the reason: the fiber (when there are several; 0 for none), its point, and why.
  bool Fail(uint32_t fiber, const FiberAt* at, std::string why) {
    reason_ = fiber != 0 && fibers_total_ > 1 ? absl::StrCat("fiber ", fiber, " ") : "";
    if (at != nullptr && at->point != nullptr)
      absl::StrAppend(&reason_, "at ", Where(at->point->old_point), ": ");
    absl::StrAppend(&reason_, why);
    return false;
  }

  // Finds every fiber's point; all must map.
  bool LocateAll() {
    fibers_total_ = state_.fibers.size();
    for (const auto& [id, fiber] : state_.fibers) {
      FiberAt& at = fibers_[id];
      at.old = &fiber;
      at.point = FindOldPoint(fiber);
      if (at.point == nullptr) {
        return Fail(id, nullptr, "it waits inside an expression or at no suspension point the map knows");
      }
      const migrate::PointMap& p = *at.point;
      if (!p.mappable()) {
        if (p.problems.empty()) return Fail(id, &at, "no counterpart");
        const diag::Diagnostic& d = p.problems.front().diagnostic;
        return Fail(id, &at, absl::StrCat(d.message, " [", ToAbsl(diag::InfoOf(d.kind).code), "]"));
      }
      if (!fiber.stack.empty()) {
        return Fail(id, &at,
                    "it waits inside an expression (values are on its operand stack); such a wait is "
                    "not carried");
      }
      if (fiber.base != BaseAt(p.old_point) || (id == 1) != (fiber.parent == 0)) {
        return Fail(id, &at, "its frame does not match the old point's branch");
      }
      at.new_base = BaseAt(*p.new_point);
      if (at.new_base > to_.program->num_locals) return Fail(id, &at, "the new branch has no frame");
      at.locals.assign(to_.program->num_locals - at.new_base, Value());
      at.written.assign(at.locals.size(), false);
    }
    return !fibers_.empty() || Fail(0, nullptr, "it has no fiber");
  }

  const migrate::PointMap* FindOldPoint(const vm::Fiber& fiber) {
    std::optional<Stopped> stopped = StoppedBefore(*from_.program, fiber.pc);
    if (!stopped || (bytecode::InfoOf(stopped->code.ins.op).flags & bytecode::F_SUSPEND) == 0) return nullptr;
    for (const migrate::PointMap& p : map_.points) {
      if (p.old_point.range.line == stopped->line && p.old_point.range.column == stopped->column &&
          WaitOf(p.old_point.kind) == fiber.wait) {
        old_ops_[&p] = stopped->code.ins.op;
        return &p;
      }
    }
    return nullptr;
  }

  // The old value of `slot` as fiber `id` sees it: its own private slot, or an ancestor's.
  const Value* OldSlot(uint32_t id, uint32_t slot) const {
    while (id != 0) {
      auto it = state_.fibers.find(id);
      if (it == state_.fibers.end()) return nullptr;
      const vm::Fiber& f = it->second;
      if (slot >= f.base) return slot - f.base < f.locals.size() ? &f.locals[slot - f.base] : nullptr;
      id = f.parent;
    }
    return nullptr;
  }

  // Writes `slot` of the new frame fiber `id` sees: in the fiber that owns it on the new
  // program. A slot already filled (by the parent's own point, or a sibling) keeps its value:
  // both came from the same shared old slot.
  void Write(uint32_t id, uint32_t slot, Value v) {
    while (id != 0) {
      FiberAt& at = fibers_.at(id);
      if (slot >= at.new_base) {
        const uint32_t i = slot - at.new_base;
        if (!at.written[i]) {
          at.locals[i] = std::move(v);
          at.written[i] = true;
        }
        return;
      }
      id = at.old->parent;
    }
  }

  bool FillFrames() {
    for (auto& [id, at] : fibers_) {
      for (const migrate::VarMove& move : at.point->moves) {
        std::optional<Value> v = MoveValue(id, at, move);
        if (!v) return false;
        Write(id, move.new_slot, *std::move(v));
      }
    }
    return true;
  }

  std::optional<Value> MoveValue(uint32_t id, FiberAt& at, const migrate::VarMove& move) {
    switch (move.how) {
      case migrate::VarMove::How::kCarry:
        if (const Value* v = OldSlot(id, move.old_slot)) return *v;
        Fail(id, &at, absl::StrCat("`", move.name, "` has no slot in the old frame"));
        return std::nullopt;
      case migrate::VarMove::How::kDefault: {
        const auto& params = to_.program->params;
        if (move.new_slot < params.size() && params[move.new_slot].has_default) {
          return params[move.new_slot].default_value;
        }
        Fail(id, &at, absl::StrCat("parameter `", move.name, "` has no default"));
        return std::nullopt;
      }
      case migrate::VarMove::How::kCompute: {
        std::string error;
        std::optional<Value> v = values_.Evaluate(
            *move.entry, at.point->old_point, [&](uint32_t slot) { return OldSlot(id, slot); }, &error);
        if (!v) Fail(id, &at, std::move(error));
        return v;
      }
    }
    return std::nullopt;
  }

  bool Rewrite(uint32_t id, FiberAt& at, vm::Fiber& fiber) {
    const migrate::Point& dest = *at.point->new_point;
    std::optional<CodeAt> resume =
        FindInstruction(*to_.program, old_ops_.at(at.point), dest.range.line, dest.range.column);
    if (!resume) return Fail(id, &at, "the new point has no code");
    fiber.pc = resume->pc + resume->ins.size;
    fiber.base = at.new_base;
    fiber.locals = std::move(at.locals);
    return MoveHandlers(id, at, fiber) && MoveEach(id, at, fiber) && MoveRequest(id, at, fiber);
  }

  // The handlers of the try blocks around the point, outermost first, onto the new program's
  // catch targets of the try blocks around the new point.
  bool MoveHandlers(uint32_t id, const FiberAt& at, vm::Fiber& fiber) {
    const auto& old_tries = at.point->old_point.tries;
    const auto& new_tries = at.point->new_point->tries;
    if (fiber.handlers.size() != old_tries.size()) {
      return Fail(id, &at, "its try handlers do not match the try blocks around the old point");
    }
    if (new_tries.size() != old_tries.size()) {
      return Fail(id, &at,
                  absl::StrCat("it waits inside ", old_tries.size(), " `try` block(s), the new point inside ",
                               new_tries.size(), "; the catch blocks do not correspond"));
    }
    for (size_t i = 0; i < new_tries.size(); ++i) {
      std::optional<CodeAt> t =
          FindInstruction(*to_.program, bytecode::Op::TRY, new_tries[i].line, new_tries[i].column);
      if (!t) return Fail(id, &at, absl::StrCat("the new `try` at line ", new_tries[i].line, " has no code"));
      fiber.handlers[i].catch_pc = t->ins.a;
    }
    return true;
  }

  // A `parallel for` with items still to start continues them in the new body.
  bool MoveEach(uint32_t id, const FiberAt& at, vm::Fiber& fiber) {
    fiber.each_pc = fiber.each_base = 0;
    if (!IsParallelForJoin(*at.point->new_point)) return true;
    const migrate::Point& dest = *at.point->new_point;
    std::optional<CodeAt> fork =
        FindInstruction(*to_.program, bytecode::Op::FORK_EACH, dest.range.line, dest.range.column);
    if (!fork) return Fail(id, &at, "the new `parallel for` has no code");
    fiber.each_pc = fork->ins.a;
    fiber.each_base = fork->ins.b;
    return true;
  }

  // The wait's request on the new program: a task's index is the new program's.
  bool MoveRequest(uint32_t id, const FiberAt& at, vm::Fiber& fiber) {
    const migrate::Point& old_point = at.point->old_point;
    const migrate::Point& dest = *at.point->new_point;
    if ((old_point.kind == PointKind::kTask || old_point.kind == PointKind::kChild) &&
        old_point.name != dest.name) {
      return Fail(id, &at,
                  absl::StrCat("it waits for ", migrate::PointKindName(old_point.kind), " `", old_point.name,
                               "`; the new point calls `", dest.name, "`"));
    }
    if (old_point.kind != PointKind::kTask) return true;
    std::optional<uint32_t> task = NewTaskIndex(dest.name);
    if (!task)
      return Fail(id, &at, absl::StrCat("task `", dest.name, "` is not declared in the new program"));
    Object request = fiber.request.as_object();
    request.Set("task", Value::Int(*task));
    fiber.request = Value::MakeObject(std::move(request));
    return true;
  }

  std::optional<uint32_t> NewTaskIndex(std::string_view name) const {
    for (size_t i = 0; i < to_.program->tasks.size(); ++i) {
      if (to_.program->tasks[i].name == name) return static_cast<uint32_t>(i);
    }
    return std::nullopt;
  }

  // Registered compensations name a task of the old program; each moves to the new program's
  // task of that name, which the new code must itself register somewhere (`compensate`).
  bool MoveCompensations(std::vector<Value>& compensations) {
    for (Value& c : compensations) {
      const Value* task = c.is_object() ? c.as_object().Find("task") : nullptr;
      if (task == nullptr || !task->is_int() || task->as_int() < 0 ||
          static_cast<size_t>(task->as_int()) >= from_.program->tasks.size()) {
        return Fail(0, nullptr, "a registered compensation names no task of the old program");
      }
      const std::string& name = from_.program->tasks[task->as_int()].name;
      std::optional<uint32_t> index = NewTaskIndex(name);
      if (!index || !RegistersCompensation(*index)) {
        return Fail(0, nullptr,
                    absl::StrCat("it has registered the compensation `", name,
                                 "`, which the new version never registers (`compensate ", name, "(...)`)"));
      }
      Object moved = c.as_object();
      moved.Set("task", Value::Int(*index));
      c = Value::MakeObject(std::move(moved));
    }
    return true;
  }

  bool RegistersCompensation(uint32_t task) const {
    for (uint32_t pc = 0; pc < to_.program->code.size();) {
      std::optional<bytecode::Instruction> ins = bytecode::DecodeAt(to_.program->code, pc);
      if (!ins) return false;
      if (ins->op == bytecode::Op::COMPENSATE && ins->a == task) return true;
      pc += ins->size;
    }
    return false;
  }

  const PlanVersion& from_;
  const PlanVersion& to_;
  const vm::ExecState& state_;
  const migrate::StateMap& map_;
  MigrateValues values_;
  std::map<uint32_t, FiberAt> fibers_;  // by id: a parent before its branches
  std::map<const migrate::PointMap*, bytecode::Op> old_ops_;
  size_t fibers_total_ = 0;
  std::string reason_;
};

}  // namespace

MigrationPlan PlanMigration(std::string_view workflow, const PlanVersion& from, const PlanVersion& to,
                            const vm::ExecState& state, int64_t now_ms) {
  if (state.compensating) {
    MigrationPlan plan;
    plan.reason = "it is running its compensations";
    return plan;
  }
  migrate::MapInputs inputs;
  const std::string from_name = absl::StrCat(ToAbsl(workflow), "@v", from.version);
  const std::string to_name = absl::StrCat(ToAbsl(workflow), "@v", to.version);
  const migrate::StateMap map =
      migrate::ComputeStateMap(workflow, {from_name, from.source}, {to_name, to.source}, inputs);
  if (!map.error.empty()) {
    MigrationPlan plan;
    plan.reason = map.error;
    return plan;
  }
  return Planner(from, to, state, map, inputs, now_ms).Run();
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
