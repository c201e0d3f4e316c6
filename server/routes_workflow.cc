// Conductor's workflow API (/api/workflow/...): start, read, control, remove, bulk control,
// search and the correlated and running listings, as conductor-oss's WorkflowResource and
// WorkflowBulkResource answer them. Search and listings come from the store's indexes
// (storage/search_index.h) through Service::Search.
#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/strings.h"
#include "server/conductor_json.h"
#include "server/routes.h"

namespace weft::server {
namespace {

using Fn = void (*)(RouteContext&, Request&, Reply);

absl::StatusOr<std::optional<uint32_t>> VersionOf(const Value* v) {
  if (v == nullptr || v->is_null()) return std::optional<uint32_t>();
  if (!v->is_int() || v->as_int() < 0 || v->as_int() > UINT32_MAX) {
    return absl::InvalidArgumentError("`version` must be a non-negative integer");
  }
  if (v->as_int() == 0) return std::optional<uint32_t>();  // 0: the latest, as Conductor
  return std::optional<uint32_t>(static_cast<uint32_t>(v->as_int()));
}

void Started(absl::StatusOr<std::string> id, const Reply& reply) {
  if (!id.ok()) return reply(Response::FromStatus(id.status()));
  reply(Response::Text(200, *id));
}

Value InputOrEmpty(const Value* v) {
  return v == nullptr || v->is_null() ? Value::MakeObject(Object()) : *v;
}

// An optional string field of a StartWorkflowRequest.
absl::Status OptionalString(const Object& o, std::string_view field, std::string& out) {
  const Value* v = o.Find(field);
  if (v == nullptr || v->is_null()) return absl::OkStatus();
  if (!v->is_string()) {
    return absl::InvalidArgumentError(absl::StrCat("`", ToAbsl(field), "` must be a string"));
  }
  out = v->as_string();
  return absl::OkStatus();
}

absl::StatusOr<int32_t> PriorityOf(const Value* v) {
  if (v == nullptr || v->is_null()) return 0;
  if (!v->is_int() || v->as_int() < 0 || v->as_int() > 99) {
    return absl::InvalidArgumentError("`priority` must be an integer within 0..99");
  }
  return static_cast<int32_t>(v->as_int());
}

// POST /api/workflow with a StartWorkflowRequest: name, version, input, correlationId,
// priority, taskToDomain, idempotencyKey and idempotencyStrategy (FAIL by default, as
// Conductor's).
void StartRequest(RouteContext& c, Request& r, Reply reply) {
  absl::StatusOr<Value> body = ParseJsonBody(r, c.limits);
  if (!body.ok()) return reply(Response::FromStatus(body.status()));
  if (!body->is_object()) return reply(Response::Error(400, "a StartWorkflowRequest is an object"));
  const Object& o = body->as_object();
  const Value* name = o.Find("name");
  if (name == nullptr || !name->is_string() || name->as_string().empty()) {
    return reply(Response::Error(400, "`name` is required and must be a string"));
  }
  StartOptions options;
  absl::StatusOr<std::optional<uint32_t>> version = VersionOf(o.Find("version"));
  if (!version.ok()) return reply(Response::FromStatus(version.status()));
  options.version = *version;
  const Value* input = o.Find("input");
  if (input != nullptr && !input->is_null() && !input->is_object()) {
    return reply(Response::Error(400, "`input` must be an object"));
  }
  absl::StatusOr<int32_t> priority = PriorityOf(o.Find("priority"));
  if (!priority.ok()) return reply(Response::FromStatus(priority.status()));
  options.priority = *priority;
  absl::StatusOr<TaskToDomain> domains = ParseTaskToDomain(o.Find("taskToDomain"));
  if (!domains.ok()) return reply(Response::FromStatus(domains.status()));
  options.task_to_domain = *std::move(domains);
  std::string strategy;
  for (absl::Status s :
       {OptionalString(o, "correlationId", options.correlation_id),
        OptionalString(o, "idempotencyKey", options.idempotency_key),
        OptionalString(o, "alias", options.alias), OptionalString(o, "idempotencyStrategy", strategy)}) {
    if (!s.ok()) return reply(Response::FromStatus(s));
  }
  if (!strategy.empty()) {
    std::optional<IdempotencyStrategy> parsed = ParseIdempotencyStrategy(strategy);
    if (!parsed) {
      return reply(Response::Error(
          400, "`idempotencyStrategy` must be FAIL, RETURN_EXISTING or FAIL_ON_RUNNING"));
    }
    options.idempotency_strategy = *parsed;
  }
  Started(c.service.Start(name->as_string(), InputOrEmpty(input), options), reply);
}

// POST /api/workflow/{name}?version=&correlationId=&priority= with the input as the body.
void StartByName(RouteContext& c, Request& r, Reply reply) {
  absl::StatusOr<Value> body = ParseJsonBody(r, c.limits, /*allow_empty=*/true);
  if (!body.ok()) return reply(Response::FromStatus(body.status()));
  if (!body->is_null() && !body->is_object()) {
    return reply(Response::Error(400, "the input must be a JSON object"));
  }
  absl::StatusOr<int64_t> v = QueryInt(r, "version", 0);
  if (!v.ok()) return reply(Response::FromStatus(v.status()));
  const Value vv = Value::Int(*v);
  StartOptions options;
  absl::StatusOr<std::optional<uint32_t>> version = VersionOf(&vv);
  if (!version.ok()) return reply(Response::FromStatus(version.status()));
  options.version = *version;
  absl::StatusOr<int64_t> p = QueryInt(r, "priority", 0);
  if (!p.ok()) return reply(Response::FromStatus(p.status()));
  const Value pv = Value::Int(*p);
  absl::StatusOr<int32_t> priority = PriorityOf(&pv);
  if (!priority.ok()) return reply(Response::FromStatus(priority.status()));
  options.priority = *priority;
  options.correlation_id = r.Query("correlationId").value_or("");
  options.alias = r.Query("alias").value_or("");
  Started(c.service.Start(r.Param("name"), InputOrEmpty(&*body), options), reply);
}

void GetWorkflow(RouteContext& c, Request& r, Reply reply) {
  absl::StatusOr<ExecutionInfo> info = c.service.GetExecution(r.Param("workflowId"));
  if (!info.ok()) return reply(Response::FromStatus(info.status()));
  if (!QueryBool(r, "includeTasks", true)) return reply(JsonOk(ExecutionToConductor(*info, nullptr)));
  absl::StatusOr<std::vector<TaskInfo>> tasks = c.service.Tasks(info->id);
  if (!tasks.ok()) return reply(Response::FromStatus(tasks.status()));
  reply(JsonOk(ExecutionToConductor(*info, &*tasks)));
}

void GetStatus(RouteContext& c, Request& r, Reply reply) {
  absl::StatusOr<ExecutionInfo> info = c.service.GetExecution(r.Param("workflowId"));
  if (!info.ok()) return reply(Response::FromStatus(info.status()));
  reply(JsonOk(ExecutionStatusToConductor(*info, QueryBool(r, "includeOutput", false))));
}

void Done(const absl::Status& s, const Reply& reply) {
  if (!s.ok()) return reply(Response::FromStatus(s));
  reply(Response{200, "", "", {}});
}

void Terminate(RouteContext& c, Request& r, Reply reply) {
  Done(c.service.Terminate(r.Param("workflowId"), r.Query("reason").value_or("")), reply);
}
void Pause(RouteContext& c, Request& r, Reply reply) {
  Done(c.service.Pause(r.Param("workflowId")), reply);
}
void Resume(RouteContext& c, Request& r, Reply reply) {
  Done(c.service.Resume(r.Param("workflowId")), reply);
}
void Retry(RouteContext& c, Request& r, Reply reply) {
  Done(c.service.Retry(r.Param("workflowId")), reply);
}
void Restart(RouteContext& c, Request& r, Reply reply) {
  Done(c.service.Restart(r.Param("workflowId")), reply);
}

// The bulk endpoints: a JSON list of ids in, a BulkResponse out.
void Bulk(RouteContext& c, Request& r, Reply reply,
          absl::Status (*op)(Service&, const std::string&, const Request&)) {
  absl::StatusOr<Value> body = ParseJsonBody(r, c.limits);
  if (!body.ok()) return reply(Response::FromStatus(body.status()));
  if (!body->is_list()) return reply(Response::Error(400, "the body must be a list of ids"));
  if (body->as_list().size() > 1000) {
    return reply(Response::Error(400, "at most 1000 workflow ids per bulk request"));
  }
  Object errors;
  List ok;
  for (const Value& id : body->as_list()) {
    if (!id.is_string()) return reply(Response::Error(400, "every id must be a string"));
    absl::Status s = op(c.service, id.as_string(), r);
    if (s.ok()) ok.push_back(id);
    else errors.Set(id.as_string(), Value::String(std::string(s.message())));
  }
  Object o;
  o.Set("bulkErrorResults", Value::MakeObject(std::move(errors)));
  o.Set("bulkSuccessfulResults", Value::MakeList(std::move(ok)));
  o.Set("message", Value::String("Bulk Request has been processed."));
  reply(JsonOk(Value::MakeObject(std::move(o))));
}

// The query subset of /search: `workflowType = 'x'`, `status IN (A, B)` or `status = A`,
// `startTime > N` / `startTime < N`, joined by AND.
struct SearchQuery {
  std::string workflow_type;
  std::string correlation_id;
  std::vector<ExecutionStatus> statuses;
  int64_t start_after = INT64_MIN;
  int64_t start_before = INT64_MAX;
};

absl::StatusOr<SearchQuery> ParseSearchQuery(std::string_view std_text) {
  const absl::string_view text = ToAbsl(std_text);
  SearchQuery q;
  if (absl::StripAsciiWhitespace(text).empty()) return q;
  for (absl::string_view clause : absl::StrSplit(text, " AND ")) {
    clause = absl::StripAsciiWhitespace(clause);
    auto bad = [&] {
      return absl::InvalidArgumentError(absl::StrCat("unsupported search clause `", clause,
                                                      "` (see docs/server.md, search)"));
    };
    const bool type = absl::ConsumePrefix(&clause, "workflowType");
    if (type || absl::ConsumePrefix(&clause, "correlationId")) {
      clause = absl::StripAsciiWhitespace(clause);
      if (!absl::ConsumePrefix(&clause, "=")) return bad();
      clause = absl::StripAsciiWhitespace(clause);
      if (!absl::ConsumePrefix(&clause, "'") || !absl::ConsumeSuffix(&clause, "'")) {
        if (clause.empty() || absl::StrContains(clause, " ")) return bad();  // bare word
      }
      (type ? q.workflow_type : q.correlation_id) = std::string(clause);
    } else if (absl::ConsumePrefix(&clause, "status")) {
      clause = absl::StripAsciiWhitespace(clause);
      if (absl::ConsumePrefix(&clause, "IN")) {
        clause = absl::StripAsciiWhitespace(clause);
        if (!absl::ConsumePrefix(&clause, "(") || !absl::ConsumeSuffix(&clause, ")")) return bad();
      } else if (!absl::ConsumePrefix(&clause, "=")) {
        return bad();
      }
      for (absl::string_view name : absl::StrSplit(clause, ',')) {
        name = absl::StripAsciiWhitespace(name);
        absl::ConsumePrefix(&name, "'");
        absl::ConsumeSuffix(&name, "'");
        std::optional<ExecutionStatus> s = ParseExecutionStatus(std::string(name));
        if (!s) return absl::InvalidArgumentError(absl::StrCat("unknown status `", name, "`"));
        q.statuses.push_back(*s);
      }
    } else if (absl::ConsumePrefix(&clause, "startTime")) {
      clause = absl::StripAsciiWhitespace(clause);
      const bool after = absl::ConsumePrefix(&clause, ">");
      if (!after && !absl::ConsumePrefix(&clause, "<")) return bad();
      int64_t ms = 0;
      if (!absl::SimpleAtoi(absl::StripAsciiWhitespace(clause), &ms)) return bad();
      // Both bounds narrow: `startTime > a AND startTime > b` keeps the later of a and b.
      if (after) q.start_after = std::max(q.start_after, ms);
      else q.start_before = std::min(q.start_before, ms);
    } else {
      return bad();
    }
  }
  return q;
}

// The ExecutionQuery of a /search request: start, size, sort, freeText and query.
absl::StatusOr<ExecutionQuery> SearchRequest(const Request& r) {
  absl::StatusOr<int64_t> start = QueryInt(r, "start", 0);
  absl::StatusOr<int64_t> size = QueryInt(r, "size", 100);
  if (!start.ok()) return start.status();
  if (!size.ok()) return size.status();
  if (*start < 0 || *size < 0 || *size > 1000) {
    return absl::InvalidArgumentError("`start` must be >= 0 and `size` within 0..1000");
  }
  absl::StatusOr<SearchQuery> q = ParseSearchQuery(r.Query("query").value_or(""));
  if (!q.ok()) return q.status();
  ExecutionQuery out;
  out.offset = static_cast<size_t>(*start);
  out.limit = static_cast<size_t>(*size);
  out.workflow = q->workflow_type;
  out.statuses = q->statuses;
  out.created_after_ms = q->start_after;
  out.created_before_ms = q->start_before;
  const std::string free_text(
      absl::StripAsciiWhitespace(ToAbsl(r.Query("freeText").value_or("*"))));
  if (free_text != "*" && !free_text.empty()) out.id_or_correlation = free_text;
  if (!q->correlation_id.empty()) {
    if (!out.id_or_correlation.empty() && out.id_or_correlation != q->correlation_id) {
      out.id_or_correlation = std::string(1, '\0');  // two different ids: nothing matches
    } else {
      out.id_or_correlation = q->correlation_id;
      out.correlation_only = free_text == "*" || free_text.empty();
    }
  }
  // sort: `field`, `field:ASC` or `field:DESC` (the first of a list); DESC by default.
  const std::string sort = r.Query("sort").value_or("");
  if (!sort.empty()) {
    std::vector<absl::string_view> fields = absl::StrSplit(ToAbsl(sort), absl::ByAnyChar(",;"));
    std::vector<absl::string_view> parts = absl::StrSplit(fields.front(), ':');
    const absl::string_view field = absl::StripAsciiWhitespace(parts[0]);
    if (field == "updateTime") {
      out.sort_by_update = true;
    } else if (field != "startTime" && field != "createTime" && field != "workflowId") {
      return absl::InvalidArgumentError(absl::StrCat(
          "cannot sort by `", field, "`: sort by startTime or updateTime, :ASC or :DESC"));
    }
    if (parts.size() > 1) {
      const absl::string_view dir = absl::StripAsciiWhitespace(parts[1]);
      if (absl::EqualsIgnoreCase(dir, "ASC")) {
        out.ascending = true;
      } else if (!absl::EqualsIgnoreCase(dir, "DESC")) {
        return absl::InvalidArgumentError(absl::StrCat("sort order `", dir, "` is not ASC or DESC"));
      }
    }
  }
  return out;
}

// GET /api/workflow/search: a SearchResult of WorkflowSummary; search-v2: of Workflow.
void Search(RouteContext& c, Request& r, Reply reply, bool full) {
  absl::StatusOr<ExecutionQuery> q = SearchRequest(r);
  if (!q.ok()) return reply(Response::FromStatus(q.status()));
  absl::StatusOr<ExecutionPage> page = c.service.Search(*q);
  if (!page.ok()) return reply(Response::FromStatus(page.status()));
  List results;
  for (const ExecutionInfo& e : page->executions) {
    results.push_back(full ? ExecutionToConductor(e, nullptr) : ExecutionSummaryToConductor(e));
  }
  Object o;
  o.Set("totalHits", Value::Int(static_cast<int64_t>(page->total)));
  o.Set("results", Value::MakeList(std::move(results)));
  reply(JsonOk(Value::MakeObject(std::move(o))));
}
void SearchSummaries(RouteContext& c, Request& r, Reply reply) { Search(c, r, std::move(reply), false); }
void SearchWorkflows(RouteContext& c, Request& r, Reply reply) { Search(c, r, std::move(reply), true); }

// The executions' Workflow JSON, with their tasks when asked.
absl::StatusOr<Value> WorkflowList(RouteContext& c, const std::vector<ExecutionInfo>& list,
                                   bool include_tasks) {
  List out;
  for (const ExecutionInfo& e : list) {
    if (!include_tasks) {
      out.push_back(ExecutionToConductor(e, nullptr));
      continue;
    }
    absl::StatusOr<std::vector<TaskInfo>> tasks = c.service.Tasks(e.id);
    if (!tasks.ok()) return tasks.status();
    out.push_back(ExecutionToConductor(e, &*tasks));
  }
  return Value::MakeList(std::move(out));
}

// GET /api/workflow/{name}/correlated/{correlationId}?includeClosed=&includeTasks=
void Correlated(RouteContext& c, Request& r, Reply reply) {
  absl::StatusOr<std::vector<ExecutionInfo>> list = c.service.Correlated(
      r.Param("name"), r.Param("correlationId"), QueryBool(r, "includeClosed", false));
  if (!list.ok()) return reply(Response::FromStatus(list.status()));
  absl::StatusOr<Value> out = WorkflowList(c, *list, QueryBool(r, "includeTasks", false));
  if (!out.ok()) return reply(Response::FromStatus(out.status()));
  reply(JsonOk(*out));
}

// POST /api/workflow/{name}/correlated?includeClosed=&includeTasks= with a list of
// correlation ids: a map from each to its list of Workflows.
void CorrelatedMany(RouteContext& c, Request& r, Reply reply) {
  absl::StatusOr<Value> body = ParseJsonBody(r, c.limits);
  if (!body.ok()) return reply(Response::FromStatus(body.status()));
  if (!body->is_list()) return reply(Response::Error(400, "the body must be a list of correlation ids"));
  if (body->as_list().size() > 1000) {
    return reply(Response::Error(400, "at most 1000 correlation ids per request"));
  }
  const bool include_closed = QueryBool(r, "includeClosed", false);
  const bool include_tasks = QueryBool(r, "includeTasks", false);
  Object o;
  for (const Value& id : body->as_list()) {
    if (!id.is_string()) return reply(Response::Error(400, "every correlation id must be a string"));
    absl::StatusOr<std::vector<ExecutionInfo>> list =
        c.service.Correlated(r.Param("name"), id.as_string(), include_closed);
    if (!list.ok()) return reply(Response::FromStatus(list.status()));
    absl::StatusOr<Value> out = WorkflowList(c, *list, include_tasks);
    if (!out.ok()) return reply(Response::FromStatus(out.status()));
    o.Set(id.as_string(), *std::move(out));
  }
  reply(JsonOk(Value::MakeObject(std::move(o))));
}

// GET /api/workflow/running/{name}?version=&startTime=&endTime=: a list of ids.
void Running(RouteContext& c, Request& r, Reply reply) {
  absl::StatusOr<int64_t> version = QueryInt(r, "version", 0);
  absl::StatusOr<int64_t> start = QueryInt(r, "startTime", 0);
  absl::StatusOr<int64_t> end = QueryInt(r, "endTime", 0);
  for (const auto* v : {&version, &start, &end}) {
    if (!v->ok()) return reply(Response::FromStatus(v->status()));
  }
  if (*version < 0 || *version > UINT32_MAX) {
    return reply(Response::Error(400, "`version` must be a non-negative integer"));
  }
  absl::StatusOr<std::vector<std::string>> ids =
      c.service.Running(r.Param("name"), static_cast<uint32_t>(*version), *start, *end);
  if (!ids.ok()) return reply(Response::FromStatus(ids.status()));
  List out;
  for (std::string& id : *ids) out.push_back(Value::String(std::move(id)));
  reply(JsonOk(Value::MakeList(std::move(out))));
}

// DELETE /api/workflow/{workflowId}/remove?archiveWorkflow=: nothing is archived (there is no
// archive store); the execution and all its rows go.
void Remove(RouteContext& c, Request& r, Reply reply) {
  Done(c.service.Remove(r.Param("workflowId")), reply);
}

}  // namespace

void AddWorkflowRoutes(Router& router, RouteContext& c) {
  auto add = [&](std::string method, std::string pattern, Fn fn) {
    router.Add({std::move(method), std::move(pattern), RunOn::kBlocking,
                [&c, fn](Request& r, Reply reply) { fn(c, r, std::move(reply)); }});
  };
  add("POST", "/api/workflow", StartRequest);
  add("POST", "/api/workflow/{name}", StartByName);
  add("GET", "/api/workflow/search", SearchSummaries);
  add("GET", "/api/workflow/search-v2", SearchWorkflows);
  add("GET", "/api/workflow/{name}/correlated/{correlationId}", Correlated);
  add("POST", "/api/workflow/{name}/correlated", CorrelatedMany);
  add("GET", "/api/workflow/running/{name}", Running);
  add("DELETE", "/api/workflow/{workflowId}/remove", Remove);
  add("GET", "/api/workflow/{workflowId}", GetWorkflow);
  add("GET", "/api/workflow/{workflowId}/status", GetStatus);
  add("DELETE", "/api/workflow/{workflowId}", Terminate);
  add("PUT", "/api/workflow/{workflowId}/pause", Pause);
  add("PUT", "/api/workflow/{workflowId}/resume", Resume);
  add("POST", "/api/workflow/{workflowId}/retry", Retry);
  add("POST", "/api/workflow/{workflowId}/restart", Restart);
  auto bulk = [&](std::string method, std::string pattern,
                  absl::Status (*op)(Service&, const std::string&, const Request&)) {
    router.Add({std::move(method), std::move(pattern), RunOn::kBlocking,
                [&c, op](Request& r, Reply reply) { Bulk(c, r, std::move(reply), op); }});
  };
  bulk("PUT", "/api/workflow/bulk/pause",
       [](Service& s, const std::string& id, const Request&) { return s.Pause(id); });
  bulk("PUT", "/api/workflow/bulk/resume",
       [](Service& s, const std::string& id, const Request&) { return s.Resume(id); });
  bulk("POST", "/api/workflow/bulk/retry",
       [](Service& s, const std::string& id, const Request&) { return s.Retry(id); });
  bulk("POST", "/api/workflow/bulk/restart",
       [](Service& s, const std::string& id, const Request&) { return s.Restart(id); });
  bulk("DELETE", "/api/workflow/bulk/remove",
       [](Service& s, const std::string& id, const Request&) { return s.Remove(id); });
  bulk("POST", "/api/workflow/bulk/terminate",
       [](Service& s, const std::string& id, const Request& r) {
         return s.Terminate(id, r.Query("reason").value_or(""));
       });
}

}  // namespace weft::server
