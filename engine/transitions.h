// Transitions: the only code that changes an execution. Each applies one event (a start, a
// task result, an expired lease) inside the caller's write transaction: read the checkpoint,
// apply the event, run the VM until it suspends or ends, write the new checkpoint, task
// records, queue entries and history. The caller (the group-commit writer) commits many
// transitions at once; since LMDB commits atomically, a crash leaves each execution either
// before or after a transition, never in between.
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
#include "engine/program_cache.h"
#include "engine/ulid.h"
#include "storage/lmdb.h"
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
};

struct TaskResultCommand {
  std::string task_id;
  std::string worker_id;
  int64_t started_ms = 0;
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
};

enum class ControlKind : uint8_t { kTerminate, kPause, kResume, kRetry, kRestart };

struct ControlCommand {
  std::string execution_id;
  ControlKind kind = ControlKind::kTerminate;
  std::string reason;  // kTerminate
  uint64_t seed = 0;   // kRestart: the new run's random generator seed
};

// The kinds of durable timer (the byte in a timers key). Stored: append only.
enum class TimerKind : uint8_t {
  kWake = 1,            // `sleep`
  kSignalTimeout = 2,   // `await signal(..., timeout:)`
  kRetry = 3,           // the next attempt of a task is due
  kAttemptTimeout = 4,  // a task attempt's `timeout`
  kExecutionTimeout = 5,  // the workflow's `timeout`
  kScheduleTimeout = 6,   // a task attempt not picked up within `schedule_timeout`
};


// A task that became ready; handed to the dispatcher once the transaction commits.
struct ReadyTask {
  std::string task_id;
  std::string execution_id;
  std::string type;
  uint32_t attempt = 1;
  Value input;
  int64_t priority = 0;      // higher first
  int64_t heartbeat_ms = 0;  // 0: none
  bool redelivery = false;   // handed out again after a lease expired
};

struct LeaseExpiredCommand {
  std::string task_id;
  std::string worker_id;
  ReadyTask task;  // handed out again after the commit when still unfinished
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
};

class LiveCache;
struct DeleteLiveCache {
  void operator()(LiveCache* cache) const;
};
std::unique_ptr<LiveCache, DeleteLiveCache> NewLiveCache();

struct TransitionEnv {
  storage::Txn& txn;
  int64_t now_ms;
  ProgramCache& programs;
  UlidGenerator& ids;
  Effects& effects;
  // Whether a worker holds the task (schedule_timeout fires only for tasks nobody took).
  std::function<bool(std::string_view task_id)> is_started;
  // The executions this batch has loaded (transitions.cc). FlushLiveCache writes them.
  LiveCache* cache = nullptr;
  const EngineLimits* limits = &kDefaultLimits;
  // Executions whose commands are refused (FailedPrecondition): quarantined after a fault.
  const absl::flat_hash_set<std::string>* quarantined = nullptr;
  // The first execution the current command loaded or started: the one a fault is laid on.
  std::string primary;
};

// Writes every execution state the batch changed (one checkpoint encoding each) and empties
// the cache. Call once per batch, before the commit.
absl::Status FlushLiveCache(TransitionEnv& env);

absl::Status ApplyStart(TransitionEnv& env, const StartCommand& cmd);
// A result for a task that has already finished is recorded as TASK_RESULT_IGNORED and comes
// back as FailedPrecondition; nothing else changes.
absl::Status ApplyTaskResult(TransitionEnv& env, const TaskResultCommand& cmd);
absl::Status ApplyLeaseExpired(TransitionEnv& env, const LeaseExpiredCommand& cmd);
// A timer whose key is gone (its wait ended another way) is ignored.
absl::Status ApplyTimerFired(TransitionEnv& env, const TimerFiredCommand& cmd);
absl::Status ApplySignal(TransitionEnv& env, const SignalCommand& cmd);
absl::Status ApplyHeartbeat(TransitionEnv& env, const HeartbeatCommand& cmd);
// FailedPrecondition when the command does not fit the execution's status.
absl::Status ApplyControl(TransitionEnv& env, const ControlCommand& cmd);
// Takes an execution out of service after a fault its records or its transition caused,
// without loading its state: marks it FAILED with a QUARANTINED error (unless it had ended),
// records EXECUTION_QUARANTINED, withdraws its tasks, waits and timers, and resumes its
// parent with CHILD_FAILED. Works on whatever of its rows still decode.
absl::Status ApplyQuarantine(TransitionEnv& env, std::string_view id, std::string_view reason);

}  // namespace weft::engine

#endif  // WEFT_ENGINE_TRANSITIONS_H_
