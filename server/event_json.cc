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

}  // namespace weft::server
