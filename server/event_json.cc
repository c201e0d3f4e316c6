// See event_json.h.
#include "server/event_json.h"

#include <string>

#include "absl/strings/str_cat.h"

namespace weft::server {
namespace {

const Value* Get(const Value& o, std::string_view key) {
  return o.is_object() ? o.as_object().Find(key) : nullptr;
}
std::string Str(const Value& o, std::string_view key) {
  const Value* v = Get(o, key);
  return v != nullptr && v->is_string() ? v->as_string() : std::string();
}
int64_t Int(const Value& o, std::string_view key) {
  const Value* v = Get(o, key);
  return v != nullptr && v->is_int() ? v->as_int() : 0;
}

}  // namespace

Value EventMessageToJson(const EventMessage& m) {
  Object o;
  o.Set("handler", Value::String(m.handler));
  o.Set("messageId", Value::String(m.message_id));
  o.Set("subject", Value::String(m.subject));
  o.Set("time", Value::Int(m.time_ms));
  o.Set("delivered", Value::Int(static_cast<int64_t>(m.delivered)));
  o.Set("status", Value::String(std::string(EventMessageStatusName(m.status))));
  if (!m.error.empty()) o.Set("error", Value::String(m.error));
  List actions;
  for (const EventActionOutcome& a : m.actions) {
    Object out;
    out.Set("action", Value::String(a.action));
    out.Set("ok", Value::Bool(a.ok));
    List ids;
    for (const std::string& id : a.executions) ids.push_back(Value::String(id));
    out.Set("executions", Value::MakeList(std::move(ids)));
    if (!a.error.empty()) out.Set("error", Value::String(a.error));
    actions.push_back(Value::MakeObject(std::move(out)));
  }
  o.Set("actions", Value::MakeList(std::move(actions)));
  return Value::MakeObject(std::move(o));
}

absl::StatusOr<EventMessage> EventMessageFromJson(const Value& json) {
  if (!json.is_object()) return absl::InvalidArgumentError("an event message must be an object");
  EventMessage m;
  m.handler = Str(json, "handler");
  m.message_id = Str(json, "messageId");
  m.subject = Str(json, "subject");
  m.time_ms = Int(json, "time");
  m.delivered = static_cast<uint64_t>(Int(json, "delivered"));
  m.error = Str(json, "error");
  const std::string status = Str(json, "status");
  bool known = false;
  for (EventMessageStatus s : {EventMessageStatus::kApplied, EventMessageStatus::kSkipped,
                               EventMessageStatus::kFailed}) {
    if (status == EventMessageStatusName(s)) {
      m.status = s;
      known = true;
    }
  }
  if (!known) return absl::InvalidArgumentError(absl::StrCat("unknown status `", status, "`"));
  if (const Value* actions = Get(json, "actions"); actions != nullptr && actions->is_list()) {
    for (const Value& a : actions->as_list()) {
      EventActionOutcome out;
      out.action = Str(a, "action");
      const Value* ok = Get(a, "ok");
      out.ok = ok != nullptr && ok->is_bool() && ok->as_bool();
      out.error = Str(a, "error");
      if (const Value* ids = Get(a, "executions"); ids != nullptr && ids->is_list()) {
        for (const Value& id : ids->as_list()) {
          if (id.is_string()) out.executions.push_back(id.as_string());
        }
      }
      m.actions.push_back(std::move(out));
    }
  }
  return m;
}

absl::StatusOr<EventHandlerInfo> EventHandlerFromJson(const Value& json) {
  if (!json.is_object()) return absl::InvalidArgumentError("an event handler must be an object");
  EventHandlerInfo h;
  h.name = Str(json, "name");
  h.event = Str(json, "event");
  const Value* active = Get(json, "active");
  h.active = active == nullptr || !active->is_bool() || active->as_bool();
  h.definition = json;
  return h;
}

}  // namespace weft::server
