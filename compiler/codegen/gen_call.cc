// Calls. A task call builds its input object from the named arguments in the written order
// and suspends; a builtin call passes its positional arguments on the stack.
#include "common/check.h"
#include "compiler/codegen/workflow_gen.h"

namespace weft::codegen {

using bytecode::Op;
using Kind = ast::Resolution::Kind;

//   task t(x: e1, y: e2):  CONST "x"; e1; CONST "y"; e2; MAKE_OBJECT 2; CALL_TASK t
//   builtin f(e1, e2):     e1; e2; CALL_BUILTIN f 2
void WorkflowGen::GenCall(const ast::Expr& e) {
  const uint32_t argc = static_cast<uint32_t>(e.args.size());
  if (e.resolution.kind == Kind::kBuiltin) {
    for (const ast::Argument& arg : e.args) GenExpr(*arg.value);
    em_.Emit(Op::CALL_BUILTIN, e.range, e.resolution.index, argc);
    return;
  }
  WEFT_CHECK_MSG(e.resolution.kind == Kind::kTask, "unresolved call");
  const uint32_t task = e.resolution.index;
  if (tasks_.size() <= task) tasks_.resize(task + 1);
  tasks_[task] = e.name;
  for (const ast::Argument& arg : e.args) {
    em_.Emit(Op::CONST, arg.name_range, em_.constants().Add(Value::String(arg.name)));
    GenExpr(*arg.value);
  }
  em_.Emit(Op::MAKE_OBJECT, e.range, argc);
  em_.Emit(Op::CALL_TASK, e.range, task);
}

}  // namespace weft::codegen
