// DescribeAsWorkflowDef (workflow_def.h): a WorkflowDef JSON summary of a compiled program.
// The tasks are what the program can call, found in its code: each worker task (SIMPLE, or
// HTTP and JSON_JQ_TRANSFORM for the system tasks) and each child workflow (SUB_WORKFLOW, or
// START_WORKFLOW when started detached), in the order of their first call sites. The order,
// branches and loops are Weft code and are not reproduced (docs/conductor.md).
#include <set>

#include "absl/strings/str_cat.h"
#include "bytecode/instruction.h"
#include "bytecode/system_tasks.h"
#include "conductor/workflow_def.h"
#include "common/rapidjson.h"

namespace weft::conductor {
namespace {

struct Step {
  std::string name;
  std::string type;
};

// The task and child-workflow calls of `program`, first call site first.
absl::StatusOr<std::vector<Step>> CallSteps(const bytecode::Program& program) {
  std::vector<Step> steps;
  std::set<std::pair<std::string, std::string>> seen;
  for (uint32_t pc = 0; pc < program.code.size();) {
    std::optional<bytecode::Instruction> ins = bytecode::DecodeAt(program.code, pc);
    if (!ins) return absl::InvalidArgumentError(absl::StrCat("the program's code does not decode at ", pc));
    pc += ins->size;
    Step step;
    if (ins->op == bytecode::Op::CALL_TASK || ins->op == bytecode::Op::CALL_TASK_WITH) {
      if (ins->a >= program.tasks.size()) return absl::InvalidArgumentError("a task index out of range");
      step.name = program.tasks[ins->a].name;
      step.type = step.name == bytecode::kHttpTask ? "HTTP"
                  : step.name == bytecode::kJqTask ? "JSON_JQ_TRANSFORM"
                                                   : "SIMPLE";
    } else if (ins->op == bytecode::Op::CALL_WORKFLOW || ins->op == bytecode::Op::START_WORKFLOW) {
      if (ins->a >= program.constants.size() || !program.constants[ins->a].is_string()) {
        return absl::InvalidArgumentError("a workflow name constant out of range");
      }
      step.name = program.constants[ins->a].as_string();
      step.type = ins->op == bytecode::Op::CALL_WORKFLOW ? "SUB_WORKFLOW" : "START_WORKFLOW";
    } else {
      continue;
    }
    if (seen.insert({step.name, step.type}).second) steps.push_back(std::move(step));
  }
  return steps;
}

}  // namespace

absl::StatusOr<std::string> DescribeAsWorkflowDef(const bytecode::Program& program, int version) {
  absl::StatusOr<std::vector<Step>> steps = CallSteps(program);
  if (!steps.ok()) return steps.status();
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  auto str = [&](absl::string_view s) { w.String(s.data(), static_cast<rapidjson::SizeType>(s.size())); };
  w.StartObject();
  w.Key("name");
  str(program.workflow_name);
  w.Key("description");
  str("A Weft workflow: the tasks are those it calls, in the order of their first call sites; "
      "its control flow is Weft code");
  w.Key("version");
  w.Int(version);
  w.Key("schemaVersion");
  w.Int(2);
  w.Key("inputParameters");
  w.StartArray();
  for (const bytecode::Param& p : program.params) str(p.name);
  w.EndArray();
  w.Key("outputParameters");
  w.StartObject();
  w.EndObject();
  w.Key("tasks");
  w.StartArray();
  for (const Step& step : *steps) {
    w.StartObject();
    w.Key("name");
    str(step.name);
    w.Key("taskReferenceName");
    str(absl::StrCat(step.name, "_ref"));
    w.Key("type");
    str(step.type);
    w.Key("inputParameters");
    w.StartObject();
    w.EndObject();
    if (step.type == "SUB_WORKFLOW") {
      w.Key("subWorkflowParam");
      w.StartObject();
      w.Key("name");
      str(step.name);
      w.EndObject();
    }
    w.EndObject();
  }
  w.EndArray();
  w.Key("timeoutSeconds");
  w.Int64(program.timeout_ms / 1000);
  w.Key("timeoutPolicy");
  str(program.timeout_ms > 0 ? "TIME_OUT_WF" : "ALERT_ONLY");
  if (!program.failure_workflow.empty()) {
    w.Key("failureWorkflow");
    str(program.failure_workflow);
  }
  w.Key("restartable");
  w.Bool(true);
  w.Key("workflowStatusListenerEnabled");
  w.Bool(false);
  w.Key("ownerEmail");
  str("weft@localhost");
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

}  // namespace weft::conductor
