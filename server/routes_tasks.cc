// Conductor's task API (/api/tasks/...): polls, results, logs, queues. Same paths, parameters,
// status codes and text/plain answers as conductor-oss's TaskResource.
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "server/conductor_json.h"
#include "server/routes.h"

namespace weft::server {
namespace {

constexpr int64_t kSinglePollTimeoutMs = 100;  // Conductor's poll: a batch poll of 1, 100 ms

Value TaskList(const std::vector<TaskInfo>& tasks) {
  List items;
  items.reserve(tasks.size());
  for (const TaskInfo& t : tasks) items.push_back(TaskToConductor(t, ""));
  return Value::MakeList(std::move(items));
}

// The `domain` of a poll or a queue size: blank is none, as in Conductor (QueueUtils).
std::string DomainOf(Request& r) {
  std::string domain = r.Query("domain").value_or("");
  return std::string(absl::StripAsciiWhitespace(domain));
}

void Poll(RouteContext& c, Request& r, Reply reply) {
  std::string worker = r.Query("workerid").value_or("");
  c.service.Poll(r.Param("tasktype"), DomainOf(r), std::move(worker), 1, kSinglePollTimeoutMs,
                 [reply](absl::StatusOr<std::vector<TaskInfo>> tasks) {
                   if (!tasks.ok()) return reply(Response::FromStatus(tasks.status()));
                   if (tasks->empty()) return reply(Response::NoContent());
                   reply(JsonOk(TaskToConductor(tasks->front(), "")));
                 });
}

void BatchPoll(RouteContext& c, Request& r, Reply reply) {
  absl::StatusOr<int64_t> count = QueryInt(r, "count", 1);
  absl::StatusOr<int64_t> timeout = QueryInt(r, "timeout", 100);
  if (!count.ok()) return reply(Response::FromStatus(count.status()));
  if (!timeout.ok()) return reply(Response::FromStatus(timeout.status()));
  if (*count < 1) return reply(Response::Error(400, "`count` must be at least 1"));
  if (*timeout < 0) return reply(Response::Error(400, "`timeout` must not be negative"));
  std::string worker = r.Query("workerid").value_or("");
  c.service.Poll(r.Param("tasktype"), DomainOf(r), std::move(worker),
                 static_cast<int>(std::min<int64_t>(*count, 1 << 20)), *timeout,
                 [reply](absl::StatusOr<std::vector<TaskInfo>> tasks) {
                   if (!tasks.ok()) return reply(Response::FromStatus(tasks.status()));
                   reply(JsonOk(TaskList(*tasks)));
                 });
}

// Reads the TaskResult of POST /api/tasks and /update-v2; answers the error itself.
std::optional<TaskUpdate> ReadUpdate(RouteContext& c, Request& r, const Reply& reply) {
  absl::StatusOr<Value> body = ParseJsonBody(r, c.limits);
  if (!body.ok()) {
    reply(Response::FromStatus(body.status()));
    return std::nullopt;
  }
  absl::StatusOr<TaskUpdate> update = ParseTaskResult(*body);
  if (!update.ok()) {
    reply(Response::FromStatus(update.status()));
    return std::nullopt;
  }
  return std::move(*update);
}

void Update(RouteContext& c, Request& r, Reply reply) {
  std::optional<TaskUpdate> update = ReadUpdate(c, r, reply);
  if (!update) return;
  std::string id = update->task_id;
  c.service.Update(std::move(*update), [reply, id](absl::StatusOr<UpdateResult> result) {
    if (!result.ok()) return reply(Response::FromStatus(result.status()));
    reply(Response::Text(200, id));  // an ignored result is answered as Conductor does: OK
  });
}

void UpdateV2(RouteContext& c, Request& r, Reply reply) {
  std::optional<TaskUpdate> update = ReadUpdate(c, r, reply);
  if (!update) return;
  std::string worker = update->worker_id;
  Service& service = c.service;
  service.Update(std::move(*update), [reply, worker, &service](
                                         absl::StatusOr<UpdateResult> result) {
    if (!result.ok()) return reply(Response::FromStatus(result.status()));
    if (!result->terminal || result->task_type.empty()) return reply(Response::NoContent());
    // The next task of the same type and domain, without waiting (Conductor polls once).
    service.Poll(result->task_type, result->domain, worker, 1, 0,
                 [reply](absl::StatusOr<std::vector<TaskInfo>> tasks) {
                   if (!tasks.ok() || tasks->empty()) return reply(Response::NoContent());
                   reply(JsonOk(TaskToConductor(tasks->front(), "")));
                 });
  });
}

// POST /api/tasks/{workflowId}/{taskRefName}/{status}: a Weft workflow waits on a signal, not
// a task, so the reference name is the signal's name and the body its payload.
void UpdateByRefName(RouteContext& c, Request& r, Reply reply) {
  const std::string& status = r.Param("status");
  if (status != "COMPLETED") {
    return reply(Response::Error(
        400, absl::StrCat("a waiting signal can only be COMPLETED, not `", status, "`")));
  }
  absl::StatusOr<Value> body = ParseJsonBody(r, c.limits, /*allow_empty=*/true);
  if (!body.ok()) return reply(Response::FromStatus(body.status()));
  absl::Status s = c.service.Signal(r.Param("workflowId"), r.Param("taskRefName"), *body);
  if (!s.ok()) return reply(Response::FromStatus(s));
  reply(Response::Text(200, r.Param("taskRefName")));
}

// The log of an unknown task is 404; a line over the engine's size limit 413, one past the
// per-task count limit 409 (EngineLimits::max_task_log_bytes, max_task_log_entries).
void AddLog(RouteContext& c, Request& r, Reply reply) {
  std::string line = r.body;
  // Conductor's clients send the log as a JSON string.
  if (absl::StatusOr<Value> v = Value::FromJson(line); v.ok() && v->is_string()) {
    line = v->as_string();
  }
  if (!IsValidUtf8(line)) return reply(Response::Error(400, "the log is not valid UTF-8"));
  absl::Status s = c.service.AddTaskLog(r.Param("taskId"), std::move(line));
  if (!s.ok()) return reply(Response::FromStatus(s));
  reply(Response{200, "", "", {}});
}

void GetLogs(RouteContext& c, Request& r, Reply reply) {
  absl::StatusOr<std::vector<TaskLog>> logs = c.service.TaskLogs(r.Param("taskId"));
  if (!logs.ok()) return reply(Response::FromStatus(logs.status()));
  if (logs->empty()) return reply(Response::NoContent());
  List items;
  for (TaskLog& entry : *logs) {
    Object o;
    o.Set("log", Value::String(std::move(entry.log)));
    o.Set("taskId", Value::String(r.Param("taskId")));
    o.Set("createdTime", Value::Int(entry.created_ms));
    items.push_back(Value::MakeObject(std::move(o)));
  }
  reply(JsonOk(Value::MakeList(std::move(items))));
}

void GetTask(RouteContext& c, Request& r, Reply reply) {
  absl::StatusOr<TaskInfo> task = c.service.GetTask(r.Param("taskId"));
  if (absl::IsNotFound(task.status())) {
    return reply(Response::Error(404, "Task not found for taskId: " + r.Param("taskId")));
  }
  if (!task.ok()) return reply(Response::FromStatus(task.status()));
  std::string workflow;
  if (absl::StatusOr<ExecutionInfo> e = c.service.GetExecution(task->execution_id); e.ok()) {
    workflow = e->workflow;
  }
  reply(JsonOk(TaskToConductor(*task, workflow)));
}

void QueueSize(RouteContext& c, Request& r, Reply reply) {
  std::optional<std::string> type = r.Query("taskType");
  if (!type) return reply(Response::Error(400, "query parameter `taskType` is required"));
  const std::string domain = DomainOf(r);
  uint64_t n = 0;
  for (const QueueDepth& d : c.service.QueueDepths()) {
    if (d.task_type == *type && d.domain == domain) n = d.ready;
  }
  reply(Response::Json(200, absl::StrCat(n)));
}

void QueueAll(RouteContext& c, Request& r, Reply reply) {
  Object o;
  for (const QueueDepth& d : c.service.QueueDepths()) {
    o.Set(TaskQueueName(d.task_type, d.domain), Value::Int(static_cast<int64_t>(d.ready)));
  }
  reply(JsonOk(Value::MakeObject(std::move(o))));
}

void PollDataList(RouteContext& c, std::string_view type, Reply reply) {
  List items;
  for (const PollData& d : c.service.PollDataFor(type)) {
    Object o;
    o.Set("queueName", Value::String(TaskQueueName(d.task_type, d.domain)));
    o.Set("domain", d.domain.empty() ? Value() : Value::String(d.domain));
    o.Set("workerId", Value::String(d.worker_id));
    o.Set("lastPollTime", Value::Int(d.last_poll_ms));
    items.push_back(Value::MakeObject(std::move(o)));
  }
  reply(JsonOk(Value::MakeList(std::move(items))));
}

}  // namespace

void AddTaskRoutes(Router& router, RouteContext& c) {
  auto inline_route = [&](std::string method, std::string pattern,
                          void (*fn)(RouteContext&, Request&, Reply)) {
    router.Add({std::move(method), std::move(pattern), RunOn::kInline,
                [&c, fn](Request& r, Reply reply) { fn(c, r, std::move(reply)); }});
  };
  auto blocking_route = [&](std::string method, std::string pattern,
                            void (*fn)(RouteContext&, Request&, Reply)) {
    router.Add({std::move(method), std::move(pattern), RunOn::kBlocking,
                [&c, fn](Request& r, Reply reply) { fn(c, r, std::move(reply)); }});
  };
  inline_route("GET", "/api/tasks/poll/{tasktype}", Poll);
  inline_route("GET", "/api/tasks/poll/batch/{tasktype}", BatchPoll);
  inline_route("POST", "/api/tasks", Update);
  inline_route("POST", "/api/tasks/update-v2", UpdateV2);
  blocking_route("POST", "/api/tasks/{workflowId}/{taskRefName}/{status}", UpdateByRefName);
  blocking_route("POST", "/api/tasks/{taskId}/log", AddLog);
  blocking_route("GET", "/api/tasks/{taskId}/log", GetLogs);
  blocking_route("GET", "/api/tasks/{taskId}", GetTask);
  inline_route("GET", "/api/tasks/queue/size", QueueSize);
  inline_route("GET", "/api/tasks/queue/all", QueueAll);
  router.Add({"GET", "/api/tasks/queue/polldata", RunOn::kInline, [&c](Request& r, Reply reply) {
                std::optional<std::string> type = r.Query("taskType");
                if (!type) return reply(Response::Error(400, "query parameter `taskType` is required"));
                PollDataList(c, *type, std::move(reply));
              }});
  router.Add({"GET", "/api/tasks/queue/polldata/all", RunOn::kInline,
              [&c](Request&, Reply reply) { PollDataList(c, "", std::move(reply)); }});
}

}  // namespace weft::server
