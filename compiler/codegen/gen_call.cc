// Calls. A task or workflow call builds its input object from the named arguments in the
// written order and suspends; a builtin call passes its positional arguments on the stack.
#include "common/check.h"
#include "compiler/check/literal_value.h"
#include "bytecode/system_tasks.h"
#include "compiler/codegen/workflow_gen.h"

namespace weft::codegen {

using bytecode::Op;
using Kind = ast::Resolution::Kind;

//   task t(x: e1, y: e2):  CONST "x"; e1; CONST "y"; e2; MAKE_OBJECT 2; CALL_TASK t
//   t(...) with {p}:       <args>; CALL_TASK_WITH t, K[p]
//   t(...) compensate u(...):  <t's call>; <u's args>; COMPENSATE u
//   workflow w@N(...):     <args>; CALL_WORKFLOW K["w"], N (0: the latest)
//   builtin f(e1, e2):     e1; e2; CALL_BUILTIN f 2
void WorkflowGen::GenCall(const ast::Expr& e) {
  const uint32_t argc = static_cast<uint32_t>(e.args.size());
  if (e.resolution.kind == Kind::kBuiltin) {
    for (const ast::Argument& arg : e.args) GenExpr(*arg.value);
    em_.Emit(Op::CALL_BUILTIN, e.range, e.resolution.index, argc);
    return;
  }
  if (e.resolution.kind == Kind::kWorkflow) {
    GenArgsObject(e);
    em_.Emit(Op::CALL_WORKFLOW, e.range, em_.constants().Add(Value::String(e.name)), e.version);
    return;
  }
  const uint32_t task = TaskOperand(e);
  GenArgsObject(e);
  if (e.policy != nullptr) {
    std::optional<Value> policy = check::LiteralValue(*e.policy);
    WEFT_CHECK_MSG(policy.has_value(), "unchecked call-site policy");
    em_.Emit(Op::CALL_TASK_WITH, e.range, task, em_.constants().Add(*policy));
  } else {
    em_.Emit(Op::CALL_TASK, e.range, task);
  }
  if (e.compensation != nullptr) {
    const ast::Expr& undo = *e.compensation;
    const uint32_t undo_task = TaskOperand(undo);
    GenArgsObject(undo);
    em_.Emit(Op::COMPENSATE, undo.range, undo_task);
  }
}

uint32_t WorkflowGen::TaskOperand(const ast::Expr& call) {
  WEFT_CHECK_MSG(call.resolution.kind == Kind::kTask, "unresolved call");
  const uint32_t task = call.resolution.index;
  if (tasks_.size() <= task) tasks_.resize(task + 1);
  tasks_[task] = call.resolution.system_task ? std::string(bytecode::SystemTaskType(call.name))
                                             : call.name;
  return task;
}

void WorkflowGen::GenArgsObject(const ast::Expr& call) {
  for (const ast::Argument& arg : call.args) {
    em_.Emit(Op::CONST, arg.name_range, em_.constants().Add(Value::String(arg.name)));
    GenExpr(*arg.value);
  }
  em_.Emit(Op::MAKE_OBJECT, call.range, static_cast<uint32_t>(call.args.size()));
}

//   start w@N(...):  <args>; START_WORKFLOW K["w"], N
void WorkflowGen::GenStart(const ast::Expr& e) {
  const ast::Expr& call = *e.lhs;
  WEFT_CHECK_MSG(call.resolution.kind == Kind::kWorkflow, "unchecked start");
  GenArgsObject(call);
  em_.Emit(Op::START_WORKFLOW, e.range, em_.constants().Add(Value::String(call.name)),
           call.version);
}

//   await signal(name, timeout: t):  name; t (or PUSH_NULL); AWAIT_SIGNAL
void WorkflowGen::GenAwaitSignal(const ast::Expr& e) {
  GenExpr(*e.lhs);
  if (e.rhs != nullptr) {
    GenExpr(*e.rhs);
  } else {
    em_.Emit(Op::PUSH_NULL, e.range);
  }
  em_.Emit(Op::AWAIT_SIGNAL, e.range);
}

}  // namespace weft::codegen
