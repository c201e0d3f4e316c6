// Event handlers as JSON for `weft serve` (docs/server.md, "Event handlers"): what the CLI's
// client mode (client_schedules_events.cc) reads back from /api/event. Message records have their JSON in
// weft/event_message.h.
#ifndef WEFT_SERVER_EVENT_JSON_H_
#define WEFT_SERVER_EVENT_JSON_H_

#include "absl/status/statusor.h"
#include "weft/engine.h"
#include "weft/value.h"

namespace weft::server {

// A handler from its Conductor JSON (as GET /api/event answers), for the client.
absl::StatusOr<EventHandlerInfo> EventHandlerFromJson(const Value& json);

// A handler with where it stands with the server's listener, as GET /api/weft/events answers:
// {"name", "event", "active", "listen": "LISTENING" (EventListenStateName), "listenError"
// (only when there is one), "definition": the Conductor JSON}; and back, for the client.
Value EventHandlerStatusToJson(const EventHandlerInfo& h);
absl::StatusOr<EventHandlerInfo> EventHandlerStatusFromJson(const Value& json);

}  // namespace weft::server

#endif  // WEFT_SERVER_EVENT_JSON_H_
