// See transitions.h. One transition: load the execution (its header, its state row, its
// pinned program and its checkpoint, which is checked to fit the program), apply the event to
// the VM, carry out the requests the VM made (tasks, timers, signal waits, children,
// cancellations), then persist the checkpoint. Requests that are answered at once (a detached
// child's id, a child that could not start or ended immediately) resume the VM again within
// the same transition.
//
// The `waits` table maps each open VM wait to what stands for it outside: a task attempt, a
// timer, a signal wait, a child execution, or a task held back while the execution is paused.
#include "engine/transitions.h"

#include <algorithm>
#include <deque>
#include <memory>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "common/check.h"
#include "common/status_macros.h"
#include "common/strings.h"
#include "engine/payload_limits.h"
#include "engine/task_policy.h"
#include "storage/keys.h"
#include "storage/records.h"
#include "storage/registry.h"
#include "value/value_codec.h"
#include "vm/checkpoint.h"
#include "vm/errors.h"
#include "vm/vm.h"

namespace weft::engine {
namespace {

using storage::ExecStateRow;
using storage::HistoryRow;
using storage::HistoryType;
using storage::Table;

Value Obj(std::initializer_list<std::pair<const char*, Value>> fields) {
  std::vector<Object::Entry> entries;
  entries.reserve(fields.size());
  for (const auto& [k, v] : fields) entries.emplace_back(k, v);
  return Value::MakeObject(Object(std::move(entries)));
}

Value Str(std::string_view s) { return Value::String(std::string(s)); }

const Value& Get(const Value& obj, const char* key) {
  static const Value* const kNull = new Value();
  if (!obj.is_object()) return *kNull;
  const Value* v = obj.as_object().Find(key);
  return v == nullptr ? *kNull : *v;
}

int64_t GetInt(const Value& obj, const char* key) {
  const Value& v = Get(obj, key);
  return v.is_int() ? v.as_int() : 0;
}

std::string GetStr(const Value& obj, const char* key) {
  const Value& v = Get(obj, key);
  return v.is_string() ? v.as_string() : std::string();
}

// `obj` with every (key, value) of `fields` set, copying the object once.
Value With(const Value& obj, std::initializer_list<std::pair<const char*, Value>> fields) {
  std::vector<Object::Entry> entries = obj.is_object() ? obj.as_object().entries()
                                                       : std::vector<Object::Entry>{};
  entries.reserve(entries.size() + fields.size());
  for (const auto& [key, value] : fields) {
    auto it = std::find_if(entries.begin(), entries.end(),
                           [&](const Object::Entry& e) { return e.first == key; });
    if (it != entries.end()) {
      it->second = value;
    } else {
      entries.emplace_back(key, value);
    }
  }
  return Value::MakeObject(Object(std::move(entries)));
}

Value With(const Value& obj, const char* key, Value value) {
  std::vector<Object::Entry> entries = obj.is_object() ? obj.as_object().entries()
                                                       : std::vector<Object::Entry>{};
  bool found = false;
  for (auto& [k, v] : entries) {
    if (k == key) {
      v = value;
      found = true;
    }
  }
  if (!found) entries.emplace_back(key, std::move(value));
  return Value::MakeObject(Object(std::move(entries)));
}

// One execution loaded for a transition.
struct Live {
  std::string id;
  ExecutionInfo info;
  uint64_t parent_wait = 0;  // the parent's wait this execution ends; 0 when none
  uint32_t child_depth = 0;  // 0 for a top-level execution
  ExecStateRow row;
  ProgramPtr program;
  vm::ExecState vm;
  std::string before;  // the checkpoint this transition started from
  bool header_dirty = false;
  bool dirty = false;  // the state row and checkpoint need writing at the batch's end
  // While a retry re-issues its waits: the last attempt number each task wait reached, so
  // attempt numbers go on from there.
  absl::flat_hash_map<uint64_t, uint32_t> prior_attempts;
};

absl::Status AppendHistory(TransitionEnv& env, Live& live, HistoryType type, std::string task_id,
                           Value details) {
  HistoryRow row{env.now_ms, type, std::move(task_id), std::move(details)};
  return env.txn.Put(Table::kHistory, storage::HistoryKey(live.id, live.row.next_history_seq++),
                     storage::EncodeHistory(row));
}

absl::StatusOr<storage::ExecutionRow> ReadRow(TransitionEnv& env, std::string_view id) {
  WEFT_ASSIGN_OR_RETURN(auto bytes, env.txn.Get(Table::kExecutions, id));
  if (!bytes) return absl::NotFoundError(absl::StrCat("no execution `", ToAbsl(id), "`"));
  WEFT_ASSIGN_OR_RETURN(storage::ExecutionRow row, storage::DecodeExecution(*bytes));
  row.info.id = std::string(id);
  return row;
}

}  // namespace

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

void DeleteLiveCache::operator()(LiveCache* cache) const { delete cache; }
std::unique_ptr<LiveCache, DeleteLiveCache> NewLiveCache() {
  return std::unique_ptr<LiveCache, DeleteLiveCache>(new LiveCache);
}

namespace {

// Checkpoints below this size are encoded again before each transition on a cached execution,
// so a failure's retry checkpoint is exactly the state before the failing transition; above
// it, the state at the start of the batch serves (see docs/architecture.md).
constexpr size_t kPreciseRetryBytes = 64 << 10;

absl::StatusOr<Live*> LoadLive(TransitionEnv& env, std::string_view id) {
  if (env.primary.empty()) env.primary = std::string(id);
  if (auto it = env.cache->lives.find(ToAbsl(id)); it != env.cache->lives.end()) {
    Live* cached = it->second.get();
    if (cached->dirty && cached->row.checkpoint.size() < kPreciseRetryBytes) {
      cached->before = vm::EncodeCheckpoint(cached->vm);
    }
    return cached;
  }
  if (env.quarantined != nullptr && env.quarantined->contains(ToAbsl(id))) {
    return absl::FailedPreconditionError(
        absl::StrCat("execution ", ToAbsl(id), " is quarantined after a fault"));
  }
  auto owned = std::make_unique<Live>();
  Live& live = *owned;
  live.id = std::string(id);
  WEFT_ASSIGN_OR_RETURN(storage::ExecutionRow header, ReadRow(env, id));
  live.info = std::move(header.info);
  live.parent_wait = header.parent_wait;
  live.child_depth = header.child_depth;
  WEFT_ASSIGN_OR_RETURN(auto bytes, env.txn.Get(Table::kExecState, id));
  if (!bytes) return absl::DataLossError(absl::StrCat("execution ", ToAbsl(id), " has no state"));
  WEFT_ASSIGN_OR_RETURN(live.row, storage::DecodeExecState(*bytes));
  WEFT_ASSIGN_OR_RETURN(live.program, env.programs.Get(env.txn, live.row.program_hash));
  // A stored checkpoint is untrusted: it must decode, then fit its program, before the VM
  // touches it.
  absl::StatusOr<vm::ExecState> state = vm::DecodeCheckpoint(live.row.checkpoint);
  absl::Status fits = state.ok() ? vm::CheckStateFits(live.program->program,
                                                      live.program->depths, *state)
                                 : state.status();
  if (!fits.ok()) {
    return absl::DataLossError(absl::StrCat("checkpoint of execution ", ToAbsl(id),
                                            " is corrupt: ", fits.message()));
  }
  live.vm = *std::move(state);
  live.before = live.row.checkpoint;
  Live* out = owned.get();
  env.cache->lives.emplace(std::string(id), std::move(owned));
  return out;
}

// LoadLive for an execution another row names (a task's, a timer's, a child's parent): its
// absence is data loss, not an unknown id.
absl::StatusOr<Live*> LoadReferenced(TransitionEnv& env, std::string_view id) {
  absl::StatusOr<Live*> live = LoadLive(env, id);
  if (absl::IsNotFound(live.status())) {
    return absl::DataLossError(absl::StrCat("execution ", ToAbsl(id), " is missing from the store"));
  }
  return live;
}

absl::Status SetStatus(TransitionEnv& env, Live& live, ExecutionStatus status) {
  if (live.info.status == status) return absl::OkStatus();
  WEFT_RETURN_IF_ERROR(env.txn.Delete(
      Table::kByStatus, storage::StatusKey(static_cast<uint8_t>(live.info.status), live.id)));
  WEFT_RETURN_IF_ERROR(
      env.txn.Put(Table::kByStatus, storage::StatusKey(static_cast<uint8_t>(status), live.id), {}));
  live.info.status = status;
  live.header_dirty = true;
  return absl::OkStatus();
}

// Records the header now (other transitions of the batch read it from the store) and marks
// the state for FlushLiveCache, which encodes the checkpoint once per batch.
absl::Status Persist(TransitionEnv& env, Live& live) {
  live.dirty = true;
  live.row.updated_ms = env.now_ms;
  if (live.header_dirty) {
    live.info.updated_ms = env.now_ms;
    WEFT_RETURN_IF_ERROR(env.txn.Put(
        Table::kExecutions, live.id,
        storage::EncodeExecution(storage::ExecutionRow{live.info, live.parent_wait,
                                                       live.child_depth})));
    live.header_dirty = false;
  }
  return absl::OkStatus();
}

// --- Wait records.

absl::StatusOr<Value> ReadWait(TransitionEnv& env, std::string_view id, uint64_t wait_id) {
  WEFT_ASSIGN_OR_RETURN(auto bytes, env.txn.Get(Table::kWaits, storage::WaitKey(id, wait_id)));
  if (!bytes) return Value();
  absl::StatusOr<Value> v = DecodeValue(reinterpret_cast<const uint8_t*>(bytes->data()),
                                        bytes->size());
  if (!v.ok() || !v->is_object()) {
    return absl::DataLossError(absl::StrCat("corrupt wait record of ", ToAbsl(id)));
  }
  return v;
}

absl::Status WriteWait(TransitionEnv& env, std::string_view id, uint64_t wait_id,
                       const Value& record) {
  const std::vector<uint8_t> bytes = EncodeValue(record);
  return env.txn.Put(Table::kWaits, storage::WaitKey(id, wait_id),
                     std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

absl::Status AddTimer(TransitionEnv& env, std::string_view id, uint64_t wait_id, TimerKind kind,
                      int64_t due_ms, std::string_view value = {}) {
  env.effects.timers.push_back(due_ms);
  return env.txn.Put(Table::kTimers,
                     storage::TimerKey(due_ms, static_cast<uint8_t>(kind), id, wait_id), value);
}

absl::Status DropTimer(TransitionEnv& env, std::string_view id, uint64_t wait_id, TimerKind kind,
                       int64_t due_ms) {
  if (due_ms == 0) return absl::OkStatus();
  return env.txn.Delete(Table::kTimers,
                        storage::TimerKey(due_ms, static_cast<uint8_t>(kind), id, wait_id));
}

// Removes a wait record and the timers that belong to it.
absl::Status DropWait(TransitionEnv& env, std::string_view id, uint64_t wait_id,
                      const Value& record) {
  WEFT_RETURN_IF_ERROR(DropTimer(env, id, wait_id, TimerKind::kWake, GetInt(record, "due_ms")));
  WEFT_RETURN_IF_ERROR(
      DropTimer(env, id, wait_id, TimerKind::kSignalTimeout, GetInt(record, "timeout_due")));
  WEFT_RETURN_IF_ERROR(DropTimer(env, id, wait_id, TimerKind::kRetry, GetInt(record, "retry_due")));
  WEFT_RETURN_IF_ERROR(
      DropTimer(env, id, wait_id, TimerKind::kAttemptTimeout, GetInt(record, "attempt_due")));
  WEFT_RETURN_IF_ERROR(
      DropTimer(env, id, wait_id, TimerKind::kScheduleTimeout, GetInt(record, "schedule_due")));
  return env.txn.Delete(Table::kWaits, storage::WaitKey(id, wait_id));
}

absl::StatusOr<std::optional<storage::TaskRow>> ReadTask(TransitionEnv& env,
                                                         std::string_view task_id) {
  WEFT_ASSIGN_OR_RETURN(auto bytes, env.txn.Get(Table::kTasks, task_id));
  if (!bytes) return std::nullopt;
  WEFT_ASSIGN_OR_RETURN(storage::TaskRow row, storage::DecodeTask(*bytes));
  return row;
}

// Creates attempt `attempt` of the task a wait stands for; records it in the wait record.
absl::Status ScheduleAttempt(TransitionEnv& env, Live& live, uint64_t wait_id, Value record,
                             uint32_t attempt) {
  const TaskPolicy policy = ParsePolicy(Get(record, "policy"));
  storage::TaskRow task;
  task.info.execution_id = live.id;
  task.info.type = GetStr(record, "type");
  task.info.input = Get(record, "input");
  task.info.attempt = attempt;
  task.info.status = TaskStatus::kScheduled;
  task.info.scheduled_ms = env.now_ms;
  task.seq = live.row.next_task_seq++;
  task.wait_id = wait_id;
  std::string task_id = env.ids.Next(env.now_ms);
  WEFT_RETURN_IF_ERROR(env.txn.Put(Table::kTasks, task_id, storage::EncodeTask(task)));
  WEFT_RETURN_IF_ERROR(
      env.txn.Put(Table::kExecTasks, storage::ExecTaskKey(live.id, task_id), {}));
  WEFT_RETURN_IF_ERROR(
      env.txn.Put(Table::kQueue, storage::QueueKey(task.info.type, task_id), {}));
  WEFT_RETURN_IF_ERROR(AppendHistory(
      env, live, HistoryType::kTaskScheduled, task_id,
      Obj({{"type", Str(task.info.type)}, {"attempt", Value::Int(attempt)},
           {"input", task.info.input}, {"wait", Value::Int(static_cast<int64_t>(wait_id))}})));
  record = With(record, {{"kind", Str("task")},
                         {"task_id", Str(task_id)},
                         {"attempt", Value::Int(attempt)},
                         {"retry_due", Value::Int(0)}});
  if (policy.timeout_ms > 0) {
    const int64_t due = env.now_ms + policy.timeout_ms;
    WEFT_RETURN_IF_ERROR(AddTimer(env, live.id, wait_id, TimerKind::kAttemptTimeout, due, task_id));
    record = With(record, "attempt_due", Value::Int(due));
  }
  if (policy.schedule_timeout_ms > 0) {
    const int64_t due = env.now_ms + policy.schedule_timeout_ms;
    WEFT_RETURN_IF_ERROR(
        AddTimer(env, live.id, wait_id, TimerKind::kScheduleTimeout, due, task_id));
    record = With(record, "schedule_due", Value::Int(due));
  }
  WEFT_RETURN_IF_ERROR(WriteWait(env, live.id, wait_id, record));
  env.effects.ready.push_back(ReadyTask{std::move(task_id), live.id, task.info.type, attempt,
                                        task.info.input, policy.priority, policy.heartbeat_ms});
  return absl::OkStatus();
}

// Withdraws a task attempt that has not finished.
absl::Status CancelTask(TransitionEnv& env, Live& live, std::string_view task_id) {
  WEFT_ASSIGN_OR_RETURN(auto task, ReadTask(env, task_id));
  if (!task || task->info.status != TaskStatus::kScheduled) return absl::OkStatus();
  task->info.status = TaskStatus::kCanceled;
  task->info.ended_ms = env.now_ms;
  WEFT_RETURN_IF_ERROR(env.txn.Put(Table::kTasks, task_id, storage::EncodeTask(*task)));
  WEFT_RETURN_IF_ERROR(env.txn.Delete(Table::kQueue, storage::QueueKey(task->info.type, task_id)));
  WEFT_RETURN_IF_ERROR(AppendHistory(env, live, HistoryType::kTaskCanceled, std::string(task_id),
                                     Obj({{"type", Str(task->info.type)},
                                          {"attempt", Value::Int(task->info.attempt)}})));
  env.effects.canceled.emplace_back(task_id);
  return absl::OkStatus();
}

// A wait resolved by the VM itself (its outcome is about to be delivered): drop its record.
absl::Status CloseWait(TransitionEnv& env, Live& live, uint64_t wait_id) {
  WEFT_ASSIGN_OR_RETURN(Value record, ReadWait(env, live.id, wait_id));
  if (record.is_null()) return absl::OkStatus();
  return DropWait(env, live.id, wait_id, record);
}

// An execution that ended resumes the parent waiting on it, through the work queue.
void QueueParentResume(TransitionEnv& env, const ExecutionInfo& info, uint64_t parent_wait) {
  if (parent_wait == 0) return;
  env.cache->work.push_back(Work{Work::Kind::kResumeParent, {}, {}, info, parent_wait});
}

Value LimitExceeded(std::string message) {
  return Obj({{"code", Str(vm::kLimitExceeded)}, {"message", Str(message)}});
}

vm::RunContext Ctx(const TransitionEnv& env);
absl::Status Apply(TransitionEnv& env, Live& live, vm::RunResult result, bool notify_parent);
absl::Status TerminateExecution(TransitionEnv& env, Live& live, std::string_view reason,
                                bool notify_parent);

// Resolves `workflow` (version 0: the latest), binds `input` to its parameters and gives the
// new execution its id: everything a start needs, checked now, so that a bad start is answered
// at once (NotFound, InvalidArgument). The start itself is queued (Work::kStart).
absl::StatusOr<StartCommand> PrepareStart(TransitionEnv& env, std::string_view workflow,
                                          uint32_t version, const Value& input,
                                          std::string_view parent_id, uint64_t parent_wait,
                                          uint32_t child_depth, uint64_t seed) {
  std::optional<storage::VersionRow> row;
  if (version == 0) {
    WEFT_ASSIGN_OR_RETURN(row, storage::LatestVersion(env.txn, workflow));
  } else {
    WEFT_ASSIGN_OR_RETURN(row, storage::GetVersion(env.txn, workflow, version));
  }
  if (!row) {
    return absl::NotFoundError(
        version == 0 ? absl::StrCat("workflow `", ToAbsl(workflow), "` is not deployed")
                     : absl::StrCat("workflow `", ToAbsl(workflow), "` has no version ", version));
  }
  WEFT_ASSIGN_OR_RETURN(ProgramPtr program, env.programs.Get(env.txn, row->hash));
  WEFT_ASSIGN_OR_RETURN(std::vector<Value> args, vm::BindInput(program->program, input));
  StartCommand cmd;
  cmd.execution_id = env.ids.Next(env.now_ms);
  cmd.workflow = std::string(workflow);
  cmd.version = row->version;
  cmd.hash = row->hash;
  cmd.program = program;
  cmd.input = input;
  cmd.args = std::move(args);
  cmd.seed = seed;
  cmd.parent_id = std::string(parent_id);
  cmd.parent_wait = parent_wait;
  cmd.child_depth = child_depth;
  return cmd;
}

void QueueStart(TransitionEnv& env, StartCommand cmd) {
  env.cache->work.push_back(Work{Work::Kind::kStart, std::move(cmd), {}, {}, 0});
}

uint64_t DeriveSeed(std::string_view id, uint64_t salt) {
  uint64_t h = 1469598103934665603ull ^ salt;
  for (char c : id) h = (h ^ static_cast<uint8_t>(c)) * 1099511628211ull;
  return h;
}

Value ChildFailure(std::string_view workflow, std::string_view child_id, ExecutionStatus status,
                   const Value& error) {
  std::string message =
      status == ExecutionStatus::kTerminated
          ? absl::StrCat("child workflow `", ToAbsl(workflow), "` was terminated")
          : absl::StrCat("child workflow `", ToAbsl(workflow), "` failed");
  if (const Value& m = Get(error, "message"); m.is_string()) absl::StrAppend(&message, ": ", m.as_string());
  return Obj({{"code", Str(vm::kChildFailed)}, {"message", Str(message)},
              {"workflow", Str(workflow)}, {"child_id", Str(child_id)}, {"details", error}});
}

// An immediate answer to a request, delivered once the current run's requests are handled.
struct Immediate {
  uint64_t wait_id;
  vm::Outcome outcome;
};

absl::Status HandleRequest(TransitionEnv& env, Live& live, const vm::Request& req,
                           std::vector<Immediate>& immediate) {
  using Kind = vm::Request::Kind;
  const bytecode::Program& program = live.program->program;
  switch (req.kind) {
    case Kind::kTask: {
      WEFT_CHECK(req.task_index < program.tasks.size());
      const bytecode::TaskDecl& decl = program.tasks[req.task_index];
      if (const uint64_t bytes = PayloadBytesIfNear(req.input, env.limits->max_task_input_bytes);
          bytes > env.limits->max_task_input_bytes) {
        immediate.push_back({req.wait_id, vm::Outcome{false, LimitExceeded(OverLimitMessage(
            absl::StrCat("the input of task `", decl.name, "`"), bytes,
            env.limits->max_task_input_bytes, "max_task_input_bytes"))}});
        return absl::OkStatus();
      }
      const auto prior = live.prior_attempts.find(req.wait_id);
      const uint32_t first_attempt = prior == live.prior_attempts.end() ? 1 : prior->second + 1;
      Value record = Obj({{"kind", Str("task")}, {"type", Str(decl.name)}, {"input", req.input},
                          {"policy", MergePolicy(decl.policy, req.policy)},
                          {"first_ms", Value::Int(env.now_ms)},
                          {"first_attempt", Value::Int(first_attempt)},
                          {"compensation", Value::Bool(req.compensation)}});
      if (live.info.status == ExecutionStatus::kPaused) {
        // Held back until the execution resumes: no new task while paused.
        return WriteWait(env, live.id, req.wait_id, With(record, "kind", Str("held")));
      }
      return ScheduleAttempt(env, live, req.wait_id, std::move(record), first_attempt);
    }
    case Kind::kTimer: {
      WEFT_RETURN_IF_ERROR(AddTimer(env, live.id, req.wait_id, TimerKind::kWake, req.due_ms));
      WEFT_RETURN_IF_ERROR(AppendHistory(env, live, HistoryType::kTimerStarted, "",
                                         Obj({{"wait", Value::Int(static_cast<int64_t>(req.wait_id))},
                                              {"due_ms", Value::Int(req.due_ms)}})));
      return WriteWait(env, live.id, req.wait_id,
                       Obj({{"kind", Str("timer")}, {"due_ms", Value::Int(req.due_ms)}}));
    }
    case Kind::kSignal: {
      if (req.due_ms != 0) {
        WEFT_RETURN_IF_ERROR(
            AddTimer(env, live.id, req.wait_id, TimerKind::kSignalTimeout, req.due_ms));
      }
      return WriteWait(env, live.id, req.wait_id,
                       Obj({{"kind", Str("signal")}, {"name", Str(req.name)},
                            {"timeout_due", Value::Int(req.due_ms)}}));
    }
    case Kind::kChild:
    case Kind::kStartChild: {
      const bool detached = req.kind == Kind::kStartChild;
      // A detached start begins a new top-level execution; only attached children nest.
      const uint32_t depth = detached ? 0 : live.child_depth + 1;
      if (depth > env.limits->max_child_depth) {
        immediate.push_back({req.wait_id, vm::Outcome{false, LimitExceeded(absl::StrCat(
            "cannot start workflow `", req.name, "`: child workflows nest at most ",
            env.limits->max_child_depth, " levels deep"))}});
        return absl::OkStatus();
      }
      if (const uint64_t bytes = PayloadBytesIfNear(req.input, env.limits->max_input_bytes);
          bytes > env.limits->max_input_bytes) {
        immediate.push_back({req.wait_id, vm::Outcome{false, LimitExceeded(OverLimitMessage(
            absl::StrCat("the input of workflow `", req.name, "`"), bytes,
            env.limits->max_input_bytes, "max_input_bytes"))}});
        return absl::OkStatus();
      }
      absl::StatusOr<StartCommand> child =
          PrepareStart(env, req.name, req.version, req.input, detached ? "" : live.id,
                       detached ? 0 : req.wait_id, depth, DeriveSeed(live.id, req.wait_id));
      if (!child.ok()) {
        if (!absl::IsNotFound(child.status()) && !absl::IsInvalidArgument(child.status())) {
          return child.status();
        }
        immediate.push_back({req.wait_id, vm::Outcome{false,
            Obj({{"code", Str(vm::kChildFailed)},
                 {"message", Str(absl::StrCat("cannot start workflow `", req.name, "`: ",
                                              child.status().message()))},
                 {"workflow", Str(req.name)}})}});
        return absl::OkStatus();
      }
      const std::string child_id = child->execution_id;
      QueueStart(env, *std::move(child));
      WEFT_RETURN_IF_ERROR(AppendHistory(env, live, HistoryType::kChildStarted, "",
                                         Obj({{"workflow", Str(req.name)},
                                              {"child_id", Str(child_id)},
                                              {"detached", Value::Bool(detached)}})));
      if (detached) {
        immediate.push_back({req.wait_id, vm::Outcome{true, Str(child_id)}});
        return absl::OkStatus();
      }
      // A child that ends within this transaction resumes this wait through Drain.
      return WriteWait(env, live.id, req.wait_id,
                       Obj({{"kind", Str("child")}, {"child_id", Str(child_id)},
                            {"workflow", Str(req.name)}}));
    }
    case Kind::kCancel: {
      WEFT_ASSIGN_OR_RETURN(Value record, ReadWait(env, live.id, req.wait_id));
      if (record.is_null()) return absl::OkStatus();
      const std::string kind = GetStr(record, "kind");
      if (kind == "task") {
        WEFT_RETURN_IF_ERROR(CancelTask(env, live, GetStr(record, "task_id")));
      } else if (kind == "child") {
        env.cache->work.push_back(
            Work{Work::Kind::kTerminateChild, {}, GetStr(record, "child_id"), {}, 0});
      }
      return DropWait(env, live.id, req.wait_id, record);
    }
  }
  return absl::OkStatus();
}

// The failure workflow gets the fields of `full` it declares as parameters: input checking
// rejects unknown fields, and a handler should not have to take them all (`workflow` cannot
// even be a parameter name, it is a keyword). Unchanged when the handler is not deployed.
absl::StatusOr<Value> FailureInputFor(TransitionEnv& env, std::string_view handler,
                                      const Value& full) {
  WEFT_ASSIGN_OR_RETURN(std::optional<storage::VersionRow> row,
                        storage::LatestVersion(env.txn, handler));
  if (!row) return full;
  WEFT_ASSIGN_OR_RETURN(ProgramPtr program, env.programs.Get(env.txn, row->hash));
  std::vector<Object::Entry> kept;
  for (const auto& [key, value] : full.as_object().entries()) {
    for (const bytecode::Param& param : program->program.params) {
      if (param.name == key) kept.emplace_back(key, value);
    }
  }
  return Value::MakeObject(Object(std::move(kept)));
}

// Every wait record of an execution, by wait id.
absl::StatusOr<std::vector<std::pair<uint64_t, Value>>> ReadWaits(TransitionEnv& env,
                                                                  std::string_view id) {
  std::vector<std::pair<uint64_t, Value>> waits;
  WEFT_RETURN_IF_ERROR(env.txn.ScanPrefix(
      Table::kWaits, storage::WaitPrefix(id), [&](std::string_view key, std::string_view value) {
        absl::StatusOr<Value> v =
            DecodeValue(reinterpret_cast<const uint8_t*>(value.data()), value.size());
        if (v.ok()) waits.emplace_back(storage::ReadBigEndian64(key.substr(key.size() - 8)), *v);
        return true;
      }));
  return waits;
}

// The due time of the execution's `timeout` timer; 0 when it has none.
int64_t ExecutionDeadline(const Live& live) {
  const int64_t timeout = live.program->program.timeout_ms;
  return timeout > 0 ? live.info.created_ms + timeout : 0;
}

// A child that just ended resumes the parent waiting on it, in the same transaction: with
// its output, or a CHILD_FAILED error when it failed or was terminated.
absl::Status ResumeParent(TransitionEnv& env, const ExecutionInfo& child, uint64_t parent_wait) {
  if (env.quarantined != nullptr && env.quarantined->contains(child.parent_id)) {
    return absl::OkStatus();  // out of service: nothing resumes it
  }
  WEFT_ASSIGN_OR_RETURN(Live* parent, LoadReferenced(env, child.parent_id));
  if (IsEnded(parent->info.status)) return absl::OkStatus();
  WEFT_RETURN_IF_ERROR(CloseWait(env, *parent, parent_wait));
  WEFT_RETURN_IF_ERROR(AppendHistory(env, *parent, HistoryType::kChildEnded, "",
                                     Obj({{"child_id", Str(child.id)},
                                          {"status", Str(ExecutionStatusName(child.status))}})));
  vm::Outcome outcome =
      child.status == ExecutionStatus::kCompleted
          ? vm::Outcome{true, child.output}
          : vm::Outcome{false, ChildFailure(child.workflow, child.id, child.status, child.error)};
  vm::RunResult r = vm::Resume(parent->program->program, parent->vm, parent_wait,
                               std::move(outcome), Ctx(env));
  return Apply(env, *parent, std::move(r), /*notify_parent=*/true);
}

// Ends the execution: header, status index, history; the failure workflow; the parent.
absl::Status EndExecution(TransitionEnv& env, Live& live, const vm::RunResult& run,
                          bool notify_parent) {
  vm::RunResult over;  // the run, failed, when its output is too big to keep
  if (run.status == vm::RunStatus::kCompleted) {
    if (const uint64_t bytes = PayloadBytesIfNear(run.output, env.limits->max_output_bytes);
        bytes > env.limits->max_output_bytes) {
      over.status = vm::RunStatus::kFailed;
      over.error = LimitExceeded(OverLimitMessage("the execution's output", bytes,
                                                  env.limits->max_output_bytes,
                                                  "max_output_bytes"));
    }
  }
  const vm::RunResult& r = over.status == vm::RunStatus::kFailed ? over : run;
  const bool completed = r.status == vm::RunStatus::kCompleted;
  WEFT_RETURN_IF_ERROR(
      SetStatus(env, live, completed ? ExecutionStatus::kCompleted : ExecutionStatus::kFailed));
  if (completed) {
    live.info.output = r.output;
  } else {
    live.info.error = r.error;
    live.row.retry_checkpoint = live.before;  // Retry continues from here
  }
  live.info.ended_ms = env.now_ms;
  live.header_dirty = true;
  WEFT_RETURN_IF_ERROR(AppendHistory(
      env, live, completed ? HistoryType::kExecutionCompleted : HistoryType::kExecutionFailed, "",
      completed ? Obj({{"output", r.output}}) : Obj({{"error", r.error}})));
  const bytecode::Program& program = live.program->program;
  WEFT_RETURN_IF_ERROR(
      DropTimer(env, live.id, 0, TimerKind::kExecutionTimeout, ExecutionDeadline(live)));
  env.effects.ended.push_back(live.id);
  if (!completed && !program.failure_workflow.empty()) {
    Value input = Obj({{"execution_id", Str(live.id)}, {"workflow", Str(live.info.workflow)},
                       {"version", Value::Int(live.info.version)},
                       {"reason", Get(r.error, "message")}, {"error", r.error},
                       {"input", live.info.input}});
    WEFT_ASSIGN_OR_RETURN(input, FailureInputFor(env, program.failure_workflow, input));
    absl::StatusOr<StartCommand> handler = PrepareStart(env, program.failure_workflow, 0, input,
                                                        "", 0, 0, DeriveSeed(live.id, 0));
    WEFT_RETURN_IF_ERROR(AppendHistory(
        env, live, HistoryType::kFailureWorkflow, "",
        handler.ok() ? Obj({{"workflow", Str(program.failure_workflow)},
                            {"execution_id", Str(handler->execution_id)}})
                     : Obj({{"workflow", Str(program.failure_workflow)},
                            {"error", Str(ToStd(handler.status().message()))}})));
    if (handler.ok()) {
      QueueStart(env, *std::move(handler));
    } else if (!absl::IsNotFound(handler.status()) && !absl::IsInvalidArgument(handler.status())) {
      return handler.status();
    }
  }
  if (notify_parent) QueueParentResume(env, live.info, live.parent_wait);
  return absl::OkStatus();
}

// Carries out a run's requests (and the runs that immediate answers cause), ends the
// execution when the VM did, and persists it.
absl::Status Apply(TransitionEnv& env, Live& live, vm::RunResult result, bool notify_parent) {
  std::deque<vm::RunResult> runs;
  runs.push_back(std::move(result));
  while (!runs.empty()) {
    vm::RunResult r = std::move(runs.front());
    runs.pop_front();
    if (r.ignored) continue;
    std::vector<Immediate> immediate;
    for (const vm::Request& req : r.requests) {
      WEFT_RETURN_IF_ERROR(HandleRequest(env, live, req, immediate));
    }
    if (r.status != vm::RunStatus::kWaiting) {
      WEFT_RETURN_IF_ERROR(EndExecution(env, live, r, notify_parent));
      break;  // nothing runs after the end
    }
    for (const vm::Request& req : r.requests) {
      if (req.compensation) {
        WEFT_RETURN_IF_ERROR(AppendHistory(
            env, live, HistoryType::kCompensating, "",
            Obj({{"task", Str(live.program->program.tasks.at(req.task_index).name)},
                 {"error", live.vm.failure}})));
      }
    }
    for (Immediate& i : immediate) {
      vm::RunContext ctx;
      ctx.now_ms = env.now_ms;
      runs.push_back(vm::Resume(live.program->program, live.vm, i.wait_id, std::move(i.outcome), ctx));
    }
    if (runs.empty() && !IsEnded(live.info.status) && live.vm.failure.is_null() &&
        live.row.next_history_seq > env.limits->max_history_events) {
      // Its history is full: the execution fails as if it timed out (compensations run).
      runs.push_back(vm::Abort(
          live.program->program, live.vm,
          LimitExceeded(absl::StrCat("the execution's history reached its limit of ",
                                     env.limits->max_history_events,
                                     " events (max_history_events)")),
          Ctx(env)));
    }
  }
  return Persist(env, live);
}

absl::Status TerminateExecution(TransitionEnv& env, Live& live, std::string_view reason,
                                bool notify_parent) {
  std::vector<Immediate> unused;
  for (const vm::Request& cancel : vm::CancelAll(live.vm)) {
    WEFT_RETURN_IF_ERROR(HandleRequest(env, live, cancel, unused));
  }
  // Held tasks and anything else left in the waits table go too.
  WEFT_ASSIGN_OR_RETURN(auto left, ReadWaits(env, live.id));
  for (auto& [wait_id, record] : left) WEFT_RETURN_IF_ERROR(DropWait(env, live.id, wait_id, record));
  WEFT_RETURN_IF_ERROR(SetStatus(env, live, ExecutionStatus::kTerminated));
  live.info.error = Obj({{"code", Str(vm::kTerminated)}, {"message", Str(reason)}});
  live.info.ended_ms = env.now_ms;
  live.header_dirty = true;
  WEFT_RETURN_IF_ERROR(
      DropTimer(env, live.id, 0, TimerKind::kExecutionTimeout, ExecutionDeadline(live)));
  WEFT_RETURN_IF_ERROR(AppendHistory(env, live, HistoryType::kExecutionTerminated, "",
                                     Obj({{"reason", Str(reason)}})));
  env.effects.ended.push_back(live.id);
  if (notify_parent) QueueParentResume(env, live.info, live.parent_wait);
  return Persist(env, live);
}

vm::RunContext Ctx(const TransitionEnv& env) {
  vm::RunContext ctx;
  ctx.now_ms = env.now_ms;
  return ctx;
}

// A task attempt failed (or timed out): retry it per its policy, or end the wait.
absl::Status AttemptFailed(TransitionEnv& env, Live& live, uint64_t wait_id, Value record,
                           const storage::TaskRow& task, std::string_view task_id,
                           std::string_view message, const Value& details, bool terminal,
                           bool timed_out) {
  const TaskPolicy policy = ParsePolicy(Get(record, "policy"));
  const uint32_t attempt = task.info.attempt;
  const bool in_time = policy.total_timeout_ms == 0 ||
                       env.now_ms - GetInt(record, "first_ms") < policy.total_timeout_ms;
  WEFT_RETURN_IF_ERROR(DropTimer(env, live.id, wait_id, TimerKind::kAttemptTimeout,
                                 GetInt(record, "attempt_due")));
  WEFT_RETURN_IF_ERROR(DropTimer(env, live.id, wait_id, TimerKind::kScheduleTimeout,
                                 GetInt(record, "schedule_due")));
  record = With(record, "attempt_due", Value::Int(0));
  record = With(record, "schedule_due", Value::Int(0));
  // Retries count from this run's first attempt: a retried execution gets its budget again.
  const int64_t first_attempt = std::max<int64_t>(1, GetInt(record, "first_attempt"));
  const uint32_t tries = attempt - static_cast<uint32_t>(first_attempt) + 1;
  if (!terminal && in_time && tries <= policy.retries) {
    // 63 bits, so the history's int holds the very seed the jitter is drawn from.
    const uint64_t seed = DeriveSeed(live.id, wait_id * 1000003 + attempt) >> 1;
    const int64_t delay = RetryDelayMs(policy, tries + 1, UnitFromSeed(seed));
    WEFT_RETURN_IF_ERROR(AppendHistory(env, live, HistoryType::kTaskRetryScheduled,
                                       std::string(task_id),
                                       Obj({{"next_attempt", Value::Int(attempt + 1)},
                                            {"delay_ms", Value::Int(delay)},
                                            {"jitter_seed", Value::Int(static_cast<int64_t>(seed))}})));
    // The execution's row is written too: it holds the history and task counters just used.
    if (delay == 0) {
      WEFT_RETURN_IF_ERROR(ScheduleAttempt(env, live, wait_id, std::move(record), attempt + 1));
      return Persist(env, live);
    }
    const int64_t due = env.now_ms + delay;
    WEFT_RETURN_IF_ERROR(AddTimer(env, live.id, wait_id, TimerKind::kRetry, due));
    WEFT_RETURN_IF_ERROR(WriteWait(env, live.id, wait_id, With(record, "retry_due", Value::Int(due))));
    return Persist(env, live);
  }
  WEFT_RETURN_IF_ERROR(DropWait(env, live.id, wait_id, record));
  Value error = vm::MakeTaskFailure(task.info.type, task_id, attempt, message, details);
  if (timed_out) error = With(error, "code", Str(vm::kTimeout));
  vm::RunResult r;
  if (policy.optional && !(Get(record, "compensation").is_bool() &&
                           Get(record, "compensation").as_bool())) {
    WEFT_RETURN_IF_ERROR(AppendHistory(env, live, HistoryType::kTaskOptionalFailed,
                                       std::string(task_id), Obj({{"error", error}})));
    r = vm::Resume(live.program->program, live.vm, wait_id, vm::Outcome{true, Value()}, Ctx(env));
  } else {
    r = vm::Resume(live.program->program, live.vm, wait_id, vm::Outcome{false, error}, Ctx(env));
  }
  return Apply(env, live, std::move(r), /*notify_parent=*/true);
}

}  // namespace

absl::Status FlushLiveCache(TransitionEnv& env) {
  for (auto& [id, live] : env.cache->lives) {
    if (!live->dirty) continue;
    live->row.checkpoint = vm::EncodeCheckpoint(live->vm);
    if (live->row.checkpoint.size() > env.limits->max_checkpoint_bytes) {
      env.primary = id;  // its fault: the writer quarantines it and commits the rest
      return absl::OutOfRangeError(OverLimitMessage(
          "the execution's state", live->row.checkpoint.size(),
          env.limits->max_checkpoint_bytes, "max_checkpoint_bytes"));
    }
    env.effects.checkpoint_bytes += live->row.checkpoint.size();
    ++env.effects.checkpoints;
    WEFT_RETURN_IF_ERROR(
        env.txn.Put(Table::kExecState, id, storage::EncodeExecState(live->row)));
    live->dirty = false;
  }
  env.cache->lives.clear();
  return absl::OkStatus();
}

static absl::Status ApplyStartImpl(TransitionEnv& env, const StartCommand& cmd) {
  WEFT_CHECK(cmd.program != nullptr);
  if (env.primary.empty()) env.primary = cmd.execution_id;
  auto owned = std::make_unique<Live>();
  Live& live = *owned;
  env.cache->lives[cmd.execution_id] = std::move(owned);
  live.id = cmd.execution_id;
  live.program = cmd.program;
  ExecutionInfo& info = live.info;
  info.id = cmd.execution_id;
  info.workflow = cmd.workflow;
  info.version = cmd.version;
  info.hash = cmd.hash;
  info.input = cmd.input;
  info.status = ExecutionStatus::kRunning;
  info.created_ms = info.updated_ms = env.now_ms;
  info.parent_id = cmd.parent_id;
  live.parent_wait = cmd.parent_wait;
  live.child_depth = cmd.child_depth;
  live.header_dirty = true;
  WEFT_RETURN_IF_ERROR(env.txn.Put(
      Table::kByStatus,
      storage::StatusKey(static_cast<uint8_t>(ExecutionStatus::kRunning), cmd.execution_id), {}));
  live.row.program_hash = cmd.hash;
  WEFT_RETURN_IF_ERROR(AppendHistory(env, live, HistoryType::kExecutionStarted, "",
                                     Obj({{"workflow", Str(cmd.workflow)},
                                          {"version", Value::Int(cmd.version)},
                                          {"hash", Str(cmd.hash)},
                                          {"input", cmd.input},
                                          {"parent_id", Str(cmd.parent_id)}})));
  const bytecode::Program& program = cmd.program->program;
  if (program.timeout_ms > 0) {
    WEFT_RETURN_IF_ERROR(AddTimer(env, live.id, 0, TimerKind::kExecutionTimeout,
                                  env.now_ms + program.timeout_ms));
  }
  live.vm = vm::NewExecState(program, cmd.args, cmd.seed);
  vm::RunResult r = vm::Start(program, live.vm, Ctx(env));
  return Apply(env, live, std::move(r), /*notify_parent=*/true);
}

static absl::Status ApplyTaskResultImpl(TransitionEnv& env, const TaskResultCommand& cmd) {
  WEFT_ASSIGN_OR_RETURN(auto task, ReadTask(env, cmd.task_id));
  if (!task) return absl::NotFoundError(absl::StrCat("no task `", cmd.task_id, "`"));
  TaskInfo& t = task->info;
  WEFT_ASSIGN_OR_RETURN(Live* live, LoadReferenced(env, t.execution_id));

  if (t.status != TaskStatus::kScheduled) {
    // Never applied twice: the result is recorded for inspection and otherwise dropped.
    ++env.effects.results_ignored;
    WEFT_RETURN_IF_ERROR(AppendHistory(
        env, *live, HistoryType::kTaskResultIgnored, cmd.task_id,
        Obj({{"worker", Str(cmd.worker_id)}, {"task_status", Str(TaskStatusName(t.status))}})));
    WEFT_RETURN_IF_ERROR(Persist(env, *live));
    return absl::FailedPreconditionError(absl::StrCat("task ", cmd.task_id, " already ",
                                                      ToAbsl(TaskStatusName(t.status)),
                                                      "; result ignored"));
  }
  t.status = cmd.ok ? TaskStatus::kCompleted : TaskStatus::kFailed;
  t.worker_id = cmd.worker_id;
  t.started_ms = cmd.started_ms;
  t.ended_ms = env.now_ms;
  if (cmd.ok) {
    t.output = cmd.value;
  } else {
    t.error = Obj({{"message", Str(cmd.reason)}, {"details", cmd.value},
                   {"terminal", Value::Bool(cmd.terminal)}});
  }
  WEFT_RETURN_IF_ERROR(env.txn.Put(Table::kTasks, cmd.task_id, storage::EncodeTask(*task)));
  WEFT_RETURN_IF_ERROR(env.txn.Delete(Table::kQueue, storage::QueueKey(t.type, cmd.task_id)));
  WEFT_RETURN_IF_ERROR(AppendHistory(env, *live, HistoryType::kTaskStarted, cmd.task_id,
                                     Obj({{"worker", Str(cmd.worker_id)},
                                          {"attempt", Value::Int(t.attempt)},
                                          {"started_ms", Value::Int(cmd.started_ms)}})));
  WEFT_RETURN_IF_ERROR(AppendHistory(
      env, *live,
      cmd.ok ? HistoryType::kTaskCompleted
             : (cmd.timed_out ? HistoryType::kTaskTimedOut : HistoryType::kTaskFailed),
      cmd.task_id,
      cmd.ok ? Obj({{"attempt", Value::Int(t.attempt)}, {"output", t.output}})
             : Obj({{"attempt", Value::Int(t.attempt)}, {"error", t.error}})));

  WEFT_ASSIGN_OR_RETURN(Value record, ReadWait(env, live->id, task->wait_id));
  if (record.is_null() || GetStr(record, "task_id") != cmd.task_id || IsEnded(live->info.status)) {
    // The execution no longer waits on this attempt: recorded, nothing resumes.
    return Persist(env, *live);
  }
  if (!cmd.ok) {
    return AttemptFailed(env, *live, task->wait_id, std::move(record), *task, cmd.task_id,
                         cmd.reason, cmd.value, cmd.terminal, cmd.timed_out);
  }
  WEFT_RETURN_IF_ERROR(DropWait(env, live->id, task->wait_id, record));
  vm::RunResult r = vm::Resume(live->program->program, live->vm, task->wait_id,
                               vm::Outcome{true, t.output}, Ctx(env));
  return Apply(env, *live, std::move(r), /*notify_parent=*/true);
}

static absl::Status ApplyLeaseExpiredImpl(TransitionEnv& env, const LeaseExpiredCommand& cmd) {
  WEFT_ASSIGN_OR_RETURN(auto task, ReadTask(env, cmd.task_id));
  if (!task || task->info.status != TaskStatus::kScheduled) return absl::OkStatus();
  WEFT_ASSIGN_OR_RETURN(Live* live, LoadReferenced(env, task->info.execution_id));
  WEFT_RETURN_IF_ERROR(AppendHistory(env, *live, HistoryType::kLeaseExpired, cmd.task_id,
                                     Obj({{"worker", Str(cmd.worker_id)}})));
  ReadyTask again = cmd.task;
  again.redelivery = true;
  env.effects.ready.push_back(std::move(again));
  return Persist(env, *live);
}

static absl::Status ApplyTimerFiredImpl(TransitionEnv& env, const TimerFiredCommand& cmd) {
  WEFT_ASSIGN_OR_RETURN(auto present, env.txn.Get(Table::kTimers, cmd.key));
  if (!present) return absl::OkStatus();  // its wait ended another way
  const std::string task_id(*present);
  WEFT_RETURN_IF_ERROR(env.txn.Delete(Table::kTimers, cmd.key));
  std::optional<storage::TimerKeyParts> parts = storage::ParseTimerKey(cmd.key);
  if (!parts) return absl::DataLossError("corrupt timer key");
  WEFT_ASSIGN_OR_RETURN(Live* live, LoadReferenced(env, parts->execution_id));
  if (IsEnded(live->info.status)) return absl::OkStatus();
  const uint64_t wait_id = parts->wait_id;
  const auto kind = static_cast<TimerKind>(parts->kind);
  if (kind == TimerKind::kExecutionTimeout) {
    const int64_t limit = live->program->program.timeout_ms;
    WEFT_RETURN_IF_ERROR(AppendHistory(env, *live, HistoryType::kExecutionTimedOut, "",
                                       Obj({{"timeout_ms", Value::Int(limit)}})));
    vm::RunResult r = vm::Abort(
        live->program->program, live->vm,
        Obj({{"code", Str(vm::kTimeout)},
             {"message", Str(absl::StrCat("the execution did not finish within its timeout of ",
                                          limit, " ms"))}}),
        Ctx(env));
    return Apply(env, *live, std::move(r), /*notify_parent=*/true);
  }
  WEFT_ASSIGN_OR_RETURN(Value record, ReadWait(env, live->id, wait_id));
  if (record.is_null()) return Persist(env, *live);
  switch (kind) {
    case TimerKind::kWake: {
      WEFT_RETURN_IF_ERROR(DropWait(env, live->id, wait_id, record));
      WEFT_RETURN_IF_ERROR(AppendHistory(env, *live, HistoryType::kTimerFired, "",
                                         Obj({{"wait", Value::Int(static_cast<int64_t>(wait_id))},
                                              {"due_ms", Value::Int(parts->due_ms)}})));
      vm::RunResult r = vm::Resume(live->program->program, live->vm, wait_id,
                                   vm::Outcome{true, Value()}, Ctx(env));
      return Apply(env, *live, std::move(r), true);
    }
    case TimerKind::kSignalTimeout: {
      WEFT_RETURN_IF_ERROR(DropWait(env, live->id, wait_id, record));
      const std::string name = GetStr(record, "name");
      WEFT_RETURN_IF_ERROR(AppendHistory(env, *live, HistoryType::kSignalTimedOut, "",
                                         Obj({{"name", Str(name)}})));
      vm::RunResult r = vm::Resume(
          live->program->program, live->vm, wait_id,
          vm::Outcome{false, Obj({{"code", Str(vm::kTimeout)},
                                  {"message", Str(absl::StrCat("signal `", name,
                                                               "` did not arrive in time"))},
                                  {"signal", Str(name)}})},
          Ctx(env));
      return Apply(env, *live, std::move(r), true);
    }
    case TimerKind::kRetry: {
      WEFT_RETURN_IF_ERROR(Persist(env, *live));  // keep counters consistent before scheduling
      const uint32_t next = static_cast<uint32_t>(GetInt(record, "attempt")) + 1;
      record = With(record, "retry_due", Value::Int(0));
      if (live->info.status == ExecutionStatus::kPaused) {
        // No new attempt while paused: held, and scheduled with its number on resume.
        record = With(With(record, "kind", Str("held")), "held_attempt", Value::Int(next));
        WEFT_RETURN_IF_ERROR(WriteWait(env, live->id, wait_id, record));
        return Persist(env, *live);
      }
      WEFT_RETURN_IF_ERROR(ScheduleAttempt(env, *live, wait_id, std::move(record), next));
      return Persist(env, *live);
    }
    case TimerKind::kAttemptTimeout:
    case TimerKind::kScheduleTimeout: {
      if (GetStr(record, "task_id") != task_id) return Persist(env, *live);
      WEFT_ASSIGN_OR_RETURN(auto task, ReadTask(env, task_id));
      if (!task || task->info.status != TaskStatus::kScheduled) return Persist(env, *live);
      if (kind == TimerKind::kScheduleTimeout && env.is_started && env.is_started(task_id)) {
        return Persist(env, *live);  // picked up in time; the attempt timeout still applies
      }
      record = With(record, kind == TimerKind::kAttemptTimeout ? "attempt_due" : "schedule_due",
                    Value::Int(0));
      const std::string reason = kind == TimerKind::kAttemptTimeout
                                     ? "the attempt did not finish within its timeout"
                                     : "no worker picked the task up within its schedule_timeout";
      task->info.status = TaskStatus::kFailed;
      task->info.ended_ms = env.now_ms;
      task->info.error = Obj({{"message", Str(reason)}, {"details", Value()}});
      WEFT_RETURN_IF_ERROR(env.txn.Put(Table::kTasks, task_id, storage::EncodeTask(*task)));
      WEFT_RETURN_IF_ERROR(
          env.txn.Delete(Table::kQueue, storage::QueueKey(task->info.type, task_id)));
      WEFT_RETURN_IF_ERROR(AppendHistory(env, *live, HistoryType::kTaskTimedOut, task_id,
                                         Obj({{"attempt", Value::Int(task->info.attempt)},
                                              {"reason", Str(reason)}})));
      env.effects.canceled.push_back(task_id);
      return AttemptFailed(env, *live, wait_id, std::move(record), *task, task_id, reason,
                           Value(), /*terminal=*/false, /*timed_out=*/true);
    }
    case TimerKind::kExecutionTimeout:
      break;
  }
  return Persist(env, *live);
}

static absl::Status ApplySignalImpl(TransitionEnv& env, const SignalCommand& cmd) {
  WEFT_ASSIGN_OR_RETURN(Live* live, LoadLive(env, cmd.execution_id));
  if (IsEnded(live->info.status)) {
    return absl::FailedPreconditionError(absl::StrCat(
        "execution ", cmd.execution_id, " is ", ToAbsl(ExecutionStatusName(live->info.status)),
        "; it takes no more signals"));
  }
  WEFT_RETURN_IF_ERROR(AppendHistory(env, *live, HistoryType::kSignalReceived, "",
                                     Obj({{"name", Str(cmd.name)}, {"payload", cmd.payload}})));
  // The waiter DeliverSignal will pick: the oldest wait on this name. Its timeout goes.
  uint64_t target = 0;
  for (const auto& [id, f] : live->vm.fibers) {
    if (f.wait == vm::WaitKind::kSignal && GetStr(f.request, "name") == cmd.name &&
        (target == 0 || f.wait_id < target)) {
      target = f.wait_id;
    }
  }
  if (target != 0) WEFT_RETURN_IF_ERROR(CloseWait(env, *live, target));
  vm::RunResult r =
      vm::DeliverSignal(live->program->program, live->vm, cmd.name, cmd.payload, Ctx(env));
  return Apply(env, *live, std::move(r), true);
}

static absl::Status ApplyHeartbeatImpl(TransitionEnv& env, const HeartbeatCommand& cmd) {
  WEFT_ASSIGN_OR_RETURN(auto task, ReadTask(env, cmd.task_id));
  if (!task) return absl::NotFoundError(absl::StrCat("no task `", cmd.task_id, "`"));
  if (task->info.status != TaskStatus::kScheduled) {
    return absl::FailedPreconditionError(
        absl::StrCat("task ", cmd.task_id, " already ", ToAbsl(TaskStatusName(task->info.status))));
  }
  if (cmd.progress.is_null()) return absl::OkStatus();
  task->info.output = cmd.progress;  // partial output, replaced by the final one
  return env.txn.Put(Table::kTasks, cmd.task_id, storage::EncodeTask(*task));
}

// The highest attempt number of each task wait of an execution, from its task rows.
static absl::StatusOr<absl::flat_hash_map<uint64_t, uint32_t>> LastAttempts(TransitionEnv& env,
                                                                            std::string_view id) {
  std::vector<std::string> task_ids;
  const std::string prefix = storage::ExecTaskPrefix(id);
  WEFT_RETURN_IF_ERROR(env.txn.ScanPrefix(
      Table::kExecTasks, prefix, [&](std::string_view key, std::string_view) {
        task_ids.emplace_back(key.substr(prefix.size()));
        return true;
      }));
  absl::flat_hash_map<uint64_t, uint32_t> last;
  for (const std::string& task_id : task_ids) {
    WEFT_ASSIGN_OR_RETURN(auto task, ReadTask(env, task_id));
    if (!task) return absl::DataLossError(absl::StrCat("task ", task_id, " of ", ToAbsl(id), " is missing"));
    uint32_t& at = last[task->wait_id];
    at = std::max(at, task->info.attempt);
  }
  return last;
}

static absl::Status ApplyControlImpl(TransitionEnv& env, const ControlCommand& cmd) {
  WEFT_ASSIGN_OR_RETURN(Live* loaded, LoadLive(env, cmd.execution_id));
  Live& live = *loaded;
  const ExecutionStatus status = live.info.status;
  auto invalid = [&](std::string_view what) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot ", ToAbsl(what), " execution ", cmd.execution_id, ": it is ",
                     ToAbsl(ExecutionStatusName(status))));
  };
  switch (cmd.kind) {
    case ControlKind::kTerminate:
      if (IsEnded(status)) return invalid("terminate");
      return TerminateExecution(env, live, cmd.reason.empty() ? "terminated" : cmd.reason, true);
    case ControlKind::kPause:
      if (status != ExecutionStatus::kRunning) return invalid("pause");
      WEFT_RETURN_IF_ERROR(SetStatus(env, live, ExecutionStatus::kPaused));
      WEFT_RETURN_IF_ERROR(AppendHistory(env, live, HistoryType::kExecutionPaused, "", Value()));
      return Persist(env, live);
    case ControlKind::kResume: {
      if (status != ExecutionStatus::kPaused) return invalid("resume");
      WEFT_RETURN_IF_ERROR(SetStatus(env, live, ExecutionStatus::kRunning));
      WEFT_RETURN_IF_ERROR(AppendHistory(env, live, HistoryType::kExecutionResumed, "", Value()));
      WEFT_ASSIGN_OR_RETURN(auto waits, ReadWaits(env, live.id));
      for (auto& [wait_id, record] : waits) {
        if (GetStr(record, "kind") != "held") continue;
        const int64_t attempt = GetInt(record, "held_attempt");
        WEFT_RETURN_IF_ERROR(ScheduleAttempt(env, live, wait_id, With(record, "kind", Str("task")),
                                             attempt > 0 ? static_cast<uint32_t>(attempt) : 1));
      }
      return Persist(env, live);
    }
    case ControlKind::kRetry: {
      if (status != ExecutionStatus::kFailed) return invalid("retry");
      if (live.row.retry_checkpoint.empty()) {
        return absl::FailedPreconditionError(absl::StrCat(
            "execution ", cmd.execution_id, " failed before its first step; restart it instead"));
      }
      absl::StatusOr<vm::ExecState> state = vm::DecodeCheckpoint(live.row.retry_checkpoint);
      absl::Status fits = state.ok() ? vm::CheckStateFits(live.program->program,
                                                          live.program->depths, *state)
                                     : state.status();
      if (!fits.ok()) return absl::DataLossError(absl::StrCat("retry checkpoint: ", fits.message()));
      live.vm = *std::move(state);
      live.row.retry_checkpoint.clear();
      WEFT_RETURN_IF_ERROR(SetStatus(env, live, ExecutionStatus::kRunning));
      live.info.error = Value();
      live.info.ended_ms = 0;
      WEFT_RETURN_IF_ERROR(AppendHistory(env, live, HistoryType::kExecutionRetried, "", Value()));
      WEFT_ASSIGN_OR_RETURN(live.prior_attempts, LastAttempts(env, live.id));
      vm::RunResult r;
      r.requests = vm::OpenRequests(live.vm);
      for (vm::Request& req : r.requests) {
        // A signal wait whose deadline passed (often the very failure being retried) gets its
        // timeout again from now; a sleep that is over simply ends.
        if (req.kind == vm::Request::Kind::kSignal && req.due_ms != 0 && req.due_ms <= env.now_ms &&
            req.timeout_ms > 0) {
          req.due_ms = env.now_ms + req.timeout_ms;
        }
      }
      absl::Status applied = Apply(env, live, std::move(r), true);
      live.prior_attempts.clear();
      return applied;
    }
    case ControlKind::kRestart: {
      if (!IsEnded(status)) return invalid("restart");
      WEFT_ASSIGN_OR_RETURN(std::vector<Value> args,
                            vm::BindInput(live.program->program, live.info.input));
      WEFT_RETURN_IF_ERROR(SetStatus(env, live, ExecutionStatus::kRunning));
      live.info.error = Value();
      live.info.output = Value();
      live.info.ended_ms = 0;
      live.row.retry_checkpoint.clear();
      WEFT_RETURN_IF_ERROR(AppendHistory(env, live, HistoryType::kExecutionRestarted, "",
                                         Obj({{"version", Value::Int(live.info.version)}})));
      const bytecode::Program& program = live.program->program;
      if (program.timeout_ms > 0) {
        live.info.created_ms = env.now_ms;  // the deadline counts from the new start
        WEFT_RETURN_IF_ERROR(AddTimer(env, live.id, 0, TimerKind::kExecutionTimeout,
                                      env.now_ms + program.timeout_ms));
      }
      live.vm = vm::NewExecState(program, std::move(args), cmd.seed);
      vm::RunResult r = vm::Start(program, live.vm, Ctx(env));
      return Apply(env, live, std::move(r), true);
    }
  }
  return absl::OkStatus();
}

