// The control-flow Conductor task types (translator.h): SWITCH, FORK_JOIN and
// its JOIN, FORK_JOIN_DYNAMIC and DO_WHILE, each written as Weft statements.
// docs/conductor.md shows each mapping with an example.
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/status_macros.h"
#include "conductor/js_subset.h"
#include "conductor/task_fields.h"
#include "conductor/translator.h"
#include "conductor/wf_text.h"

namespace weft::conductor {

using task_fields::InputResolver;
using task_fields::Member;
using task_fields::Parenthesized;
using task_fields::Str;

absl::Status WorkflowTranslator::Switch(const rapidjson::Value &t,
                                        const std::string &ref, bool in_branch,
                                        bool *ends) {
  const rapidjson::Value *params = InputParameters(t);
  std::string evaluator(Str(t, "evaluatorType"));
  std::string expression(Str(t, "expression"));
  if (Str(t, "type") == "DECISION") {
    if (!Str(t, "caseValueParam").empty()) {
      evaluator = "value-param";
      expression = std::string(Str(t, "caseValueParam"));
    } else {
      evaluator = "javascript";
      expression = std::string(Str(t, "caseExpression"));
    }
  }
  if (evaluator.empty())
    evaluator = "value-param";
  std::string subject;
  if (evaluator == "value-param") {
    const rapidjson::Value *v = Member(params, expression.c_str());
    if (v == nullptr) {
      subject = "null";
    } else {
      WEFT_ASSIGN_OR_RETURN(
          subject, Wire(*v, ref, absl::StrCat("inputParameters.", expression)));
    }
  } else if (evaluator == "javascript" || evaluator == "graaljs") {
    auto wire = [this, &ref](const rapidjson::Value &v) {
      return Wire(v, ref, "inputParameters");
    };
    absl::StatusOr<std::string> js = TranslateJs(
        expression, InputResolver(params, wire, [](absl::string_view) {
          return std::nullopt;
        }));
    if (js.ok()) {
      subject = *js;
    } else {
      WEFT_ASSIGN_OR_RETURN(subject,
                            JsCall(expression, params, ref, "expression", {}));
    }
  } else {
    return TaskError(
        ref, "evaluatorType",
        absl::StrCat("`", evaluator,
                     "` is not value-param, javascript or graaljs"));
  }
  // Conductor compares the case labels with the result as a string ("" +
  // result).
  std::string switch_on = absl::StrCat("str(", subject, ")");
  body_.Add(absl::StrCat("// SWITCH ", ref));
  if (referenced_.count(ref)) {
    Bind(ref, absl::StrCat("{ evaluationResult: [", switch_on, "] }"));
    switch_on = absl::StrCat(names_.task_outputs[ref], ".evaluationResult[0]");
  }
  body_.Add(absl::StrCat("switch ", switch_on, " {"));
  body_.Indent();
  depth_ += 1;
  bool all_end = true;
  const rapidjson::Value *cases = Member(&t, "decisionCases");
  if (cases != nullptr && cases->IsObject()) {
    for (const auto &c : cases->GetObject()) {
      if (!c.value.IsArray())
        return TaskError(ref,
                         absl::StrCat("decisionCases.", c.name.GetString()),
                         "not a list of tasks");
      body_.Add(absl::StrCat("case ", Quote(c.name.GetString()), " => {"));
      body_.Indent();
      bool arm_ends = false;
      WEFT_RETURN_IF_ERROR(EmitList(c.value, in_branch, &arm_ends));
      body_.Dedent();
      body_.Add("}");
      all_end = all_end && arm_ends;
    }
  }
  const rapidjson::Value *fallback = Member(&t, "defaultCase");
  bool has_default = fallback != nullptr && fallback->IsArray() &&
                     !fallback->GetArray().Empty();
  if (has_default) {
    body_.Add("default => {");
    body_.Indent();
    bool arm_ends = false;
    WEFT_RETURN_IF_ERROR(EmitList(*fallback, in_branch, &arm_ends));
    body_.Dedent();
    body_.Add("}");
    all_end = all_end && arm_ends;
  }
  depth_ -= 1;
  body_.Dedent();
  body_.Add("}");
  *ends = has_default && all_end;
  return absl::OkStatus();
}

absl::Status WorkflowTranslator::Fork(const rapidjson::Value &t,
                                      const std::string &ref) {
  const rapidjson::Value *forks = Member(&t, "forkTasks");
  if (forks == nullptr || !forks->IsArray())
    return TaskError(ref, "forkTasks", "missing or not a list of lists");
  if (referenced_.count(ref))
    Bind(ref, "{}");
  body_.Add(absl::StrCat("// FORK_JOIN ", ref));
  body_.Add("parallel {");
  body_.Indent();
  depth_ += 1;
  for (const auto &branch : forks->GetArray()) {
    if (!branch.IsArray())
      return TaskError(ref, "forkTasks", "a branch is not a list of tasks");
    if (branch.GetArray().Empty())
      continue;
    body_.Add("{");
    body_.Indent();
    bool ends = false;
    WEFT_RETURN_IF_ERROR(EmitList(branch, true, &ends));
    body_.Dedent();
    body_.Add("}");
  }
  depth_ -= 1;
  body_.Dedent();
  body_.Add("}");
  return absl::OkStatus();
}

absl::Status WorkflowTranslator::Join(const rapidjson::Value &t,
                                      const std::string &ref) {
  if (!dynamic_outputs_.empty()) {
    // The JOIN of a FORK_JOIN_DYNAMIC: the outputs by the dynamic tasks'
    // reference names.
    std::string outputs = std::move(dynamic_outputs_);
    dynamic_outputs_.clear();
    if (!referenced_.count(ref)) {
      body_.Add(absl::StrCat(
          "// JOIN ", ref,
          ": the `parallel for` above ends when all its tasks have"));
      return absl::OkStatus();
    }
    Bind(ref, absl::StrCat("from_entries(", outputs, ")"));
    return absl::OkStatus();
  }
  if (!referenced_.count(ref)) {
    body_.Add(absl::StrCat(
        "// JOIN ", ref,
        ": the `parallel` block above ends when all its branches have"));
    return absl::OkStatus();
  }
  std::vector<std::string> entries;
  const rapidjson::Value *on = Member(&t, "joinOn");
  if (on != nullptr && on->IsArray()) {
    for (const auto &r : on->GetArray()) {
      if (!r.IsString())
        return TaskError(ref, "joinOn", "not a list of task reference names");
      auto var = names_.task_outputs.find(r.GetString());
      entries.push_back(absl::StrCat(
          ObjectKey(r.GetString()), ": ",
          var == names_.task_outputs.end() ? "null" : var->second));
    }
  }
  Bind(ref, absl::StrCat("{ ", absl::StrJoin(entries, ", "), " }"));
  return absl::OkStatus();
}

// FORK_JOIN_DYNAMIC: `parallel for` over the task list its
// `dynamicForkTasksParam` input gives, each item's input taken by its reference
// name from the `dynamicForkTasksInputParamName` input. A Weft task call names
// its arguments in the code, so each task the list may name is one `case` of a
// switch on the item's `name`, calling it with the `inputKeys` of its TaskDef:
// the candidates are the TaskDefs given that list `inputKeys`. A name that is
// none of them fails the execution, naming it.
absl::Status WorkflowTranslator::DynamicFork(const rapidjson::Value &t,
                                             const std::string &ref) {
  const rapidjson::Value *params = InputParameters(t);
  std::string tasks_param(Str(t, "dynamicForkTasksParam"));
  std::string input_param(Str(t, "dynamicForkTasksInputParamName"));
  if (tasks_param.empty())
    return TaskError(ref, "dynamicForkTasksParam",
                     "missing (the input that holds the task list)");
  if (input_param.empty()) {
    return TaskError(
        ref, "dynamicForkTasksInputParamName",
        "missing (the input that holds the inputs by reference name)");
  }
  const rapidjson::Value *tasks_value = Member(params, tasks_param.c_str());
  if (tasks_value == nullptr) {
    return TaskError(ref, absl::StrCat("inputParameters.", tasks_param),
                     "missing: it gives the list of tasks to fork");
  }
  const rapidjson::Value *inputs_value = Member(params, input_param.c_str());
  // The candidate tasks: every TaskDef with `inputKeys`, by name.
  std::map<std::string, std::vector<std::string>> candidates;
  for (const auto &[name, json] : file_.taskdefs()) {
    rapidjson::Document def;
    if (!ParseJson(json, "the TaskDef", &def).ok())
      continue;
    const rapidjson::Value *keys = Member(&def, "inputKeys");
    if (keys == nullptr || !keys->IsArray() || keys->GetArray().Empty())
      continue;
    std::vector<std::string> names;
    for (const auto &k : keys->GetArray()) {
      if (!k.IsString() || !IsIdentifier(k.GetString()) ||
          IsKeyword(k.GetString())) {
        return TaskError(
            ref, "dynamicForkTasksParam",
            absl::StrCat(
                "TaskDef `", name,
                "`: `inputKeys` must be Weft names (letters, digits and `_`)"));
      }
      names.push_back(k.GetString());
    }
    candidates.emplace(name, std::move(names));
  }
  if (candidates.empty()) {
    return TaskError(ref, "dynamicForkTasksParam",
                     "the tasks are chosen at run time: give the TaskDefs of "
                     "the tasks it may run, with their "
                     "`inputKeys` (a Weft task call names its arguments)");
  }
  WEFT_ASSIGN_OR_RETURN(
      std::string tasks_expr,
      Wire(*tasks_value, ref, absl::StrCat("inputParameters.", tasks_param)));
  std::string inputs_expr = "null";
  if (inputs_value != nullptr) {
    WEFT_ASSIGN_OR_RETURN(inputs_expr,
                          Wire(*inputs_value, ref,
                               absl::StrCat("inputParameters.", input_param)));
  }
  for (const auto &[name, keys] : candidates)
    WEFT_RETURN_IF_ERROR(file_.UseTask(name, ref));
  const std::string inputs = Fresh(absl::StrCat(ref, "_inputs"));
  const std::string item = Fresh(absl::StrCat(ref, "_task"));
  const std::string input = Fresh(absl::StrCat(ref, "_input"));
  const std::string outputs = Fresh(absl::StrCat(ref, "_outputs"));
  body_.Add(absl::StrCat(
      "// FORK_JOIN_DYNAMIC ", ref, ": one branch per task of `", tasks_param,
      "`, its input from `", input_param, "` by reference name"));
  body_.Add(absl::StrCat("let ", inputs, " = ", inputs_expr));
  body_.Add(absl::StrCat("let ", outputs, " = parallel for ", item, " in ",
                         tasks_expr, " {"));
  body_.Indent();
  body_.Add(absl::StrCat("let ", input, " = ", inputs, "?.[", item,
                         "?.taskReferenceName]"));
  body_.Add(absl::StrCat("switch str(", item, "?.name) {"));
  body_.Indent();
  for (const auto &[name, keys] : candidates) {
    std::vector<std::string> args;
    for (const std::string &k : keys)
      args.push_back(absl::StrCat(k, ": ", input, "?.", k));
    body_.Add(absl::StrCat("case ", Quote(name), " => { yield [", item,
                           "?.taskReferenceName, ", name, "(",
                           absl::StrJoin(args, ", "), ")] }"));
  }
  body_.Add(absl::StrCat("default => { fail \"", ref,
                         ": no TaskDef with inputKeys for task `${str(", item,
                         "?.name)}`\" }"));
  body_.Dedent();
  body_.Add("}");
  body_.Dedent();
  body_.Add("}");
  dynamic_outputs_ = outputs;
  if (referenced_.count(ref))
    Bind(ref, absl::StrCat("from_entries(", outputs, ")"));
  return absl::OkStatus();
}

absl::Status WorkflowTranslator::DoWhile(const rapidjson::Value &t,
                                         const std::string &ref,
                                         bool in_branch) {
  std::string condition(Str(t, "loopCondition"));
  if (condition.empty())
    return TaskError(ref, "loopCondition", "missing");
  const rapidjson::Value *body = Member(&t, "loopOver");
  if (body == nullptr || !body->IsArray())
    return TaskError(ref, "loopOver", "missing or not a list of tasks");
  const rapidjson::Value *params = InputParameters(t);
  const std::string &var = names_.task_outputs[ref];
  // `$` of the condition: the loop's own output (its iteration), the outputs of
  // the tasks, and the loop's inputParameters.
  auto wire = [this, &ref](const rapidjson::Value &v) {
    return Wire(v, ref, "inputParameters");
  };
  auto outputs = [this](absl::string_view key) -> std::optional<std::string> {
    auto it = names_.task_outputs.find(std::string(key));
    if (it == names_.task_outputs.end())
      return std::nullopt;
    return it->second;
  };
  absl::StatusOr<std::string> cond =
      TranslateJs(condition, InputResolver(params, wire, outputs));
  if (!cond.ok()) {
    // `$` of the condition: the loop's inputParameters, its own output and its
    // tasks' outputs.
    std::vector<std::pair<std::string, std::string>> extra = {{ref, var}};
    for (const auto &task : body->GetArray()) {
      std::string task_ref(Str(task, "taskReferenceName"));
      extra.emplace_back(task_ref, names_.task_outputs[task_ref]);
    }
    cond = JsCall(condition, params, ref, "inputParameters", extra);
    if (!cond.ok())
      return cond.status();
  }
  std::string counter = Fresh(absl::StrCat(var, "_iteration"));
  body_.Add(absl::StrCat("// DO_WHILE ", ref));
  body_.Add(absl::StrCat("var ", counter, " = 0"));
  body_.Add("do {");
  body_.Indent();
  depth_ += 1;
  body_.Add(absl::StrCat(counter, " = ", counter, " + 1"));
  Bind(ref, absl::StrCat("{ iteration: ", counter, " }"));
  bool ends = false;
  WEFT_RETURN_IF_ERROR(EmitList(*body, in_branch, &ends));
  depth_ -= 1;
  body_.Dedent();
  body_.Add(absl::StrCat("} while ", *cond));
  if (depth_ == 0)
    last_output_ = var;
  return absl::OkStatus();
}
} // namespace weft::conductor
