// Switches. Case tests compare the subject with each case value (EQ, deep and numeric, as
// `==`) in source order and jump to the first matching arm; no match goes to the default arm,
// or past the switch. Arms are laid out in source order and jump to the end when done.
//
// Statement form: the subject lives in the checker's hidden slot, so the stack is empty
// inside the arms and break/continue/return leave from depth 0.
//   subject; STORE_LOCAL h; (LOAD_LOCAL h; value; EQ; JUMP_IF_TRUE arm_i)...; JUMP default|end
//   arm_i: block; JUMP end ... end:
// Expression form: the subject stays on the stack during the tests and each arm pops it.
//   subject; (DUP; value; EQ; JUMP_IF_TRUE arm_i)...; JUMP default
//   arm_i: POP; value; JUMP end ... end:
#include "common/check.h"
#include "compiler/codegen/workflow_gen.h"

namespace weft::codegen {

using bytecode::Op;

void WorkflowGen::GenCaseTests(const std::vector<ast::SwitchArm>& arms,
                               const std::vector<Label>& targets,
                               const std::function<void()>& push_subject) {
  for (size_t i = 0; i < arms.size(); ++i) {
    for (const ast::ExprPtr& value : arms[i].values) {
      push_subject();
      WEFT_CHECK_MSG(GenScalarLiteral(*value), "unchecked non-literal case value");
      em_.Emit(Op::EQ, value->range);
      em_.EmitJump(Op::JUMP_IF_TRUE, targets[i], value->range);
    }
  }
}

namespace {

// The index of the default arm, or arms.size() when there is none.
size_t DefaultArm(const std::vector<ast::SwitchArm>& arms) {
  for (size_t i = 0; i < arms.size(); ++i) {
    if (arms[i].is_default) return i;
  }
  return arms.size();
}

// True when the code for arm `i` (or the end of a switch without arms) comes right after the
// case tests, so no jump is needed to get there: arms are laid out in order after the tests.
bool FollowsTests(size_t i) { return i == 0; }

}  // namespace

void WorkflowGen::GenSwitchStmt(const ast::Stmt& s) {
  std::vector<Label> targets;
  for (size_t i = 0; i < s.arms.size(); ++i) targets.push_back(em_.NewLabel());
  const Label end = em_.NewLabel();
  const size_t default_arm = DefaultArm(s.arms);

  GenExpr(*s.condition);
  em_.Emit(Op::STORE_LOCAL, s.condition->range, s.hidden_slot);
  GenCaseTests(s.arms, targets,
               [&] { em_.Emit(Op::LOAD_LOCAL, s.condition->range, s.hidden_slot); });
  // No match: to the default arm, or past the switch; no jump when that is the next pc.
  const Label no_match = default_arm < s.arms.size() ? targets[default_arm] : end;
  if (!FollowsTests(default_arm)) em_.EmitJump(Op::JUMP, no_match, s.range);
  for (size_t i = 0; i < s.arms.size(); ++i) {
    em_.Bind(targets[i]);
    GenBlock(s.arms[i].block.get());
    if (i + 1 < s.arms.size()) em_.EmitJump(Op::JUMP, end, s.arms[i].range);
  }
  em_.Bind(end);
}

void WorkflowGen::GenSwitchExpr(const ast::Expr& e) {
  std::vector<Label> targets;
  for (size_t i = 0; i < e.arms.size(); ++i) targets.push_back(em_.NewLabel());
  const Label end = em_.NewLabel();
  const size_t default_arm = DefaultArm(e.arms);
  WEFT_CHECK_MSG(default_arm < e.arms.size(), "unchecked switch expression without default");

  GenExpr(*e.subject);
  GenCaseTests(e.arms, targets, [&] { em_.Emit(Op::DUP, e.subject->range); });
  if (!FollowsTests(default_arm)) em_.EmitJump(Op::JUMP, targets[default_arm], e.range);
  for (size_t i = 0; i < e.arms.size(); ++i) {
    em_.Bind(targets[i]);
    em_.Emit(Op::POP, e.arms[i].range);
    GenExpr(*e.arms[i].value);
    if (i + 1 < e.arms.size()) em_.EmitJump(Op::JUMP, end, e.arms[i].range);
  }
  em_.Bind(end);
}

}  // namespace weft::codegen
