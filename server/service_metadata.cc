// The service layer's Conductor metadata (service.h, "Conductor metadata"): task definitions
// checked and completed as Conductor's MetadataService does (TaskDef.java's constraints and
// defaults), and WorkflowDefs registered by translating them into Weft (conductor/
// workflow_def.h) and recording the result as an ordinary version with the WorkflowDef's
// number. What Conductor would answer on a conflict, an unknown name or an invalid definition
// is an absl::Status here; the routes (routes_metadata.cc) turn it into Conductor's JSON.
#include <map>

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "bytecode/serialize.h"
#include "common/status_macros.h"
#include "common/strings.h"
#include "compiler/compiler.h"
#include "compiler/diag/diagnostic.h"
#include "conductor/workflow_def.h"
#include "server/service.h"

namespace weft::server {
namespace {

// Conductor's ValidationError list, built up while checking one definition.
class Violations {
 public:
  void Add(std::string path, std::string message, const Value* invalid = nullptr) {
    Object o;
    o.Set("path", Value::String(std::move(path)));
    o.Set("message", Value::String(std::move(message)));
    if (invalid != nullptr && !invalid->is_null()) {
      o.Set("invalidValue", Value::String(invalid->is_string() ? invalid->as_string()
                                                                : invalid->ToJson()));
    }
    items_.push_back(Value::MakeObject(std::move(o)));
  }
  bool empty() const { return items_.empty(); }
  // InvalidArgument with Conductor's message and the list as the payload.
  absl::Status ToStatus() const {
    std::string first;
    for (const Value& v : items_) {
      absl::StrAppend(&first, first.empty() ? "" : "; ",
                      v.as_object().Find("message")->as_string());
    }
    absl::Status s = absl::InvalidArgumentError(
        absl::StrCat("Validation failed, check below errors for detail: ", first));
    s.SetPayload(ToAbsl(kValidationErrorsPayload), absl::Cord(Value::MakeList(items_).ToJson()));
    return s;
  }

