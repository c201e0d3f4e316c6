// The code generator's entry points and the per-workflow frame: signature, body, the implicit
// `return null`, and the task table.
#include "compiler/codegen/codegen.h"

#include <optional>

#include "common/check.h"
#include "compiler/check/literal_value.h"
#include "compiler/check/type_names.h"
#include "compiler/codegen/workflow_gen.h"

namespace weft::codegen {
namespace {

bytecode::Param ParamOf(const ast::ParamDecl& decl) {
  bytecode::Param param;
  param.name = decl.name;
  param.type = check::ParseTypeName(decl.type_name).value_or(bytecode::ParamType::kAny);
  if (decl.default_value != nullptr) {
    std::optional<Value> value = check::LiteralValue(*decl.default_value);
    WEFT_CHECK_MSG(value.has_value(), "unchecked parameter default");
    param.has_default = true;
    param.default_value = std::move(*value);
  }
  return param;
}

// Where the implicit `return null` is attributed: the body's closing brace.
diag::SourceRange ClosingBrace(const ast::Block& body) {
  diag::SourceRange r = body.range;
  r.line = r.end_line;
  r.column = r.end_column > 1 ? r.end_column - 1 : r.end_column;
  return r;
}

}  // namespace

bytecode::Program WorkflowGen::Run() {
  bytecode::Program program;
  program.workflow_name = workflow_.name;
  for (const ast::ParamDecl& decl : workflow_.params) program.params.push_back(ParamOf(decl));
  WEFT_CHECK(workflow_.num_locals >= workflow_.params.size());
  program.num_locals = workflow_.num_locals;

  GenBlock(&workflow_.body);
  const diag::SourceRange end = ClosingBrace(workflow_.body);
  em_.Emit(bytecode::Op::PUSH_NULL, end);  // both dropped when every path already ended
  em_.Emit(bytecode::Op::RETURN, end);
  em_.Finish(program);

  for (std::string& name : tasks_) {
    WEFT_CHECK_MSG(!name.empty(), "the checker's task indices have a gap");
    auto policy = policies_.find(name);
    program.tasks.push_back({std::move(name), policy != policies_.end() ? policy->second
                                                                        : Value::Null()});
  }
  ApplyOptions(program);
  return program;
}

// `workflow w() with { timeout: 1h, on_failure: "x" }`: checked literals.
void WorkflowGen::ApplyOptions(bytecode::Program& program) const {
  if (workflow_.options == nullptr) return;
  std::optional<Value> options = check::LiteralValue(*workflow_.options);
  WEFT_CHECK_MSG(options.has_value() && options->is_object(), "unchecked workflow options");
  if (const Value* timeout = options->as_object().Find("timeout")) {
    program.timeout_ms = timeout->as_int();
  }
  if (const Value* on_failure = options->as_object().Find("on_failure")) {
    program.failure_workflow = on_failure->as_string();
  }
}

TaskPolicies DeclaredPolicies(const ast::Module& module) {
  TaskPolicies policies;
  for (const ast::TaskDecl& task : module.tasks) {
    if (task.policy == nullptr) continue;
    std::optional<Value> policy = check::LiteralValue(*task.policy);
    WEFT_CHECK_MSG(policy.has_value(), "unchecked task policy");
    policies.emplace(task.name, std::move(*policy));
  }
  return policies;
}

bytecode::Program GenerateWorkflow(const ast::WorkflowDecl& workflow,
                                   const TaskPolicies& policies) {
  return WorkflowGen(workflow, policies).Run();
}

std::vector<bytecode::Program> Generate(const ast::Module& module) {
  const TaskPolicies policies = DeclaredPolicies(module);
  std::vector<bytecode::Program> programs;
  for (const ast::WorkflowDecl& workflow : module.workflows) {
    programs.push_back(GenerateWorkflow(workflow, policies));
  }
  return programs;
}

}  // namespace weft::codegen
