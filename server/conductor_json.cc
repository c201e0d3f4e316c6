// See conductor_json.h.
#include "server/conductor_json.h"

#include "absl/time/time.h"

#include "absl/strings/str_cat.h"
#include "common/strings.h"

namespace weft::server {
namespace {

std::string ErrorCode(const Value& error) {
  if (!error.is_object()) return "";
  const Value* code = error.as_object().Find("code");
  return code != nullptr && code->is_string() ? code->as_string() : "";
}

bool ErrorIsTerminal(const Value& error) {
  if (!error.is_object()) return false;
  const Value* t = error.as_object().Find("terminal");
  return t != nullptr && t->is_bool() && t->as_bool();
}

Value OrEmptyObject(const Value& v) {
  if (v.is_object()) return v;
  if (v.is_null()) return Value::MakeObject(Object());
  Object o;
  o.Set("result", v);  // Conductor's maps hold objects; a bare value is wrapped
  return Value::MakeObject(std::move(o));
}

}  // namespace

std::string ErrorMessage(const Value& error) {
  if (error.is_string()) return error.as_string();
  if (!error.is_object()) return "";
  const Value* m = error.as_object().Find("message");
  if (m != nullptr && m->is_string()) return m->as_string();
  const Value* r = error.as_object().Find("reason");
  return r != nullptr && r->is_string() ? r->as_string() : "";
}

std::string_view ConductorTaskStatus(const TaskInfo& task) {
  if (task.status == TaskStatus::kFailed) {
    const std::string code = ErrorCode(task.error);
    if (code == "TIMEOUT" || code == "TASK_TIMEOUT") return "TIMED_OUT";
    if (ErrorIsTerminal(task.error)) return "FAILED_WITH_TERMINAL_ERROR";
  }
  return TaskStatusName(task.status);
}

std::string_view ConductorWorkflowStatus(const ExecutionInfo& info) {
  if (info.status == ExecutionStatus::kFailed && ErrorCode(info.error) == "TIMEOUT") {
    return "TIMED_OUT";
  }
  return ExecutionStatusName(info.status);
}

Value TaskToConductor(const TaskInfo& t, std::string_view workflow_type) {
  Object o;
  o.Set("taskType", Value::String(t.type));
  o.Set("status", Value::String(std::string(ConductorTaskStatus(t))));
  o.Set("inputData", OrEmptyObject(t.input));
  o.Set("outputData", OrEmptyObject(t.output));
  o.Set("referenceTaskName", Value::String(t.type));
  o.Set("retryCount", Value::Int(t.attempt > 0 ? t.attempt - 1 : 0));
  o.Set("seq", Value::Int(0));
  o.Set("pollCount", Value::Int(t.delivery));
  o.Set("taskDefName", Value::String(t.type));
  o.Set("scheduledTime", Value::Int(t.scheduled_ms));
  o.Set("startTime", Value::Int(t.started_ms));
  o.Set("endTime", Value::Int(t.ended_ms));
  o.Set("updateTime", Value::Int(std::max({t.scheduled_ms, t.started_ms, t.ended_ms})));
  o.Set("startDelayInSeconds", Value::Int(0));
  o.Set("retried", Value::Bool(false));
  o.Set("executed", Value::Bool(t.status != TaskStatus::kScheduled));
  o.Set("callbackFromWorker", Value::Bool(true));
  o.Set("responseTimeoutSeconds",
        Value::Int(t.lease_expires_ms > t.started_ms && t.started_ms > 0
                       ? (t.lease_expires_ms - t.started_ms) / 1000
                       : 0));
  o.Set("workflowInstanceId", Value::String(t.execution_id));
  if (!workflow_type.empty()) o.Set("workflowType", Value::String(std::string(workflow_type)));
  o.Set("taskId", Value::String(t.id));
  o.Set("callbackAfterSeconds", Value::Int(0));
  if (!t.worker_id.empty()) o.Set("workerId", Value::String(t.worker_id));
  const std::string reason = ErrorMessage(t.error);
  if (!reason.empty()) o.Set("reasonForIncompletion", Value::String(reason));
  o.Set("workflowPriority", Value::Int(t.workflow_priority));
  o.Set("domain", t.domain.empty() ? Value() : Value::String(t.domain));
  o.Set("rateLimitPerFrequency", Value::Int(0));
  o.Set("rateLimitFrequencyInSeconds", Value::Int(0));
  o.Set("iteration", Value::Int(0));
  o.Set("subworkflowChanged", Value::Bool(false));
  o.Set("loopOverTask", Value::Bool(false));
  o.Set("queueWaitTime", Value::Int(t.started_ms > 0 ? t.started_ms - t.scheduled_ms : 0));
  o.Set("taskDefinition", Value());
  return Value::MakeObject(std::move(o));
}

Value TaskToDomainJson(const TaskToDomain& map) {
  Object o;
  for (const auto& [type, domain] : map) o.Set(type, Value::String(domain));
  return Value::MakeObject(std::move(o));
}

absl::StatusOr<TaskToDomain> ParseTaskToDomain(const Value* v) {
  TaskToDomain out;
  if (v == nullptr || v->is_null()) return out;
  if (!v->is_object()) {
    return absl::InvalidArgumentError("`taskToDomain` must be an object of task type -> domain");
  }
  for (const auto& [type, domain] : v->as_object()) {
    if (!domain.is_string()) {
      return absl::InvalidArgumentError(
          absl::StrCat("`taskToDomain.", type, "` must be a string (a domain, or a list of them separated by commas)"));
    }
    out[type] = domain.as_string();
  }
  return out;
}

Value ExecutionToConductor(const ExecutionInfo& info, const std::vector<TaskInfo>* tasks) {
  Object o;
  o.Set("workflowId", Value::String(info.id));
  o.Set("workflowName", Value::String(info.workflow));
  o.Set("workflowVersion", Value::Int(info.version));
  o.Set("status", Value::String(std::string(ConductorWorkflowStatus(info))));
  o.Set("input", OrEmptyObject(info.input));
  o.Set("output", OrEmptyObject(info.output));
  o.Set("createTime", Value::Int(info.created_ms));
  o.Set("startTime", Value::Int(info.created_ms));
  o.Set("updateTime", Value::Int(info.updated_ms));
  o.Set("endTime", Value::Int(info.ended_ms));
  const std::string reason = ErrorMessage(info.error);
  if (!reason.empty()) o.Set("reasonForIncompletion", Value::String(reason));
  if (!info.parent_id.empty()) o.Set("parentWorkflowId", Value::String(info.parent_id));
  o.Set("priority", Value::Int(info.priority));
  if (!info.correlation_id.empty()) o.Set("correlationId", Value::String(info.correlation_id));
  if (!info.idempotency_key.empty()) {
    o.Set("idempotencyKey", Value::String(info.idempotency_key));
  }
  o.Set("taskToDomain", TaskToDomainJson(info.task_to_domain));
  o.Set("variables", Value::MakeObject(Object()));
  o.Set("failedReferenceTaskNames", Value::MakeList({}));
  if (tasks != nullptr) {
    List items;
    items.reserve(tasks->size());
    for (const TaskInfo& t : *tasks) items.push_back(TaskToConductor(t, info.workflow));
    o.Set("tasks", Value::MakeList(std::move(items)));
  }
  return Value::MakeObject(std::move(o));
}

std::string ConductorTime(int64_t ms) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::FromUnixMillis(ms), absl::UTCTimeZone());
}

