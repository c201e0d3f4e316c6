// Collecting a workflow's suspension points: one walk over the checked AST in
// evaluation order, keeping the loop/parallel path, the scopes (what has a
// value where) and every read of a local; then, per point, which live variables
// may be read after it. That last part is a conservative reading of the source:
// a variable counts as read after a point when a read of it follows the point
// in its scope, or sits anywhere in a loop around the point that is itself
// inside the variable's scope (the next iteration reads it again).
#include "compiler/migrate/points.h"

#include <functional>
#include <map>

namespace weft::migrate {
namespace {

bool Before(uint32_t l1, uint32_t c1, uint32_t l2, uint32_t c2) {
  return l1 < l2 || (l1 == l2 && c1 < c2);
}
bool StartsAfterEnd(const SourceRange &r,
                    const SourceRange &p) {  // r starts at/after p's end
  return !Before(r.line, r.column, p.end_line, p.end_column);
}
bool Within(const SourceRange &r, const SourceRange &outer) {
  return !Before(r.line, r.column, outer.line, outer.column) &&
         !Before(outer.end_line, outer.end_column, r.end_line, r.end_column);
}

struct Read {
  uint32_t slot;
  SourceRange at;
};

// A variable with the extent of its scope: from its declaration to the end of
// its block.
struct Scoped {
  Variable var;
  SourceRange scope;
};

class Collector {
 public:
  std::vector<Point> Run(const ast::WorkflowDecl &w) {
    scopes_.emplace_back();
    scope_ranges_ = w.body.range;
    for (size_t i = 0; i < w.params.size(); ++i) {
      const ast::ParamDecl &p = w.params[i];
      Variable v{p.name, static_cast<uint32_t>(i),  p.type_name, p.range,
                 true,   p.default_value != nullptr};
      scopes_.back().push_back({v, w.body.range});
    }
    for (const ast::StmtPtr &s : w.body.stmts) WalkStmt(s.get());
    for (size_t i = 0; i < points_.size(); ++i) FillReadAfter(i);
    return std::move(points_);
  }

 private:
  std::string PathText() const {
    std::string text;
    for (const PathStep &step : path_) text += (text.empty() ? "" : " > ") + step.key;
    return text;
  }

  // "for item#2": the construct's name numbered among its siblings with the
  // same name.
  std::string StepKey(const std::string &base) {
    return base + "#" + std::to_string(++step_counts_[PathText() + "|" + base]);
  }

  void Declare(const std::string &name, uint32_t slot, const std::string &type, SourceRange decl) {
    scopes_.back().push_back({Variable{name, slot, type, decl, false, false}, scope_ranges_});
  }

  void PushScope(SourceRange range) {
    scopes_.emplace_back();
    saved_ranges_.push_back(scope_ranges_);
    scope_ranges_ = range;
  }
  void PopScope() {
    scopes_.pop_back();
    scope_ranges_ = saved_ranges_.back();
    saved_ranges_.pop_back();
  }

  void AddPoint(PointKind kind, std::string name, std::string label, std::string key,
                SourceRange range, uint32_t branches = 0) {
    Point p;
    p.kind = kind;
    p.name = std::move(name);
    p.label = std::move(label);
    p.key = std::move(key);
    p.path = path_;
    p.range = range;
    p.branches = branches;
    p.hidden = hidden_;
    p.tries = tries_;
    p.occurrence =
        ++point_counts_[std::string(PointKindName(kind)) + "|" + p.key + "|" + PathText()];
    std::map<std::string, size_t> index;  // innermost declaration of a name wins
    std::vector<SourceRange> scopes;
    for (const auto &scope : scopes_) {
      for (const Scoped &s : scope) {
        auto [it, inserted] = index.emplace(s.var.name, p.live.size());
        if (inserted) {
          p.live.push_back(s.var);
          scopes.push_back(s.scope);
        } else {
          p.live[it->second] = s.var;
          scopes[it->second] = s.scope;
        }
      }
    }
    points_.push_back(std::move(p));
    live_scopes_.push_back(std::move(scopes));
    point_loops_.push_back(loops_);
  }

  bool IsReadAfter(size_t i, const Variable &v, const SourceRange &scope) const {
    const Point &p = points_[i];
    for (const Read &r : reads_) {
      if (r.slot != v.slot || !Within(r.at, scope)) continue;
      if (!v.param && Before(r.at.line, r.at.column, v.decl.line, v.decl.column)) continue;
      if (StartsAfterEnd(r.at, p.range)) return true;
      for (const SourceRange &loop : point_loops_[i]) {
        const bool loop_inside_scope =
            v.param || !Before(loop.line, loop.column, v.decl.end_line, v.decl.end_column);
        if (loop_inside_scope && Within(r.at, loop)) return true;
      }
    }
    return false;
  }

