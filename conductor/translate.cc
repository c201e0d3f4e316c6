// TranslateWorkflowDef (workflow_def.h): the file and each workflow. A prepass over every
// task (nested ones included) collects reference names, the workflow inputs and variables
// that the wiring reads, and the tasks whose outputs must be declared at the top because
// they are set inside a branch or a loop; then each task becomes one statement
// (translate_tasks.cc).
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/status_macros.h"
#include "common/strings.h"
#include "conductor/task_fields.h"
#include "conductor/translator.h"
#include "conductor/wf_text.h"
#include "common/rapidjson.h"

namespace weft::conductor {

void Lines::Add(absl::string_view line) {
  if (line.empty()) {
    text_ += "\n";
    return;
  }
  text_ += std::string(4 * depth_, ' ');
  text_.append(line.data(), line.size());
  text_ += "\n";
}

absl::Status ParseJson(absl::string_view text, absl::string_view what, rapidjson::Document* doc) {
  // Checked by Weft's own reader first, which bounds nesting (the DOM parser below recurses)
  // and refuses the numbers RapidJSON's conversions mishandle (value/json.cc).
  if (absl::StatusOr<Value> checked = Value::FromJson(std::string_view(text.data(), text.size()));
      !checked.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, " is not valid JSON: ", checked.status().message()));
  }
  doc->Parse<rapidjson::kParseStopWhenDoneFlag>(text.data(), text.size());
  if (doc->HasParseError()) {
    return absl::InvalidArgumentError(absl::StrCat(what, " is not valid JSON: ",
                                                   rapidjson::GetParseError_En(doc->GetParseError()),
                                                   " (at byte ", doc->GetErrorOffset(), ")"));
  }
  return absl::OkStatus();
}

absl::Status TaskError(absl::string_view ref, absl::string_view field, absl::string_view message) {
  return absl::InvalidArgumentError(absl::StrCat("task `", ref, "`: field `", field, "`: ", message));
}

namespace {

using task_fields::Str;

// Every `${root.` in the strings of `v`: the roots a reference starts from, and the input
// keys and variable names read through `workflow.input.` and `workflow.variables.`.
void ScanReferences(const rapidjson::Value& v, std::set<std::string>* roots,
                    std::vector<std::string>* inputs, std::vector<std::string>* variables) {
  if (v.IsString()) {
    absl::string_view s(v.GetString(), v.GetStringLength());
    for (size_t at = s.find("${"); at != absl::string_view::npos; at = s.find("${", at + 2)) {
      absl::string_view ref = s.substr(at + 2);
      ref = ref.substr(0, ref.find('}'));
      size_t dot = ref.find_first_of(".[");
      roots->insert(std::string(ref.substr(0, dot)));
      auto key_after = [&](absl::string_view prefix, std::vector<std::string>* out) {
        if (ref.substr(0, prefix.size()) != prefix) return;
        absl::string_view key = ref.substr(prefix.size());
        key = key.substr(0, key.find_first_of(".["));
        if (!key.empty() && std::find(out->begin(), out->end(), key) == out->end()) {
          out->push_back(std::string(key));
        }
      };
      key_after("workflow.input.", inputs);
      key_after("workflow.variables.", variables);
    }
    return;
  }
  if (v.IsArray()) {
    for (const auto& item : v.GetArray()) ScanReferences(item, roots, inputs, variables);
  } else if (v.IsObject()) {
    for (const auto& m : v.GetObject()) ScanReferences(m.value, roots, inputs, variables);
  }
}

// The task lists nested in a task: decision cases, default case, fork branches, loop body.
std::vector<const rapidjson::Value*> NestedLists(const rapidjson::Value& t) {
  std::vector<const rapidjson::Value*> out;
  if (!t.IsObject()) return out;
  for (const char* key : {"defaultCase", "loopOver"}) {
    auto it = t.FindMember(key);
    if (it != t.MemberEnd() && it->value.IsArray()) out.push_back(&it->value);
  }
  auto cases = t.FindMember("decisionCases");
  if (cases != t.MemberEnd() && cases->value.IsObject()) {
    for (const auto& m : cases->value.GetObject()) {
      if (m.value.IsArray()) out.push_back(&m.value);
    }
  }
  auto forks = t.FindMember("forkTasks");
  if (forks != t.MemberEnd() && forks->value.IsArray()) {
    for (const auto& branch : forks->value.GetArray()) {
      if (branch.IsArray()) out.push_back(&branch);
    }
  }
  return out;
}

}  // namespace

