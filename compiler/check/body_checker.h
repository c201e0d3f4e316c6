// The checker of one workflow body: a single walk over its statements and expressions that
// resolves names, assigns slots and tracks flow (reachability and definite assignment).
// Internal to compiler/check; check.h is the public face. Statements are in check_stmt.cc,
// expressions in check_expr.cc, calls in check_call.cc, switch arms in check_switch.cc.
#ifndef WEFT_COMPILER_CHECK_BODY_CHECKER_H_
#define WEFT_COMPILER_CHECK_BODY_CHECKER_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "bytecode/system_tasks.h"
#include "compiler/ast/ast.h"
#include "compiler/check/declarations.h"
#include "compiler/check/flow.h"
#include "compiler/check/scopes.h"
#include "compiler/diag/diagnostic.h"

namespace weft::check {

// The system task every module may call with named arguments without declaring it (run by the
// engine); `jq(...)` is the other system task, written like a builtin (LowerJqCall).
using bytecode::kHttpTask;

class BodyChecker {
 public:
  BodyChecker(const ModuleNames& names, diag::DiagnosticList& diags)
      : names_(names), diags_(diags) {}

  // Checks `workflow`'s body (its parameters share the body's outermost scope) and sets its
  // num_locals. Parameters are validated separately by CheckParams.
  void Run(ast::WorkflowDecl& workflow);

 private:
  // Statements (check_stmt.cc).
  // Opens a scope for `block`; `loop` (a kFor) declares its item variable in that scope.
  void CheckBlock(ast::Block* block, ast::Stmt* loop = nullptr);
  void CheckStmts(std::vector<ast::StmtPtr>& stmts);
  void CheckStmt(ast::Stmt& s);
  void CheckDecl(ast::Stmt& s);
  void CheckAssign(ast::Stmt& s);
  void CheckIf(ast::Stmt& s);
  void CheckSwitchStmt(ast::Stmt& s);
  void CheckWhile(ast::Stmt& s);
  void CheckFor(ast::Stmt& s);
  void CheckLoopControl(ast::Stmt& s);
  void ReportUnreachable(const ast::Stmt& s, const ast::Stmt& ender);

  // try, do-while, sleep (check_control.cc).
  void CheckTry(ast::Stmt& s);
  void CheckDoWhile(ast::Stmt& s);

  // Fork/join and its determinism rules (check_parallel.cc).
  void CheckParallel(ast::Stmt& s);
  void CheckParallelFor(ast::Expr& e);
  void CheckReturn(ast::Stmt& s);
  void CheckYield(ast::Stmt& s);
  // Records a read or write of local `v` at `range` for every enclosing parallel construct
  // it is outer to; reports a parallel-for body that assigns it.
  void RecordAccess(const Variable& v, diag::SourceRange range, bool write);
  void ReportConflicts();

  // Expressions (check_expr.cc).
  void CheckExpr(ast::Expr* e);  // null-tolerant
  void CheckName(ast::Expr& e);
  void CheckSwitchExpr(ast::Expr& e);

  // Calls (check_call.cc).
  void CheckCall(ast::Expr& e);
  void CheckTaskCall(ast::Expr& e);
  void CheckBuiltinCall(ast::Expr& e, uint32_t id);
  void LowerJqCall(ast::Expr& e);
  void ReportUnknownCallee(const ast::Expr& e);
  uint32_t TaskIndex(const std::string& name);
  bool IsTaskName(const std::string& name) const;  // declared, or the implicit `http`

  // Sub-workflows, `start`, `with` and `compensate` (check_workflow_call.cc).
  void CheckWorkflowCall(ast::Expr& e, uint32_t index, const ast::WorkflowDecl& callee);
  void CheckStart(ast::Expr& e);
  void CheckCallOptions(ast::Expr& e);  // version, `with`, `compensate`
  void CheckCompensation(ast::Expr& e);
  void CheckLabel(const ast::Expr& e);  // `as "label"`

  // Switch arms of both forms (check_switch.cc): distinct case values, at most one default.
  // Returns true when there is a default arm.
  bool CheckArms(const std::vector<ast::SwitchArm>& arms);

  const ModuleNames& names_;
  diag::DiagnosticList& diags_;
  Scopes scopes_;
  FlowState flow_;
  int loop_depth_ = 0;

  // What reaches the points after `continue` and `break` of each open loop (innermost last);
  // do-while uses them, since its condition and its end are reached from those points.
  struct LoopFlow {
    FlowState at_continue = FlowState::Unreachable();
    FlowState at_break = FlowState::Unreachable();
  };
  std::vector<LoopFlow> loop_flows_;

  // One open `parallel` block (per branch, the outer variables it reads and assigns) or
  // `parallel for` body. A variable is outer when its slot is below `base`.
  struct Access {
    uint32_t slot;
    std::string name;
    diag::SourceRange range;
    bool write;
  };
  struct ParallelScope {
    bool dynamic;    // a parallel-for body
    uint32_t base;
    int loop_floor;  // loop_depth_ outside: a break/continue at this depth would leave it
    std::vector<std::vector<Access>> branches;
    std::vector<uint32_t> reported;  // slots already reported (one error per variable)
  };
  std::vector<ParallelScope> parallels_;
  std::vector<std::string> task_table_;  // this workflow's tasks, in first-call order
  std::map<std::string, diag::SourceRange> labels_;  // `as` labels seen, at their first use
};

}  // namespace weft::check

#endif  // WEFT_COMPILER_CHECK_BODY_CHECKER_H_
