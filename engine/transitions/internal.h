// What the transition families (engine/transitions/*.cc) share: the decoded execution a
// transition works on (Live), the batch's cache of them and its work queue (LiveCache, Work),
// and the helpers each family offers the others. Nothing outside engine/transitions/ includes
// this; the writer sees only transitions.h.
#ifndef WEFT_ENGINE_TRANSITIONS_INTERNAL_H_
#define WEFT_ENGINE_TRANSITIONS_INTERNAL_H_

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "engine/transitions.h"
#include "engine/value_builders.h"
#include "storage/execution_store.h"
#include "storage/records.h"
#include "value/object_writer.h"
#include "vm/vm.h"

namespace weft::engine {

using storage::ExecStateRow;
using storage::HistoryRow;
using storage::HistoryType;
using storage::Table;
using storage::TimerKind;
using storage::WaitKind;
using storage::WaitRow;

// One execution loaded for a transition.
struct Live {
  std::string id;
  ExecutionInfo info;
  // The status and start time the store's indexes hold for it; nullopt until its first Persist.
  std::optional<storage::IndexedAs> indexed;
  uint64_t parent_wait = 0;  // the parent's wait this execution ends; 0 when none
  uint32_t child_depth = 0;  // 0 for a top-level execution
  ExecStateRow row;
  ProgramPtr program;
  vm::ExecState vm;
  std::string before;  // the checkpoint this transition started from
  bool header_dirty = false;
  bool dirty = false;  // the state row and checkpoint need writing at the batch's end
  // Only the state row's counters changed (a take's history event): FlushLiveCache writes the
  // row with its stored checkpoint bytes, once however many such events the batch appended.
  bool counters_dirty = false;
  // While a retry re-issues its waits: the last attempt number each task wait reached, so
  // attempt numbers go on from there.
  absl::flat_hash_map<uint64_t, uint32_t> prior_attempts;
};

// Work one transition causes on other executions: a child to start, a parent to resume, a
// child to terminate. It is queued and carried out after the transition that caused it, in
// order, by Drain: never by a nested call, so a chain of 10,000 children starting, ending or
// being terminated in one transaction uses no more C++ stack than one.
struct Work {
  enum class Kind : uint8_t { kStart, kResumeParent, kTerminateChild };
  Kind kind;
  StartCommand start;  // kStart
  std::string id;      // kTerminateChild: the child
  ExecutionInfo child;       // kResumeParent: the child that ended
  uint64_t parent_wait = 0;  // kResumeParent: the parent's wait it ends
};

// The executions one batch of transitions has loaded, kept decoded until the batch ends:
// a transition on an execution another transition of the batch already touched neither
// decodes nor re-encodes its checkpoint, so a 10,000-branch fan-out costs one checkpoint per
// batch, not one per branch. It also holds the work queue (Work above).
class LiveCache {
 public:
  absl::flat_hash_map<std::string, std::unique_ptr<Live>> lives;
  std::deque<Work> work;
};

// An immediate answer to a request, delivered once the current run's requests are handled.
struct Immediate {
  uint64_t wait_id;
  vm::Outcome outcome;
};

inline vm::RunContext Ctx(const TransitionEnv& env) {
  vm::RunContext ctx;
  ctx.now_ms = env.now_ms;
  return ctx;
}

// A seed derived from an execution id (and a salt): children's and jitter's random generators.
inline uint64_t DeriveSeed(std::string_view id, uint64_t salt) {
  uint64_t h = 1469598103934665603ull ^ salt;
  for (char c : id) h = (h ^ static_cast<uint8_t>(c)) * 1099511628211ull;
  return h;
}

// The due time of the execution's `timeout` timer; 0 when it has none.
inline int64_t ExecutionDeadline(const Live& live) {
  const int64_t timeout = live.program->program.timeout_ms;
  return timeout > 0 ? live.info.created_ms + timeout : 0;
}

// --- live_cache.cc
absl::Status AppendHistory(TransitionEnv& env, Live& live, HistoryType type, std::string task_id,
                           Value details);
// The same, with details written field by field (no Value built): for the events of every
// step (a task scheduled, taken, finished; an execution started or ended).
absl::Status AppendHistory(TransitionEnv& env, Live& live, HistoryType type,
                           std::string_view task_id, const ObjectWriter& details);
// The execution, from the batch's cache or decoded from the store (its checkpoint checked to
// fit its program). NotFound for an unknown id; FailedPrecondition when quarantined.
absl::StatusOr<Live*> LoadLive(TransitionEnv& env, std::string_view id);
// LoadLive for an execution another row names: its absence is DataLoss.
absl::StatusOr<Live*> LoadReferenced(TransitionEnv& env, std::string_view id);
// The header gets the status (and the by_status index follows it) at the next Persist.
void SetStatus(Live& live, ExecutionStatus status);
// Records the header now and marks the state for FlushLiveCache.
absl::Status Persist(TransitionEnv& env, Live& live);
// Carries out the queued work (see Work) until none is left.
absl::Status Drain(TransitionEnv& env);
// Carries out the work queue after a command's own transition; see Work.
absl::Status Drained(TransitionEnv& env, absl::Status applied);

// --- requests.cc
absl::Status HandleRequest(TransitionEnv& env, Live& live, const vm::Request& req,
                           std::vector<Immediate>& immediate);
// Carries out a run's requests (and the runs immediate answers cause), ends the execution when
// the VM did, and persists it.
absl::Status Apply(TransitionEnv& env, Live& live, vm::RunResult result, bool notify_parent);
// A wait resolved by the VM itself (its outcome is about to be delivered): drops its record.
absl::Status CloseWait(TransitionEnv& env, Live& live, uint64_t wait_id);

// publish.cc: a call of the system task `publish`, answered at once: the message into the
// outbox (or the call refused with PUBLISH_FAILED), MESSAGE_QUEUED in the history.
absl::Status QueuePublish(TransitionEnv& env, Live& live, const vm::Request& req,
                          std::vector<Immediate>& immediate);

// --- tasks.cc
// Creates attempt `attempt` of the task `wait` stands for, and records it in the wait record
// (which replaces `before`, the stored one, if any).
absl::Status ScheduleAttempt(TransitionEnv& env, Live& live, uint64_t wait_id, WaitRow wait,
                             const WaitRow* before, uint32_t attempt);
absl::Status CancelTask(TransitionEnv& env, Live& live, std::string_view task_id);
absl::Status AttemptFailed(TransitionEnv& env, Live& live, uint64_t wait_id, const WaitRow& wait,
                           const storage::TaskRow& task, std::string_view task_id,
                           std::string_view message, const Value& details, bool terminal,
                           bool timed_out);

// --- children.cc
void QueueParentResume(TransitionEnv& env, const ExecutionInfo& info, uint64_t parent_wait);
// The version row of `workflow` at `version` (0: the latest); NotFound when there is none.
absl::StatusOr<storage::VersionRow> FindVersion(TransitionEnv& env, std::string_view workflow,
                                                uint32_t version);
absl::StatusOr<StartCommand> PrepareStart(TransitionEnv& env, std::string_view workflow,
                                          uint32_t version, const Value& input,
                                          std::string_view parent_id, uint64_t parent_wait,
                                          uint32_t child_depth, uint64_t seed);
void QueueStart(TransitionEnv& env, StartCommand cmd);
absl::Status ResumeParent(TransitionEnv& env, const ExecutionInfo& child, uint64_t parent_wait);
absl::Status ApplyStartImpl(TransitionEnv& env, const StartCommand& cmd);

// --- schedules.cc
// A schedule's timer fell due (`key`, for the schedule `name` and the slot `due_ms`): fires
// that slot, and every later one already due (at most kMaxSlotsPerFiring), then sets the timer
// of the next.
absl::Status ApplyScheduleFired(TransitionEnv& env, std::string_view key, std::string_view name,
                                int64_t due_ms);

// --- control.cc
absl::Status TerminateExecution(TransitionEnv& env, Live& live, std::string_view reason,
                                bool notify_parent);

}  // namespace weft::engine

#endif  // WEFT_ENGINE_TRANSITIONS_INTERNAL_H_
