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
#include "compiler/codegen/emitter.h"

namespace weft::codegen {

class WorkflowGen {
 public:
  explicit WorkflowGen(const ast::WorkflowDecl& workflow) : workflow_(workflow) {}
  bytecode::Program Run();

 private:
  using Label = Emitter::Label;
  struct Loop {
    Label continue_target;
    Label break_target;
  };

  // Statements (gen_stmt.cc).
  void GenBlock(const ast::Block* block);
  void GenStmt(const ast::Stmt& s);
  void GenIf(const ast::Stmt& s);
  void GenWhile(const ast::Stmt& s);
  void GenFor(const ast::Stmt& s);
  void GenLoopControl(const ast::Stmt& s);

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

  // Switches (gen_switch.cc). `push_subject` pushes the subject for one case test.
  void GenCaseTests(const std::vector<ast::SwitchArm>& arms, const std::vector<Label>& targets,
                    const std::function<void()>& push_subject);
  void GenSwitchStmt(const ast::Stmt& s);
  void GenSwitchExpr(const ast::Expr& e);

  const ast::WorkflowDecl& workflow_;
  Emitter em_;
  std::vector<Loop> loops_;
  std::vector<std::string> tasks_;  // by the checker's task index
};

}  // namespace weft::codegen

#endif  // WEFT_COMPILER_CODEGEN_WORKFLOW_GEN_H_