std::string WorkflowTranslator::Fresh(absl::string_view base) {
  std::string name = SanitizeName(base);
  std::string candidate = name;
  for (int i = 2; used_.count(candidate) || file_.IsTaskName(candidate) ||
                  file_.IsWorkflowName(candidate) || candidate == "http" || candidate == "jq" ||
                  candidate == "js";
       ++i) {
    candidate = absl::StrCat(name, "_", i);
  }
  used_.insert(candidate);
  return candidate;
}

absl::Status WorkflowTranslator::Prepass(const rapidjson::Value& tasks, int depth) {
  if (!tasks.IsArray()) {
    return absl::InvalidArgumentError(absl::StrCat("workflow `", name_, "`: a task list is not an array"));
  }
  for (const auto& t : tasks.GetArray()) {
    std::string ref(Str(t, "taskReferenceName"));
    if (!t.IsObject() || ref.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "workflow `", name_, "`: a task without `taskReferenceName`", t.IsObject() && !Str(t, "name").empty()
              ? absl::StrCat(" (name `", Str(t, "name"), "`)") : ""));
    }
    if (!refs_.insert(ref).second) {
      return TaskError(ref, "taskReferenceName", "used by two tasks of the workflow");
    }
    std::vector<std::string> variables;
    for (const auto& m : t.GetObject()) {
      // An inline child definition has its own inputs and references.
      if (m.name == "subWorkflowParam") continue;
      ScanReferences(m.value, &referenced_, &file_inputs_, &variables);
    }
    for (const std::string& v : variables) scanned_variables_.push_back(v);
    if (Str(t, "type") == "SET_VARIABLE") {
      auto in = t.FindMember("inputParameters");
      if (in != t.MemberEnd() && in->value.IsObject()) {
        for (const auto& m : in->value.GetObject()) scanned_variables_.push_back(m.name.GetString());
      }
    }
    absl::string_view type = Str(t, "type");
    if (type.empty() || type == "SIMPLE") file_.Reserve(std::string(Str(t, "name")));
    if (depth > 0 || type == "DO_WHILE") hoisted_[ref] = "";
    for (const rapidjson::Value* list : NestedLists(t)) {
      WEFT_RETURN_IF_ERROR(Prepass(*list, depth + 1));
    }
  }
  return absl::OkStatus();
}

const rapidjson::Value* WorkflowTranslator::InputParameters(const rapidjson::Value& t) {
  auto it = t.FindMember("inputParameters");
  if (it == t.MemberEnd() || !it->value.IsObject()) return nullptr;
  return &it->value;
}

absl::StatusOr<std::string> WorkflowTranslator::Wire(const rapidjson::Value& v, const std::string& ref,
                                                     absl::string_view field) {
  absl::StatusOr<std::string> e = Wiring(names_).Value(v);
  if (!e.ok()) return TaskError(ref, field, e.status().message());
  return e;
}

absl::StatusOr<std::string> WorkflowTranslator::Arguments(const rapidjson::Value& params,
                                                          const std::string& ref, absl::string_view field,
                                                          const std::set<std::string>& skip) {
  std::vector<std::string> args;
  size_t width = 0;
  for (const auto& m : params.GetObject()) {
    std::string key(m.name.GetString(), m.name.GetStringLength());
    if (skip.count(key)) continue;
    std::string where = absl::StrCat(field, ".", key);
    if (!IsIdentifier(key)) {
      return TaskError(ref, where, absl::StrCat("`", key, "` cannot be a Weft argument name (letters, digits and `_`)"));
    }
    WEFT_ASSIGN_OR_RETURN(std::string value, Wire(m.value, ref, where));
    args.push_back(absl::StrCat(key, ": ", value));
    width += args.back().size() + 2;
  }
  if (width <= 72) return absl::StrJoin(args, ", ");
  std::string indent(4 * (depth_ + 2), ' ');
  return absl::StrCat("\n", indent, absl::StrJoin(args, absl::StrCat(",\n", indent)), "\n",
                      std::string(4 * (depth_ + 1), ' '));
}

void WorkflowTranslator::Bind(const std::string& ref, const std::string& expr) {
  const std::string& var = names_.task_outputs[ref];
  bound_.insert(ref);
  std::string comment = var == ref ? "" : absl::StrCat("  // ", ref);
  if (hoisted_.count(ref)) {
    body_.Add(absl::StrCat(var, " = ", expr, comment));
  } else {
    body_.Add(absl::StrCat("let ", var, " = ", expr, comment));
  }
  if (depth_ == 0) last_output_ = var;
}

