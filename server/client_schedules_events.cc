// The client's schedules and event handlers (see client.h): Conductor's /api/scheduler and
// /api/event, and Weft's /api/weft/schedules/{name}/next and /api/weft/events[/{name}[/messages]].
#include "absl/strings/str_cat.h"
#include "server/conductor_schedule.h"
#include "server/event_json.h"
#include "server/remote_engine.h"
#include "weft/event_message.h"

namespace weft::server::remote {

absl::StatusOr<Schedule> RemoteEngine::CreateSchedule(const Schedule& schedule, bool replace) {
  absl::StatusOr<Value> stored =
      CallJson("POST", absl::StrCat("/api/scheduler/schedules?replace=", replace ? "true" : "false"),
               ScheduleToConductor(schedule).ToJson());
  if (!stored.ok()) return stored.status();
  return ScheduleFromConductor(*stored);
}

absl::StatusOr<Schedule> RemoteEngine::GetSchedule(std::string_view name) {
  absl::StatusOr<Value> s = CallJson("GET", "/api/scheduler/schedules/" + Escape(name));
  if (!s.ok()) return s.status();
  return ScheduleFromConductor(*s);
}

absl::StatusOr<std::vector<Schedule>> RemoteEngine::ListSchedules() {
  return DecodeList<Schedule>(CallJson("GET", "/api/scheduler/schedules"), ScheduleFromConductor);
}

absl::Status RemoteEngine::PauseSchedule(std::string_view name) {
  return CallOk("GET", "/api/scheduler/schedules/" + Escape(name) + "/pause");
}

absl::Status RemoteEngine::ResumeSchedule(std::string_view name) {
  return CallOk("GET", "/api/scheduler/schedules/" + Escape(name) + "/resume");
}

absl::Status RemoteEngine::DeleteSchedule(std::string_view name) {
  return CallOk("DELETE", "/api/scheduler/schedules/" + Escape(name));
}

absl::StatusOr<std::vector<int64_t>> RemoteEngine::NextScheduleTimes(std::string_view name, size_t count) {
  absl::StatusOr<Value> list =
      CallJson("GET", absl::StrCat("/api/weft/schedules/", Escape(name), "/next?limit=", count));
  if (!list.ok()) return list.status();
  std::vector<int64_t> out;
  if (!list->is_list()) return out;
  for (const Value& t : list->as_list()) {
    if (t.is_int()) out.push_back(t.as_int());  // anything else is not a time: skipped
  }
  return out;
}

absl::StatusOr<EventHandlerInfo> RemoteEngine::CreateEventHandler(const Value& definition, bool replace) {
  if (absl::Status s = CallOk(replace ? "PUT" : "POST", "/api/event", definition.ToJson()); !s.ok()) {
    return s;
  }
  const Value* name = definition.is_object() ? definition.as_object().Find("name") : nullptr;
  return GetEventHandler(name != nullptr && name->is_string() ? name->as_string() : "");
}

absl::StatusOr<EventHandlerInfo> RemoteEngine::GetEventHandler(std::string_view name) {
  absl::StatusOr<Value> h = CallJson("GET", "/api/weft/events/" + Escape(name));
  if (!h.ok()) return h.status();
  return EventHandlerFromJson(*h);
}

absl::StatusOr<std::vector<EventHandlerInfo>> RemoteEngine::ListEventHandlers() {
  // Weft's list: each handler with where it stands with the server's listener.
  return DecodeList<EventHandlerInfo>(CallJson("GET", "/api/weft/events"),
                                      EventHandlerStatusFromJson);
}

absl::Status RemoteEngine::DeleteEventHandler(std::string_view name) {
  return CallOk("DELETE", "/api/event/" + Escape(name));
}

absl::StatusOr<std::vector<EventMessage>> RemoteEngine::ListEventMessages(std::string_view handler,
                                                                          size_t limit) {
  return DecodeList<EventMessage>(
      CallJson("GET", absl::StrCat("/api/weft/events/", Escape(handler), "/messages?limit=", limit)),
      EventMessageFromJson);
}

}  // namespace weft::server::remote
