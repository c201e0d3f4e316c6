// Event handlers (docs/events.md): a handler as stored, and the record of each message one
// received (its JSON form is in weft/event_message.h).
#ifndef WEFT_EVENTS_H_
#define WEFT_EVENTS_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "weft/value.h"

namespace weft {

// Whether this engine receives a handler's messages. Stored nowhere: it is the running
// listener's view (docs/events.md, "Listening").
enum class EventListenState : uint8_t {
  kOff = 0,    // nothing listens: an inactive handler, or an engine opened without a NATS URL
  kListening,  // subscribed
  kRetrying,   // NATS refused it (`listen_error`): tried again in the background
  kFailed,     // its definition cannot listen (`listen_error`); not tried again
  kInternal,   // `conductor:...`: the engine delivers it itself, no NATS
};
std::string_view EventListenStateName(EventListenState state);  // OFF, LISTENING, ...

// An event handler as stored: Conductor's EventHandler JSON (`nats:` or `jsm:` event), checked;
// and where it stands with the engine's listener.
struct EventHandlerInfo {
  std::string name;
  std::string event;
  bool active = true;
  Value definition;  // the Conductor EventHandler JSON, as HandlerToConductor writes it
  EventListenState listen = EventListenState::kOff;
  std::string listen_error;
};

// What became of one message a handler received. Stored as text: never rename.
//   APPLIED  the condition held and every action succeeded
//   SKIPPED  the condition was false: no action ran
//   FAILED   the condition could not be evaluated (no action ran), or an action failed
enum class EventMessageStatus : uint8_t { kApplied = 0, kSkipped = 1, kFailed = 2 };
std::string_view EventMessageStatusName(EventMessageStatus status);

// One action's outcome: the executions it started or reached, or why it could not.
struct EventActionOutcome {
  std::string action;  // start_workflow, signal, complete_task, fail_task
  bool ok = true;
  std::vector<std::string> executions;
  std::string error;
};

// The record of one message (table `event_messages`), written in the transaction that applied
// its actions; a message id recorded once is never applied again.
struct EventMessage {
  std::string handler;
  std::string message_id;
  std::string subject;
  int64_t time_ms = 0;     // the engine clock at the commit's transaction
  uint64_t delivered = 1;  // JetStream's delivery count when it was applied
  EventMessageStatus status = EventMessageStatus::kApplied;
  std::string error;  // FAILED by its condition: why
  std::vector<EventActionOutcome> actions;
};

}  // namespace weft

#endif  // WEFT_EVENTS_H_
