// Schedules through the embedding API (include/weft/engine.h, docs/schedules.md): a schedule is
// checked here (name, expression, zone, bounds, workflow, input), then created, changed or
// deleted by one ScheduleCommand to the writer (engine/transitions/schedules.cc), which keeps
// its timer with it. Reads go straight to the store.
#include <algorithm>
#include <memory>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/name_limits.h"
#include "common/status_macros.h"
#include "common/strings.h"
#include "engine/engine_impl.h"
#include "engine/payload_limits.h"
#include "engine/schedule_slots.h"
#include "storage/schedules.h"
#include "vm/vm.h"

namespace weft {

std::string_view CatchUpPolicyName(CatchUpPolicy policy) {
  return policy == CatchUpPolicy::kRunAll ? "RUN_ALL" : "SKIP";
}

std::optional<CatchUpPolicy> ParseCatchUpPolicy(std::string_view name) {
  const std::string upper = absl::AsciiStrToUpper(ToAbsl(name));
  if (upper == "SKIP") return CatchUpPolicy::kSkip;
  if (upper == "RUN_ALL") return CatchUpPolicy::kRunAll;
  return std::nullopt;
}

std::string_view OverlapPolicyName(OverlapPolicy policy) {
  return policy == OverlapPolicy::kSkip ? "SKIP" : "ALLOW";
}

std::optional<OverlapPolicy> ParseOverlapPolicy(std::string_view name) {
  const std::string upper = absl::AsciiStrToUpper(ToAbsl(name));
  if (upper == "ALLOW") return OverlapPolicy::kAllow;
  if (upper == "SKIP") return OverlapPolicy::kSkip;
  return std::nullopt;
}

absl::StatusOr<std::vector<int64_t>> NextCronTimes(std::string_view cron, std::string_view zone,
                                                   int64_t after_ms, size_t count,
                                                   int64_t end_ms) {
  Schedule s;
  s.cron = std::string(cron);
  s.zone = std::string(zone);
  s.end_ms = end_ms;
  WEFT_ASSIGN_OR_RETURN(engine::CompiledSchedule compiled, engine::CompileSchedule(s));
  std::vector<int64_t> out;
  for (int64_t t = after_ms; out.size() < count;) {
    t = engine::NextSlot(compiled, t);
    if (t == 0) break;
    out.push_back(t);
  }
  return out;
}

namespace engine {
namespace {

absl::Status CheckScheduleName(std::string_view name) {
  if (name.empty()) return absl::InvalidArgumentError("a schedule needs a name");
  if (name.find('\0') != std::string_view::npos) {
    return absl::InvalidArgumentError("a schedule name cannot contain a NUL byte");
  }
  return CheckNameLength("schedule", name);
}

}  // namespace

absl::Status EngineImpl::CheckSchedule(const Schedule& s) {
  WEFT_RETURN_IF_ERROR(CheckScheduleName(s.name));
  WEFT_RETURN_IF_ERROR(CheckNameLength("workflow", s.workflow));
  if (s.start_ms < 0 || s.end_ms < 0) {
    return absl::InvalidArgumentError("a schedule's start and end are ms since the epoch, >= 0");
  }
  if (s.start_ms > 0 && s.end_ms > 0 && s.end_ms < s.start_ms) {
    return absl::InvalidArgumentError(absl::StrCat("the schedule `", ToAbsl(s.name),
                                                   "` ends (", s.end_ms, ") before it starts (",
                                                   s.start_ms, ")"));
  }
  WEFT_RETURN_IF_ERROR(CompileSchedule(s).status());
  if (!s.input.is_object() && !s.input.is_null()) {
    return absl::InvalidArgumentError(absl::StrCat("a schedule's input must be a JSON object, got ",
                                                   ToAbsl(Value::KindName(s.input.kind()))));
  }
  if (const uint64_t bytes = PayloadBytesIfNear(s.input, options_.limits.max_input_bytes);
      bytes > options_.limits.max_input_bytes) {
    return absl::InvalidArgumentError(OverLimitMessage(
        "the schedule's input", bytes, options_.limits.max_input_bytes, "max_input_bytes"));
  }
  StartOptions version;
  if (s.version != 0) version.version = s.version;
  WEFT_ASSIGN_OR_RETURN(const PinnedVersion pinned, PinVersion(s.workflow, version));
  absl::StatusOr<std::vector<Value>> bound =
      vm::BindInput(pinned.program->program, SlotInput(s, pinned.program->program, 0));
  if (!bound.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("the schedule's input does not fit workflow `",
                                                   ToAbsl(s.workflow), "`: ",
                                                   bound.status().message()));
  }
  return absl::OkStatus();
}

absl::StatusOr<Schedule> EngineImpl::ChangeSchedule(ScheduleCommand cmd) {
  WEFT_RETURN_IF_ERROR(RequireWritable());
  WEFT_RETURN_IF_ERROR(CheckScheduleName(cmd.schedule.name));
  WEFT_RETURN_IF_ERROR(RefuseWhileStalled("no schedule changes"));
  auto stored = std::make_shared<Schedule>();
  cmd.stored = stored;
  WEFT_RETURN_IF_ERROR(writer_->SubmitAndWait(std::move(cmd)));
  return *stored;
}

absl::StatusOr<Schedule> EngineImpl::CreateSchedule(const Schedule& schedule, bool replace) {
  WEFT_RETURN_IF_ERROR(RequireWritable());
  WEFT_RETURN_IF_ERROR(CheckSchedule(schedule));
  ScheduleCommand cmd;
  cmd.kind = replace ? ScheduleCommand::Kind::kReplace : ScheduleCommand::Kind::kCreate;
  cmd.schedule = schedule;
  return ChangeSchedule(std::move(cmd));
}

absl::StatusOr<Schedule> EngineImpl::GetSchedule(std::string_view name) {
  WEFT_ASSIGN_OR_RETURN(storage::Txn txn, storage::Txn::BeginRead(*env_));
  WEFT_ASSIGN_OR_RETURN(std::optional<Schedule> row, storage::ScheduleStore(txn).Get(name));
  if (!row) return absl::NotFoundError(absl::StrCat("no schedule `", ToAbsl(name), "`"));
  return *std::move(row);
}

absl::StatusOr<std::vector<Schedule>> EngineImpl::ListSchedules() {
  WEFT_ASSIGN_OR_RETURN(storage::Txn txn, storage::Txn::BeginRead(*env_));
  return storage::ScheduleStore(txn).List();
}

absl::Status EngineImpl::PauseSchedule(std::string_view name) {
  ScheduleCommand cmd;
  cmd.kind = ScheduleCommand::Kind::kPause;
  cmd.schedule.name = std::string(name);
  return ChangeSchedule(std::move(cmd)).status();
}

absl::Status EngineImpl::ResumeSchedule(std::string_view name) {
  ScheduleCommand cmd;
  cmd.kind = ScheduleCommand::Kind::kResume;
  cmd.schedule.name = std::string(name);
  return ChangeSchedule(std::move(cmd)).status();
}

absl::Status EngineImpl::DeleteSchedule(std::string_view name) {
  ScheduleCommand cmd;
  cmd.kind = ScheduleCommand::Kind::kDelete;
  cmd.schedule.name = std::string(name);
  return ChangeSchedule(std::move(cmd)).status();
}

absl::StatusOr<std::vector<int64_t>> EngineImpl::NextScheduleTimes(std::string_view name,
                                                                   size_t count) {
  WEFT_ASSIGN_OR_RETURN(Schedule s, GetSchedule(name));
  WEFT_ASSIGN_OR_RETURN(CompiledSchedule compiled, CompileSchedule(s));
  std::vector<int64_t> out;
  for (int64_t t = std::max(clock_->NowMs(), s.last_slot_ms); out.size() < count;) {
    t = NextSlot(compiled, t);
    if (t == 0) break;
    out.push_back(t);
  }
  return out;
}

}  // namespace engine
}  // namespace weft
