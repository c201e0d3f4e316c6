// Fork/join. Branch code follows the forking code, after a jump over it; each branch is a
// fiber of its own, so it starts with an empty stack (a `parallel for` branch with its item),
// no open loops and no try handlers, and ends with BRANCH_END.
//
//   parallel { S1 S2 }:   FORK L1, base; FORK L2, base; JOIN; POP; JUMP after;
//                         L1: S1; PUSH_NULL; BRANCH_END; L2: S2; PUSH_NULL; BRANCH_END; after:
//   parallel for x in xs limit n { B }:
//                         xs; n (or PUSH_NULL); FORK_EACH body, base; JOIN; (POP, as a
//                         statement;) JUMP after;
//                         body: STORE_LOCAL x; B; PUSH_NULL; BRANCH_END; after:
//   yield e:              e; BRANCH_END
#include "common/check.h"
#include "compiler/codegen/workflow_gen.h"

namespace weft::codegen {

using bytecode::Op;

WorkflowGen::FiberState WorkflowGen::EnterBranch() {
  FiberState parent{std::move(loops_), try_depth_};
  loops_.clear();
  try_depth_ = 0;
  return parent;
}

void WorkflowGen::LeaveBranch(FiberState parent) {
  loops_ = std::move(parent.loops);
  try_depth_ = parent.try_depth;
}

void WorkflowGen::EndBranch(diag::SourceRange at) {
  em_.Emit(Op::PUSH_NULL, at);  // both dropped when the branch already ended
  em_.Emit(Op::BRANCH_END, at);
}

void WorkflowGen::GenParallel(const ast::Stmt& s) {
  WEFT_CHECK(s.then_block != nullptr);
  const std::vector<ast::StmtPtr>& branches = s.then_block->stmts;
  WEFT_CHECK_MSG(s.bases.size() == branches.size(), "unchecked parallel block");
  std::vector<Label> starts;
  for (size_t i = 0; i < branches.size(); ++i) {
    starts.push_back(em_.NewLabel());
    em_.EmitJump(Op::FORK, starts[i], branches[i]->range, s.bases[i]);
  }
  em_.Emit(Op::JOIN, s.range);
  em_.Emit(Op::POP, s.range);
  const Label after = em_.NewLabel();
  em_.EmitJump(Op::JUMP, after, s.range);
  FiberState parent = EnterBranch();
  for (size_t i = 0; i < branches.size(); ++i) {
    em_.Bind(starts[i]);
    GenStmt(*branches[i]);
    EndBranch(branches[i]->range);
  }
  LeaveBranch(std::move(parent));
  em_.Bind(after);
}

void WorkflowGen::GenParallelFor(const ast::Expr& e, bool statement) {
  GenExpr(*e.iterable);
  if (e.limit != nullptr) {
    GenExpr(*e.limit);
  } else {
    em_.Emit(Op::PUSH_NULL, e.range);
  }
  const Label body = em_.NewLabel();
  const Label after = em_.NewLabel();
  em_.EmitJump(Op::FORK_EACH, body, e.range, e.base);
  em_.Emit(Op::JOIN, e.range);
  if (statement) em_.Emit(Op::POP, e.range);
  em_.EmitJump(Op::JUMP, after, e.range);
  FiberState parent = EnterBranch();
  em_.Bind(body);
  em_.Emit(Op::STORE_LOCAL, e.name_range, e.slot);
  GenBlock(e.body.get());
  EndBranch(e.range);
  LeaveBranch(std::move(parent));
  em_.Bind(after);
}

}  // namespace weft::codegen