absl::Status WorkflowTranslator::EmitList(const rapidjson::Value& tasks, bool in_branch, bool* ends) {
  *ends = false;
  std::vector<std::string> skipped;
  for (const auto& t : tasks.GetArray()) {
    if (*ends) {
      skipped.push_back(std::string(Str(t, "taskReferenceName")));
      continue;
    }
    WEFT_RETURN_IF_ERROR(EmitTask(t, in_branch, ends));
  }
  if (!skipped.empty()) {
    body_.Add(absl::StrCat("// never reached in Conductor either (after TERMINATE): ",
                           absl::StrJoin(skipped, ", ")));
  }
  return absl::OkStatus();
}

absl::Status WorkflowTranslator::EmitTask(const rapidjson::Value& t, bool in_branch, bool* ends) {
  std::string ref(Str(t, "taskReferenceName"));
  std::string type(Str(t, "type"));
  if (type.empty() || type == "SIMPLE") return Simple(t, ref);
  if (type == "SWITCH" || type == "DECISION") return Switch(t, ref, in_branch, ends);
  if (type == "FORK_JOIN") return Fork(t, ref);
  if (type == "JOIN") return Join(t, ref);
  if (type == "FORK_JOIN_DYNAMIC") return DynamicFork(t, ref);
  if (type == "DO_WHILE") return DoWhile(t, ref, in_branch);
  if (type == "SUB_WORKFLOW") return SubWorkflow(t, ref, false);
  if (type == "START_WORKFLOW") return SubWorkflow(t, ref, true);
  if (type == "WAIT") return Wait(t, ref, false);
  if (type == "HUMAN") return Wait(t, ref, true);
  if (type == "TERMINATE") return Terminate(t, ref, in_branch, ends);
  if (type == "SET_VARIABLE") return SetVariable(t, ref);
  if (type == "JSON_JQ_TRANSFORM") return JqTransform(t, ref);
  if (type == "HTTP") return Http(t, ref);
  if (type == "INLINE") return Inline(t, ref);
  if (type == "EVENT") return Event(t, ref);
  return TaskError(ref, "type", absl::StrCat("task type `", type, "` has no Weft translation"));
}

