// The body checker's fork/join: `parallel { }` branches and `parallel for` bodies get their
// own slots from a base up (the fibers' private locals), and the determinism rules hold:
//   - no two branches of one `parallel` block assign the same outer variable, and no branch
//     reads an outer variable another assigns (ParallelWriteConflict, ...ReadWriteConflict);
//   - a `parallel for` body assigns no outer variable at all (every item would race);
//   - `return` never leaves a branch, `break`/`continue` never leave it for an outer loop,
//     and `yield` belongs to the innermost parallel construct, which must be a `parallel for`.
// An outer variable of a construct is one whose slot is below its base: exactly the variables
// visible where it starts.
#include <algorithm>
#include <string>

#include "compiler/check/body_checker.h"

namespace weft::check {
namespace {

using diag::DiagnosticKind;

std::string LineOf(const diag::SourceRange& r) { return "line " + std::to_string(r.line); }

}  // namespace

// Each statement of the block is a branch, checked from the facts before the block; all of
// them complete before the block does, so a slot assigned by any branch is assigned after it.
void BodyChecker::CheckParallel(ast::Stmt& s) {
  const FlowState before = flow_;
  FlowState after = before;
  bool all_complete = true;
  parallels_.push_back(ParallelScope{false, scopes_.next_slot(), loop_depth_, {}, {}});
  std::vector<ast::StmtPtr>* branches = s.then_block != nullptr ? &s.then_block->stmts : nullptr;
  for (size_t i = 0; branches != nullptr && i < branches->size(); ++i) {
    if ((*branches)[i] == nullptr) continue;
    parallels_.back().branches.emplace_back();
    flow_ = before;
    scopes_.Push();
    s.bases.push_back(scopes_.next_slot());
    CheckStmt(*(*branches)[i]);
    scopes_.Pop();
    all_complete &= flow_.reachable;
    for (size_t slot = 0; slot < flow_.assigned.size(); ++slot) {
      if (flow_.reachable && flow_.assigned[slot]) after.SetAssigned(slot, true);
    }
  }
  ReportConflicts();
  parallels_.pop_back();
  flow_ = after;
  flow_.reachable = before.reachable && all_complete;
}

// Pairs of branches, the later one's access reported (once per variable and block), naming
// the earlier branch's access.
void BodyChecker::ReportConflicts() {
  ParallelScope& scope = parallels_.back();
  for (size_t j = 1; j < scope.branches.size(); ++j) {
    for (const Access& a : scope.branches[j]) {
      if (std::count(scope.reported.begin(), scope.reported.end(), a.slot) > 0) continue;
      for (size_t i = 0; i < j; ++i) {
        const Access* other = nullptr;
        for (const Access& b : scope.branches[i]) {
          if (b.slot == a.slot && (a.write || b.write) && (other == nullptr || b.write)) {
            other = &b;
          }
        }
        if (other == nullptr) continue;
        scope.reported.push_back(a.slot);
        if (a.write && other->write) {
          diags_.Add(DiagnosticKind::kParallelWriteConflict, a.range,
                     "`" + a.name + "` is assigned by two branches of this `parallel` block")
              .hints.push_back("the branch at " + LineOf(other->range) +
                               " also assigns it; branches run in any order, so give each "
                               "branch its own variable");
        } else {
          diags_.Add(DiagnosticKind::kParallelReadWriteConflict, a.range,
                     "`" + a.name + "` is " + (a.write ? "assigned" : "read") +
                         " in one branch and " + (a.write ? "read" : "assigned") +
                         " in another branch of this `parallel` block")
              .hints.push_back("the other access is at " + LineOf(other->range) +
                               "; branches run in any order, so the value read would depend "
                               "on timing");
        }
        break;
      }
    }
  }
}

void BodyChecker::RecordAccess(const Variable& v, diag::SourceRange range, bool write) {
  for (auto scope = parallels_.rbegin(); scope != parallels_.rend(); ++scope) {
    if (v.slot >= scope->base) continue;
    if (!scope->dynamic) {
      scope->branches.back().push_back(Access{v.slot, v.name, range, write});
      continue;
    }
    if (!write) continue;
    if (std::count(scope->reported.begin(), scope->reported.end(), v.slot) == 0) {
      scope->reported.push_back(v.slot);
      diags_.Add(DiagnosticKind::kParallelForAssignsOuter, range,
                 "a `parallel for` body cannot assign `" + v.name +
                     "`, which is declared outside it")
          .hints.push_back("every item's branch would race on it; `yield` a value instead "
                           "and use the list the `parallel for` produces");
    }
    return;  // one report is enough; outer constructs see the same mistake
  }
}

// The item variable and the body's names take slots from the base up; the body's flow facts
// stay inside it (the branches' locals are private).
void BodyChecker::CheckParallelFor(ast::Expr& e) {
  CheckExpr(e.iterable.get());
  CheckExpr(e.limit.get());
  const FlowState before = flow_;
  scopes_.Push();
  e.base = scopes_.next_slot();
  parallels_.push_back(ParallelScope{true, e.base, loop_depth_, {}, {}});
  Variable* item = scopes_.Declare(e.name, VarKind::kLoopItem, e.name_range);
  e.slot = item->slot;
  flow_.SetAssigned(item->slot, true);
  CheckBlock(e.body.get());
  parallels_.pop_back();
  scopes_.Pop();
  flow_ = before;
}

void BodyChecker::CheckReturn(ast::Stmt& s) {
  CheckExpr(s.value.get());
  if (!parallels_.empty()) {
    const bool dynamic = parallels_.back().dynamic;
    diags_.Add(DiagnosticKind::kReturnInBranch, s.range,
               std::string("`return` cannot end the workflow from inside ") +
                   (dynamic ? "a `parallel for` body" : "a `parallel` branch"))
        .hints.push_back(dynamic ? "use `yield` to give this item's value"
                                 : "assign a variable in the branch and return after the "
                                   "`parallel` block");
    return;  // not an end of the branch: no cascade of unreachable-code errors
  }
  flow_.reachable = false;
}

void BodyChecker::CheckYield(ast::Stmt& s) {
  CheckExpr(s.value.get());
  if (parallels_.empty() || !parallels_.back().dynamic) {
    diag::Diagnostic& d =
        diags_.Add(DiagnosticKind::kYieldOutsideParallelFor, s.range,
                   parallels_.empty() ? "`yield` outside a `parallel for` body"
                                      : "`yield` inside a `parallel` branch");
    d.hints.push_back(parallels_.empty()
                          ? "`yield` gives the value of one item of `parallel for x in xs { }`"
                          : "`yield` belongs to the innermost parallel construct; a `parallel` "
                            "branch has no value to give");
    return;  // not an end: no cascade of unreachable-code errors
  }
  flow_.reachable = false;
}

}  // namespace weft::check
