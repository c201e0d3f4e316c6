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
#include <string>
#include <vector>

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
};

struct TaskResultCommand {
  std::string task_id;
  std::string worker_id;
  int64_t started_ms = 0;
  bool ok = true;
  Value value;         // the output when ok, the failure details otherwise
  std::string reason;  // when !ok
};

struct LeaseExpiredCommand {
  std::string task_id;
  std::string worker_id;
};

// A task that became ready; handed to the dispatcher once the transaction commits.
struct ReadyTask {
  std::string task_id;
  std::string execution_id;
  std::string type;
  uint32_t attempt = 1;
  Value input;
};

// What a batch of transitions did, acted on only after a successful commit.
struct Effects {
  std::vector<ReadyTask> ready;
  std::vector<std::string> ended;  // executions that completed or failed
  uint64_t checkpoint_bytes = 0;
  uint64_t checkpoints = 0;
  uint64_t results_ignored = 0;
};

struct TransitionEnv {
  storage::Txn& txn;
  int64_t now_ms;
  ProgramCache& programs;
  UlidGenerator& ids;
  Effects& effects;
};

absl::Status ApplyStart(TransitionEnv& env, const StartCommand& cmd);
// A result for a task that has already finished is recorded as TASK_RESULT_IGNORED and comes
// back as FailedPrecondition; nothing else changes.
absl::Status ApplyTaskResult(TransitionEnv& env, const TaskResultCommand& cmd);
absl::Status ApplyLeaseExpired(TransitionEnv& env, const LeaseExpiredCommand& cmd);

}  // namespace weft::engine

#endif  // WEFT_ENGINE_TRANSITIONS_H_