absl::StatusOr<std::string> WorkflowTranslator::Translate() {
  name_ = std::string(Str(def_, "name"));
  if (!def_.IsObject() || name_.empty()) {
    return absl::InvalidArgumentError("WorkflowDef: field `name` is missing or not a string");
  }
  if (!IsIdentifier(name_) || IsKeyword(name_)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "workflow `", name_, "`: field `name`: a Weft workflow name is letters, digits and `_`, "
        "not starting with a digit, and not a keyword"));
  }
  auto version = def_.FindMember("version");
  if (version != def_.MemberEnd() && version->value.IsInt()) version_ = version->value.GetInt();
  auto tasks = def_.FindMember("tasks");
  if (tasks == def_.MemberEnd() || !tasks->value.IsArray()) {
    return absl::InvalidArgumentError(absl::StrCat("workflow `", name_, "`: field `tasks` is missing or not an array"));
  }
  WEFT_RETURN_IF_ERROR(Prepass(tasks->value, 0));
  auto outputs = def_.FindMember("outputParameters");
  if (outputs != def_.MemberEnd()) ScanReferences(outputs->value, &referenced_, &file_inputs_, &scanned_variables_);

  // Parameters: the declared inputs, those the wiring reads, those callers pass.
  std::vector<std::string> inputs;
  auto add_input = [&](std::string key) {
    if (std::find(inputs.begin(), inputs.end(), key) == inputs.end()) inputs.push_back(std::move(key));
  };
  auto declared = def_.FindMember("inputParameters");
  if (declared != def_.MemberEnd() && declared->value.IsArray()) {
    for (const auto& k : declared->value.GetArray()) {
      if (k.IsString()) add_input(k.GetString());
    }
  }
  for (const std::string& k : file_inputs_) add_input(k);
  for (const std::string& k : file_.ExtraParams(name_)) add_input(k);
  names_.workflow_name = name_;
  names_.workflow_version = version_;
  for (const std::string& key : inputs) {
    if (!IsIdentifier(key) || IsKeyword(key) || file_.IsTaskName(key) || file_.IsWorkflowName(key)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "workflow `", name_, "`: input `", key, "` cannot be a Weft parameter name (letters, digits "
          "and `_`, not a keyword, a task or a workflow)"));
    }
    used_.insert(key);
    names_.inputs.emplace_back(key, key);
  }
  // Variables: the initial `variables` of the definition, then those SET_VARIABLE sets or the
  // wiring reads.
  auto initial = def_.FindMember("variables");
  if (initial != def_.MemberEnd() && initial->value.IsObject()) {
    for (const auto& m : initial->value.GetObject()) {
      std::string key = m.name.GetString();
      absl::StatusOr<std::string> value = Wiring(names_).Value(m.value);
      if (!value.ok()) {
        return absl::InvalidArgumentError(absl::StrCat("workflow `", name_, "`: field `variables.", key,
                                                       "`: ", value.status().message()));
      }
      initial_variables_[key] = *value;
      scanned_variables_.insert(scanned_variables_.begin(), key);
    }
  }
  for (const std::string& key : scanned_variables_) {
    bool seen = false;
    for (const auto& [k, v] : names_.variables) seen = seen || k == key;
    if (!seen) names_.variables.emplace_back(key, Fresh(key));
  }
  for (const std::string& ref : refs_) names_.task_outputs[ref] = Fresh(ref);
  for (auto& [ref, var] : hoisted_) var = names_.task_outputs[ref];

  bool ends = false;
  WEFT_RETURN_IF_ERROR(EmitList(tasks->value, false, &ends));
  if (!ends) {
    if (outputs != def_.MemberEnd() && outputs->value.IsObject()) {
      absl::StatusOr<std::string> out = Wiring(names_).Value(outputs->value);
      if (!out.ok()) {
        return absl::InvalidArgumentError(absl::StrCat("workflow `", name_, "`: field `outputParameters`: ",
                                                       out.status().message()));
      }
      body_.Add(absl::StrCat("return ", *out));
    } else {
      // Without outputParameters, Conductor's output is the last task's output.
      body_.Add(absl::StrCat("return ", last_output_.empty() ? "{}" : last_output_));
    }
  }

  // The declaration.
  std::vector<std::string> options;
  auto timeout = def_.FindMember("timeoutSeconds");
  absl::string_view policy = Str(def_, "timeoutPolicy");
  std::string head_comment;
  if (timeout != def_.MemberEnd() && timeout->value.IsInt64() && timeout->value.GetInt64() > 0) {
    if (policy == "ALERT_ONLY") {
      head_comment = absl::StrCat("// timeoutSeconds ", timeout->value.GetInt64(),
                                  " with ALERT_ONLY: Weft has no alert-only timeout; not enforced\n");
    } else {
      options.push_back(absl::StrCat("timeout: ", DurationLiteral(timeout->value.GetInt64())));
    }
  }
  std::string failure(Str(def_, "failureWorkflow"));
  if (!failure.empty()) {
    WEFT_RETURN_IF_ERROR(file_.UseWorkflow(failure, nullptr, {}, "(workflow)", "failureWorkflow"));
    options.push_back(absl::StrCat("on_failure: ", Quote(failure)));
  }
  std::vector<std::string> params;
  for (const auto& [key, param] : names_.inputs) params.push_back(absl::StrCat(param, " = null"));
  std::string text = absl::StrCat("// Conductor workflow `", name_, "`, version ", version_, "\n");
  absl::string_view description = Str(def_, "description");
  if (!description.empty()) absl::StrAppend(&text, "// ", description, "\n");
  absl::StrAppend(&text, head_comment, "workflow ", name_, "(", absl::StrJoin(params, ", "), ")");
  if (!options.empty()) absl::StrAppend(&text, " with { ", absl::StrJoin(options, ", "), " }");
  absl::StrAppend(&text, " {\n");
  for (const auto& [key, var] : names_.variables) {
    auto init = initial_variables_.find(key);
    absl::StrAppend(&text, "    var ", var, " = ", init == initial_variables_.end() ? "null" : init->second,
                    "  // workflow.variables.", key, "\n");
  }
  std::vector<std::string> hoisted;
  for (const auto& [ref, var] : hoisted_) {
    // A task that binds no output (TERMINATE, SET_VARIABLE, ...) and is not read needs none.
    if (bound_.count(ref) || referenced_.count(ref)) hoisted.push_back(var);
  }
  if (!hoisted.empty()) {
    absl::StrAppend(&text, "    // outputs of tasks that run in a branch or a loop (null until they run)\n");
    for (const std::string& var : hoisted) absl::StrAppend(&text, "    var ", var, " = null\n");
  }
  if (!names_.variables.empty() || !hoisted.empty()) text += "\n";
  absl::StrAppend(&text, body_.text(), "}\n");
  return text;
}

