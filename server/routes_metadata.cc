// Conductor's metadata API (/api/metadata/...): task definitions and workflow definitions, as
// conductor-oss's MetadataResource answers them: 200 with an empty body for a change, the
// definitions as JSON for a read, 404 for an unknown name, 409 for a version that exists
// (POST without overwrite), 400 with Conductor's ErrorResponse (and its validationErrors) for
// an invalid definition. The work is the service layer's (service_metadata.cc).
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/strings.h"
#include "server/routes.h"

namespace weft::server {
namespace {

// Conductor's ErrorResponse of a Status, with validationErrors when the status carries them.
Response ErrorOf(const absl::Status& status) {
  auto errors = status.GetPayload(ToAbsl(kValidationErrorsPayload));
  if (!errors) return Response::FromStatus(status);
  Object o;
  o.Set("status", Value::Int(400));
  o.Set("message", Value::String(std::string(status.message())));
  o.Set("retryable", Value::Bool(false));
  absl::StatusOr<Value> list = Value::FromJson(std::string(*errors));
  if (list.ok()) o.Set("validationErrors", *list);
  return Response::Json(400, Value::MakeObject(std::move(o)).ToJson());
}

Response Done(const absl::Status& status) {
  if (!status.ok()) return ErrorOf(status);
  return Response{200, "", "", {}};
}

Response JsonOrError(const absl::StatusOr<Value>& v) {
  if (!v.ok()) return ErrorOf(v.status());
  return JsonOk(*v);
}

void RegisterTaskDefs(RouteContext& c, Request& r, Reply reply) {
  absl::StatusOr<Value> body = ParseJsonBody(r, c.limits);
  if (!body.ok()) return reply(Response::FromStatus(body.status()));
  reply(Done(c.service.RegisterTaskDefs(*body)));
}

void UpdateTaskDef(RouteContext& c, Request& r, Reply reply) {
  absl::StatusOr<Value> body = ParseJsonBody(r, c.limits);
  if (!body.ok()) return reply(Response::FromStatus(body.status()));
  reply(Done(c.service.UpdateTaskDef(*body)));
}

void GetTaskDefs(RouteContext& c, Request&, Reply reply) {
  reply(JsonOrError(c.service.ListTaskDefs()));
}

void GetTaskDef(RouteContext& c, Request& r, Reply reply) {
  reply(JsonOrError(c.service.GetTaskDef(r.Param("tasktype"))));
}

void DeleteTaskDef(RouteContext& c, Request& r, Reply reply) {
  reply(Done(c.service.DeleteTaskDef(r.Param("tasktype"))));
}

void CreateWorkflowDef(RouteContext& c, Request& r, Reply reply) {
  absl::StatusOr<Value> body = ParseJsonBody(r, c.limits);
  if (!body.ok()) return reply(Response::FromStatus(body.status()));
  reply(Done(c.service.RegisterWorkflowDef(*body, QueryBool(r, "overwrite", false))));
}

void UpdateWorkflowDefs(RouteContext& c, Request& r, Reply reply) {
  absl::StatusOr<Value> body = ParseJsonBody(r, c.limits);
  if (!body.ok()) return reply(Response::FromStatus(body.status()));
  if (!body->is_list()) return reply(Response::Error(400, "the body must be a JSON list of WorkflowDefs"));
  reply(JsonOk(c.service.UpdateWorkflowDefs(body->as_list())));
}

void ValidateWorkflowDef(RouteContext& c, Request& r, Reply reply) {
  absl::StatusOr<Value> body = ParseJsonBody(r, c.limits);
  if (!body.ok()) return reply(Response::FromStatus(body.status()));
  reply(Done(c.service.ValidateWorkflowDef(*body)));
}

// A version number of the path or the query: nullopt when absent (or 0: the latest).
absl::StatusOr<std::optional<uint32_t>> VersionParam(std::optional<std::string> text) {
  if (!text || text->empty()) return std::optional<uint32_t>();
  uint32_t v = 0;
  if (!absl::SimpleAtoi(*text, &v)) {
    return absl::InvalidArgumentError(
        absl::StrCat("the version must be a non-negative integer, not `", *text, "`"));
  }
  if (v == 0) return std::optional<uint32_t>();
  return std::optional<uint32_t>(v);
}

void GetWorkflowDef(RouteContext& c, Request& r, Reply reply) {
  absl::StatusOr<std::optional<uint32_t>> version = VersionParam(r.Query("version"));
  if (!version.ok()) return reply(Response::FromStatus(version.status()));
  reply(JsonOrError(c.service.GetWorkflowDef(r.Param("name"), *version)));
}

void GetWorkflowDefs(RouteContext& c, Request&, Reply reply) {
  reply(JsonOrError(c.service.ListWorkflowDefs()));
}

void DeleteWorkflowDef(RouteContext& c, Request& r, Reply reply) {
  absl::StatusOr<std::optional<uint32_t>> version = VersionParam(r.Param("version"));
  if (!version.ok()) return reply(Response::FromStatus(version.status()));
  if (!*version) return reply(Response::Error(400, "the version to remove must be 1 or more"));
  reply(Done(c.service.DeleteWorkflowDef(r.Param("name"), **version)));
}

}  // namespace

void AddMetadataRoutes(Router& router, RouteContext& c) {
  auto add = [&](std::string method, std::string pattern,
                 void (*fn)(RouteContext&, Request&, Reply)) {
    router.Add({std::move(method), std::move(pattern), RunOn::kBlocking,
                [&c, fn](Request& r, Reply reply) { fn(c, r, std::move(reply)); }});
  };
  add("POST", "/api/metadata/taskdefs", RegisterTaskDefs);
  add("PUT", "/api/metadata/taskdefs", UpdateTaskDef);
  add("GET", "/api/metadata/taskdefs", GetTaskDefs);
  add("GET", "/api/metadata/taskdefs/{tasktype}", GetTaskDef);
  add("DELETE", "/api/metadata/taskdefs/{tasktype}", DeleteTaskDef);
  add("POST", "/api/metadata/workflow", CreateWorkflowDef);
  add("PUT", "/api/metadata/workflow", UpdateWorkflowDefs);
  add("GET", "/api/metadata/workflow", GetWorkflowDefs);
  add("GET", "/api/metadata/workflow/{name}", GetWorkflowDef);
  add("DELETE", "/api/metadata/workflow/{name}/{version}", DeleteWorkflowDef);
  add("POST", "/api/metadata/workflow/validate", ValidateWorkflowDef);
}

}  // namespace weft::server
