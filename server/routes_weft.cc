// Weft's own endpoints, beside Conductor's (/api/weft/...): deploy .wf source (versions, or
// the compiler's diagnostics as JSON with line and column), send a named signal, read an
// execution's history, list the workflows and a workflow's versions, read one version with its
// parameters, and the task queues' depths (the web UI's pages read these).
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "compiler/compiler.h"
#include "compiler/diag/diagnostic.h"
#include "server/migration_json.h"
#include "server/routes.h"

namespace weft::server {
namespace {

Value DiagnosticsJson(std::string_view name, std::string_view source) {
  compiler::CompileOutput compiled = compiler::Compile(name, source);
  List items;
  for (const diag::Diagnostic& d : compiled.diagnostics.all()) {
    const diag::DiagnosticInfo& info = diag::InfoOf(d.kind);
    const SourceDiagnostic source_diagnostic{
        std::string(info.code), info.severity == diag::Severity::kError ? "error" : "warning",
        d.message, d.range.line, d.range.column, d.hints};
    items.push_back(
        DiagnosticToJson(source_diagnostic, DiagnosticEnd{d.range.end_line, d.range.end_column}));
  }
  return Value::MakeList(std::move(items));
}

// POST /api/weft/deploy?name=FILE.wf with the .wf source as the body.
void Deploy(RouteContext& c, Request& r, Reply reply) {
  const std::string name = r.Query("name").value_or("request.wf");
  if (!IsValidUtf8(r.body)) return reply(Response::Error(400, "the source is not valid UTF-8"));
  absl::StatusOr<std::vector<DeployedWorkflow>> deployed = c.service.Deploy(name, r.body);
  if (absl::IsInvalidArgument(deployed.status())) {
    Object o;
    o.Set("status", Value::Int(400));
    o.Set("message", Value::String(std::string(deployed.status().message())));
    o.Set("retryable", Value::Bool(false));
    o.Set("diagnostics", DiagnosticsJson(name, r.body));
    return reply(Response::Json(400, Value::MakeObject(std::move(o)).ToJson()));
  }
  if (!deployed.ok()) return reply(Response::FromStatus(deployed.status()));
  List items;
  for (const DeployedWorkflow& d : *deployed) {
    Object o;
    o.Set("workflow", Value::String(d.workflow));
    o.Set("version", Value::Int(d.version));
    o.Set("hash", Value::String(d.hash));
    o.Set("created", Value::Bool(d.created));
    items.push_back(Value::MakeObject(std::move(o)));
  }
  reply(JsonOk(Value::MakeList(std::move(items))));
}

void Signal(RouteContext& c, Request& r, Reply reply) {
  absl::StatusOr<Value> body = ParseJsonBody(r, c.limits, /*allow_empty=*/true);
  if (!body.ok()) return reply(Response::FromStatus(body.status()));
  absl::Status s = c.service.Signal(r.Param("workflowId"), r.Param("name"), *body);
  if (!s.ok()) return reply(Response::FromStatus(s));
  reply(Response{200, "", "", {}});
}

void History(RouteContext& c, Request& r, Reply reply) {
  absl::StatusOr<std::vector<HistoryEvent>> events = c.service.History(r.Param("workflowId"));
  if (!events.ok()) return reply(Response::FromStatus(events.status()));
  List items;
  for (HistoryEvent& e : *events) {
    Object o;
    o.Set("seq", Value::Int(e.seq));
    o.Set("time", Value::Int(e.time_ms));
    o.Set("type", Value::String(std::move(e.type)));
    if (!e.task_id.empty()) o.Set("taskId", Value::String(std::move(e.task_id)));
    o.Set("details", std::move(e.details));
    items.push_back(Value::MakeObject(std::move(o)));
  }
  reply(JsonOk(Value::MakeList(std::move(items))));
}

void Versions(RouteContext& c, Request& r, Reply reply) {
  absl::StatusOr<std::vector<VersionInfo>> versions = c.service.Versions(r.Param("name"));
  if (!versions.ok()) return reply(Response::FromStatus(versions.status()));
  List items;
  for (const VersionInfo& v : *versions) {
    Object o;
    o.Set("workflow", Value::String(v.workflow));
    o.Set("version", Value::Int(v.version));
    o.Set("hash", Value::String(v.hash));
    o.Set("deployedAt", Value::Int(v.deployed_at_ms));
    o.Set("sourceFile", Value::String(v.source_file));
    o.Set("retired", Value::Bool(v.retired));
    o.Set("fromWorkflowDef", Value::Bool(!v.definition.empty()));
    items.push_back(Value::MakeObject(std::move(o)));
  }
  reply(JsonOk(Value::MakeList(std::move(items))));
}

Object VersionObject(const VersionInfo& v) {
  Object o;
  o.Set("workflow", Value::String(v.workflow));
  o.Set("version", Value::Int(v.version));
  o.Set("hash", Value::String(v.hash));
  o.Set("deployedAt", Value::Int(v.deployed_at_ms));
  o.Set("sourceFile", Value::String(v.source_file));
  return o;
}

// GET /api/weft/workflows: the latest version of every workflow.
void Workflows(RouteContext& c, Request&, Reply reply) {
  absl::StatusOr<std::vector<VersionInfo>> all = c.service.Workflows();
  if (!all.ok()) return reply(Response::FromStatus(all.status()));
  List items;
  for (const VersionInfo& v : *all) items.push_back(Value::MakeObject(VersionObject(v)));
  reply(JsonOk(Value::MakeList(std::move(items))));
}

// GET /api/weft/workflows/{name}/versions/{version}: one version and its parameters.
void GetDefinition(RouteContext& c, Request& r, Reply reply) {
  uint32_t version = 0;
  if (!absl::SimpleAtoi(r.Param("version"), &version) || version == 0) {
    return reply(Response::Error(400, absl::StrCat("the version must be a positive integer, not `",
                                                   r.Param("version"), "`")));
  }
  absl::StatusOr<Definition> d = c.service.GetDefinition(r.Param("name"), version);
  if (!d.ok()) return reply(Response::FromStatus(d.status()));
  Object out = VersionObject(d->version);
  List params;
  for (const DefinitionParam& p : d->params) {
    Object o;
    o.Set("name", Value::String(p.name));
    o.Set("type", Value::String(p.type));
    o.Set("required", Value::Bool(!p.has_default));
    if (p.has_default) o.Set("default", p.default_value);
    params.push_back(Value::MakeObject(std::move(o)));
  }
  out.Set("params", Value::MakeList(std::move(params)));
  if (d->source) out.Set("source", Value::String(*d->source));
  reply(JsonOk(Value::MakeObject(std::move(out))));
}

// GET /api/weft/queues: each task type (and domain) with its tasks waiting and out under a
// lease.
void Queues(RouteContext& c, Request&, Reply reply) {
  List items;
  for (const QueueDepth& d : c.service.QueueDepths()) {
    Object o;
    o.Set("taskType", Value::String(d.task_type));
    if (!d.domain.empty()) o.Set("domain", Value::String(d.domain));
    o.Set("waiting", Value::Int(static_cast<int64_t>(d.ready)));
    o.Set("inProgress", Value::Int(static_cast<int64_t>(d.leased)));
    items.push_back(Value::MakeObject(std::move(o)));
  }
  reply(JsonOk(Value::MakeList(std::move(items))));
}

}  // namespace

void AddWeftRoutes(Router& router, RouteContext& c) {
  auto add = [&](std::string method, std::string pattern,
                 void (*fn)(RouteContext&, Request&, Reply)) {
    router.Add({std::move(method), std::move(pattern), RunOn::kBlocking,
                [&c, fn](Request& r, Reply reply) { fn(c, r, std::move(reply)); }});
  };
  add("POST", "/api/weft/deploy", Deploy);
  add("POST", "/api/weft/workflow/{workflowId}/signal/{name}", Signal);
  add("GET", "/api/weft/workflow/{workflowId}/history", History);
  add("GET", "/api/weft/workflows/{name}/versions", Versions);
  add("GET", "/api/weft/workflows", Workflows);
  add("GET", "/api/weft/queues", Queues);
  add("GET", "/api/weft/workflows/{name}/versions/{version}", GetDefinition);
}

}  // namespace weft::server
