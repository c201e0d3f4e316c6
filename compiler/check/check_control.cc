// The body checker's try/catch and do-while: scopes and the flow facts after them.
#include "compiler/check/body_checker.h"

namespace weft::check {

// The catch block may start after any prefix of the try block has run, so it starts from the
// facts before the try; after the statement, either block may have completed.
void BodyChecker::CheckTry(ast::Stmt& s) {
  const FlowState before = flow_;
  CheckBlock(s.then_block.get());
  const FlowState after_try = flow_;
  flow_ = before;
  scopes_.Push();
  if (!s.name.empty()) {
    Variable* caught = scopes_.Declare(s.name, VarKind::kCaught, s.name_range);
    s.slot = caught->slot;
    flow_.SetAssigned(caught->slot, true);
  }
  if (s.else_block != nullptr) CheckStmts(s.else_block->stmts);
  scopes_.Pop();
  flow_ = FlowState::Join(after_try, flow_);
}

// The body runs at least once; the condition is reached from its end and from every
// `continue`, and the loop's end from the condition and every `break`. The body's names are
// not in scope in the condition.
void BodyChecker::CheckDoWhile(ast::Stmt& s) {
  ++loop_depth_;
  loop_flows_.emplace_back();
  CheckBlock(s.then_block.get());
  const LoopFlow loop = loop_flows_.back();
  loop_flows_.pop_back();
  --loop_depth_;
  flow_ = FlowState::Join(flow_, loop.at_continue);
  CheckExpr(s.condition.get());
  flow_ = FlowState::Join(flow_, loop.at_break);
}

}  // namespace weft::check