namespace {

// Carries out the queued work (see Work) until none is left. Each item may queue more.
absl::Status Drain(TransitionEnv& env) {
  std::deque<Work>& work = env.cache->work;
  while (!work.empty()) {
    Work w = std::move(work.front());
    work.pop_front();
    switch (w.kind) {
      case Work::Kind::kStart:
        WEFT_RETURN_IF_ERROR(ApplyStartImpl(env, w.start));
        break;
      case Work::Kind::kResumeParent:
        WEFT_RETURN_IF_ERROR(ResumeParent(env, w.child, w.parent_wait));
        break;
      case Work::Kind::kTerminateChild: {
        WEFT_ASSIGN_OR_RETURN(Live* child, LoadReferenced(env, w.id));
        if (!IsEnded(child->info.status)) {
          WEFT_RETURN_IF_ERROR(TerminateExecution(env, *child, "its parent's branch was canceled",
                                                  /*notify_parent=*/false));
        }
        break;
      }
    }
  }
  return absl::OkStatus();
}

absl::Status Drained(TransitionEnv& env, absl::Status applied) {
  if (!applied.ok()) {
    env.cache->work.clear();
    return applied;
  }
  absl::Status drained = Drain(env);
  if (!drained.ok() && (absl::IsNotFound(drained) || absl::IsFailedPrecondition(drained) ||
                        absl::IsInvalidArgument(drained))) {
    // The command's own transition is written by now: what its consequences ran into is a
    // fault of the batch (the writer applies it again without this command), not an answer.
    return absl::DataLossError(
        absl::StrCat("carrying out the transition's effects: ", drained.message()));
  }
  return drained;
}

// Deletes every `queue` key naming `task_id` (type \0 task id), whatever the type.
absl::Status DropQueueEntriesOf(TransitionEnv& env, std::string_view task_id) {
  std::vector<std::string> doomed;
  WEFT_RETURN_IF_ERROR(
      env.txn.ScanPrefix(Table::kQueue, "", [&](std::string_view key, std::string_view) {
        const size_t sep = key.find('\0');
        if (sep != std::string_view::npos && key.substr(sep + 1) == task_id) doomed.emplace_back(key);
        return true;
      }));
  for (const std::string& key : doomed) WEFT_RETURN_IF_ERROR(env.txn.Delete(Table::kQueue, key));
  env.effects.canceled.emplace_back(task_id);
  return absl::OkStatus();
}

// Withdraws an execution's unfinished tasks, its wait records and its timers, reading only
// the rows that say where they are (its tasks through exec_tasks; its timers by a scan of the
// timers table, which only a quarantine pays for).
absl::Status WithdrawEverything(TransitionEnv& env, std::string_view id) {
  std::vector<std::string> task_ids;
  const std::string task_prefix = storage::ExecTaskPrefix(id);
  WEFT_RETURN_IF_ERROR(env.txn.ScanPrefix(
      Table::kExecTasks, task_prefix, [&](std::string_view key, std::string_view) {
        task_ids.emplace_back(key.substr(task_prefix.size()));
        return true;
      }));
  for (const std::string& task_id : task_ids) {
    absl::StatusOr<std::optional<storage::TaskRow>> task = ReadTask(env, task_id);
    if (!task.ok()) {
      // Its type, and so its queue key, is unknown: find the queue entry by its id.
      WEFT_RETURN_IF_ERROR(DropQueueEntriesOf(env, task_id));
      continue;
    }
    if (!*task || (*task)->info.status != TaskStatus::kScheduled) continue;
    storage::TaskRow& row = **task;
    row.info.status = TaskStatus::kCanceled;
    row.info.ended_ms = env.now_ms;
    WEFT_RETURN_IF_ERROR(env.txn.Put(Table::kTasks, task_id, storage::EncodeTask(row)));
    WEFT_RETURN_IF_ERROR(env.txn.Delete(Table::kQueue, storage::QueueKey(row.info.type, task_id)));
    env.effects.canceled.push_back(task_id);
  }
  std::vector<std::string> doomed;
  WEFT_RETURN_IF_ERROR(env.txn.ScanPrefix(
      Table::kWaits, storage::WaitPrefix(id), [&](std::string_view key, std::string_view) {
        doomed.emplace_back(key);
        return true;
      }));
  for (const std::string& key : doomed) WEFT_RETURN_IF_ERROR(env.txn.Delete(Table::kWaits, key));
  doomed.clear();
  WEFT_RETURN_IF_ERROR(
      env.txn.ScanPrefix(Table::kTimers, "", [&](std::string_view key, std::string_view) {
        std::optional<storage::TimerKeyParts> parts = storage::ParseTimerKey(key);
        if (parts && parts->execution_id == id) doomed.emplace_back(key);
        return true;
      }));
  for (const std::string& key : doomed) WEFT_RETURN_IF_ERROR(env.txn.Delete(Table::kTimers, key));
  return absl::OkStatus();
}

// The next free history sequence number of `id`, from its history itself (its state row may
// be the damaged part).
absl::StatusOr<uint32_t> NextHistorySeq(TransitionEnv& env, std::string_view id) {
  uint32_t last = 0;
  const std::string prefix = storage::HistoryPrefix(id);
  WEFT_RETURN_IF_ERROR(
      env.txn.ScanPrefix(Table::kHistory, prefix, [&](std::string_view key, std::string_view) {
        if (key.size() == prefix.size() + 4) {
          last = storage::ReadBigEndian32(key.substr(prefix.size()));
        }
        return true;
      }));
  return last + 1;
}

}  // namespace

