// The statement half of the body checker: scopes, declarations, assignments, control flow,
// and the flow facts (reachability, definite assignment) that go with them.
#include <string>

#include "compiler/check/body_checker.h"
#include "compiler/check/declarations.h"

namespace weft::check {
namespace {

using ast::StmtKind;
using diag::DiagnosticKind;

std::string LineRef(const diag::SourceRange& r) { return "line " + std::to_string(r.line); }

// How a redeclared name was first declared, for the duplicate-variable message.
std::string DeclaredAs(const Variable& v) {
  switch (v.kind) {
    case VarKind::kParam: return "as a parameter";
    case VarKind::kLet: return "with `let`";
    case VarKind::kVar: return "with `var`";
    case VarKind::kLoopItem: return "as the loop variable";
    case VarKind::kCaught: return "as the caught error";
  }
  return "";
}

}  // namespace

void BodyChecker::Run(ast::WorkflowDecl& workflow) {
  scopes_.Push();
  for (const ast::ParamDecl& param : workflow.params) {
    // Duplicates were reported by CheckParams; every parameter still takes its own slot so
    // that parameter i is slot i.
    const Variable* v = scopes_.Declare(param.name, VarKind::kParam, param.range);
    flow_.SetAssigned(v->slot, true);
  }
  CheckStmts(workflow.body.stmts);
  scopes_.Pop();
  workflow.num_locals = scopes_.num_slots();
}

void BodyChecker::CheckBlock(ast::Block* block, ast::Stmt* loop) {
  scopes_.Push();
  if (loop != nullptr) {
    Variable* item = scopes_.Declare(loop->name, VarKind::kLoopItem, loop->name_range);
    loop->slot = item->slot;
    flow_.SetAssigned(item->slot, true);
  }
  if (block != nullptr) CheckStmts(block->stmts);
  scopes_.Pop();
}

void BodyChecker::CheckStmts(std::vector<ast::StmtPtr>& stmts) {
  const ast::Stmt* ender = nullptr;  // the statement of this block after which nothing runs
  bool reported = false;
  for (ast::StmtPtr& s : stmts) {
    if (s == nullptr) continue;
    if (ender != nullptr && !reported) {
      ReportUnreachable(*s, *ender);
      reported = true;
    }
    const bool was_reachable = flow_.reachable;
    CheckStmt(*s);
    if (was_reachable && !flow_.reachable) ender = s.get();
  }
}

void BodyChecker::ReportUnreachable(const ast::Stmt& s, const ast::Stmt& ender) {
  std::string message;
  switch (ender.kind) {
    case StmtKind::kReturn: message = "unreachable code after `return`"; break;
    case StmtKind::kFail: message = "unreachable code after `fail`"; break;
    case StmtKind::kBreak: message = "unreachable code after `break`"; break;
    case StmtKind::kContinue: message = "unreachable code after `continue`"; break;
    case StmtKind::kYield: message = "unreachable code after `yield`"; break;
    case StmtKind::kIf: message = "unreachable code after an `if` whose branches all end"; break;
    case StmtKind::kSwitch:
      message = "unreachable code after a `switch` whose arms all end";
      break;
    default: message = "unreachable code after a block that ends"; break;
  }
  diags_.Add(DiagnosticKind::kUnreachableCode, s.range, message)
      .hints.push_back("control never gets past the statement at " + LineRef(ender.range));
}

void BodyChecker::CheckStmt(ast::Stmt& s) {
  switch (s.kind) {
    case StmtKind::kLet:
    case StmtKind::kVar: CheckDecl(s); return;
    case StmtKind::kAssign: CheckAssign(s); return;
    case StmtKind::kExpr: CheckExpr(s.value.get()); return;
    case StmtKind::kIf: CheckIf(s); return;
    case StmtKind::kSwitch: CheckSwitchStmt(s); return;
    case StmtKind::kWhile: CheckWhile(s); return;
    case StmtKind::kFor: CheckFor(s); return;
    case StmtKind::kBreak:
    case StmtKind::kContinue: CheckLoopControl(s); return;
    case StmtKind::kReturn: CheckReturn(s); return;
    case StmtKind::kFail:
      CheckExpr(s.value.get());
      flow_.reachable = false;
      return;
    case StmtKind::kBlock: CheckBlock(s.then_block.get()); return;
    case StmtKind::kParallel: CheckParallel(s); return;
    case StmtKind::kTry: CheckTry(s); return;
    case StmtKind::kSleep: CheckExpr(s.value.get()); return;
    case StmtKind::kYield: CheckYield(s); return;
    case StmtKind::kDoWhile: CheckDoWhile(s); return;
  }
}

void BodyChecker::CheckDecl(ast::Stmt& s) {
  // Point at the annotation; a parser that leaves type_range unset gets the name instead.
  CheckTypeName(s.type_name, s.type_range.line != 0 ? s.type_range : s.name_range, diags_);
  CheckExpr(s.value.get());  // before declaring: `let x = x + 1` reads an outer x
  if (const Variable* prev = scopes_.FindInInnermost(s.name)) {
    diags_.Add(DiagnosticKind::kDuplicateVariable, s.name_range,
               "`" + s.name + "` is already declared in this block")
        .hints.push_back("it was declared " + DeclaredAs(*prev) + " at " +
                         LineRef(prev->range) + "; pick another name or assign to it");
    s.slot = prev->slot;
    return;
  }
  const VarKind kind = s.kind == StmtKind::kLet ? VarKind::kLet : VarKind::kVar;
  const Variable* v = scopes_.Declare(s.name, kind, s.name_range);
  s.slot = v->slot;
  flow_.SetAssigned(v->slot, s.value != nullptr);
}

void BodyChecker::CheckAssign(ast::Stmt& s) {
  CheckExpr(s.value.get());
  Variable* v = scopes_.Lookup(s.name);
  if (v == nullptr) {
    diag::Diagnostic& d = diags_.Add(DiagnosticKind::kAssignToUnknown, s.name_range,
                                     "assignment to undeclared variable `" + s.name + "`");
    const std::string close = diag::ClosestMatch(s.name, scopes_.VisibleNames());
    d.hints.push_back(close.empty() ? "declare it first: `var " + s.name + " = ...`"
                                    : "did you mean `" + close + "`?");
    return;
  }
  s.slot = v->slot;
  if (v->kind == VarKind::kVar) {
    RecordAccess(*v, s.name_range, /*write=*/true);
    flow_.SetAssigned(v->slot, true);
    return;
  }
  std::string message = "cannot assign to ";
  std::string hint;
  switch (v->kind) {
    case VarKind::kParam:
      message += "parameter `" + s.name + "`";
      hint = "parameters are immutable; copy it into a `var` of another name";
      break;
    case VarKind::kLoopItem:
      message += "loop variable `" + s.name + "`";
      hint = "loop variables are immutable; copy it into a `var`";
      break;
    case VarKind::kCaught:
      message += "caught error `" + s.name + "`";
      hint = "the error a `catch` binds is immutable; copy it into a `var`";
      break;
    default:
      message += "`" + s.name + "`: it is declared with `let`";
      hint = "declare it with `var` at " + LineRef(v->range) + " to make it mutable";
      break;
  }
  diags_.Add(DiagnosticKind::kAssignToImmutable, s.name_range, message).hints.push_back(hint);
}

void BodyChecker::CheckIf(ast::Stmt& s) {
  CheckExpr(s.condition.get());
  const FlowState before = flow_;
  CheckBlock(s.then_block.get());
  const FlowState after_then = flow_;
  flow_ = before;
  if (s.else_block != nullptr) CheckBlock(s.else_block.get());
  flow_ = FlowState::Join(after_then, flow_);
}

void BodyChecker::CheckSwitchStmt(ast::Stmt& s) {
  CheckExpr(s.condition.get());
  const bool has_default = CheckArms(s.arms);
  scopes_.Push();  // holds the hidden subject slot for as long as the switch runs
  s.hidden_slot = scopes_.AllocateHidden(1);
  const FlowState before = flow_;
  FlowState after;  // no arm yet: unreachable, the identity of Join
  after.reachable = false;
  for (ast::SwitchArm& arm : s.arms) {
    flow_ = before;
    CheckBlock(arm.block.get());
    after = FlowState::Join(after, flow_);
  }
  // Without a default, the subject may match no case and control falls through.
  flow_ = has_default ? after : FlowState::Join(after, before);
  scopes_.Pop();
}

void BodyChecker::CheckWhile(ast::Stmt& s) {
  CheckExpr(s.condition.get());
  const FlowState before = flow_;
  ++loop_depth_;
  loop_flows_.emplace_back();
  CheckBlock(s.then_block.get());
  loop_flows_.pop_back();
  --loop_depth_;
  // Conservative: the body may run zero times, and nothing it assigns counts after the loop.
  flow_ = before;
}

void BodyChecker::CheckFor(ast::Stmt& s) {
  CheckExpr(s.value.get());
  scopes_.Push();  // holds the two hidden iterator slots for as long as the loop runs
  s.hidden_slot = scopes_.AllocateHidden(2);
  const FlowState before = flow_;
  ++loop_depth_;
  loop_flows_.emplace_back();
  CheckBlock(s.then_block.get(), &s);
  loop_flows_.pop_back();
  --loop_depth_;
  flow_ = before;
  scopes_.Pop();
}

void BodyChecker::CheckLoopControl(ast::Stmt& s) {
  const bool is_break = s.kind == StmtKind::kBreak;
  if (loop_depth_ == 0) {
    diags_.Add(is_break ? DiagnosticKind::kBreakOutsideLoop : DiagnosticKind::kContinueOutsideLoop,
               s.range,
               std::string(is_break ? "`break`" : "`continue`") + " outside a loop")
        .hints.push_back(is_break ? "`break` may only appear inside `while` or `for`"
                                  : "`continue` may only appear inside `while` or `for`");
    return;
  }
  if (!parallels_.empty() && parallels_.back().loop_floor == loop_depth_) {
    const bool dynamic = parallels_.back().dynamic;
    diags_.Add(DiagnosticKind::kLoopControlLeavesBranch, s.range,
               std::string(is_break ? "`break`" : "`continue`") + " cannot leave " +
                   (dynamic ? "a `parallel for` body" : "a `parallel` branch"))
        .hints.push_back(dynamic ? "end this item's branch with `yield`, or filter the items "
                                   "before the `parallel for`"
                                 : "a branch runs on its own; its loop must be inside it");
    return;
  }
  LoopFlow& loop = loop_flows_.back();
  FlowState& target = is_break ? loop.at_break : loop.at_continue;
  target = FlowState::Join(target, flow_);
  flow_.reachable = false;
}

}  // namespace weft::check