absl::Status FileTranslator::UseTask(const std::string& name, const std::string& ref) {
  if (tasks_.count(name)) return absl::OkStatus();
  if (!IsIdentifier(name) || IsKeyword(name)) {
    return TaskError(ref, "name", absl::StrCat("`", name, "` cannot be a Weft task name (letters, digits "
                                               "and `_`, not starting with a digit, not a keyword)"));
  }
  if (workflow_names_.count(name)) {
    return TaskError(ref, "name", absl::StrCat("`", name, "` names both a task and a workflow"));
  }
  std::string line = absl::StrCat("task ", name);
  auto def = taskdefs_.find(name);
  if (def == taskdefs_.end()) {
    absl::StrAppend(&line, "  // no TaskDef given: no retries or timeouts");
  } else {
    std::string comment;
    absl::StatusOr<std::string> policy = PolicyFromTaskDef(def->second, &comment);
    if (!policy.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("TaskDef `", name, "`: ", policy.status().message()));
    }
    if (!policy->empty()) absl::StrAppend(&line, " with ", *policy);
    if (!comment.empty()) absl::StrAppend(&line, "  // ", comment);
  }
  tasks_[name] = line;
  return absl::OkStatus();
}

absl::Status FileTranslator::UseWorkflow(const std::string& name, const rapidjson::Value* inline_def,
                                         const std::vector<std::string>& arg_keys, const std::string& ref,
                                         absl::string_view field) {
  if (!IsIdentifier(name) || IsKeyword(name)) {
    return TaskError(ref, field, absl::StrCat("`", name, "` cannot be a Weft workflow name"));
  }
  if (tasks_.count(name)) return TaskError(ref, field, absl::StrCat("`", name, "` names both a task and a workflow"));
  extra_params_[name].insert(arg_keys.begin(), arg_keys.end());
  for (const rapidjson::Value* p : pending_) {
    if (Str(*p, "name") == name) return absl::OkStatus();
  }
  auto doc = std::make_unique<rapidjson::Document>();
  if (inline_def != nullptr) {
    doc->CopyFrom(*inline_def, doc->GetAllocator());
  } else {
    auto other = others_.find(name);
    if (other == others_.end()) {
      return TaskError(ref, field, absl::StrCat("workflow `", name, "` is not given: Weft resolves a child "
                                                "workflow when the file compiles, so pass its WorkflowDef "
                                                "(inline `workflowDefinition`, or with the other definitions)"));
    }
    WEFT_RETURN_IF_ERROR(ParseJson(other->second, absl::StrCat("WorkflowDef `", name, "`"), doc.get()));
  }
  if (Str(*doc, "name") != name) {
    return TaskError(ref, field, absl::StrCat("the definition given for workflow `", name, "` is named `",
                                              Str(*doc, "name"), "`"));
  }
  workflow_names_.insert(name);
  pending_.push_back(doc.get());
  docs_.push_back(std::move(doc));
  return absl::OkStatus();
}

absl::StatusOr<Translation> FileTranslator::Run(absl::string_view main_json) {
  auto main = std::make_unique<rapidjson::Document>();
  WEFT_RETURN_IF_ERROR(ParseJson(main_json, "the WorkflowDef", main.get()));
  if (!main->IsObject()) return absl::InvalidArgumentError("the WorkflowDef is not a JSON object");
  Translation out;
  out.name = std::string(Str(*main, "name"));
  workflow_names_.insert(out.name);
  auto version = main->FindMember("version");
  if (version != main->MemberEnd() && version->value.IsInt()) out.version = version->value.GetInt();
  // Callers add parameters to the workflows they call; a second pass sees all of them.
  std::map<std::string, std::set<std::string>> before;
  std::vector<std::string> texts;
  for (int pass = 0; pass < 4; ++pass) {
    before = extra_params_;
    pending_.clear();
    texts.clear();
    pending_.push_back(main.get());
    for (size_t i = 0; i < pending_.size(); ++i) {
      WorkflowTranslator workflow(*this, *pending_[i]);
      WEFT_ASSIGN_OR_RETURN(std::string text, workflow.Translate());
      texts.push_back(std::move(text));
    }
    if (pass > 0 && extra_params_ == before) break;
  }
  std::string source = absl::StrCat("// Translated from Conductor by `weft import conductor`: workflow `",
                                    out.name, "`, version ", out.version, ".\n\n");
  for (const auto& [name, line] : tasks_) absl::StrAppend(&source, line, "\n");
  if (!tasks_.empty()) source += "\n";
  source += absl::StrJoin(texts, "\n");
  out.wf_source = std::move(source);
  return out;
}

absl::StatusOr<Translation> TranslateWorkflowDef(std::string_view workflow_def_json, const TaskDefs& taskdefs,
                                                 const WorkflowDefs& others) {
  FileTranslator file(taskdefs, others);
  return file.Run(ToAbsl(workflow_def_json));
}

}  // namespace weft::conductor
