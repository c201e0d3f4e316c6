// Schedules (docs/schedules.md): a change to one (create, replace, pause, resume, delete) with
// its timer, and a slot falling due. A slot's firing (its timer taken, the row's next slot
// moved on) and its execution's start are one transaction, so across a crash a slot is either
// not fired yet (and fires when the engine opens) or fired with its execution: never lost,
// never run twice.
#include <algorithm>
#include <memory>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "common/strings.h"
#include "engine/schedule_slots.h"
#include "engine/transitions/internal.h"
#include "storage/registry.h"
#include "storage/schedules.h"

namespace weft::engine {
namespace {

// Whether the execution a schedule last started is still RUNNING or PAUSED (the batch's
// cache knows it best; the store otherwise; a pruned one has ended).
absl::StatusOr<bool> StillGoing(TransitionEnv& env, const std::string& id) {
  if (id.empty()) return false;
  if (auto it = env.cache->lives.find(id); it != env.cache->lives.end()) {
    return !IsEnded(it->second->info.status);
  }
  WEFT_ASSIGN_OR_RETURN(auto row, env.store.GetExecution(id));
  return row.has_value() && !IsEnded(row->info.status);
}

// Starts the execution of `slot_ms` in this transaction. A start the schedule cannot make (its
// workflow is gone, its input no longer fits) comes back as NotFound or InvalidArgument.
absl::Status StartSlot(TransitionEnv& env, Schedule& s, int64_t slot_ms) {
  std::optional<storage::VersionRow> version;
  if (s.version == 0) {
    WEFT_ASSIGN_OR_RETURN(version, storage::LatestVersion(env.txn, s.workflow));
  } else {
    WEFT_ASSIGN_OR_RETURN(version, storage::GetVersion(env.txn, s.workflow, s.version));
  }
  if (!version) {
    return absl::NotFoundError(
        s.version == 0
            ? absl::StrCat("workflow `", ToAbsl(s.workflow), "` is not deployed")
            : absl::StrCat("workflow `", ToAbsl(s.workflow), "` has no version ", s.version));
  }
  WEFT_ASSIGN_OR_RETURN(ProgramPtr program, env.programs.Get(env.txn, version->hash));
  const Value input = SlotInput(s, program->program, slot_ms);
  WEFT_ASSIGN_OR_RETURN(
      StartCommand cmd,
      PrepareStart(env, s.workflow, version->version, input, "", 0, 0,
                   DeriveSeed(s.name, static_cast<uint64_t>(slot_ms))));
  cmd.schedule = s.name;
  cmd.scheduled_ms = slot_ms;
  s.last_execution_id = cmd.execution_id;
  QueueStart(env, std::move(cmd));
  // Started now, not after the whole firing: the next slot's overlap check sees it.
  return Drain(env);
}

// One slot: skipped (missed while the engine was closed, or overlapping) or run.
absl::Status FireSlot(TransitionEnv& env, Schedule& s, int64_t slot_ms) {
  s.last_slot_ms = slot_ms;
  if (s.catch_up == CatchUpPolicy::kSkip && slot_ms < env.opened_ms) {
    ++s.skipped;
    return absl::OkStatus();
  }
  if (s.overlap == OverlapPolicy::kSkip) {
    WEFT_ASSIGN_OR_RETURN(bool going, StillGoing(env, s.last_execution_id));
    if (going) {
      ++s.skipped;
      return absl::OkStatus();
    }
  }
  absl::Status started = StartSlot(env, s, slot_ms);
  if (absl::IsNotFound(started) || absl::IsInvalidArgument(started)) {
    ++s.skipped;
    s.last_error = absl::StrCat("slot ", slot_ms, ": ", started.message());
    return absl::OkStatus();
  }
  WEFT_RETURN_IF_ERROR(started);
  ++s.runs;
  s.last_error.clear();
  return absl::OkStatus();
}

absl::Status NoSuchSchedule(std::string_view name) {
  return absl::NotFoundError(absl::StrCat("no schedule `", ToAbsl(name), "`"));
}

// A stored row that does not decode is the command's problem, not an execution's fault.
absl::StatusOr<std::optional<Schedule>> GetSchedule(storage::ScheduleStore& store,
                                                    std::string_view name) {
  absl::StatusOr<std::optional<Schedule>> row = store.Get(name);
  if (absl::IsDataLoss(row.status())) return absl::FailedPreconditionError(row.status().message());
  return row;
}

}  // namespace

absl::Status ApplyScheduleFired(TransitionEnv& env, std::string_view key, std::string_view name,
                                int64_t due_ms) {
  WEFT_ASSIGN_OR_RETURN(std::optional<std::string> present, env.store.TakeTimer(key));
  if (!present) return absl::OkStatus();
  storage::ScheduleStore store(env.txn, &env.effects.timers);
  WEFT_ASSIGN_OR_RETURN(std::optional<Schedule> row, GetSchedule(store, name));
  if (!row || row->paused || row->next_ms != due_ms) return absl::OkStatus();  // not its slot
  Schedule before = *row;
  before.next_ms = 0;  // its timer is taken: Put sets the next one whatever it is
  Schedule& s = *row;
  absl::StatusOr<CompiledSchedule> compiled = CompileSchedule(s);
  if (!compiled.ok()) {  // e.g. the zone vanished from tzdata: it stops, saying why
    s.next_ms = 0;
    s.last_error = std::string(compiled.status().message());
    return store.Put(s, &before);
  }
  int64_t slot = due_ms;
  // The slot whose timer fell due fires; so does every later one already due.
  for (int n = 0; slot != 0 && (n == 0 || slot <= env.now_ms) && n < kMaxSlotsPerFiring; ++n) {
    WEFT_RETURN_IF_ERROR(FireSlot(env, s, slot));
    slot = NextSlot(*compiled, slot);
  }
  s.next_ms = slot;
  s.updated_ms = env.now_ms;
  return store.Put(s, &before);
}

absl::Status ApplyScheduleChange(TransitionEnv& env, const ScheduleCommand& cmd) {
  using Kind = ScheduleCommand::Kind;
  storage::ScheduleStore store(env.txn, &env.effects.timers);
  const std::string& name = cmd.schedule.name;
  WEFT_ASSIGN_OR_RETURN(std::optional<Schedule> existing, GetSchedule(store, name));
  if (cmd.kind == Kind::kCreate && existing) {
    return absl::AlreadyExistsError(absl::StrCat(
        "schedule `", ToAbsl(name), "` exists already; delete it first, or replace it"));
  }
  if (cmd.kind != Kind::kCreate && cmd.kind != Kind::kReplace && !existing) {
    return NoSuchSchedule(name);
  }
  if (cmd.kind == Kind::kDelete) {
    WEFT_RETURN_IF_ERROR(store.Delete(*existing));
    if (cmd.stored) *cmd.stored = *existing;
    return absl::OkStatus();
  }
  if ((cmd.kind == Kind::kPause && existing->paused) ||
      (cmd.kind == Kind::kResume && !existing->paused)) {
    if (cmd.stored) *cmd.stored = *existing;  // already so: nothing changes
    return absl::OkStatus();
  }
  Schedule s = existing ? *existing : cmd.schedule;
  switch (cmd.kind) {
    case Kind::kCreate:
    case Kind::kReplace: {
      s = cmd.schedule;
      s.created_ms = existing ? existing->created_ms : env.now_ms;
      if (existing) {  // a replacement goes on from where the old one was
        s.last_slot_ms = existing->last_slot_ms;
        s.last_execution_id = existing->last_execution_id;
        s.runs = existing->runs;
        s.skipped = existing->skipped;
      } else {
        s.last_slot_ms = 0;
        s.last_execution_id.clear();
        s.runs = s.skipped = 0;
      }
      s.last_error.clear();
      break;
    }
    case Kind::kPause:
      s.paused = true;
      break;
    case Kind::kResume:
      s.paused = false;
      break;
    case Kind::kDelete:
      break;
  }
  s.updated_ms = env.now_ms;
  s.next_ms = 0;
  if (!s.paused) {
    absl::StatusOr<CompiledSchedule> compiled = CompileSchedule(s);
    if (!compiled.ok()) return compiled.status();  // InvalidArgument
    s.next_ms = NextSlot(*compiled, std::max(env.now_ms, s.last_slot_ms));
  }
  WEFT_RETURN_IF_ERROR(store.Put(s, existing ? &*existing : nullptr));
  if (cmd.stored) *cmd.stored = s;
  return absl::OkStatus();
}

}  // namespace weft::engine
