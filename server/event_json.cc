// See event_json.h.
#include "server/event_json.h"

#include <string>

namespace weft::server {
namespace {

const Value* Get(const Value& o, std::string_view key) {
  return o.is_object() ? o.as_object().Find(key) : nullptr;
}
std::string Str(const Value& o, std::string_view key) {
  const Value* v = Get(o, key);
  return v != nullptr && v->is_string() ? v->as_string() : std::string();
}

}  // namespace

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

Value EventHandlerStatusToJson(const EventHandlerInfo& h) {
  Object o;
  o.Set("name", Value::String(h.name));
  o.Set("event", Value::String(h.event));
  o.Set("active", Value::Bool(h.active));
  o.Set("listen", Value::String(std::string(EventListenStateName(h.listen))));
  if (!h.listen_error.empty()) o.Set("listenError", Value::String(h.listen_error));
  o.Set("definition", h.definition);
  return Value::MakeObject(std::move(o));
}

absl::StatusOr<EventHandlerInfo> EventHandlerStatusFromJson(const Value& json) {
  const Value* definition = Get(json, "definition");
  if (definition == nullptr) {
    return absl::InvalidArgumentError("a handler status needs `definition`");
  }
  absl::StatusOr<EventHandlerInfo> h = EventHandlerFromJson(*definition);
  if (!h.ok()) return h.status();
  const std::string listen = Str(json, "listen");
  for (EventListenState s : {EventListenState::kOff, EventListenState::kListening,
                             EventListenState::kRetrying, EventListenState::kFailed,
                             EventListenState::kInternal}) {
    if (EventListenStateName(s) == listen) h->listen = s;
  }
  h->listen_error = Str(json, "listenError");
  return h;
}

}  // namespace weft::server
