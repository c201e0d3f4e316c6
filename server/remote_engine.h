// The Engine behind ConnectRemote (client.h), shared by the client's files: the class with
// its HTTP transport, and the helpers that read the server's JSON back. The transport and the
// operations that are not served live in client.cc; each family of served operations in its
// own client_*.cc.
#ifndef WEFT_SERVER_REMOTE_ENGINE_H_
#define WEFT_SERVER_REMOTE_ENGINE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "weft/engine.h"
#include "weft/value.h"

namespace weft::server::remote {

struct HttpResult {
  long status = 0;
  std::string body;
};

// `text` escaped for a URL's path or query.
std::string Escape(std::string_view text);
// The absl code an HTTP error status stands for.
absl::StatusCode CodeOf(long http);
// A field of a JSON object: null, 0 or "" when `v` is not an object or has no such field (or,
// for IntField and StringField, one of another type).
Value Field(const Value& v, std::string_view key);
int64_t IntField(const Value& v, std::string_view key);
std::string StringField(const Value& v, std::string_view key);

// Each element of `list` decoded by `decode`, which answers a T or an absl::StatusOr<T> (then
// the first error is the answer); no elements when `list` is not a list.
template <typename T, typename Decode>
absl::StatusOr<std::vector<T>> DecodeList(const Value& list, Decode decode) {
  std::vector<T> out;
  if (!list.is_list()) return out;
  for (const Value& v : list.as_list()) {
    if constexpr (std::is_same_v<std::invoke_result_t<Decode, const Value&>, absl::StatusOr<T>>) {
      absl::StatusOr<T> item = decode(v);
      if (!item.ok()) return item.status();
      out.push_back(*std::move(item));
    } else {
      out.push_back(decode(v));
    }
  }
  return out;
}
// The same of a reply (CallJson): its error when the call failed.
template <typename T, typename Decode>
absl::StatusOr<std::vector<T>> DecodeList(const absl::StatusOr<Value>& reply, Decode decode) {
  if (!reply.ok()) return reply.status();
  return DecodeList<T>(*reply, decode);
}

class RemoteEngine final : public Engine {
 public:
  RemoteEngine(std::string url, std::string token) : url_(std::move(url)), token_(std::move(token)) {}

  // --- Transport (client.cc) ----------------------------------------------------------------

  // One request; an error status only when the server cannot be reached.
  absl::StatusOr<HttpResult> Send(const std::string& method, const std::string& path,
                                  const std::string& body = "",
                                  const std::string& content_type = "application/json");
  // One request; a status of 400 and above is the error it stands for, with its message.
  absl::StatusOr<HttpResult> Call(const std::string& method, const std::string& path,
                                  const std::string& body = "",
                                  const std::string& content_type = "application/json");
  absl::StatusOr<Value> CallJson(const std::string& method, const std::string& path,
                                 const std::string& body = "");
  absl::Status CallOk(const std::string& method, const std::string& path, const std::string& body = "");
  // Unimplemented: `what` is done where the store is, not through the server.
  static absl::Status Remote(std::string_view what);

  // --- Deploying, versions, aliases and task definitions (client_definitions.cc) ------------

  absl::StatusOr<std::vector<DeployedWorkflow>> Deploy(std::string_view source_path,
                                                       std::string_view source) override;
  absl::StatusOr<std::vector<DeployedWorkflow>> DeployFile(const std::string& path) override;
  absl::StatusOr<std::vector<VersionInfo>> Versions(std::string_view workflow) override;
  absl::StatusOr<std::vector<VersionInfo>> Workflows() override;
  absl::StatusOr<std::string> Bytecode(std::string_view, uint32_t) override;
  absl::StatusOr<DeployedWorkflow> RegisterVersion(const VersionRegistration&) override;
  absl::Status RetireVersion(std::string_view, uint32_t) override;
  absl::StatusOr<std::vector<VersionInfo>> AllVersions() override;
  absl::Status SetAlias(const VersionAlias& alias) override;
  absl::Status DeleteAlias(std::string_view workflow, std::string_view name) override;
  absl::StatusOr<std::vector<VersionAlias>> Aliases(std::string_view workflow) override;
  absl::Status DeleteVersion(std::string_view workflow, uint32_t version) override;
  absl::StatusOr<std::vector<CollectedVersion>> CollectVersions(std::string_view workflow,
                                                                bool dry_run) override;
  absl::Status PutTaskDefs(const std::vector<TaskDefinition>&) override;
  absl::StatusOr<TaskDefinition> GetTaskDef(std::string_view) override;
  absl::StatusOr<std::vector<TaskDefinition>> ListTaskDefs() override;
  absl::Status DeleteTaskDef(std::string_view) override;