  void FillReadAfter(size_t i) {
    Point &p = points_[i];
    for (size_t k = 0; k < p.live.size(); ++k) {
      if (IsReadAfter(i, p.live[k], live_scopes_[i][k])) p.read_after.push_back(p.live[k].name);
    }
  }

  void WalkBlock(const ast::Block *block) {
    if (block == nullptr) return;
    PushScope(block->range);
    for (const ast::StmtPtr &s : block->stmts) WalkStmt(s.get());
    PopScope();
  }

  // A loop body: its own scope, the item variable (when named) declared first.
  void WalkLoopBody(const ast::Block *body, const std::string &item, uint32_t slot,
                    SourceRange item_range) {
    if (body == nullptr) return;
    PushScope(body->range);
    if (!item.empty()) Declare(item, slot, "", item_range);
    for (const ast::StmtPtr &s : body->stmts) WalkStmt(s.get());
    PopScope();
  }

  // A loop; a `for` statement (`iter`) keeps its list and index in two hidden
  // slots while it runs.
  void WalkLoop(const std::string &base, SourceRange range, const std::function<void()> &body,
                const ast::Stmt *iter = nullptr) {
    path_.push_back(PathStep{StepKey(base), range, 0, 0});
    loops_.push_back(range);
    if (iter != nullptr) {
      hidden_.push_back({path_.back().key, "items", iter->hidden_slot});
      hidden_.push_back({path_.back().key, "index", iter->hidden_slot + 1});
    }
    body();
    if (iter != nullptr) hidden_.resize(hidden_.size() - 2);
    loops_.pop_back();
    path_.pop_back();
  }

  // A branch's fiber starts with no try handlers of its own.
  void WalkBranch(PathStep step, const std::function<void()> &body) {
    path_.push_back(std::move(step));
    std::vector<SourceRange> outer_tries = std::move(tries_);
    tries_.clear();
    body();
    tries_ = std::move(outer_tries);
    path_.pop_back();
  }

  void WalkParallel(const ast::Stmt &s) {
    const size_t n = s.then_block ? s.then_block->stmts.size() : 0;
    const std::string key = StepKey("parallel");
    for (size_t i = 0; i < n; ++i) {
      const ast::Stmt *branch = s.then_block->stmts[i].get();
      if (branch == nullptr) continue;
      const uint32_t base = i < s.bases.size() ? s.bases[i] : 0;
      WalkBranch(PathStep{key + " branch " + std::to_string(i + 1), s.range,
                          static_cast<uint32_t>(n), base},
                 [&] {
                   PushScope(branch->range);
                   WalkStmt(branch);
                   PopScope();
                 });
    }
    AddPoint(PointKind::kJoin, "", "", "parallel", s.range, static_cast<uint32_t>(n));
  }

  void WalkStmt(const ast::Stmt *s) {
    if (s == nullptr) return;
    using K = ast::StmtKind;
    switch (s->kind) {
      case K::kLet:
      case K::kVar:
        WalkExpr(s->value.get());
        Declare(s->name, s->slot, s->type_name, s->name_range);
        return;
      case K::kIf:
        WalkExpr(s->condition.get());
        WalkBlock(s->then_block.get());
        WalkBlock(s->else_block.get());
        return;
      case K::kSwitch:
        WalkExpr(s->condition.get());
        for (const ast::SwitchArm &arm : s->arms) WalkBlock(arm.block.get());
        return;
      case K::kWhile:
        WalkLoop("while", s->range, [&] {
          WalkExpr(s->condition.get());
          WalkBlock(s->then_block.get());
        });
        return;
      case K::kDoWhile:
        WalkLoop("do", s->range, [&] {
          WalkBlock(s->then_block.get());
          WalkExpr(s->condition.get());
        });
        return;
      case K::kFor:
        WalkExpr(s->value.get());
        WalkLoop(
            "for " + s->name, s->range,
            [&] { WalkLoopBody(s->then_block.get(), s->name, s->slot, s->name_range); }, s);
        return;
      case K::kBlock:
        WalkBlock(s->then_block.get());
        return;
      case K::kParallel:
        WalkParallel(*s);
        return;
      case K::kTry:
        tries_.push_back(s->range);
        WalkBlock(s->then_block.get());
        tries_.pop_back();
        WalkLoopBody(s->else_block.get(), s->name, s->slot, s->name_range);
        return;
      case K::kSleep:
        WalkExpr(s->value.get());
        AddPoint(PointKind::kSleep, "", "", "sleep", s->range);
        return;
      case K::kAssign:
      case K::kExpr:
      case K::kReturn:
      case K::kFail:
      case K::kYield:
        WalkExpr(s->value.get());
        return;
      case K::kBreak:
      case K::kContinue:
        return;
    }
  }