Value ExecutionSummaryToConductor(const ExecutionInfo& info) {
  Object o;
  o.Set("workflowType", Value::String(info.workflow));
  o.Set("version", Value::Int(info.version));
  o.Set("workflowId", Value::String(info.id));
  if (!info.correlation_id.empty()) o.Set("correlationId", Value::String(info.correlation_id));
  o.Set("startTime", Value::String(ConductorTime(info.created_ms)));
  o.Set("updateTime", Value::String(ConductorTime(info.updated_ms)));
  if (info.ended_ms > 0) o.Set("endTime", Value::String(ConductorTime(info.ended_ms)));
  o.Set("status", Value::String(std::string(ConductorWorkflowStatus(info))));
  // Conductor's summary carries input and output as JSON text.
  o.Set("input", Value::String(OrEmptyObject(info.input).ToJson()));
  if (!info.output.is_null()) o.Set("output", Value::String(info.output.ToJson()));
  const std::string reason = ErrorMessage(info.error);
  if (!reason.empty()) o.Set("reasonForIncompletion", Value::String(reason));
  o.Set("executionTime",
        Value::Int(info.ended_ms > 0 ? info.ended_ms - info.created_ms : 0));
  o.Set("event", Value::String(""));
  o.Set("failedReferenceTaskNames", Value::String(""));
  o.Set("failedTaskNames", Value::MakeList({}));
  o.Set("priority", Value::Int(info.priority));
  o.Set("taskToDomain", TaskToDomainJson(info.task_to_domain));
  if (!info.idempotency_key.empty()) {
    o.Set("idempotencyKey", Value::String(info.idempotency_key));
  }
  o.Set("parentWorkflowId", Value::String(info.parent_id));
  return Value::MakeObject(std::move(o));
}

