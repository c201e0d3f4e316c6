// Statements. Each one starts and ends with an empty operand stack.
#include "common/check.h"
#include "compiler/codegen/workflow_gen.h"

namespace weft::codegen {

using ast::StmtKind;
using bytecode::Op;

void WorkflowGen::GenBlock(const ast::Block* block) {
  if (block == nullptr) return;
  for (const ast::StmtPtr& s : block->stmts) {
    WEFT_CHECK(s != nullptr);
    GenStmt(*s);
    WEFT_CHECK_MSG(!em_.reachable() || em_.depth() == 0, "a statement left values on the stack");
  }
}

void WorkflowGen::GenStmt(const ast::Stmt& s) {
  switch (s.kind) {
    case StmtKind::kLet:
    case StmtKind::kVar:
    case StmtKind::kAssign:
      if (s.value == nullptr) return;  // `var x`: nothing to store yet
      GenExpr(*s.value);
      em_.Emit(Op::STORE_LOCAL, s.range, s.slot);
      return;
    case StmtKind::kExpr:
      if (s.value->kind == ast::ExprKind::kParallelFor) {
        GenParallelFor(*s.value, /*statement=*/true);
        return;
      }
      GenExpr(*s.value);
      em_.Emit(Op::POP, s.range);
      return;
    case StmtKind::kIf: GenIf(s); return;
    case StmtKind::kSwitch: GenSwitchStmt(s); return;
    case StmtKind::kWhile: GenWhile(s); return;
    case StmtKind::kFor: GenFor(s); return;
    case StmtKind::kBreak:
    case StmtKind::kContinue: GenLoopControl(s); return;
    case StmtKind::kReturn:
      if (s.value != nullptr) {
        GenExpr(*s.value);
      } else {
        em_.Emit(Op::PUSH_NULL, s.range);
      }
      em_.Emit(Op::RETURN, s.range);
      return;
    case StmtKind::kFail:
      GenExpr(*s.value);
      em_.Emit(Op::FAIL, s.range);
      return;
    case StmtKind::kBlock: GenBlock(s.then_block.get()); return;
    case StmtKind::kParallel: GenParallel(s); return;
    case StmtKind::kTry: GenTry(s); return;
    case StmtKind::kSleep:
      GenExpr(*s.value);
      em_.Emit(s.until ? Op::SLEEP_UNTIL : Op::SLEEP, s.range);
      return;
    case StmtKind::kYield:  // the branch's value
      GenExpr(*s.value);
      em_.Emit(Op::BRANCH_END, s.range);
      return;
    case StmtKind::kDoWhile: GenDoWhile(s); return;
  }
}

//   cond; JUMP_IF_FALSE else; then; JUMP end; else: else-block; end:
void WorkflowGen::GenIf(const ast::Stmt& s) {
  const Label else_label = em_.NewLabel();
  GenExpr(*s.condition);
  em_.EmitJump(Op::JUMP_IF_FALSE, else_label, s.condition->range);
  GenBlock(s.then_block.get());
  if (s.else_block == nullptr) {
    em_.Bind(else_label);
    return;
  }
  const Label end = em_.NewLabel();
  em_.EmitJump(Op::JUMP, end, s.range);
  em_.Bind(else_label);
  GenBlock(s.else_block.get());
  em_.Bind(end);
}

//   top: cond; JUMP_IF_FALSE end; body; JUMP top; end:
void WorkflowGen::GenWhile(const ast::Stmt& s) {
  const Loop loop{em_.NewLabel(), em_.NewLabel(), try_depth_};
  em_.Bind(loop.continue_target);
  GenExpr(*s.condition);
  em_.EmitJump(Op::JUMP_IF_FALSE, loop.break_target, s.condition->range);
  loops_.push_back(loop);
  GenBlock(s.then_block.get());
  loops_.pop_back();
  em_.EmitJump(Op::JUMP, loop.continue_target, s.range);
  em_.Bind(loop.break_target);
}

//   iterable; ITER_INIT h; top: ITER_HAS h; JUMP_IF_FALSE end; ITER_NEXT h; STORE_LOCAL item;
//   body; JUMP top; end:
void WorkflowGen::GenFor(const ast::Stmt& s) {
  const Loop loop{em_.NewLabel(), em_.NewLabel(), try_depth_};
  GenExpr(*s.value);
  em_.Emit(Op::ITER_INIT, s.value->range, s.hidden_slot);
  em_.Bind(loop.continue_target);
  em_.Emit(Op::ITER_HAS, s.range, s.hidden_slot);
  em_.EmitJump(Op::JUMP_IF_FALSE, loop.break_target, s.range);
  em_.Emit(Op::ITER_NEXT, s.range, s.hidden_slot);
  em_.Emit(Op::STORE_LOCAL, s.name_range, s.slot);
  loops_.push_back(loop);
  GenBlock(s.then_block.get());
  loops_.pop_back();
  em_.EmitJump(Op::JUMP, loop.continue_target, s.range);
  em_.Bind(loop.break_target);
}

void WorkflowGen::GenLoopControl(const ast::Stmt& s) {
  WEFT_CHECK_MSG(!loops_.empty(), "unchecked break/continue outside a loop");
  const Loop& loop = loops_.back();
  // Leaving try blocks inside the loop drops their handlers.
  for (int i = loop.try_depth; i < try_depth_; ++i) em_.Emit(Op::END_TRY, s.range);
  em_.EmitJump(Op::JUMP, s.kind == StmtKind::kBreak ? loop.break_target : loop.continue_target,
               s.range);
}

//   top: body; continue: cond; JUMP_IF_TRUE top; break:
void WorkflowGen::GenDoWhile(const ast::Stmt& s) {
  const Loop loop{em_.NewLabel(), em_.NewLabel(), try_depth_};
  const Label top = em_.NewLabel();
  em_.Bind(top);
  loops_.push_back(loop);
  GenBlock(s.then_block.get());
  loops_.pop_back();
  em_.Bind(loop.continue_target);
  GenExpr(*s.condition);
  em_.EmitJump(Op::JUMP_IF_TRUE, top, s.condition->range);
  em_.Bind(loop.break_target);
}

//   TRY catch; try-block; END_TRY; JUMP end; catch: STORE_LOCAL e (or POP); catch-block; end:
void WorkflowGen::GenTry(const ast::Stmt& s) {
  const Label catch_label = em_.NewLabel();
  const Label end = em_.NewLabel();
  em_.EmitJump(Op::TRY, catch_label, s.range);
  ++try_depth_;
  GenBlock(s.then_block.get());
  --try_depth_;
  em_.Emit(Op::END_TRY, s.range);
  em_.EmitJump(Op::JUMP, end, s.range);
  em_.Bind(catch_label);
  if (s.name.empty()) {
    em_.Emit(Op::POP, s.range);
  } else {
    em_.Emit(Op::STORE_LOCAL, s.name_range, s.slot);
  }
  GenBlock(s.else_block.get());
  em_.Bind(end);
}

}  // namespace weft::codegen
