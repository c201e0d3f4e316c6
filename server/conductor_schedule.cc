// See conductor_schedule.h.
#include "server/conductor_schedule.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "common/strings.h"

namespace weft::server {
namespace {

const Value* FieldOf(const Value& v, std::string_view key) {
  if (!v.is_object()) return nullptr;
  const Value* f = v.as_object().Find(key);
  return f == nullptr || f->is_null() ? nullptr : f;
}

absl::Status WrongType(std::string_view field, std::string_view expected) {
  return absl::InvalidArgumentError(
      absl::StrCat("schedule: `", ToAbsl(field), "` must be ", ToAbsl(expected)));
}

absl::Status ReadString(const Value& v, std::string_view key, std::string& out) {
  const Value* f = FieldOf(v, key);
  if (f == nullptr) return absl::OkStatus();
  if (!f->is_string()) return WrongType(key, "a string");
  out = f->as_string();
  return absl::OkStatus();
}

template <typename Int>
absl::Status ReadInt(const Value& v, std::string_view key, Int& out) {
  const Value* f = FieldOf(v, key);
  if (f == nullptr) return absl::OkStatus();
  if (!f->is_int() || f->as_int() < 0) return WrongType(key, "a non-negative integer");
  out = static_cast<Int>(f->as_int());
  return absl::OkStatus();
}

absl::Status ReadBool(const Value& v, std::string_view key, bool& out) {
  const Value* f = FieldOf(v, key);
  if (f == nullptr) return absl::OkStatus();
  if (!f->is_bool()) return WrongType(key, "true or false");
  out = f->as_bool();
  return absl::OkStatus();
}

}  // namespace

Value ScheduleToConductor(const Schedule& s) {
  Object request;
  request.Set("name", Value::String(s.workflow));
  if (s.version != 0) request.Set("version", Value::Int(s.version));
  request.Set("input", s.input.is_null() ? Value::MakeObject(Object()) : s.input);
  Object o;
  o.Set("name", Value::String(s.name));
  o.Set("cronExpression", Value::String(s.cron));
  o.Set("zoneId", Value::String(s.zone));
  o.Set("startWorkflowRequest", Value::MakeObject(std::move(request)));
  if (s.start_ms != 0) o.Set("scheduleStartTime", Value::Int(s.start_ms));
  if (s.end_ms != 0) o.Set("scheduleEndTime", Value::Int(s.end_ms));
  o.Set("paused", Value::Bool(s.paused));
  o.Set("runCatchupScheduleInstances", Value::Bool(s.catch_up == CatchUpPolicy::kRunAll));
  o.Set("createTime", Value::Int(s.created_ms));
  o.Set("updatedTime", Value::Int(s.updated_ms));
  // Weft's own.
  o.Set("overlapPolicy", Value::String(std::string(OverlapPolicyName(s.overlap))));
  o.Set("state", Value::String(s.paused ? "PAUSED" : s.next_ms == 0 ? "ENDED" : "ACTIVE"));
  o.Set("nextRunTime", Value::Int(s.next_ms));
  o.Set("lastRunTime", Value::Int(s.last_slot_ms));
  o.Set("lastExecutionId", Value::String(s.last_execution_id));
  o.Set("runs", Value::Int(static_cast<int64_t>(s.runs)));
  o.Set("skipped", Value::Int(static_cast<int64_t>(s.skipped)));
  o.Set("lastError", Value::String(s.last_error));
  return Value::MakeObject(std::move(o));
}

absl::StatusOr<Schedule> ScheduleFromConductor(const Value& body) {
  if (!body.is_object()) return absl::InvalidArgumentError("schedule: the body must be an object");
  Schedule s;
  if (absl::Status st = ReadString(body, "name", s.name); !st.ok()) return st;
  if (s.name.empty()) return absl::InvalidArgumentError("schedule: `name` is required");
  if (absl::Status st = ReadString(body, "cronExpression", s.cron); !st.ok()) return st;
  if (s.cron.empty()) return absl::InvalidArgumentError("schedule: `cronExpression` is required");
  if (absl::Status st = ReadString(body, "zoneId", s.zone); !st.ok()) return st;
  if (s.zone.empty()) s.zone = "UTC";
  const Value* request = FieldOf(body, "startWorkflowRequest");
  if (request == nullptr || !request->is_object()) {
    return absl::InvalidArgumentError("schedule: `startWorkflowRequest` (an object) is required");
  }
  if (absl::Status st = ReadString(*request, "name", s.workflow); !st.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("startWorkflowRequest.", st.message()));
  }
  if (s.workflow.empty()) {
    return absl::InvalidArgumentError("schedule: `startWorkflowRequest.name` is required");
  }
  if (absl::Status st = ReadInt(*request, "version", s.version); !st.ok()) {
    return absl::InvalidArgumentError("schedule: `startWorkflowRequest.version` must be an integer");
  }
  if (const Value* input = FieldOf(*request, "input"); input != nullptr) {
    if (!input->is_object()) {
      return absl::InvalidArgumentError("schedule: `startWorkflowRequest.input` must be an object");
    }
    s.input = *input;
  }
  if (absl::Status st = ReadInt(body, "scheduleStartTime", s.start_ms); !st.ok()) return st;
  if (absl::Status st = ReadInt(body, "scheduleEndTime", s.end_ms); !st.ok()) return st;
  if (absl::Status st = ReadBool(body, "paused", s.paused); !st.ok()) return st;
  bool catch_up = false;
  if (absl::Status st = ReadBool(body, "runCatchupScheduleInstances", catch_up); !st.ok()) {
    return st;
  }
  s.catch_up = catch_up ? CatchUpPolicy::kRunAll : CatchUpPolicy::kSkip;
  std::string overlap;
  if (absl::Status st = ReadString(body, "overlapPolicy", overlap); !st.ok()) return st;
  if (!overlap.empty()) {
    std::optional<OverlapPolicy> policy = ParseOverlapPolicy(overlap);
    if (!policy) {
      return absl::InvalidArgumentError(absl::StrCat(
          "schedule: unknown `overlapPolicy` `", overlap, "` (expected ALLOW or SKIP)"));
    }
    s.overlap = *policy;
  }
  // Engine-kept fields, present in answers (the client mode reads them back).
  (void)ReadInt(body, "createTime", s.created_ms);
  (void)ReadInt(body, "updatedTime", s.updated_ms);
  (void)ReadInt(body, "nextRunTime", s.next_ms);
  (void)ReadInt(body, "lastRunTime", s.last_slot_ms);
  (void)ReadString(body, "lastExecutionId", s.last_execution_id);
  (void)ReadInt(body, "runs", s.runs);
  (void)ReadInt(body, "skipped", s.skipped);
  (void)ReadString(body, "lastError", s.last_error);
  return s;
}

}  // namespace weft::server