Value ExecutionStatusToConductor(const ExecutionInfo& info, bool include_output) {
  Object o;
  o.Set("workflowId", Value::String(info.id));
  o.Set("status", Value::String(std::string(ConductorWorkflowStatus(info))));
  if (include_output) o.Set("output", OrEmptyObject(info.output));
  return Value::MakeObject(std::move(o));
}

absl::StatusOr<TaskUpdate> ParseTaskResult(const Value& body) {
  if (!body.is_object()) return absl::InvalidArgumentError("a TaskResult must be a JSON object");
  const Object& o = body.as_object();
  TaskUpdate u;
  auto str = [&](std::string_view field, std::string& out, bool required) -> absl::Status {
    const Value* v = o.Find(field);
    if (v == nullptr || v->is_null()) {
      if (required) return absl::InvalidArgumentError(absl::StrCat("`", ToAbsl(field), "` is missing"));
      return absl::OkStatus();
    }
    if (!v->is_string()) {
      return absl::InvalidArgumentError(absl::StrCat("`", ToAbsl(field), "` must be a string"));
    }
    out = v->as_string();
    return absl::OkStatus();
  };
  if (absl::Status s = str("taskId", u.task_id, true); !s.ok()) return s;
  if (u.task_id.empty()) return absl::InvalidArgumentError("`taskId` is empty");
  if (absl::Status s = str("workerId", u.worker_id, false); !s.ok()) return s;
  if (absl::Status s = str("reasonForIncompletion", u.reason, false); !s.ok()) return s;
  std::string status;
  if (absl::Status s = str("status", status, true); !s.ok()) return s;
  if (status == "COMPLETED") {
    u.kind = UpdateKind::kCompleted;
  } else if (status == "FAILED") {
    u.kind = UpdateKind::kFailed;
  } else if (status == "FAILED_WITH_TERMINAL_ERROR") {
    u.kind = UpdateKind::kFailedTerminal;
  } else if (status == "IN_PROGRESS" || status == "SCHEDULED") {
    u.kind = UpdateKind::kInProgress;
  } else {
    return absl::InvalidArgumentError(absl::StrCat(
        "`status` must be IN_PROGRESS, COMPLETED, FAILED or FAILED_WITH_TERMINAL_ERROR, not `",
        status, "`"));
  }
  if (const Value* out = o.Find("outputData"); out != nullptr && !out->is_null()) {
    if (!out->is_object()) return absl::InvalidArgumentError("`outputData` must be an object");
    u.output = *out;
  } else {
    u.output = Value::MakeObject(Object());
  }
  if (u.kind != UpdateKind::kCompleted && u.reason.empty() && u.kind != UpdateKind::kInProgress) {
    u.reason = "failed by the worker";
  }
  if (const Value* cb = o.Find("callbackAfterSeconds"); cb != nullptr && !cb->is_null()) {
    if (!cb->is_int() || cb->as_int() < 0) {
      return absl::InvalidArgumentError("`callbackAfterSeconds` must be a non-negative integer");
    }
    u.callback_after_s = cb->as_int();
  }
  // extendLease: a heartbeat, whatever the status says.
  if (const Value* extend = o.Find("extendLease");
      extend != nullptr && extend->is_bool() && extend->as_bool()) {
    u.kind = UpdateKind::kInProgress;
  }
  if (const Value* logs = o.Find("logs"); logs != nullptr && logs->is_list()) {
    for (const Value& entry : logs->as_list()) {
      if (entry.is_object()) {
        const Value* line = entry.as_object().Find("log");
        if (line != nullptr && line->is_string()) u.logs.push_back(line->as_string());
      } else if (entry.is_string()) {
        u.logs.push_back(entry.as_string());
      }
    }
  }
  return u;
}

}  // namespace weft::server
