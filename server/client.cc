// See client.h. One libcurl easy handle per call: the CLI makes a handful of calls.
#include "server/client.h"

#include <curl/curl.h>

#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/strings.h"
#include "server/alias_json.h"
#include "server/version_gc_json.h"
#include "server/conductor_json.h"
#include "server/conductor_schedule.h"
#include "server/event_json.h"
#include "server/migration_json.h"
#include "weft/event_message.h"

namespace weft::server {
namespace {

struct HttpResult {
  long status = 0;
  std::string body;
};

size_t Collect(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

std::string Escape(std::string_view text) {
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      absl::StrAppend(&out, "%", absl::Hex(c, absl::kZeroPad2));
    }
  }
  return out;
}

absl::StatusCode CodeOf(long http) {
  switch (http) {
    case 400: case 413: case 431: return absl::StatusCode::kInvalidArgument;
    case 401: return absl::StatusCode::kUnauthenticated;
    case 403: return absl::StatusCode::kPermissionDenied;
    case 404: return absl::StatusCode::kNotFound;
    case 409: return absl::StatusCode::kFailedPrecondition;
    case 501: return absl::StatusCode::kUnimplemented;
    case 503: return absl::StatusCode::kUnavailable;
    default: return absl::StatusCode::kInternal;
  }
}

Value Field(const Value& v, std::string_view key) {
  if (!v.is_object()) return Value();
  const Value* f = v.as_object().Find(key);
  return f == nullptr ? Value() : *f;
}

int64_t IntField(const Value& v, std::string_view key) {
  Value f = Field(v, key);
  return f.is_int() ? f.as_int() : 0;
}

std::string StringField(const Value& v, std::string_view key) {
  Value f = Field(v, key);
  return f.is_string() ? f.as_string() : "";
}

class RemoteEngine final : public Engine {
 public:
  RemoteEngine(std::string url, std::string token)
      : url_(std::move(url)), token_(std::move(token)) {}