absl::Status ApplyQuarantine(TransitionEnv& env, std::string_view id, std::string_view reason) {
  WEFT_RETURN_IF_ERROR(WithdrawEverything(env, id));
  env.effects.ended.emplace_back(id);
  absl::StatusOr<storage::ExecutionRow> row = ReadRow(env, id);
  if (!row.ok()) return absl::OkStatus();  // nothing left to mark; nothing will wake it either
  ExecutionInfo& info = row->info;
  const bool was_running = !IsEnded(info.status);
  if (was_running) {
    WEFT_RETURN_IF_ERROR(env.txn.Delete(
        Table::kByStatus, storage::StatusKey(static_cast<uint8_t>(info.status), id)));
    info.status = ExecutionStatus::kFailed;
    WEFT_RETURN_IF_ERROR(env.txn.Put(
        Table::kByStatus, storage::StatusKey(static_cast<uint8_t>(info.status), id), {}));
    info.error = Obj({{"code", Str(vm::kQuarantined)},
                      {"message", Str(absl::StrCat("execution quarantined after a fault: ",
                                                   ToAbsl(reason)))}});
    info.ended_ms = info.updated_ms = env.now_ms;
    WEFT_RETURN_IF_ERROR(env.txn.Put(Table::kExecutions, id, storage::EncodeExecution(*row)));
  }
  WEFT_ASSIGN_OR_RETURN(uint32_t seq, NextHistorySeq(env, id));
  HistoryRow event{env.now_ms, HistoryType::kExecutionQuarantined, "",
                   Obj({{"reason", Str(reason)}})};
  WEFT_RETURN_IF_ERROR(
      env.txn.Put(Table::kHistory, storage::HistoryKey(id, seq), storage::EncodeHistory(event)));
  // Keep the state row's counter past the event, when the state row still decodes.
  if (auto bytes = env.txn.Get(Table::kExecState, id); bytes.ok() && *bytes) {
    if (absl::StatusOr<ExecStateRow> state = storage::DecodeExecState(**bytes); state.ok()) {
      state->next_history_seq = seq + 1;
      WEFT_RETURN_IF_ERROR(env.txn.Put(Table::kExecState, id, storage::EncodeExecState(*state)));
    }
  }
  if (!was_running) return absl::OkStatus();
  QueueParentResume(env, info, row->parent_wait);
  return Drain(env);
}

absl::Status ApplyStart(TransitionEnv& env, const StartCommand& cmd) {
  return Drained(env, ApplyStartImpl(env, cmd));
}
absl::Status ApplyTaskResult(TransitionEnv& env, const TaskResultCommand& cmd) {
  return Drained(env, ApplyTaskResultImpl(env, cmd));
}
absl::Status ApplyLeaseExpired(TransitionEnv& env, const LeaseExpiredCommand& cmd) {
  return Drained(env, ApplyLeaseExpiredImpl(env, cmd));
}
absl::Status ApplyTimerFired(TransitionEnv& env, const TimerFiredCommand& cmd) {
  return Drained(env, ApplyTimerFiredImpl(env, cmd));
}
absl::Status ApplySignal(TransitionEnv& env, const SignalCommand& cmd) {
  return Drained(env, ApplySignalImpl(env, cmd));
}
absl::Status ApplyHeartbeat(TransitionEnv& env, const HeartbeatCommand& cmd) {
  return Drained(env, ApplyHeartbeatImpl(env, cmd));
}
absl::Status ApplyControl(TransitionEnv& env, const ControlCommand& cmd) {
  return Drained(env, ApplyControlImpl(env, cmd));
}

}  // namespace weft::engine
