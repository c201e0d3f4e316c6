// Event handlers and message records as JSON for `weft serve` (docs/server.md, "Event
// handlers"): what /api/event and /api/weft/events/{name}/messages answer, and what the CLI's
// client mode (client.cc) reads back.
#ifndef WEFT_SERVER_EVENT_JSON_H_
#define WEFT_SERVER_EVENT_JSON_H_

#include "absl/status/statusor.h"
#include "weft/engine.h"
#include "weft/value.h"

namespace weft::server {

// {"handler", "messageId", "subject", "time", "delivered", "status", "error"?, "actions": [
//   {"action", "ok", "executions": [...], "error"?}]}
Value EventMessageToJson(const EventMessage& message);
absl::StatusOr<EventMessage> EventMessageFromJson(const Value& json);

// A handler from its Conductor JSON (as GET /api/event answers), for the client.
absl::StatusOr<EventHandlerInfo> EventHandlerFromJson(const Value& json);

}  // namespace weft::server

#endif  // WEFT_SERVER_EVENT_JSON_H_
