// Event handlers (docs/events.md): a handler's message, applied and recorded in one
// transaction, and a change to a handler. The record (storage/events.h) is looked up first: a
// message recorded before (a JetStream redelivery after a lost ack or a crash) is refused with
// AlreadyExists and nothing is done, so a message is applied once. Each action then runs as the
// transition it stands for (a start as a schedule's slot starts one, a signal as
// Engine::Signal, a task's result as a worker's), and what became of it is its outcome in the
// record: an action that cannot be carried out is recorded, never an error of the message.
#include "storage/events.h"

#include <memory>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "common/strings.h"
#include "engine/payload_limits.h"
#include "engine/transitions/internal.h"
#include "storage/outbox.h"
#include "storage/search_index.h"

namespace weft::engine {
namespace {

using events::Action;
using events::ActionKind;

// Errors that describe the action (what it names is missing or in the wrong state), kept as its
// outcome; any other error aborts the transaction.
bool IsActionError(const absl::Status& s) {
  return absl::IsNotFound(s) || absl::IsFailedPrecondition(s) || absl::IsInvalidArgument(s) ||
         absl::IsAlreadyExists(s);
}

absl::Status CheckSize(const Value& v, uint64_t limit, std::string_view what, std::string_view option) {
  if (const uint64_t bytes = PayloadBytesIfNear(v, limit); bytes > limit) {
    return absl::InvalidArgumentError(OverLimitMessage(what, bytes, limit, option));
  }
  return absl::OkStatus();
}

absl::Status StartWorkflow(TransitionEnv& env, const Action& a, uint64_t seed, EventActionOutcome& out) {
  if (!a.input.is_null() && !a.input.is_object()) {
    return absl::InvalidArgumentError("the input must be a JSON object");
  }
  const Value input = a.input.is_object() ? a.input : Value::MakeObject(Object());
  WEFT_RETURN_IF_ERROR(CheckSize(input, env.limits->max_input_bytes, "the input", "max_input_bytes"));
  if (a.correlation_id.size() > kMaxCorrelationIdBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("the correlation id is longer than ", kMaxCorrelationIdBytes, " bytes"));
  }
  WEFT_ASSIGN_OR_RETURN(StartCommand cmd, PrepareStart(env, a.workflow, a.version, input, "", 0, 0, seed));
  cmd.correlation_id = a.correlation_id;
  out.executions.push_back(cmd.execution_id);
  QueueStart(env, std::move(cmd));
  return Drain(env);
}

absl::Status SignalOne(TransitionEnv& env, const std::string& id, std::string_view name, const Value& payload,
                       EventActionOutcome& out) {
  SignalCommand cmd{id, std::string(name), payload};
  WEFT_RETURN_IF_ERROR(ApplySignal(env, cmd));
  out.executions.push_back(id);
  return absl::OkStatus();
}

// Whether execution `id` is still RUNNING or PAUSED (the batch's cache knows it best).
absl::StatusOr<bool> Going(TransitionEnv& env, const std::string& id) {
  if (auto it = env.cache->lives.find(id); it != env.cache->lives.end()) {
    return !IsEnded(it->second->info.status);
  }
  WEFT_ASSIGN_OR_RETURN(auto row, env.store.GetExecution(id));
  return row.has_value() && !IsEnded(row->info.status);
}

// A signal to the execution `workflowId`, or to every RUNNING or PAUSED execution of the
// correlation id.
absl::Status Signal(TransitionEnv& env, const Action& a, std::string_view name, const Value& payload,
                    EventActionOutcome& out) {
  WEFT_RETURN_IF_ERROR(
      CheckSize(payload, env.limits->max_signal_bytes, "the signal's payload", "max_signal_bytes"));
  if (!a.execution_id.empty()) return SignalOne(env, a.execution_id, name, payload, out);
  WEFT_ASSIGN_OR_RETURN(std::vector<std::string> ids,
                        storage::FindByCorrelationId(env.txn, a.correlation_id));
  for (const std::string& id : ids) {
    WEFT_ASSIGN_OR_RETURN(bool going, Going(env, id));
    if (going) WEFT_RETURN_IF_ERROR(SignalOne(env, id, name, payload, out));
  }
  if (out.executions.empty()) {
    return absl::NotFoundError(
        absl::StrCat("no running execution has correlation id `", a.correlation_id, "`"));
  }
  return absl::OkStatus();
}

// complete_task / fail_task. By task id: the task's result, as its worker would send it (the
// task must be IN_PROGRESS; the dispatcher forgets its lease after the commit). By workflowId
// and taskRefName: a Weft workflow waits on a signal, not a task (as Conductor's
// POST /api/tasks/{workflowId}/{taskRefName}/COMPLETED on weft serve), so the reference
// name is the signal's and the output its payload; a signal cannot fail.
absl::Status TaskResult(TransitionEnv& env, const Action& a, EventActionOutcome& out) {
  const bool ok = a.kind == ActionKind::kCompleteTask;
  if (a.task_id.empty()) {
    if (!ok) {
      return absl::InvalidArgumentError(
          "a Weft workflow waits on a signal, which can only be completed: fail_task needs a "
          "`taskId`");
    }
    return Signal(env, a, a.task_ref, a.output, out);
  }
  WEFT_RETURN_IF_ERROR(
      CheckSize(a.output, env.limits->max_task_output_bytes, "the task's output", "max_task_output_bytes"));
  WEFT_ASSIGN_OR_RETURN(auto task, env.store.GetTask(a.task_id));
  if (!task) return absl::NotFoundError(absl::StrCat("no task `", a.task_id, "`"));
  if (task->info.status != TaskStatus::kInProgress) {
    return absl::FailedPreconditionError(
        absl::StrCat("task ", a.task_id, " is ", ToAbsl(TaskStatusName(task->info.status)),
                     ", not IN_PROGRESS: an event completes or fails only a task a worker holds"));
  }
  TaskResultCommand cmd;
  cmd.task_id = a.task_id;
  cmd.worker_id = task->info.worker_id;
  cmd.delivery = task->info.delivery;
  cmd.ok = ok;
  cmd.value = a.output;
  cmd.reason = a.reason.empty() ? "failed by an event" : a.reason;
  WEFT_RETURN_IF_ERROR(ApplyTaskResult(env, cmd));
  env.effects.canceled.push_back(a.task_id);  // the worker's lease ends with it
  out.executions.push_back(task->info.execution_id);
  return absl::OkStatus();
}

absl::Status RunAction(TransitionEnv& env, const Action& a, uint64_t seed, EventActionOutcome& out) {
  switch (a.kind) {
    case ActionKind::kStartWorkflow:
      return StartWorkflow(env, a, seed, out);
    case ActionKind::kSignal:
      return Signal(env, a, a.signal, a.payload, out);
    case ActionKind::kCompleteTask:
    case ActionKind::kFailTask:
      return TaskResult(env, a, out);
  }
  return absl::InvalidArgumentError("unknown action");
}

}  // namespace