  // One request; an error status only when the server cannot be reached.
  absl::StatusOr<HttpResult> Send(const std::string& method, const std::string& path,
                                  const std::string& body = "",
                                  const std::string& content_type = "application/json") {
    CURL* curl = curl_easy_init();
    if (curl == nullptr) return absl::InternalError("cannot start libcurl");
    HttpResult result;
    const std::string url = url_ + path;
    curl_slist* headers = nullptr;
    headers = curl_slist_append(headers, ("Content-Type: " + content_type).c_str());
    if (!token_.empty()) {
      headers = curl_slist_append(headers, ("Authorization: Bearer " + token_).c_str());
    }
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method.c_str());
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    if (method != "GET") {
      curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
      curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
    }
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, Collect);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &result.body);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, 60L);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    const CURLcode rc = curl_easy_perform(curl);
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &result.status);
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
    if (rc != CURLE_OK) {
      return absl::UnavailableError(
          absl::StrCat("cannot reach the server at ", url_, ": ", curl_easy_strerror(rc)));
    }
    return result;
  }

  // One request; a status of 400 and above is the error it stands for, with its message.
  absl::StatusOr<HttpResult> Call(const std::string& method, const std::string& path,
                                  const std::string& body = "",
                                  const std::string& content_type = "application/json") {
    absl::StatusOr<HttpResult> result = Send(method, path, body, content_type);
    if (!result.ok()) return result.status();
    if (result->status >= 400) {
      absl::StatusOr<Value> error = Value::FromJson(result->body);
      std::string message = error.ok() ? StringField(*error, "message") : result->body;
      return absl::Status(CodeOf(result->status), message);
    }
    return result;
  }

  absl::StatusOr<Value> CallJson(const std::string& method, const std::string& path,
                                 const std::string& body = "") {
    absl::StatusOr<HttpResult> r = Call(method, path, body);
    if (!r.ok()) return r.status();
    if (r->body.empty()) return Value();
    return Value::FromJson(r->body);
  }

  absl::Status CallOk(const std::string& method, const std::string& path,
                      const std::string& body = "") {
    return Call(method, path, body).status();
  }

  static absl::Status Remote(std::string_view what) {
    return absl::UnimplementedError(absl::StrCat(
        ToAbsl(what),
        " is not available through `weft serve`; stop the server, or use its HTTP API"));
  }

  // --- Engine -----------------------------------------------------------------------------

  absl::StatusOr<std::vector<DeployedWorkflow>> Deploy(std::string_view source_path,
                                                       std::string_view source) override {
    absl::StatusOr<Value> list = CallJson(
        "POST", "/api/weft/deploy?name=" + Escape(source_path), std::string(source));
    if (!list.ok()) return list.status();
    std::vector<DeployedWorkflow> out;
    if (!list->is_list()) return out;
    for (const Value& d : list->as_list()) {
      out.push_back({StringField(d, "workflow"), static_cast<uint32_t>(IntField(d, "version")),
                     StringField(d, "hash"), Field(d, "created").is_bool() &&
                                                 Field(d, "created").as_bool()});
    }
    return out;
  }
  absl::StatusOr<std::vector<DeployedWorkflow>> DeployFile(const std::string& path) override {
    std::ifstream in(path, std::ios::binary);
    if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
    std::stringstream text;
    text << in.rdbuf();
    return Deploy(path, text.str());
  }
  absl::StatusOr<std::vector<VersionInfo>> Versions(std::string_view workflow) override {
    absl::StatusOr<Value> list =
        CallJson("GET", "/api/weft/workflows/" + Escape(workflow) + "/versions");
    if (!list.ok()) return list.status();
    std::vector<VersionInfo> out;
    if (!list->is_list()) return out;
    for (const Value& v : list->as_list()) {
      out.push_back({StringField(v, "workflow"), static_cast<uint32_t>(IntField(v, "version")),
                     StringField(v, "hash"), IntField(v, "deployedAt"),
                     StringField(v, "sourceFile")});
    }
    return out;
  }
  absl::StatusOr<std::vector<VersionInfo>> Workflows() override {
    absl::StatusOr<Value> list = CallJson("GET", "/api/weft/workflows");
    if (!list.ok()) return list.status();
    std::vector<VersionInfo> out;
    if (!list->is_list()) return out;
    for (const Value& v : list->as_list()) {
      out.push_back({StringField(v, "workflow"), static_cast<uint32_t>(IntField(v, "version")),
                     StringField(v, "hash"), IntField(v, "deployedAt"),
                     StringField(v, "sourceFile")});
    }
    return out;
  }
  absl::StatusOr<std::string> Bytecode(std::string_view, uint32_t) override {
    return Remote("reading bytecode");
  }
  absl::StatusOr<std::string> Start(std::string_view workflow, const Value& input,
                                    const StartOptions& options) override {
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
      o.Set("idempotencyStrategy",
            Value::String(kNames[static_cast<size_t>(options.idempotency_strategy)]));
    }
    absl::StatusOr<HttpResult> r =
        Call("POST", "/api/workflow", Value::MakeObject(std::move(o)).ToJson());
    if (!r.ok()) return r.status();
    return r->body;
  }
  absl::StatusOr<std::string> StartAsync(std::string_view, const Value&, ExecutionCallback,
                                         const StartOptions&) override {
    return Remote("StartAsync");
  }
  std::vector<absl::StatusOr<std::string>> StartBatch(std::string_view workflow,
                                                      const std::vector<Value>& inputs,
                                                      ExecutionCallback,
                                                      const StartOptions& options) override {
    std::vector<absl::StatusOr<std::string>> out;
    for (const Value& input : inputs) out.push_back(Start(workflow, input, options));
    return out;
  }
  absl::StatusOr<ExecutionInfo> GetExecution(std::string_view id) override {
    absl::StatusOr<Value> w =
        CallJson("GET", "/api/workflow/" + Escape(id) + "?includeTasks=false");
    if (!w.ok()) return w.status();
    return ExecutionFrom(*w);
  }
  absl::StatusOr<std::vector<ExecutionInfo>> ListExecutions(std::optional<ExecutionStatus> status,
                                                            size_t limit) override {
    ExecutionQuery q;
    if (status) q.statuses = {*status};
    q.limit = std::min<size_t>(limit, 1000);
    absl::StatusOr<ExecutionPage> page = SearchExecutions(q);
    if (!page.ok()) return page.status();
    return std::move(page->executions);
  }
  // GET /api/workflow/search-v2 (whole Workflow JSON), the query built from `q`.
  absl::StatusOr<ExecutionPage> SearchExecutions(const ExecutionQuery& q) override {
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
    std::string path = absl::StrCat(
        "/api/workflow/search-v2?start=", q.offset, "&size=", std::min<size_t>(q.limit, 1000),
        "&sort=", q.sort_by_update ? "updateTime" : "startTime", q.ascending ? ":ASC" : ":DESC");
    if (!clauses.empty()) {
      absl::StrAppend(&path, "&query=", Escape(absl::StrJoin(clauses, " AND ")));
    }
    if (!q.correlation_only && !q.id_or_correlation.empty()) {
      absl::StrAppend(&path, "&freeText=", Escape(q.id_or_correlation));
    }
    absl::StatusOr<Value> r = CallJson("GET", path);
    if (!r.ok()) return r.status();
    ExecutionPage page;
    page.total = static_cast<uint64_t>(IntField(*r, "totalHits"));
    Value results = Field(*r, "results");
    if (results.is_list()) {
      for (const Value& w : results.as_list()) page.executions.push_back(ExecutionFrom(w));
    }
    return page;
  }
  absl::Status RemoveExecution(std::string_view id) override {
    return CallOk("DELETE", "/api/workflow/" + Escape(id) + "/remove");
  }
  absl::StatusOr<std::vector<HistoryEvent>> History(std::string_view id) override {
    absl::StatusOr<Value> list = CallJson("GET", "/api/weft/workflow/" + Escape(id) + "/history");
    if (!list.ok()) return list.status();
    std::vector<HistoryEvent> out;
    if (!list->is_list()) return out;
    for (const Value& e : list->as_list()) {
      out.push_back({static_cast<uint32_t>(IntField(e, "seq")), IntField(e, "time"),
                     StringField(e, "type"), StringField(e, "taskId"), Field(e, "details")});
    }
    return out;
  }
  absl::StatusOr<std::vector<TaskInfo>> Tasks(std::string_view execution_id) override {
    absl::StatusOr<Value> w =
        CallJson("GET", "/api/workflow/" + Escape(execution_id) + "?includeTasks=true");
    if (!w.ok()) return w.status();
    std::vector<TaskInfo> out;
    Value tasks = Field(*w, "tasks");
    if (tasks.is_list()) {
      for (const Value& t : tasks.as_list()) out.push_back(TaskFrom(t));
    }
    return out;
  }
  absl::StatusOr<ExecutionInfo> AwaitExecution(std::string_view, absl::Duration) override {
    return Remote("waiting for an execution");
  }
  void RegisterWorker(std::string, TaskHandler, int) override {}
  absl::Status StartWorkers() override { return Remote("running workers"); }
  void StopWorkers() override {}
  absl::StatusOr<std::optional<LeasedTask>> PollTask(std::string_view, std::string_view,
                                                     std::string_view = {}) override {
    return Remote("polling");
  }
  absl::Status CompleteTask(std::string_view, std::string_view, Value, uint32_t) override {
    return Remote("completing a task");
  }
  absl::Status FailTask(std::string_view, std::string_view, std::string, Value, bool,
                        uint32_t) override {
    return Remote("failing a task");
  }
  absl::Status Heartbeat(std::string_view, std::string_view, Value, uint32_t) override {
    return Remote("a heartbeat");
  }
  void SubmitTaskResult(std::string_view, std::string_view, TaskOutcome, uint32_t,
                        ResultCallback done) override {
    if (done) done(Remote("submitting a result"));
  }
  void SetTaskReadyListener(TaskReadyListener) override {}
  absl::StatusOr<TaskInfo> GetTask(std::string_view task_id) override {
    absl::StatusOr<Value> t = CallJson("GET", "/api/tasks/" + Escape(task_id));
    if (!t.ok()) return t.status();
    return TaskFrom(*t);
  }
  std::vector<QueueDepth> QueueDepths() const override { return {}; }
  absl::Status AddTaskLogs(std::string_view, std::vector<std::string>) override {
    return Remote("adding task logs");
  }
  absl::StatusOr<std::vector<TaskLog>> TaskLogs(std::string_view) override {
    return Remote("reading task logs");
  }
  absl::Status Signal(std::string_view id, std::string_view name, Value payload) override {
    return CallOk("POST", "/api/weft/workflow/" + Escape(id) + "/signal/" + Escape(name),
                  payload.ToJson());
  }
  absl::Status Terminate(std::string_view id, std::string_view reason) override {
    return CallOk("DELETE", "/api/workflow/" + Escape(id) + "?reason=" + Escape(reason));
  }
  absl::Status Pause(std::string_view id) override {
    return CallOk("PUT", "/api/workflow/" + Escape(id) + "/pause");
  }
  absl::Status Resume(std::string_view id) override {
    return CallOk("PUT", "/api/workflow/" + Escape(id) + "/resume");
  }
  absl::Status Retry(std::string_view id) override {
    return CallOk("POST", "/api/workflow/" + Escape(id) + "/retry");
  }
  absl::Status Restart(std::string_view id) override {
    return CallOk("POST", "/api/workflow/" + Escape(id) + "/restart");
  }
  absl::StatusOr<PruneResult> Prune(const PruneOptions&) override { return Remote("prune"); }
  // Schedules: Conductor's /api/scheduler, and Weft's /api/weft/schedules/{name}/next.
  absl::StatusOr<Schedule> CreateSchedule(const Schedule& schedule, bool replace) override {
    absl::StatusOr<Value> stored =
        CallJson("POST", absl::StrCat("/api/scheduler/schedules?replace=", replace ? "true" : "false"),
                 ScheduleToConductor(schedule).ToJson());
    if (!stored.ok()) return stored.status();
    return ScheduleFromConductor(*stored);
  }
  absl::StatusOr<Schedule> GetSchedule(std::string_view name) override {
    absl::StatusOr<Value> s = CallJson("GET", "/api/scheduler/schedules/" + Escape(name));
    if (!s.ok()) return s.status();
    return ScheduleFromConductor(*s);
  }
  absl::StatusOr<std::vector<Schedule>> ListSchedules() override {
    absl::StatusOr<Value> list = CallJson("GET", "/api/scheduler/schedules");
    if (!list.ok()) return list.status();
    std::vector<Schedule> out;
    if (!list->is_list()) return out;
    for (const Value& v : list->as_list()) {
      absl::StatusOr<Schedule> s = ScheduleFromConductor(v);
      if (!s.ok()) return s.status();
      out.push_back(*std::move(s));
    }
    return out;
  }
  absl::Status PauseSchedule(std::string_view name) override {
    return CallOk("GET", "/api/scheduler/schedules/" + Escape(name) + "/pause");
  }
  absl::Status ResumeSchedule(std::string_view name) override {
    return CallOk("GET", "/api/scheduler/schedules/" + Escape(name) + "/resume");
  }
  absl::Status DeleteSchedule(std::string_view name) override {
    return CallOk("DELETE", "/api/scheduler/schedules/" + Escape(name));
  }
  absl::StatusOr<std::vector<int64_t>> NextScheduleTimes(std::string_view name,
                                                         size_t count) override {
    absl::StatusOr<Value> list = CallJson(
        "GET", absl::StrCat("/api/weft/schedules/", Escape(name), "/next?limit=", count));
    if (!list.ok()) return list.status();
    std::vector<int64_t> out;
    if (!list->is_list()) return out;
    for (const Value& t : list->as_list()) {
      if (t.is_int()) out.push_back(t.as_int());
    }
    return out;
  }
  // The metadata API is served as Conductor's /api/metadata endpoints, not through this client.
  absl::StatusOr<DeployedWorkflow> RegisterVersion(const VersionRegistration&) override {
    return Remote("registering a WorkflowDef");
  }
  absl::Status RetireVersion(std::string_view, uint32_t) override {
    return Remote("unregistering a version");
  }
  absl::StatusOr<std::vector<VersionInfo>> AllVersions() override {
    return Remote("listing every version");
  }
  absl::Status SetAlias(const VersionAlias& alias) override {
    Value body = AliasToJson(alias);
    return CallOk("PUT", AliasPath(alias.workflow, alias.name), body.ToJson());
  }
  absl::Status DeleteAlias(std::string_view workflow, std::string_view name) override {
    return CallOk("DELETE", AliasPath(workflow, name));
  }
  absl::StatusOr<std::vector<VersionAlias>> Aliases(std::string_view workflow) override {
    absl::StatusOr<Value> list =
        CallJson("GET", workflow.empty() ? std::string("/api/weft/aliases")
                                         : "/api/weft/workflows/" + Escape(workflow) + "/aliases");
    if (!list.ok()) return list.status();
    if (!list->is_list()) return absl::InternalError("the server's alias list is not a list");
    std::vector<VersionAlias> out;
    for (const Value& v : list->as_list()) {
      absl::StatusOr<VersionAlias> alias = AliasFromJson(v);
      if (!alias.ok()) return alias.status();
      out.push_back(*std::move(alias));
    }
    return out;
  }
  static std::string AliasPath(std::string_view workflow, std::string_view name) {
    return "/api/weft/workflows/" + Escape(workflow) + "/aliases/" + Escape(name);
  }
  // Version lifecycle (routes_versions.cc).
  absl::Status DeleteVersion(std::string_view workflow, uint32_t version) override {
    return CallOk("DELETE",
                  absl::StrCat("/api/weft/workflows/", Escape(workflow), "/versions/", version));
  }
  absl::StatusOr<std::vector<CollectedVersion>> CollectVersions(std::string_view workflow,
                                                                bool dry_run) override {
    absl::StatusOr<Value> list =
        CallJson("POST", absl::StrCat("/api/weft/versions/gc?workflow=", Escape(workflow),
                                      "&dryRun=", dry_run ? "true" : "false"));
    if (!list.ok()) return list.status();
    return CollectedFromJson(*list);
  }
  absl::Status PutTaskDefs(const std::vector<TaskDefinition>&) override {
    return Remote("task definitions");
  }
  absl::StatusOr<TaskDefinition> GetTaskDef(std::string_view) override {
    return Remote("task definitions");
  }
  absl::StatusOr<std::vector<TaskDefinition>> ListTaskDefs() override {
    return Remote("task definitions");
  }
  absl::Status DeleteTaskDef(std::string_view) override { return Remote("task definitions"); }
  // Event handlers: Conductor's /api/event, and Weft's /api/weft/events/{name}[/messages].
  absl::StatusOr<EventHandlerInfo> CreateEventHandler(const Value& definition,
                                                      bool replace) override {
    if (absl::Status s = CallOk(replace ? "PUT" : "POST", "/api/event", definition.ToJson());
        !s.ok()) {
      return s;
    }
    const Value* name = definition.is_object() ? definition.as_object().Find("name") : nullptr;
    return GetEventHandler(name != nullptr && name->is_string() ? name->as_string() : "");
  }
  absl::StatusOr<EventHandlerInfo> GetEventHandler(std::string_view name) override {
    absl::StatusOr<Value> h = CallJson("GET", "/api/weft/events/" + Escape(name));
    if (!h.ok()) return h.status();
    return EventHandlerFromJson(*h);
  }
  absl::StatusOr<std::vector<EventHandlerInfo>> ListEventHandlers() override {
    absl::StatusOr<Value> list = CallJson("GET", "/api/event");
    if (!list.ok()) return list.status();
    std::vector<EventHandlerInfo> out;
    if (!list->is_list()) return out;
    for (const Value& v : list->as_list()) {
      absl::StatusOr<EventHandlerInfo> h = EventHandlerFromJson(v);
      if (!h.ok()) return h.status();
      out.push_back(*std::move(h));
    }
    return out;
  }
  absl::Status DeleteEventHandler(std::string_view name) override {
    return CallOk("DELETE", "/api/event/" + Escape(name));
  }
  absl::StatusOr<std::vector<EventMessage>> ListEventMessages(std::string_view handler,
                                                              size_t limit) override {
    absl::StatusOr<Value> list = CallJson(
        "GET", absl::StrCat("/api/weft/events/", Escape(handler), "/messages?limit=", limit));
    if (!list.ok()) return list.status();
    std::vector<EventMessage> out;
    if (!list->is_list()) return out;
    for (const Value& v : list->as_list()) {
      absl::StatusOr<EventMessage> m = EventMessageFromJson(v);
      if (!m.ok()) return m.status();
      out.push_back(*std::move(m));
    }
    return out;
  }
  EngineStats Stats() const override { return {}; }

  // --- Live migration: /api/weft/check-migration, .../migrate (routes_migrate.cc) ----------
  absl::StatusOr<MigrationCheck> CheckMigration(std::string_view file_name,
                                                std::string_view source) override {
    absl::StatusOr<HttpResult> r = Send(
        "POST", "/api/weft/check-migration?name=" + Escape(file_name), std::string(source),
        "text/plain");
    if (!r.ok()) return r.status();
    // A source with errors is a 400 that still carries the check, with the diagnostics.
    absl::StatusOr<Value> json = Value::FromJson(r->body);
    const bool with_check = json.ok() && Field(*json, "versions").is_list();
    if (r->status == 200 || (r->status == 400 && with_check)) {
      if (!json.ok()) return json.status();
      return MigrationCheckFromJson(*json);
    }
    return absl::Status(r->status >= 400 ? CodeOf(r->status) : absl::StatusCode::kInternal,
                        json.ok() ? StringField(*json, "message") : r->body);
  }
  absl::StatusOr<MigrationResult> MigrateExecution(std::string_view id, uint32_t to_version,
                                                   bool dry_run) override {
    absl::StatusOr<Value> r = CallJson("POST", absl::StrCat("/api/weft/executions/", Escape(id),
                                                           "/migrate?", MigrateQuery(to_version, dry_run)));
    if (!r.ok()) return r.status();
    return MigrationResultFromJson(*r);
  }
  absl::StatusOr<std::vector<MigrationResult>> MigrateExecutions(std::string_view workflow,
                                                                 uint32_t from_version,
                                                                 uint32_t to_version,
                                                                 bool dry_run) override {
    absl::StatusOr<Value> r =
        CallJson("POST", absl::StrCat("/api/weft/workflows/", Escape(workflow), "/migrate?from=",
                                      from_version, "&", MigrateQuery(to_version, dry_run)));
    if (!r.ok()) return r.status();
    return MigrationResultsFromJson(*r);
  }
  static std::string MigrateQuery(uint32_t to_version, bool dry_run) {
    std::string query = absl::StrCat("dryRun=", dry_run ? "true" : "false");
    if (to_version != 0) absl::StrAppend(&query, "&to=", to_version);
    return query;
  }

 private:
  static ExecutionInfo ExecutionFrom(const Value& w) {
    ExecutionInfo info;
    info.id = StringField(w, "workflowId");
    info.workflow = StringField(w, "workflowName");
    info.version = static_cast<uint32_t>(IntField(w, "workflowVersion"));
    const std::string status = StringField(w, "status");
    info.status = status == "TIMED_OUT"
                      ? ExecutionStatus::kFailed
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

  static TaskInfo TaskFrom(const Value& t) {
    TaskInfo info;
    info.id = StringField(t, "taskId");
    info.execution_id = StringField(t, "workflowInstanceId");
    info.type = StringField(t, "taskType");
    info.input = Field(t, "inputData");
    info.attempt = static_cast<uint32_t>(IntField(t, "retryCount") + 1);
    const std::string status = StringField(t, "status");
    info.status = status == "IN_PROGRESS"   ? TaskStatus::kInProgress
                  : status == "COMPLETED"   ? TaskStatus::kCompleted
                  : status == "CANCELED"    ? TaskStatus::kCanceled
                  : status == "SCHEDULED"   ? TaskStatus::kScheduled
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

  const std::string url_;
  const std::string token_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<Engine>> ConnectRemote(const std::string& url,
                                                      const std::string& token) {
  std::string base = url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  auto engine = std::make_unique<RemoteEngine>(base, token);
  if (absl::StatusOr<HttpResult> health = engine->Call("GET", "/health"); !health.ok()) {
    return health.status();
  }
  return std::unique_ptr<Engine>(std::move(engine));
}

std::optional<std::string> ServedUrl(const std::string& store) {
  std::ifstream in(store + "/serve.json");
  if (!in) return std::nullopt;
  std::stringstream text;
  text << in.rdbuf();
  absl::StatusOr<Value> v = Value::FromJson(text.str());
  if (!v.ok()) return std::nullopt;
  std::string url = StringField(*v, "url");
  if (url.empty()) return std::nullopt;
  return url;
}

}  // namespace weft::server
