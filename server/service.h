// The transport-free service layer of `weft serve`: every operation a client may ask of a
// served store (start, poll, update, read, control, deploy, metadata), in Weft's own terms
// (weft::Value, TaskInfo, ExecutionInfo, absl::Status). The REST handlers (routes_*.cc) turn
// HTTP requests into calls here and the answers into Conductor's JSON; a gRPC transport or the
// CLI's client mode would call the same methods.
//
// Threading: methods that end in a callback never block: the callback runs later on the
// service's executor (the server's I/O thread). Every other method may block on the store or a
// commit and is run on the server's blocking pool. Long polls hold no thread: a waiter per
// poll sits in a list per task type with a timer; the engine's TaskReadyListener wakes the
// list when tasks of that type are queued.
#ifndef WEFT_SERVER_SERVICE_H_
#define WEFT_SERVER_SERVICE_H_

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "server/limits.h"
#include "server/poll_limits.h"
#include "weft/engine.h"

namespace weft::server {

// A worker's report on a task (Conductor's TaskResult).
enum class UpdateKind { kCompleted, kFailed, kFailedTerminal, kInProgress };

struct TaskUpdate {
  std::string task_id;
  std::string worker_id;
  UpdateKind kind = UpdateKind::kCompleted;
  Value output;
  std::string reason;
  std::vector<std::string> logs;
  // IN_PROGRESS only: hand the task out again (to the next poll of its type) after this many
  // seconds, as Conductor does; 0 = keep it with this worker.
  int64_t callback_after_s = 0;
};

// What became of an update. `applied` is false when the result was ignored (the task had
// finished, or the delivery was stale): the engine recorded it, Conductor answers it as OK.
struct UpdateResult {
  bool applied = true;
  bool terminal = false;  // the task reached an end state (not IN_PROGRESS)
  std::string task_type;
  std::string domain;  // the task's domain: update-v2 polls the same queue for the next one
};

struct PollData {
  std::string task_type;
  std::string domain;  // empty: a poll without a domain
  std::string worker_id;
  int64_t last_poll_ms = 0;
};

// The step-latency histogram kept for /metrics: from a task's take to its result, in ms.
struct LatencyHistogram {
  static constexpr double kBucketsMs[] = {1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 5000, 30000};
  static constexpr size_t kBuckets = sizeof(kBucketsMs) / sizeof(kBucketsMs[0]);
  std::atomic<uint64_t> counts[kBuckets + 1] = {};  // the last one is +Inf
  std::atomic<uint64_t> sum_us{0};
  std::atomic<uint64_t> total{0};
  void Observe(double ms);
};

// One deployed version and the parameters its input is checked against.
struct DefinitionParam {
  std::string name;
  std::string type;  // as the language spells it: "any", "string", "int", ...
  bool has_default = false;
  Value default_value;
};
struct Definition {
  VersionInfo version;
  std::vector<DefinitionParam> params;
  std::optional<std::string> source;  // nullopt: not kept (deployed before store format 6)
};

class Service {
 public:
  using TasksCallback = std::function<void(absl::StatusOr<std::vector<TaskInfo>>)>;
  using UpdateCallback = std::function<void(absl::StatusOr<UpdateResult>)>;

  // REQUIRES: `engine`, `io` and `blocking` outlive the service. Installs the engine's
  // TaskReadyListener. `blocking` runs what must wait (a heartbeat's commit).
  Service(Engine& engine, boost::asio::io_context& io, boost::asio::thread_pool& blocking,
          ServerLimits limits);
  ~Service();
  Service(const Service&) = delete;
  Service& operator=(const Service&) = delete;

  Engine& engine() { return engine_; }

