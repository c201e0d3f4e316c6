// Transitions: the only code that changes an execution. Each applies one event (a start, a
// task result, an expired lease) inside the caller's write transaction: read the checkpoint,
// apply the event, run the VM until it suspends or ends, write the new checkpoint, task
// records, queue entries and history. The caller (the group-commit writer) commits many
// transitions at once; since LMDB commits atomically, a crash leaves each execution either
// before or after a transition, never in between.
//
// Each family lives in its own file under engine/transitions/ (live_cache, requests, tasks,
// timers, children, control, quarantine); internal.h is what they share.
//
// An Apply function validates and reads before it writes. Errors about the command itself
// (unknown task, result for a finished task) are returned without having written anything
// that matters for correctness; any other error means the transaction must be aborted.
#ifndef WEFT_ENGINE_TRANSITIONS_H_
#define WEFT_ENGINE_TRANSITIONS_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "engine/commands.h"
#include "engine/program_cache.h"
#include "engine/ulid.h"
#include "storage/execution_store.h"
#include "storage/lmdb.h"
#include "weft/engine.h"
#include "weft/value.h"

namespace weft::engine {

class LiveCache;
struct DeleteLiveCache {
  void operator()(LiveCache* cache) const;
};
std::unique_ptr<LiveCache, DeleteLiveCache> NewLiveCache();
// Forgets every execution the cache holds: after a batch that did not commit (its decoded
// states may be ahead of the store), or after rows were changed outside the transitions.
void ForgetLiveCache(LiveCache& cache);

struct TransitionEnv {
  storage::Txn& txn;
  storage::ExecutionStore& store;  // the rows of executions, over `txn`
  int64_t now_ms;
  ProgramCache& programs;
  UlidGenerator& ids;
  Effects& effects;
  // Whether a worker holds the task (schedule_timeout fires only for tasks nobody took).
  std::function<bool(std::string_view task_id)> is_started;
  // The decoded executions (internal.h): loaded by this batch, or kept from earlier batches
  // that committed (a write-through cache). FlushLiveCache writes what the batch changed.
  LiveCache* cache = nullptr;
  const EngineLimits* limits = &kDefaultLimits;
  // Executions whose commands are refused (FailedPrecondition): quarantined after a fault.
  const absl::flat_hash_set<std::string>* quarantined = nullptr;
  // The first execution the current command loaded or started: the one a fault is laid on.
  std::string primary;
  // When the engine opened: a schedule's slot before it was missed (CatchUpPolicy).
  int64_t opened_ms = 0;
  // Whether a worker polled `domain` for tasks of `type` lately (TaskDomainFor); empty: none did.
  std::function<bool(std::string_view type, std::string_view domain)> domain_active;
};

// Writes every execution state the batch changed (one checkpoint encoding each). The cache
// keeps the running ones decoded for the next batches (up to a bound); call ForgetLiveCache
// if the batch then fails to commit. Call once per batch, before the commit.
absl::Status FlushLiveCache(TransitionEnv& env);

absl::Status ApplyStart(TransitionEnv& env, const StartCommand& cmd);
// Records a delivery: the task IN_PROGRESS under it, and TASK_STARTED. A take for a task
// that finished meanwhile, or for an older delivery than the task's, changes nothing.
absl::Status ApplyTaskTaken(TransitionEnv& env, const TaskTakenCommand& cmd);
// A result for a task that has already finished, or that answers a delivery other than the
// task's current one, is recorded as TASK_RESULT_IGNORED and comes back as
// FailedPrecondition; nothing else changes.
absl::Status ApplyTaskResult(TransitionEnv& env, const TaskResultCommand& cmd);
absl::Status ApplyLeaseExpired(TransitionEnv& env, const LeaseExpiredCommand& cmd);
// A timer whose key is gone (its wait ended another way) is ignored.
absl::Status ApplyTimerFired(TransitionEnv& env, const TimerFiredCommand& cmd);
absl::Status ApplySignal(TransitionEnv& env, const SignalCommand& cmd);
// Creates, replaces, pauses, resumes or deletes a schedule with its timer. NotFound,
// AlreadyExists and InvalidArgument describe the command.
absl::Status ApplyScheduleChange(TransitionEnv& env, const ScheduleCommand& cmd);
// Applies an event handler's message and records it (storage/events.h), in the caller's
// transaction: AlreadyExists when the message is recorded already (nothing is done). An
// action that cannot be carried out (a workflow not deployed, an execution gone) is that
// action's outcome in the record, not an error of the command.
absl::Status ApplyEvent(TransitionEnv& env, const EventCommand& cmd);
// Stores or deletes a handler: AlreadyExists (create without replace) or NotFound (delete).
absl::Status ApplyEventHandlerChange(TransitionEnv& env, const EventHandlerCommand& cmd);
// Deletes the outbox rows of messages NATS acknowledged (transitions/publish.cc).
absl::Status ApplyOutboxSent(TransitionEnv& env, const OutboxSentCommand& cmd);
// Applies the handled messages of Conductor's internal queues (each as ApplyEvent; one recorded
// before is skipped) and deletes their outbox rows, in the caller's transaction.
absl::Status ApplyLocalEvents(TransitionEnv& env, const LocalEventsCommand& cmd);
absl::Status ApplyHeartbeat(TransitionEnv& env, const HeartbeatCommand& cmd);
// FailedPrecondition when the command does not fit the execution's status.
absl::Status ApplyControl(TransitionEnv& env, const ControlCommand& cmd);
absl::Status ApplyMigrate(TransitionEnv& env, const MigrateCommand& cmd);  // transitions/migrate.cc
// Takes an execution out of service after a fault its records or its transition caused,
// without loading its state: marks it FAILED with a QUARANTINED error (unless it had ended),
// records EXECUTION_QUARANTINED, withdraws its tasks, waits and timers, and resumes its
// parent with CHILD_FAILED. Works on whatever of its rows still decode.
absl::Status ApplyQuarantine(TransitionEnv& env, std::string_view id, std::string_view reason);

}  // namespace weft::engine

#endif  // WEFT_ENGINE_TRANSITIONS_H_
