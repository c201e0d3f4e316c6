// The client's executions (see client.h): starting them (POST /api/workflow), reading them
// back from Conductor's Workflow and Task JSON, searching them (search-v2), their history, and
// controlling them (signal, terminate, pause, resume, retry, restart, remove).
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "server/conductor_json.h"
#include "server/remote_engine.h"

namespace weft::server::remote {
namespace {

ExecutionInfo ExecutionFrom(const Value& w) {
  ExecutionInfo info;
  info.id = StringField(w, "workflowId");
  info.workflow = StringField(w, "workflowName");
  info.version = static_cast<uint32_t>(IntField(w, "workflowVersion"));
  const std::string status = StringField(w, "status");
  info.status = status == "TIMED_OUT" ? ExecutionStatus::kFailed
                                      : ParseExecutionStatus(status).value_or(ExecutionStatus::kRunning);
  info.input = Field(w, "input");
  info.output = Field(w, "output");
  const std::string reason = StringField(w, "reasonForIncompletion");
  if (!reason.empty()) {
    Object e;
    e.Set("message", Value::String(reason));
    info.error = Value::MakeObject(std::move(e));
  }
  info.created_ms = IntField(w, "createTime");
  info.updated_ms = IntField(w, "updateTime");
  info.ended_ms = IntField(w, "endTime");
  info.parent_id = StringField(w, "parentWorkflowId");
  info.correlation_id = StringField(w, "correlationId");
  info.priority = static_cast<int32_t>(IntField(w, "priority"));
  info.idempotency_key = StringField(w, "idempotencyKey");
  const Value domains = Field(w, "taskToDomain");
  if (absl::StatusOr<TaskToDomain> d = ParseTaskToDomain(&domains); d.ok()) {
    info.task_to_domain = *std::move(d);
  }
  return info;
}

TaskInfo TaskFrom(const Value& t) {
  TaskInfo info;
  info.id = StringField(t, "taskId");
  info.execution_id = StringField(t, "workflowInstanceId");
  info.type = StringField(t, "taskType");
  info.input = Field(t, "inputData");
  info.attempt = static_cast<uint32_t>(IntField(t, "retryCount") + 1);
  const std::string status = StringField(t, "status");
  info.status = status == "IN_PROGRESS" ? TaskStatus::kInProgress
                : status == "COMPLETED" ? TaskStatus::kCompleted
                : status == "CANCELED"  ? TaskStatus::kCanceled
                : status == "SCHEDULED" ? TaskStatus::kScheduled
                                        : TaskStatus::kFailed;
  info.worker_id = StringField(t, "workerId");
  info.scheduled_ms = IntField(t, "scheduledTime");
  info.started_ms = IntField(t, "startTime");
  info.ended_ms = IntField(t, "endTime");
  info.output = Field(t, "outputData");
  info.delivery = static_cast<uint32_t>(IntField(t, "pollCount"));
  info.domain = StringField(t, "domain");
  info.workflow_priority = static_cast<int32_t>(IntField(t, "workflowPriority"));
  return info;
}

HistoryEvent HistoryEventFrom(const Value& e) {
  return {static_cast<uint32_t>(IntField(e, "seq")), IntField(e, "time"), StringField(e, "type"),
          StringField(e, "taskId"), Field(e, "details")};
}

// The body of POST /api/workflow (Conductor's StartWorkflowRequest).
Value StartRequest(std::string_view workflow, const Value& input, const StartOptions& options) {
  Object o;
  o.Set("name", Value::String(std::string(workflow)));
  if (options.version) o.Set("version", Value::Int(*options.version));
  if (!options.alias.empty()) o.Set("alias", Value::String(options.alias));
  o.Set("input", input);
  if (!options.correlation_id.empty()) {
    o.Set("correlationId", Value::String(options.correlation_id));
  }
  if (options.priority != 0) o.Set("priority", Value::Int(options.priority));
  if (!options.task_to_domain.empty()) {
    o.Set("taskToDomain", TaskToDomainJson(options.task_to_domain));
  }
  if (!options.idempotency_key.empty()) {
    o.Set("idempotencyKey", Value::String(options.idempotency_key));
    constexpr const char* kNames[] = {"FAIL", "RETURN_EXISTING", "FAIL_ON_RUNNING"};
    o.Set("idempotencyStrategy", Value::String(kNames[static_cast<size_t>(options.idempotency_strategy)]));
  }
  return Value::MakeObject(std::move(o));
}

// The path of GET /api/workflow/search-v2 (whole Workflow JSON), the query built from `q`.
std::string SearchPath(const ExecutionQuery& q) {
  std::vector<std::string> clauses;
  if (!q.workflow.empty()) clauses.push_back(absl::StrCat("workflowType = '", q.workflow, "'"));
  if (!q.statuses.empty()) {
    std::vector<std::string> names;
    for (ExecutionStatus s : q.statuses) names.emplace_back(ExecutionStatusName(s));
    clauses.push_back(absl::StrCat("status IN (", absl::StrJoin(names, ","), ")"));
  }
  if (q.created_after_ms != INT64_MIN) {
    clauses.push_back(absl::StrCat("startTime > ", q.created_after_ms));
  }
  if (q.created_before_ms != INT64_MAX) {
    clauses.push_back(absl::StrCat("startTime < ", q.created_before_ms));
  }
  if (q.correlation_only && !q.id_or_correlation.empty()) {
    clauses.push_back(absl::StrCat("correlationId = '", q.id_or_correlation, "'"));
  }
  std::string path =
      absl::StrCat("/api/workflow/search-v2?start=", q.offset, "&size=", std::min<size_t>(q.limit, 1000),
                   "&sort=", q.sort_by_update ? "updateTime" : "startTime", q.ascending ? ":ASC" : ":DESC");
  if (!clauses.empty()) {
    absl::StrAppend(&path, "&query=", Escape(absl::StrJoin(clauses, " AND ")));
  }
  if (!q.correlation_only && !q.id_or_correlation.empty()) {
    absl::StrAppend(&path, "&freeText=", Escape(q.id_or_correlation));
  }
  return path;
}

}  // namespace

absl::StatusOr<std::string> RemoteEngine::Start(std::string_view workflow, const Value& input,
                                                const StartOptions& options) {
  absl::StatusOr<HttpResult> r =
      Call("POST", "/api/workflow", StartRequest(workflow, input, options).ToJson());
  if (!r.ok()) return r.status();
  return r->body;
}

absl::StatusOr<std::string> RemoteEngine::StartAsync(std::string_view, const Value&, ExecutionCallback,
                                                     const StartOptions&) {
  return Remote("StartAsync");
}

std::vector<absl::StatusOr<std::string>> RemoteEngine::StartBatch(std::string_view workflow,
                                                                  const std::vector<Value>& inputs,
                                                                  ExecutionCallback,
                                                                  const StartOptions& options) {
  std::vector<absl::StatusOr<std::string>> out;
  for (const Value& input : inputs) out.push_back(Start(workflow, input, options));
  return out;
}

absl::StatusOr<ExecutionInfo> RemoteEngine::GetExecution(std::string_view id) {
  absl::StatusOr<Value> w = CallJson("GET", "/api/workflow/" + Escape(id) + "?includeTasks=false");
  if (!w.ok()) return w.status();
  return ExecutionFrom(*w);
}

absl::StatusOr<std::vector<ExecutionInfo>> RemoteEngine::ListExecutions(std::optional<ExecutionStatus> status,
                                                                        size_t limit) {
  ExecutionQuery q;
  if (status) q.statuses = {*status};
  q.limit = std::min<size_t>(limit, 1000);
  absl::StatusOr<ExecutionPage> page = SearchExecutions(q);
  if (!page.ok()) return page.status();
  return std::move(page->executions);
}

absl::StatusOr<ExecutionPage> RemoteEngine::SearchExecutions(const ExecutionQuery& q) {
  absl::StatusOr<Value> r = CallJson("GET", SearchPath(q));
  if (!r.ok()) return r.status();
  absl::StatusOr<std::vector<ExecutionInfo>> executions =
      DecodeList<ExecutionInfo>(Field(*r, "results"), ExecutionFrom);
  if (!executions.ok()) return executions.status();
  ExecutionPage page;
  page.total = static_cast<uint64_t>(IntField(*r, "totalHits"));
  page.executions = *std::move(executions);
  return page;
}

absl::Status RemoteEngine::RemoveExecution(std::string_view id) {
  return CallOk("DELETE", "/api/workflow/" + Escape(id) + "/remove");
}

absl::StatusOr<std::vector<HistoryEvent>> RemoteEngine::History(std::string_view id) {
  return DecodeList<HistoryEvent>(CallJson("GET", "/api/weft/workflow/" + Escape(id) + "/history"),
                                  HistoryEventFrom);
}

absl::StatusOr<std::vector<TaskInfo>> RemoteEngine::Tasks(std::string_view execution_id) {
  absl::StatusOr<Value> w = CallJson("GET", "/api/workflow/" + Escape(execution_id) + "?includeTasks=true");
  if (!w.ok()) return w.status();
  return DecodeList<TaskInfo>(Field(*w, "tasks"), TaskFrom);
}

absl::StatusOr<TaskInfo> RemoteEngine::GetTask(std::string_view task_id) {
  absl::StatusOr<Value> t = CallJson("GET", "/api/tasks/" + Escape(task_id));
  if (!t.ok()) return t.status();
  return TaskFrom(*t);
}

absl::Status RemoteEngine::Signal(std::string_view id, std::string_view name, Value payload) {
  return CallOk("POST", "/api/weft/workflow/" + Escape(id) + "/signal/" + Escape(name), payload.ToJson());
}

absl::Status RemoteEngine::Terminate(std::string_view id, std::string_view reason) {
  return CallOk("DELETE", "/api/workflow/" + Escape(id) + "?reason=" + Escape(reason));
}

absl::Status RemoteEngine::Pause(std::string_view id) {
  return CallOk("PUT", "/api/workflow/" + Escape(id) + "/pause");
}

absl::Status RemoteEngine::Resume(std::string_view id) {
  return CallOk("PUT", "/api/workflow/" + Escape(id) + "/resume");
}

absl::Status RemoteEngine::Retry(std::string_view id) {
  return CallOk("POST", "/api/workflow/" + Escape(id) + "/retry");
}

absl::Status RemoteEngine::Restart(std::string_view id) {
  return CallOk("POST", "/api/workflow/" + Escape(id) + "/restart");
}

}  // namespace weft::server::remote