  // --- Tasks --------------------------------------------------------------------------------
  // Takes up to `count` tasks of `type` queued in `domain` (empty: those without a domain)
  // for `worker_id`, waiting up to `timeout_ms` (clamped to ServerLimits::max_poll_timeout_ms)
  // for the first one. A type at its TaskDef's concurrentExecLimit or rateLimitPerFrequency
  // (over all its domains) gets nothing more (poll_limits.h). Answers with what it got, maybe
  // nothing. Call on the executor's thread.
  void Poll(std::string type, std::string domain, std::string worker_id, int count,
            int64_t timeout_ms, TasksCallback done);
  // Applies a worker's report without blocking; `done` runs on the executor.
  void Update(TaskUpdate update, UpdateCallback done);
  absl::StatusOr<TaskInfo> GetTask(std::string_view task_id);
  // Task logs, kept in the store (Engine::AddTaskLogs, TaskLogs; EngineLimits bound them).
  // Both block on the store: call them on the blocking pool.
  absl::StatusOr<std::vector<TaskLog>> TaskLogs(std::string_view task_id);
  absl::Status AddTaskLog(std::string_view task_id, std::string line);
  std::vector<PollData> PollDataFor(std::string_view type);
  std::vector<QueueDepth> QueueDepths() const { return engine_.QueueDepths(); }

  // --- Executions ---------------------------------------------------------------------------
  // The id of the execution started, or, with an idempotency key and RETURN_EXISTING, of the
  // one that holds the key.
  absl::StatusOr<std::string> Start(std::string_view workflow, const Value& input,
                                    const StartOptions& options);
  absl::StatusOr<ExecutionInfo> GetExecution(std::string_view id);
  absl::StatusOr<std::vector<TaskInfo>> Tasks(std::string_view id);
  absl::StatusOr<std::vector<HistoryEvent>> History(std::string_view id);
  absl::StatusOr<std::vector<ExecutionInfo>> List(std::optional<ExecutionStatus> status,
                                                  size_t limit);
  // Search, from the store's indexes (storage/search_index.h).
  absl::StatusOr<ExecutionPage> Search(const ExecutionQuery& query);
  // The executions of `workflow` with `correlation_id`, newest first; only those still
  // RUNNING or PAUSED unless `include_closed`.
  absl::StatusOr<std::vector<ExecutionInfo>> Correlated(std::string_view workflow,
                                                        std::string_view correlation_id,
                                                        bool include_closed);
  // The ids of the RUNNING and PAUSED executions of `workflow` (of `version` when not 0,
  // created within [start_ms, end_ms] when those are not 0), newest first.
  absl::StatusOr<std::vector<std::string>> Running(std::string_view workflow, uint32_t version,
                                                   int64_t start_ms, int64_t end_ms);
  // Deletes a finished execution with all its rows (Engine::RemoveExecution).
  absl::Status Remove(std::string_view id);
  absl::Status Signal(std::string_view id, std::string_view name, Value payload);
  absl::Status Terminate(std::string_view id, std::string_view reason);
  absl::Status Pause(std::string_view id);
  absl::Status Resume(std::string_view id);
  absl::Status Retry(std::string_view id);
  absl::Status Restart(std::string_view id);

  // --- Definitions --------------------------------------------------------------------------
  absl::StatusOr<std::vector<DeployedWorkflow>> Deploy(std::string_view source_name,
                                                       std::string_view source);
  absl::StatusOr<std::vector<VersionInfo>> Versions(std::string_view workflow);
  // Version aliases (Engine::SetAlias, DeleteAlias, Aliases). They block on the store.
  absl::Status SetAlias(const VersionAlias& alias) { return engine_.SetAlias(alias); }
  absl::Status DeleteAlias(std::string_view workflow, std::string_view name) {
    return engine_.DeleteAlias(workflow, name);
  }
  absl::StatusOr<std::vector<VersionAlias>> Aliases(std::string_view workflow) {
    return engine_.Aliases(workflow);
  }
  // Version lifecycle (Engine::DeleteVersion, CollectVersions). They block on the store.
  absl::Status DeleteVersion(std::string_view workflow, uint32_t version) {
    return engine_.DeleteVersion(workflow, version);
  }
  absl::StatusOr<std::vector<CollectedVersion>> CollectVersions(std::string_view workflow,
                                                                bool dry_run) {
    return engine_.CollectVersions(workflow, dry_run);
  }
  // The latest version of every deployed workflow.
  absl::StatusOr<std::vector<VersionInfo>> Workflows() { return engine_.Workflows(); }
  // Live migration (Engine::CheckMigration, MigrateExecution, MigrateExecutions). They block:
  // a move is a command of the engine's single writer, as every transition is.
  absl::StatusOr<MigrationCheck> CheckMigration(std::string_view file, std::string_view source) {
    return engine_.CheckMigration(file, source);
  }
  absl::StatusOr<MigrationResult> Migrate(std::string_view id, uint32_t to_version, bool dry_run) {
    return engine_.MigrateExecution(id, to_version, dry_run);
  }
  absl::StatusOr<std::vector<MigrationResult>> MigrateGroup(std::string_view workflow,
                                                            uint32_t from_version,
                                                            uint32_t to_version, bool dry_run) {
    return engine_.MigrateExecutions(workflow, from_version, to_version, dry_run);
  }
  // One version with its parameters (from its bytecode). NotFound when it does not exist.
  absl::StatusOr<Definition> GetDefinition(std::string_view workflow, uint32_t version);