absl::Status ApplyEvent(TransitionEnv& env, const EventCommand& cmd) {
  const events::HandledMessage& m = cmd.message;
  storage::EventStore store(env.txn);
  WEFT_ASSIGN_OR_RETURN(bool seen, store.HasMessage(m.handler, m.message_id));
  if (seen) {
    return absl::AlreadyExistsError(
        absl::StrCat("message `", m.message_id, "` of handler `", m.handler, "` was applied before"));
  }
  EventMessage record;
  record.handler = m.handler;
  record.message_id = m.message_id;
  record.subject = m.subject;
  record.time_ms = env.now_ms;
  record.delivered = m.delivered;
  if (!m.condition_error.empty()) {
    record.status = EventMessageStatus::kFailed;
    record.error = m.condition_error;
  } else if (!m.condition) {
    record.status = EventMessageStatus::kSkipped;
  }
  for (size_t i = 0; record.status == EventMessageStatus::kApplied && i < m.actions.size(); ++i) {
    // Nothing of an action that fails is kept; the ones before it stand.
    EventActionOutcome outcome;
    outcome.action = std::string(events::ActionName(m.actions[i].kind));
    const uint64_t seed = DeriveSeed(absl::StrCat(m.handler, "/", m.message_id), i);
    absl::Status s = RunAction(env, m.actions[i], seed, outcome);
    if (!s.ok() && !IsActionError(s)) return s;
    if (!s.ok()) {
      outcome.ok = false;
      outcome.executions.clear();
      outcome.error = std::string(s.message());
    }
    record.actions.push_back(std::move(outcome));
  }
  for (const EventActionOutcome& o : record.actions) {
    if (!o.ok) record.status = EventMessageStatus::kFailed;
  }
  WEFT_RETURN_IF_ERROR(store.PutMessage(record));
  if (cmd.recorded) *cmd.recorded = std::move(record);
  return absl::OkStatus();
}

absl::Status ApplyLocalEvents(TransitionEnv& env, const LocalEventsCommand& cmd) {
  for (const events::HandledMessage& m : cmd.messages) {
    absl::Status s = ApplyEvent(env, EventCommand{m, nullptr});
    if (!s.ok() && !absl::IsAlreadyExists(s)) return s;  // recorded before: applied once
  }
  return storage::OutboxStore(env.txn).Delete(cmd.ids);
}

absl::Status ApplyEventHandlerChange(TransitionEnv& env, const EventHandlerCommand& cmd) {
  storage::EventStore store(env.txn);
  if (cmd.json.empty()) {
    WEFT_ASSIGN_OR_RETURN(bool deleted, store.DeleteHandler(cmd.name));
    if (!deleted) return absl::NotFoundError(absl::StrCat("no event handler `", cmd.name, "`"));
    return absl::OkStatus();
  }
  if (!cmd.replace) {
    WEFT_ASSIGN_OR_RETURN(auto existing, store.GetHandler(cmd.name));
    if (existing) {
      return absl::AlreadyExistsError(
          absl::StrCat("event handler `", cmd.name, "` exists already; delete it first, or replace it"));
    }
  }
  return store.PutHandler(cmd.name, cmd.json);
}

}  // namespace weft::engine
