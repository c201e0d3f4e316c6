// The generator of one workflow's code: a walk over the checked AST that drives the Emitter.
// Internal to compiler/codegen; codegen.h is the public face. Statements are in gen_stmt.cc,
// expressions in gen_expr.cc, calls and switch expressions in gen_call.cc and gen_switch.cc.
#ifndef WEFT_COMPILER_CODEGEN_WORKFLOW_GEN_H_
#define WEFT_COMPILER_CODEGEN_WORKFLOW_GEN_H_

#include <functional>
#include <string>
#include <vector>

#include "bytecode/program.h"
#include "compiler/ast/ast.h"
#include "compiler/codegen/codegen.h"
#include "compiler/codegen/emitter.h"

namespace weft::codegen {

class WorkflowGen {
 public:
  WorkflowGen(const ast::WorkflowDecl& workflow, const TaskPolicies& policies)
      : workflow_(workflow), policies_(policies) {}
  bytecode::Program Run();

 private:
  using Label = Emitter::Label;
  struct Loop {
    Label continue_target;
    Label break_target;
    int try_depth;  // try_depth_ at the loop: break/continue END_TRY the handlers above it
  };
  // What belongs to the fiber whose code is being generated; a branch starts a fresh one.
  struct FiberState {
    std::vector<Loop> loops;
    int try_depth = 0;
  };
  FiberState EnterBranch();               // returns the parent's state, to restore
  void LeaveBranch(FiberState parent);

  void ApplyOptions(bytecode::Program& program) const;

  // Statements (gen_stmt.cc).
  void GenBlock(const ast::Block* block);
  void GenStmt(const ast::Stmt& s);
  void GenIf(const ast::Stmt& s);
  void GenWhile(const ast::Stmt& s);
  void GenFor(const ast::Stmt& s);
  void GenLoopControl(const ast::Stmt& s);
  void GenDoWhile(const ast::Stmt& s);
  void GenTry(const ast::Stmt& s);

  // Fork/join (gen_parallel.cc).
  void GenParallel(const ast::Stmt& s);
  // As a statement, the list of results is dropped right after JOIN.
  void GenParallelFor(const ast::Expr& e, bool statement = false);
  // Ends a branch fiber with null, when its code falls off its end.
  void EndBranch(diag::SourceRange at);

  // Expressions (gen_expr.cc).
  void GenExpr(const ast::Expr& e);
  void GenString(const ast::Expr& e);
  void GenObject(const ast::Expr& e);
  void GenUnary(const ast::Expr& e);
  void GenBinary(const ast::Expr& e);
  void GenShortCircuit(const ast::Expr& e);  // and, or
  void GenCoalesce(const ast::Expr& e);
  // Pushes the value of a scalar literal: null, bool, number or plain string. Returns false
  // (emitting nothing) when `e` is not one.
  bool GenScalarLiteral(const ast::Expr& e);

  // Calls (gen_call.cc).
  void GenCall(const ast::Expr& e);
  void GenArgsObject(const ast::Expr& call);  // named arguments -> one object
  uint32_t TaskOperand(const ast::Expr& call);  // records the task in the table
  void GenStart(const ast::Expr& e);
  void GenAwaitSignal(const ast::Expr& e);

  // Switches (gen_switch.cc). `push_subject` pushes the subject for one case test.
  void GenCaseTests(const std::vector<ast::SwitchArm>& arms, const std::vector<Label>& targets,
                    const std::function<void()>& push_subject);
  void GenSwitchStmt(const ast::Stmt& s);
  void GenSwitchExpr(const ast::Expr& e);

  const ast::WorkflowDecl& workflow_;
  Emitter em_;
  const TaskPolicies& policies_;
  std::vector<Loop> loops_;
  int try_depth_ = 0;  // handlers open in the current fiber (TRY without its END_TRY yet)
  std::vector<std::string> tasks_;  // by the checker's task index
};

}  // namespace weft::codegen

#endif  // WEFT_COMPILER_CODEGEN_WORKFLOW_GEN_H_
