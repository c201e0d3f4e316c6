// An event handler's message record (weft/engine.h, EventMessage) as JSON, the one form it has
// everywhere: stored in the table `event_messages` (docs/format/lmdb.md), answered by
// `GET /api/weft/events/{name}/messages` and read back by the CLI's client mode:
//   {"handler", "messageId", "subject", "time", "delivered", "status", "error"?,
//    "actions": [{"action", "ok", "executions": [...], "error"?}]}
#ifndef WEFT_EVENT_MESSAGE_H_
#define WEFT_EVENT_MESSAGE_H_

#include "absl/status/statusor.h"
#include "weft/events.h"
#include "weft/value.h"

namespace weft {

Value EventMessageToJson(const EventMessage& message);
// InvalidArgument when `json` is not such an object (an unknown status, no `actions`, an
// outcome without `ok`).
absl::StatusOr<EventMessage> EventMessageFromJson(const Value& json);

}  // namespace weft

#endif  // WEFT_EVENT_MESSAGE_H_