  // --- Conductor metadata (service_metadata.cc; docs/server.md, "Metadata") ----------------
  // Task definitions, as Conductor's MetadataService keeps them. RegisterTaskDefs creates or
  // replaces each TaskDef of a list (Conductor's defaults filled in, createTime set), all in
  // one transaction; UpdateTaskDef replaces an existing one (NotFound otherwise), keeping its
  // createTime and setting updateTime. A TaskDef that fails Conductor's validation is an
  // InvalidArgument whose payload kValidationErrorsPayload holds Conductor's validationErrors
  // (a JSON list of {path, message, invalidValue}).
  absl::Status RegisterTaskDefs(const Value& defs);
  absl::Status UpdateTaskDef(const Value& def);
  absl::StatusOr<Value> GetTaskDef(std::string_view name);
  absl::StatusOr<Value> ListTaskDefs();
  absl::Status DeleteTaskDef(std::string_view name);
  // Workflow definitions. Registering translates the WorkflowDef (conductor/workflow_def.h,
  // with the stored TaskDefs and the latest registered WorkflowDef of each child) and records
  // its workflow as the WorkflowDef's version (Engine::RegisterVersion). InvalidArgument (with
  // the violations as above, or naming the task reference and field the translation refuses),
  // AlreadyExists for a version registered with other content unless `overwrite`.
  absl::Status RegisterWorkflowDef(const Value& def, bool overwrite);
  // Conductor's PUT: each WorkflowDef registered with overwrite; a BulkResponse.
  Value UpdateWorkflowDefs(const weft::List& defs);
  // The WorkflowDef as registered (with createTime), or, for a version deployed from .wf
  // source, DescribeAsWorkflowDef. nullopt version: the latest live one. NotFound.
  absl::StatusOr<Value> GetWorkflowDef(std::string_view name, std::optional<uint32_t> version);
  // Every live version of every workflow.
  absl::StatusOr<Value> ListWorkflowDefs();
  absl::Status DeleteWorkflowDef(std::string_view name, uint32_t version);
  // Everything RegisterWorkflowDef checks, without recording anything.
  absl::Status ValidateWorkflowDef(const Value& def);
  // --- Schedules (docs/schedules.md): the engine's API, one call each ------------------------
  absl::StatusOr<Schedule> SaveSchedule(const Schedule& schedule, bool replace);
  absl::StatusOr<Schedule> GetSchedule(std::string_view name);
  // Every schedule, or those of `workflow` when it is not empty.
  absl::StatusOr<std::vector<Schedule>> ListSchedules(std::string_view workflow);
  absl::Status PauseSchedule(std::string_view name);
  absl::Status ResumeSchedule(std::string_view name);
  absl::Status DeleteSchedule(std::string_view name);
  absl::StatusOr<std::vector<int64_t>> NextScheduleTimes(std::string_view name, size_t count);

