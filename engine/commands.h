// The commands of the group-commit writer (writer.h): what a caller asks of an execution (a
// start, a task result, a fired timer, a signal, a control command, ...), and what a batch of
// transitions did (Effects), acted on after its commit. The dispatcher, the workers and the
// writer share these types; only the writer applies them (transitions.h).
#ifndef WEFT_ENGINE_COMMANDS_H_
#define WEFT_ENGINE_COMMANDS_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "absl/status/status.h"
#include "engine/program_cache.h"
#include "events/listener.h"
#include "storage/lmdb.h"
#include "storage/records.h"
#include "weft/engine.h"
#include "weft/value.h"

namespace weft::engine {

struct StartCommand {
  std::string execution_id;
  std::string workflow;
  uint32_t version = 0;
  std::string hash;
  ProgramPtr program;
  Value input;              // as given, for inspection
  std::vector<Value> args;  // bound to the parameters (defaults filled)
  uint64_t seed = 0;        // the execution's random generator seed
  std::string parent_id;    // a child's parent; empty for a top-level start
  uint64_t parent_wait = 0; // the parent's wait the child ends; 0 when detached
  uint32_t child_depth = 0; // 0 for a top-level start; the parent's + 1 for a child
  std::string schedule;     // the schedule whose slot this start is; empty when none
  std::string alias;        // the alias the version was picked through; empty when none
  int64_t scheduled_ms = 0; // that slot
  std::string correlation_id;  // StartOptions; a child's is its parent's
  int32_t priority = 0;
  std::string idempotency_key;  // empty: none
  IdempotencyStrategy idempotency_strategy = IdempotencyStrategy::kFail;
  TaskToDomain task_to_domain;  // StartOptions; a SUB_WORKFLOW child's is its parent's
  // kReturnExisting: set to the id of the execution that holds the key when one does (and
  // nothing starts). Written by the writer before the start's answer.
  std::shared_ptr<std::string> existing;
};

// A worker took a task (Dispatcher::TakeLocked): the task becomes IN_PROGRESS under delivery
// `delivery` and TASK_STARTED is recorded. Submitted while the dispatcher's lock is held, so
// takes reach the writer in delivery order and always before that delivery's result.
struct TaskTakenCommand {
  std::string task_id;
  std::string worker_id;
  uint32_t delivery = 0;
  int64_t started_ms = 0;        // the engine clock at the take
  int64_t lease_expires_ms = 0;
  storage::DeliveryKind kind = storage::DeliveryKind::kInProcess;
};

struct TaskResultCommand {
  std::string task_id;
  std::string worker_id;
  // The delivery this result answers; only the task's current delivery is applied. 0 when
  // the submitter cannot tell (an external worker whose lease the engine no longer holds):
  // then the result counts as the current delivery's only if it comes from its worker.
  uint32_t delivery = 0;
  bool ok = true;
  Value value;           // the output when ok, the failure details otherwise
  std::string reason;    // when !ok
  bool terminal = false; // when !ok: never retry this failure
  bool timed_out = false;  // when !ok: the attempt ran out of time (heartbeat, lease)
};

// A durable timer fell due: `key` is its key in the timers table.
struct TimerFiredCommand {
  std::string key;
};

struct SignalCommand {
  std::string execution_id;
  std::string name;
  Value payload;
};

struct HeartbeatCommand {
  std::string task_id;
  Value progress;
  int64_t lease_expires_ms = 0;  // the extended lease, recorded on the task; 0: unchanged
  std::string worker_id;         // who sends it: applied only if it still holds the task
  uint32_t delivery = 0;         // and under this delivery (0: any of its deliveries)
};

enum class ControlKind : uint8_t { kTerminate, kPause, kResume, kRetry, kRestart };

struct ControlCommand {
  std::string execution_id;
  ControlKind kind = ControlKind::kTerminate;
  std::string reason;  // kTerminate
  uint64_t seed = 0;   // kRestart: the new run's random generator seed
};



// A task that became ready; handed to the dispatcher once the transaction commits.
struct ReadyTask {
  std::string task_id;
  std::string execution_id;
  std::string type;
  uint32_t attempt = 1;
  Value input;
  int64_t priority = 0;      // the task policy's; higher first, after workflow_priority
  int64_t heartbeat_ms = 0;  // 0: none
  uint32_t delivery = 0;     // deliveries so far; the next take is delivery + 1
  std::string domain;        // its domain (taskToDomain): it waits in TaskQueueName(type, domain)
  int32_t workflow_priority = 0;  // its execution's priority: higher first (Conductor's)
};

// A delivery ended without a result: its lease expired while the engine ran, or the engine
// found it IN_PROGRESS when it opened. If the task is still IN_PROGRESS under that delivery it
// goes back to SCHEDULED and is handed out again (with the next delivery number).
struct LeaseExpiredCommand {
  std::string task_id;
  std::string worker_id;
  uint32_t delivery = 0;  // the delivery that ended
  ReadyTask task;         // handed out again after the commit when still unfinished
  // Empty: the lease expired while the engine ran (TASK_LEASE_EXPIRED). Otherwise found at
  // open, and why it is handed out again: "engine restarted" or "lease expired"
  // (TASK_REDELIVERED).
  std::string reopen_reason;
};

// Take an execution out of service (ApplyQuarantine): found damaged outside a transition,
// e.g. a task row that does not decode when the store opens.
struct QuarantineCommand {
  std::string execution_id;
  std::string reason;
};

// What a batch of transitions did, acted on only after a successful commit.
struct Effects {
  std::vector<ReadyTask> ready;
  std::vector<std::string> ended;  // executions that completed, failed or were terminated
  std::vector<std::string> canceled;  // tasks withdrawn (their branch or execution ended)
  std::vector<int64_t> timers;        // due times of timers added
  uint64_t checkpoint_bytes = 0;
  uint64_t checkpoints = 0;
  uint64_t results_ignored = 0;
  uint64_t states_loaded = 0;  // execution states read and decoded (EngineStats::states_loaded)
  uint64_t messages_queued = 0;  // outbox rows written by `publish` (the publisher's wake-up)
  uint64_t nats_messages_queued = 0;  // those of them for NATS (not `conductor:` queues)
};

// A change to a schedule (Engine::CreateSchedule, PauseSchedule, ...), applied with its timer
// in one transaction (ApplyScheduleChange). `stored` receives the schedule as written.
struct ScheduleCommand {
  enum class Kind : uint8_t { kCreate, kReplace, kPause, kResume, kDelete };
  Kind kind = Kind::kCreate;
  Schedule schedule;  // kCreate, kReplace: the schedule, checked; otherwise only its name
  std::shared_ptr<Schedule> stored;
};

// Store maintenance that is no execution's transition (Engine::Prune): runs in the batch's
// write transaction after the states loaded so far are flushed, so it may delete any execution
// the batch touched before. Its errors are its own (it touches no execution to quarantine).
struct MaintenanceCommand {
  std::function<absl::Status(storage::Txn& txn, int64_t now_ms)> apply;
};

// A message an event handler received (events/listener.h), applied and recorded in one
// transaction (ApplyEvent). `recorded`, when set, receives the record as written.
struct EventCommand {
  events::HandledMessage message;
  std::shared_ptr<EventMessage> recorded;
};

// A change to an event handler (Engine::CreateEventHandler, DeleteEventHandler): `json` is the
// checked Conductor JSON to store under `name`, or empty to delete it.
struct EventHandlerCommand {
  std::string name;
  std::string json;
  bool replace = false;
};

// JetStream acknowledged these outbox messages (engine/outbox_publisher.h): their rows go.
struct OutboxSentCommand {
  std::vector<std::string> ids;
};

// Messages of Conductor's internal queues (`conductor:...` outbox rows), delivered inside the
// engine (engine/conductor_queue.cc): each handled message is applied and recorded as an
// EventCommand's (one already recorded is skipped), and the rows `ids` are deleted, all in one
// transaction: applied once, and the row goes only with its application.
struct LocalEventsCommand {
  std::vector<std::string> ids;
  std::vector<events::HandledMessage> messages;
};

// Live migration of one execution to `to_version` (0: the latest): planned from its state and
// the state map, applied atomically unless `dry_run` (ApplyMigrate). `result` receives what
// happened.
struct MigrateCommand {
  std::string execution_id;
  uint32_t to_version = 0;
  bool dry_run = false;
  std::shared_ptr<MigrationResult> result;
};

using Command = std::variant<StartCommand, TaskTakenCommand, TaskResultCommand, LeaseExpiredCommand,
                             TimerFiredCommand, SignalCommand, HeartbeatCommand, ControlCommand,
                             QuarantineCommand, MaintenanceCommand, ScheduleCommand, EventCommand,
                             EventHandlerCommand, OutboxSentCommand, LocalEventsCommand,
                             MigrateCommand>;

}  // namespace weft::engine

#endif  // WEFT_ENGINE_COMMANDS_H_