 private:
  List items_;
};

// Conductor's defaults of a TaskDef (TaskDef.java), filled in where a field is absent or null.
void FillTaskDefDefaults(Object& o) {
  auto fill = [&](const char* key, Value v) {
    const Value* have = o.Find(key);
    if (have == nullptr || have->is_null()) o.Set(key, std::move(v));
  };
  fill("retryCount", Value::Int(3));
  fill("timeoutSeconds", Value::Int(0));
  fill("inputKeys", Value::MakeList({}));
  fill("outputKeys", Value::MakeList({}));
  fill("timeoutPolicy", Value::String("TIME_OUT_WF"));
  fill("retryLogic", Value::String("FIXED"));
  fill("retryDelaySeconds", Value::Int(60));
  fill("responseTimeoutSeconds", Value::Int(3600));
  fill("inputTemplate", Value::MakeObject(Object()));
  fill("backoffScaleFactor", Value::Int(1));
  fill("totalTimeoutSeconds", Value::Int(0));
}

int64_t IntOr(const Object& o, const char* key, int64_t fallback) {
  const Value* v = o.Find(key);
  return v != nullptr && v->is_int() ? v->as_int() : fallback;
}

// Checks one TaskDef as Conductor's bean validation does (TaskDef.java, TaskTimeoutConstraint)
// plus Weft's policy limits; `path` prefixes the violation paths ("taskDefs[0].").
void CheckTaskDef(const Value& def, const std::string& path, Violations& out) {
  if (!def.is_object()) {
    out.Add(path, "a TaskDef must be a JSON object", &def);
    return;
  }
  const Object& o = def.as_object();
  const Value* name = o.Find("name");
  if (name == nullptr || !name->is_string() || name->as_string().empty()) {
    out.Add(path + "name", "TaskDef name cannot be null or empty", name);
    return;
  }
  const std::string& n = name->as_string();
  struct IntRule {
    const char* key;
    int64_t min;
    const char* message;
  };
  static constexpr IntRule kRules[] = {
      {"retryCount", 0, "TaskDef retryCount: {value} must be >= 0"},
      {"timeoutSeconds", 0, "TaskDef timeoutSeconds: {value} must be >= 0"},
      {"retryDelaySeconds", 0, "TaskDef retryDelaySeconds: {value} must be >= 0"},
      {"responseTimeoutSeconds", 1, "TaskDef responseTimeoutSeconds: {value} should be minimum 1 second"},
      {"pollTimeoutSeconds", 0, "TaskDef pollTimeoutSeconds: {value} must be >= 0"},
      {"backoffScaleFactor", 1, "Backoff scale factor. Applicable for LINEAR_BACKOFF"},
      {"totalTimeoutSeconds", 0, "TaskDef totalTimeoutSeconds: {value} must be >= 0"},
      {"concurrentExecLimit", 0, "TaskDef concurrentExecLimit: {value} must be >= 0"},
      {"rateLimitPerFrequency", 0, "TaskDef rateLimitPerFrequency: {value} must be >= 0"},
      {"rateLimitFrequencyInSeconds", 0, "TaskDef rateLimitFrequencyInSeconds: {value} must be >= 0"},
  };
  for (const IntRule& rule : kRules) {
    const Value* v = o.Find(rule.key);
    if (v == nullptr || v->is_null()) continue;
    if (!v->is_int()) {
      out.Add(path + rule.key, absl::StrCat("TaskDef ", rule.key, " must be an integer"), v);
    } else if (v->as_int() < rule.min) {
      std::string message = rule.message;
      const size_t at = message.find("{value}");
      if (at != std::string::npos) message.replace(at, 7, absl::StrCat(v->as_int()));
      out.Add(path + rule.key, std::move(message), v);
    }
  }
  auto check_enum = [&](const char* key, std::initializer_list<const char*> names) {
    const Value* v = o.Find(key);
    if (v == nullptr || v->is_null()) return;
    if (v->is_string()) {
      for (const char* allowed : names) {
        if (v->as_string() == allowed) return;
      }
    }
    out.Add(path + key, absl::StrCat("TaskDef ", key, " must be one of ", absl::StrJoin(names, ", ")),
            v);
  };
  check_enum("timeoutPolicy", {"RETRY", "TIME_OUT_WF", "ALERT_ONLY"});
  check_enum("retryLogic", {"FIXED", "LINEAR_BACKOFF", "EXPONENTIAL_BACKOFF"});
  if (!out.empty()) return;
  const int64_t timeout = IntOr(o, "timeoutSeconds", 0);
  const int64_t response = IntOr(o, "responseTimeoutSeconds", 3600);
  const int64_t total = IntOr(o, "totalTimeoutSeconds", 0);
  if (timeout > 0 && response > timeout) {
    out.Add(path + "responseTimeoutSeconds",
            absl::StrCat("TaskDef: ", n, " responseTimeoutSeconds: ", response,
                         " must be less than timeoutSeconds: ", timeout));
  }
  if (timeout > 0 && total > 0 && timeout > total) {
    out.Add(path + "timeoutSeconds",
            absl::StrCat("TaskDef: ", n, " timeoutSeconds: ", timeout,
                         " must be less than or equal to totalTimeoutSeconds: ", total));
  }
  if (!out.empty()) return;
  // What Weft's task policy cannot express (more than 100 retries, ...).
  if (absl::Status s = conductor::CheckTaskDefPolicy(def.ToJson()); !s.ok()) {
    out.Add(path, absl::StrCat("TaskDef: ", n, ": ", s.message()));
  }
}

// The TaskDef to store: `def` with Conductor's defaults and the times set.
Value CompleteTaskDef(const Value& def, int64_t create_ms, int64_t update_ms) {
  Object o = def.as_object();
  FillTaskDefDefaults(o);
  o.Set("createTime", Value::Int(create_ms));
  if (update_ms > 0) o.Set("updateTime", Value::Int(update_ms));
  return Value::MakeObject(std::move(o));
}

absl::StatusOr<Value> ParseStored(const std::string& json, std::string_view what) {
  absl::StatusOr<Value> v = Value::FromJson(json);
  if (!v.ok() || !v->is_object()) {
    return absl::DataLossError(absl::StrCat("the stored ", ToAbsl(what), " is not a JSON object"));
  }
  return v;
}

// Checks what a WorkflowDef needs before translation (WorkflowDef.java's constraints) and
// gives its name and version.
absl::Status CheckWorkflowDef(const Value& def, std::string* name, uint32_t* version) {
  Violations v;
  if (!def.is_object()) {
    v.Add("", "a WorkflowDef must be a JSON object", &def);
    return v.ToStatus();
  }
  const Object& o = def.as_object();
  const Value* n = o.Find("name");
  if (n == nullptr || !n->is_string() || n->as_string().empty()) {
    v.Add("name", "WorkflowDef name cannot be null or empty", n);
  }
  const Value* tasks = o.Find("tasks");
  if (tasks == nullptr || !tasks->is_list() || tasks->as_list().empty()) {
    v.Add("tasks", "WorkflowTask list cannot be empty");
  }
  const Value* ver = o.Find("version");
  int64_t number = 1;
  if (ver != nullptr && !ver->is_null()) {
    if (!ver->is_int() || ver->as_int() < 1 || ver->as_int() > UINT32_MAX) {
      v.Add("version", "WorkflowDef version must be an integer of at least 1 (Weft numbers versions from 1)",
            ver);
    } else {
      number = ver->as_int();
    }
  }
  const Value* schema = o.Find("schemaVersion");
  if (schema != nullptr && !schema->is_null() && !(schema->is_int() && schema->as_int() == 2)) {
    v.Add("schemaVersion", absl::StrCat("workflowDef schemaVersion: ",
                                        schema->is_int() ? absl::StrCat(schema->as_int()) : "?",
                                        " is only supported"),
          schema);
  }
  if (!v.empty()) return v.ToStatus();
  *name = n->as_string();
  *version = static_cast<uint32_t>(number);
  return absl::OkStatus();
}

}  // namespace

// --- Task definitions ---------------------------------------------------------------------

absl::Status Service::RegisterTaskDefs(const Value& defs) {
  if (!defs.is_list()) {
    return absl::InvalidArgumentError("the body must be a JSON list of TaskDefs");
  }
  Violations violations;
  const weft::List& items = defs.as_list();
  for (size_t i = 0; i < items.size(); ++i) {
    CheckTaskDef(items[i], absl::StrCat("registerTaskDef.taskDefinitions[", i, "]."), violations);
  }
  if (!violations.empty()) return violations.ToStatus();
  const int64_t now = NowMs();
  std::vector<TaskDefinition> rows;
  for (const Value& def : items) {
    const std::string& name = def.as_object().Find("name")->as_string();
    rows.push_back({name, CompleteTaskDef(def, now, 0).ToJson()});
  }
  WEFT_RETURN_IF_ERROR(engine_.PutTaskDefs(rows));
  for (const Value& def : items) poll_limits_.Set(def.as_object().Find("name")->as_string(), def);
  return absl::OkStatus();
}

absl::Status Service::UpdateTaskDef(const Value& def) {
  Violations violations;
  CheckTaskDef(def, "registerTaskDef.taskDefinition.", violations);
  if (!violations.empty()) return violations.ToStatus();
  const std::string& name = def.as_object().Find("name")->as_string();
  absl::StatusOr<TaskDefinition> existing = engine_.GetTaskDef(name);
  if (absl::IsNotFound(existing.status())) {
    return absl::NotFoundError(absl::StrCat("No such task by name ", name));
  }
  WEFT_RETURN_IF_ERROR(existing.status());
  WEFT_ASSIGN_OR_RETURN(Value before, ParseStored(existing->json, "TaskDef"));
  const int64_t now = NowMs();
  const int64_t created = IntOr(before.as_object(), "createTime", now);
  WEFT_RETURN_IF_ERROR(engine_.PutTaskDefs({{name, CompleteTaskDef(def, created, now).ToJson()}}));
  poll_limits_.Set(name, def);
  return absl::OkStatus();
}

absl::StatusOr<Value> Service::GetTaskDef(std::string_view name) {
  WEFT_ASSIGN_OR_RETURN(TaskDefinition def, engine_.GetTaskDef(name));
  return ParseStored(def.json, "TaskDef");
}

absl::StatusOr<Value> Service::ListTaskDefs() {
  WEFT_ASSIGN_OR_RETURN(std::vector<TaskDefinition> defs, engine_.ListTaskDefs());
  weft::List out;
  for (const TaskDefinition& d : defs) {
    WEFT_ASSIGN_OR_RETURN(Value v, ParseStored(d.json, "TaskDef"));
    out.push_back(std::move(v));
  }
  return Value::MakeList(std::move(out));
}

absl::Status Service::DeleteTaskDef(std::string_view name) {
  WEFT_RETURN_IF_ERROR(engine_.DeleteTaskDef(name));
  poll_limits_.Erase(name);
  return absl::OkStatus();
}

// --- Workflow definitions -----------------------------------------------------------------

namespace {

// What a WorkflowDef translates against: the stored TaskDefs, and the latest registered
// WorkflowDef of every other workflow (the children of SUB_WORKFLOW, START_WORKFLOW and
// failureWorkflow).
struct TranslationContext {
  conductor::TaskDefs taskdefs;
  conductor::WorkflowDefs others;
};

absl::StatusOr<TranslationContext> ContextFor(Engine& engine, const std::string& name) {
  TranslationContext c;
  WEFT_ASSIGN_OR_RETURN(std::vector<TaskDefinition> defs, engine.ListTaskDefs());
  for (TaskDefinition& d : defs) c.taskdefs.emplace(std::move(d.name), std::move(d.json));
  WEFT_ASSIGN_OR_RETURN(std::vector<VersionInfo> versions, engine.AllVersions());
  for (VersionInfo& v : versions) {  // by workflow then version: the last one wins
    if (v.workflow == name || v.retired || v.definition.empty()) continue;
    c.others[v.workflow] = std::move(v.definition);
  }
  return c;
}

// Translates `def` and checks that the translation compiles.
absl::StatusOr<conductor::Translation> Translate(Engine& engine, const Value& def,
                                                 const std::string& name) {
  WEFT_ASSIGN_OR_RETURN(TranslationContext c, ContextFor(engine, name));
  return conductor::TranslateWorkflowDef(def.ToJson(), c.taskdefs, c.others);
}

}  // namespace

absl::Status Service::RegisterWorkflowDef(const Value& def, bool overwrite) {
  std::string name;
  uint32_t version = 1;
  WEFT_RETURN_IF_ERROR(CheckWorkflowDef(def, &name, &version));
  WEFT_ASSIGN_OR_RETURN(conductor::Translation t, Translate(engine_, def, name));
  VersionRegistration reg;
  reg.source_name = absl::StrCat(name, ".json");
  reg.source = std::move(t.wf_source);
  reg.workflow = name;
  reg.version = version;
  reg.definition = def.ToJson();
  reg.overwrite = overwrite;
  return engine_.RegisterVersion(reg).status();
}

absl::Status Service::ValidateWorkflowDef(const Value& def) {
  std::string name;
  uint32_t version = 1;
  WEFT_RETURN_IF_ERROR(CheckWorkflowDef(def, &name, &version));
  WEFT_ASSIGN_OR_RETURN(conductor::Translation t, Translate(engine_, def, name));
  const std::string source_name = absl::StrCat(name, ".json");
  compiler::CompileOutput compiled = compiler::Compile(source_name, t.wf_source);
  if (compiled.diagnostics.has_errors()) {
    return absl::InvalidArgumentError(
        diag::RenderAll(compiled.diagnostics, source_name, t.wf_source));
  }
  return absl::OkStatus();
}

Value Service::UpdateWorkflowDefs(const weft::List& defs) {
  weft::List ok;
  Object errors;
  for (const Value& def : defs) {
    const Value* name = def.is_object() ? def.as_object().Find("name") : nullptr;
    const std::string key = name != nullptr && name->is_string() ? name->as_string() : "";
    absl::Status s = RegisterWorkflowDef(def, /*overwrite=*/true);
    if (s.ok()) {
      ok.push_back(Value::String(key));
    } else {
      errors.Set(key, Value::String(std::string(s.message())));
    }
  }
  Object o;
  o.Set("bulkErrorResults", Value::MakeObject(std::move(errors)));
  o.Set("bulkSuccessfulResults", Value::MakeList(std::move(ok)));
  o.Set("message", Value::String("Bulk Request has been processed."));
  return Value::MakeObject(std::move(o));
}

namespace {

// The WorkflowDef of one stored version: as registered (plus its version and createTime), or
// the summary of a version deployed from .wf source.
absl::StatusOr<Value> DefOf(Engine& engine, const VersionInfo& v) {
  if (!v.definition.empty()) {
    WEFT_ASSIGN_OR_RETURN(Value def, ParseStored(v.definition, "WorkflowDef"));
    Object o = def.as_object();
    const Value* version = o.Find("version");
    if (version == nullptr || version->is_null()) o.Set("version", Value::Int(v.version));
    const Value* created = o.Find("createTime");
    if (created == nullptr || created->is_null()) o.Set("createTime", Value::Int(v.deployed_at_ms));
    return Value::MakeObject(std::move(o));
  }
  WEFT_ASSIGN_OR_RETURN(std::string bytes, engine.Bytecode(v.workflow, v.version));
  WEFT_ASSIGN_OR_RETURN(bytecode::Program program, bytecode::LoadProgram(bytes));
  WEFT_ASSIGN_OR_RETURN(std::string json,
                        conductor::DescribeAsWorkflowDef(program, static_cast<int>(v.version)));
  WEFT_ASSIGN_OR_RETURN(Value def, Value::FromJson(json));
  if (def.is_object()) {
    Object o = def.as_object();
    o.Set("createTime", Value::Int(v.deployed_at_ms));
    return Value::MakeObject(std::move(o));
  }
  return def;
}

absl::Status NoSuchWorkflow(std::string_view name, std::optional<uint32_t> version) {
  return absl::NotFoundError(absl::StrCat("No such workflow found by name: ", ToAbsl(name),
                                          ", version: ",
                                          version ? absl::StrCat(*version) : "null"));
}

}  // namespace

absl::StatusOr<Value> Service::GetWorkflowDef(std::string_view name,
                                              std::optional<uint32_t> version) {
  absl::StatusOr<std::vector<VersionInfo>> versions = engine_.Versions(name);
  if (absl::IsNotFound(versions.status())) return NoSuchWorkflow(name, version);
  WEFT_RETURN_IF_ERROR(versions.status());
  const VersionInfo* found = nullptr;
  for (const VersionInfo& v : *versions) {  // oldest first
    if (v.retired) continue;
    if (!version || v.version == *version) found = &v;
  }
  if (found == nullptr) return NoSuchWorkflow(name, version);
  return DefOf(engine_, *found);
}

absl::StatusOr<Value> Service::ListWorkflowDefs() {
  WEFT_ASSIGN_OR_RETURN(std::vector<VersionInfo> versions, engine_.AllVersions());
  weft::List out;
  for (const VersionInfo& v : versions) {
    if (v.retired) continue;
    WEFT_ASSIGN_OR_RETURN(Value def, DefOf(engine_, v));
    out.push_back(std::move(def));
  }
  return Value::MakeList(std::move(out));
}

absl::Status Service::DeleteWorkflowDef(std::string_view name, uint32_t version) {
  return engine_.RetireVersion(name, version);
}

}  // namespace weft::server