  // --- Event handlers (docs/events.md): the engine's API, one call each ---------------------
  absl::StatusOr<EventHandlerInfo> SaveEventHandler(const Value& definition, bool replace) {
    return engine_.CreateEventHandler(definition, replace);
  }
  absl::StatusOr<EventHandlerInfo> GetEventHandler(std::string_view name) {
    return engine_.GetEventHandler(name);
  }
  absl::StatusOr<std::vector<EventHandlerInfo>> ListEventHandlers() {
    return engine_.ListEventHandlers();
  }
  absl::Status DeleteEventHandler(std::string_view name) {
    return engine_.DeleteEventHandler(name);
  }
  absl::StatusOr<std::vector<EventMessage>> ListEventMessages(std::string_view handler,
                                                              size_t limit) {
    return engine_.ListEventMessages(handler, limit);
  }

  // --- Monitoring ---------------------------------------------------------------------------
  const LatencyHistogram& step_latency() const { return latency_; }
  uint64_t polls() const { return polls_.load(); }
  uint64_t updates_ignored() const { return updates_ignored_.load(); }
  size_t waiting_polls() const;

  // Answers every waiting poll now (with nothing) and stops taking new ones: for shutdown.
  void Drain();

 private:
  struct Waiter {
    std::string type;
    std::string domain;
    std::string worker_id;
    int count = 1;
    TasksCallback done;
    std::unique_ptr<boost::asio::steady_timer> timer;
    bool answered = false;
  };
  using WaiterPtr = std::shared_ptr<Waiter>;

  // Takes up to `count` tasks now (never blocks).
  std::vector<TaskInfo> TakeNow(std::string_view type, std::string_view domain,
                                std::string_view worker_id, int count);
  // `queues`: queue names (TaskQueueName). On the executor.
  void OnTasksReady(const std::vector<std::string>& queues);
  void Answer(const WaiterPtr& waiter, std::vector<TaskInfo> tasks);
  void NotePoll(std::string_view type, std::string_view domain, std::string_view worker_id);
  // callbackAfterSeconds: after `seconds`, the task (if it is still out under the same
  // delivery) goes to the front of its type's callback list, which polls take from first.
  void ScheduleCallback(std::string task_id, int64_t seconds);
  void CallbackDue(const std::string& task_id);

  Engine& engine_;
  boost::asio::io_context& io_;
  boost::asio::thread_pool& blocking_;
  const ServerLimits limits_;
  // Touched only on the executor's thread. By queue name (TaskQueueName).
  absl::flat_hash_map<std::string, std::deque<WaiterPtr>> waiters_;
  bool draining_ = false;
  // Tasks whose callbackAfterSeconds came, by queue name, oldest first; and their timers.
  absl::flat_hash_map<std::string, std::deque<TaskInfo>> callbacks_;
  std::vector<std::unique_ptr<boost::asio::steady_timer>> callback_timers_;

  mutable std::mutex mu_;  // guards what follows
  struct Taken {
    int64_t ms = 0;  // when it was taken
    std::string type;
    uint32_t delivery = 0;  // the delivery handed out (a callback hands the same one again)
    std::string domain;
  };
  absl::flat_hash_map<std::string, Taken> taken_;  // by task id, until its result
  absl::flat_hash_map<std::string, PollData> poll_data_;  // by type \0 domain \0 worker
  std::atomic<size_t> waiting_{0};

  // concurrentExecLimit and rateLimitPerFrequency of the types whose TaskDef sets them.
  PollLimits poll_limits_;

  LatencyHistogram latency_;
  std::atomic<uint64_t> polls_{0};
  std::atomic<uint64_t> updates_ignored_{0};
  // Cleared by the destructor so a listener call racing it does nothing. The listener holds
  // listener_guard_->mu while it posts, so once the destructor has taken it no call is still
  // touching io_.
  struct ListenerGuard {
    std::mutex mu;
  };
  std::shared_ptr<ListenerGuard> listener_guard_ = std::make_shared<ListenerGuard>();
  std::shared_ptr<std::atomic<bool>> alive_ = std::make_shared<std::atomic<bool>>(true);
};

// The current time in ms since the epoch (wall clock).
int64_t NowMs();

// The absl::Status payload that carries Conductor's validationErrors (a JSON list).
inline constexpr std::string_view kValidationErrorsPayload = "weft/conductor-validation-errors";

}  // namespace weft::server

#endif  // WEFT_SERVER_SERVICE_H_