  void WalkCall(const ast::Expr &e) {
    for (const ast::Argument &arg : e.args) WalkExpr(arg.value.get());
    const auto kind = e.resolution.kind;
    if (kind != ast::Resolution::Kind::kTask && kind != ast::Resolution::Kind::kWorkflow) return;
    AddPoint(kind == ast::Resolution::Kind::kTask ? PointKind::kTask : PointKind::kChild, e.name,
             e.label, e.label.empty() ? e.name : e.label, e.range);
  }

  void WalkParallelFor(const ast::Expr &e) {
    WalkExpr(e.iterable.get());
    WalkExpr(e.limit.get());
    WalkBranch(PathStep{StepKey("parallel for " + e.name), e.range, 0, e.base}, [&] {
      loops_.push_back(e.range);
      WalkLoopBody(e.body.get(), e.name, e.slot, e.name_range);
      loops_.pop_back();
    });
    AddPoint(PointKind::kJoin, "", "", "parallel for " + e.name, e.range);
  }

  void WalkSignal(const ast::Expr &e) {
    WalkExpr(e.lhs.get());
    WalkExpr(e.rhs.get());
    const ast::Expr *name = e.lhs.get();
    const bool literal = name != nullptr && name->kind == ast::ExprKind::kString &&
                         name->parts.size() == 1 && name->parts[0].expr == nullptr;
    const std::string text = literal ? name->parts[0].text : "";
    AddPoint(PointKind::kSignal, text, "", literal ? text : "(computed name)", e.range);
  }

  void WalkExpr(const ast::Expr *e) {
    if (e == nullptr) return;
    using K = ast::ExprKind;
    switch (e->kind) {
      case K::kName:
        if (e->resolution.kind == ast::Resolution::Kind::kLocal) {
          reads_.push_back({e->resolution.index, e->range});
        }
        return;
      case K::kCall:
        WalkCall(*e);
        return;
      case K::kStart:  // a detached child: answered at once, not a point
        if (e->lhs != nullptr) {
          for (const ast::Argument &arg : e->lhs->args) WalkExpr(arg.value.get());
        }
        return;
      case K::kAwaitSignal:
        WalkSignal(*e);
        return;
      case K::kParallelFor:
        WalkParallelFor(*e);
        return;
      default:
        break;
    }
    WalkExpr(e->lhs.get());
    WalkExpr(e->rhs.get());
    WalkExpr(e->object.get());
    WalkExpr(e->index.get());
    WalkExpr(e->subject.get());
    for (const ast::ExprPtr &item : e->items) WalkExpr(item.get());
    for (const ast::ObjectEntry &entry : e->entries) WalkExpr(entry.value.get());
    for (const ast::StringPart &part : e->parts) WalkExpr(part.expr.get());
    for (const ast::SwitchArm &arm : e->arms) WalkExpr(arm.value.get());
  }

  std::vector<Point> points_;
  std::vector<std::vector<SourceRange>> live_scopes_;  // per point, parallel to its `live`
  std::vector<std::vector<SourceRange>> point_loops_;  // per point, the loops around it
  std::vector<Read> reads_;
  std::vector<std::vector<Scoped>> scopes_;
  SourceRange scope_ranges_;  // the innermost scope's extent
  std::vector<SourceRange> saved_ranges_;
  std::vector<PathStep> path_;
  std::vector<SourceRange> loops_;
  std::vector<HiddenSlot> hidden_;
  std::vector<SourceRange> tries_;  // try bodies around the walk, in the current fiber
  std::map<std::string, uint32_t> step_counts_;
  std::map<std::string, uint32_t> point_counts_;
};

}  // namespace

const char *PointKindName(PointKind kind) {
  switch (kind) {
    case PointKind::kTask:
      return "task";
    case PointKind::kChild:
      return "child";
    case PointKind::kSleep:
      return "sleep";
    case PointKind::kSignal:
      return "signal";
    case PointKind::kJoin:
      return "join";
  }
  return "?";
}

std::string Point::PathText() const {
  std::string text;
  for (const PathStep &step : path) text += (text.empty() ? "" : " > ") + step.key;
  return text;
}

const Variable *Point::FindLive(const std::string &name) const {
  for (const Variable &v : live) {
    if (v.name == name) return &v;
  }
  return nullptr;
}

bool Point::ReadAfter(const std::string &name) const {
  for (const std::string &n : read_after) {
    if (n == name) return true;
  }
  return false;
}

std::vector<Point> CollectPoints(const ast::WorkflowDecl &w) { return Collector().Run(w); }

}  // namespace weft::migrate