  // --- Executions and their control (client_executions.cc) ----------------------------------

  absl::StatusOr<std::string> Start(std::string_view workflow, const Value& input,
                                    const StartOptions& options) override;
  absl::StatusOr<std::string> StartAsync(std::string_view, const Value&, ExecutionCallback,
                                         const StartOptions&) override;
  std::vector<absl::StatusOr<std::string>> StartBatch(std::string_view workflow,
                                                      const std::vector<Value>& inputs, ExecutionCallback,
                                                      const StartOptions& options) override;
  absl::StatusOr<ExecutionInfo> GetExecution(std::string_view id) override;
  absl::StatusOr<std::vector<ExecutionInfo>> ListExecutions(std::optional<ExecutionStatus> status,
                                                            size_t limit) override;
  absl::StatusOr<ExecutionPage> SearchExecutions(const ExecutionQuery& q) override;
  absl::Status RemoveExecution(std::string_view id) override;
  absl::StatusOr<std::vector<HistoryEvent>> History(std::string_view id) override;
  absl::StatusOr<std::vector<TaskInfo>> Tasks(std::string_view execution_id) override;
  absl::StatusOr<TaskInfo> GetTask(std::string_view task_id) override;
  absl::Status Signal(std::string_view id, std::string_view name, Value payload) override;
  absl::Status Terminate(std::string_view id, std::string_view reason) override;
  absl::Status Pause(std::string_view id) override;
  absl::Status Resume(std::string_view id) override;
  absl::Status Retry(std::string_view id) override;
  absl::Status Restart(std::string_view id) override;

  // --- Live migration (client_migration.cc) -------------------------------------------------

  absl::StatusOr<MigrationCheck> CheckMigration(std::string_view file_name, std::string_view source) override;
  absl::StatusOr<MigrationResult> MigrateExecution(std::string_view id, uint32_t to_version,
                                                   bool dry_run) override;
  absl::StatusOr<std::vector<MigrationResult>> MigrateExecutions(std::string_view workflow,
                                                                 uint32_t from_version, uint32_t to_version,
                                                                 bool dry_run) override;

  // --- Schedules and event handlers (client_schedules_events.cc) ----------------------------

  absl::StatusOr<Schedule> CreateSchedule(const Schedule& schedule, bool replace) override;
  absl::StatusOr<Schedule> GetSchedule(std::string_view name) override;
  absl::StatusOr<std::vector<Schedule>> ListSchedules() override;
  absl::Status PauseSchedule(std::string_view name) override;
  absl::Status ResumeSchedule(std::string_view name) override;
  absl::Status DeleteSchedule(std::string_view name) override;
  absl::StatusOr<std::vector<int64_t>> NextScheduleTimes(std::string_view name, size_t count) override;
  absl::StatusOr<EventHandlerInfo> CreateEventHandler(const Value& definition, bool replace) override;
  absl::StatusOr<EventHandlerInfo> GetEventHandler(std::string_view name) override;
  absl::StatusOr<std::vector<EventHandlerInfo>> ListEventHandlers() override;
  absl::Status DeleteEventHandler(std::string_view name) override;
  absl::StatusOr<std::vector<EventMessage>> ListEventMessages(std::string_view handler,
                                                              size_t limit) override;

  // --- Not served: run where the store is (client.cc) ---------------------------------------

  absl::StatusOr<ExecutionInfo> AwaitExecution(std::string_view, absl::Duration) override;
  void RegisterWorker(std::string, TaskHandler, int) override {}
  absl::Status StartWorkers() override;
  void StopWorkers() override {}
  absl::StatusOr<std::optional<LeasedTask>> PollTask(std::string_view, std::string_view,
                                                     std::string_view = {}) override;
  absl::Status CompleteTask(std::string_view, std::string_view, Value, uint32_t) override;
  absl::Status FailTask(std::string_view, std::string_view, std::string, Value, bool, uint32_t) override;
  absl::Status Heartbeat(std::string_view, std::string_view, Value, uint32_t) override;
  void SubmitTaskResult(std::string_view, std::string_view, TaskOutcome, uint32_t,
                        ResultCallback done) override;
  void SetTaskReadyListener(TaskReadyListener) override {}
  std::vector<QueueDepth> QueueDepths() const override { return {}; }
  absl::Status AddTaskLogs(std::string_view, std::vector<std::string>) override;
  absl::StatusOr<std::vector<TaskLog>> TaskLogs(std::string_view) override;
  absl::StatusOr<PruneResult> Prune(const PruneOptions&) override;
  EngineStats Stats() const override { return {}; }

 private:
  const std::string url_;
  const std::string token_;
};

}  // namespace weft::server::remote

#endif  // WEFT_SERVER_REMOTE_ENGINE_H_
