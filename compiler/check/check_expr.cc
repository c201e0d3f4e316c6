// The expression half of the body checker: names, reads before assignment, literals and
// switch expressions. Calls are in check_call.cc.
#include <string>

#include "compiler/check/body_checker.h"
#include "compiler/check/builtin_sigs.h"
#include "compiler/check/declarations.h"

namespace weft::check {

using ast::ExprKind;
using diag::DiagnosticKind;

void BodyChecker::CheckExpr(ast::Expr* e) {
  if (e == nullptr) return;
  switch (e->kind) {
    case ExprKind::kNull:
    case ExprKind::kBool:
    case ExprKind::kInt:
    case ExprKind::kDouble:
    case ExprKind::kDuration:
      return;
    case ExprKind::kString:
      for (ast::StringPart& part : e->parts) CheckExpr(part.expr.get());
      return;
    case ExprKind::kList:
      for (ast::ExprPtr& item : e->items) CheckExpr(item.get());
      return;
    case ExprKind::kObject:
      CheckObjectKeys(*e, diags_);
      for (ast::ObjectEntry& entry : e->entries) CheckExpr(entry.value.get());
      return;
    case ExprKind::kName: CheckName(*e); return;
    case ExprKind::kField: CheckExpr(e->object.get()); return;
    case ExprKind::kIndex:
      CheckExpr(e->object.get());
      CheckExpr(e->index.get());
      return;
    case ExprKind::kUnary:
    case ExprKind::kFail:
      CheckExpr(e->lhs.get());
      return;
    case ExprKind::kBinary:
      CheckExpr(e->lhs.get());
      CheckExpr(e->rhs.get());
      return;
    case ExprKind::kCall: CheckCall(*e); return;
    case ExprKind::kSwitch: CheckSwitchExpr(*e); return;
    case ExprKind::kParallelFor: CheckParallelFor(*e); return;
    case ExprKind::kAwaitSignal:
      if (e->lhs != nullptr && e->lhs->kind == ExprKind::kString && e->lhs->parts.size() == 1 &&
          e->lhs->parts[0].expr == nullptr) {
        CheckNameLength("signal", e->lhs->parts[0].text, e->lhs->range, diags_);
      }
      CheckExpr(e->lhs.get());
      CheckExpr(e->rhs.get());
      return;
    case ExprKind::kStart: CheckStart(*e); return;
  }
}

void BodyChecker::CheckName(ast::Expr& e) {
  if (Variable* v = scopes_.Lookup(e.name)) {
    e.resolution = {ast::Resolution::Kind::kLocal, v->slot};
    RecordAccess(*v, e.range, /*write=*/false);
    if (flow_.IsAssigned(v->slot) || v->reported_unassigned) return;
    v->reported_unassigned = true;
    diags_.Add(DiagnosticKind::kReadBeforeAssign, e.range,
               "`" + e.name + "` may be read before it is assigned")
        .hints.push_back("it is declared without a value at line " +
                         std::to_string(v->range.line) +
                         "; assign it on every path that leads here");
    return;
  }
  if (names_.IsTask(e.name)) {
    diags_.Add(DiagnosticKind::kCallableAsValue, e.range,
               "task `" + e.name + "` cannot be used as a value")
        .hints.push_back("call it with named arguments: `" + e.name + "(name: value)`");
    return;
  }
  if (FindBuiltinSig(e.name) != nullptr) {
    diags_.Add(DiagnosticKind::kCallableAsValue, e.range,
               "builtin `" + e.name + "` cannot be used as a value")
        .hints.push_back("call it: `" + e.name + "(...)`");
    return;
  }
  diag::Diagnostic& d =
      diags_.Add(DiagnosticKind::kUnknownVariable, e.range, "unknown variable `" + e.name + "`");
  const std::string close = diag::ClosestMatch(e.name, scopes_.VisibleNames());
  if (!close.empty()) {
    d.hints.push_back("did you mean `" + close + "`?");
  } else if (names_.IsWorkflow(e.name)) {
    d.hints.push_back("`" + e.name + "` is a workflow, not a value");
  }
}

void BodyChecker::CheckSwitchExpr(ast::Expr& e) {
  CheckExpr(e.subject.get());
  if (!CheckArms(e.arms)) {
    diags_.Add(DiagnosticKind::kSwitchExprNoDefault, e.range,
               "switch expression has no `default` arm")
        .hints.push_back("a switch used as a value must produce one for every subject: add "
                         "`default => ...` (it may be `default => fail \"...\"`)");
  }
  for (ast::SwitchArm& arm : e.arms) CheckExpr(arm.value.get());
}

}  // namespace weft::check
