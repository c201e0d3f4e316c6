// Event handlers (docs/events.md): what a handler is, read from and written as Conductor's
// EventHandler JSON, and what it does with one message, short of touching the store: whether
// its condition holds, and each action with its fields filled in from the message. The
// listener (a NATS subscription per handler) and the engine's transaction that applies the
// actions and records the message are built on this; nothing here knows NATS or LMDB.
//
// A handler:
//   name        its key, at most 128 bytes
//   event       where messages come from:
//                 `nats:SUBJECT`                  core NATS (at most once)
//                 `jsm:SUBJECT`                   JetStream (at least once), the stream that
//                                                 holds SUBJECT, a durable consumer named after
//                                                 the handler
//                 `jsm:STREAM:CONSUMER:SUBJECT`   JetStream, that stream and durable consumer
//                 `conductor:WORKFLOW:QUEUE`      Conductor's internal queue, inside the engine:
//                                                 what workflow WORKFLOW publishes with
//                                                 `publish(subject: "conductor:QUEUE", ...)`
//                                                 (Conductor's EVENT task, sink
//                                                 `conductor:QUEUE`); no NATS involved
//   condition   over the message's payload as `$`, empty: always. evaluatorType `javascript`
//               or `graaljs` (Conductor's; the default) runs it as JavaScript (stdlib/js.h),
//               `jq` as a jq program (stdlib/jq.h), `weft` as a Weft expression over
//               `event` (the payload; see RegisterWeftConditions); true (jq: anything but
//               false and null) applies the actions, anything else records SKIPPED
//   actions     start_workflow, signal (Weft's), complete_task, fail_task (below)
//   active      an inactive handler is kept but does not listen
#ifndef WEFT_EVENTS_HANDLER_H_
#define WEFT_EVENTS_HANDLER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "weft/value.h"

namespace weft::events {

// The actions a handler may take: (enum, Conductor's `action` name). Append only: stored.
#define WEFT_EVENT_ACTIONS(X)         \
  X(kStartWorkflow, "start_workflow") \
  X(kSignal, "signal")                \
  X(kCompleteTask, "complete_task")   \
  X(kFailTask, "fail_task")
enum class ActionKind : uint8_t {
#define WEFT_EVENT_ACTION_ENUM(name, text) name,
  WEFT_EVENT_ACTIONS(WEFT_EVENT_ACTION_ENUM)
#undef WEFT_EVENT_ACTION_ENUM
};
std::string_view ActionName(ActionKind kind);
std::optional<ActionKind> ParseActionName(std::string_view name);

// One action. Every string and `input`/`output`/`payload` may hold `${path}` references to the
// message's payload (Conductor's parameter syntax), filled in by Resolve below.
struct Action {
  ActionKind kind = ActionKind::kStartWorkflow;
  // start_workflow {name, version, input, correlationId}
  std::string workflow;
  uint32_t version = 0;  // 0: the latest
  Value input;           // an object (a template)
  std::string correlation_id;
  // signal {workflowId | correlationId, name, payload}
  std::string signal;
  Value payload;
  // complete_task, fail_task {taskId | workflowId + taskRefName, output, reason}; signal's
  // workflowId too.
  std::string task_id;
  std::string execution_id;
  std::string task_ref;
  Value output;
  std::string reason;  // fail_task
};

enum class SourceKind : uint8_t { kCore = 0, kJetStream = 1, kConductor = 2 };

// Conductor's internal queues (`conductor:...`): the engine delivers them itself, from its
// outbox, to the handlers whose `event` is the queue's name exactly.
inline constexpr std::string_view kConductorProvider = "conductor:";

// Whether `name` is a queue of Conductor's internal provider (`conductor:` and a non-empty
// name without spaces or control characters).
bool IsConductorQueue(std::string_view name);

struct EventHandler {
  std::string name;
  std::string event;  // as given: `nats:...`, `jsm:...` or `conductor:...`
  std::string condition;
  std::string evaluator = "javascript";  // javascript | graaljs | jq | weft
  std::vector<Action> actions;
  bool active = true;
  // From `event`, by ParseEvent.
  SourceKind source = SourceKind::kCore;
  std::string subject;   // conductor: the whole queue name, `conductor:` included
  std::string stream;    // JetStream; empty: the stream that holds `subject`
  std::string consumer;  // JetStream; the durable consumer (default: the handler's name)
};

// Reads `event` into handler.source, subject, stream, consumer: InvalidArgument naming what is
// wrong (an unknown provider, an empty or malformed subject).
absl::Status ParseEvent(EventHandler& handler);

// Conductor's EventHandler JSON, both ways. FromConductor checks everything (name, event,
// evaluatorType, each action's required fields) and says what is wrong; Conductor's
// `expandInlineJSON`, `description`, `tags` and the like are ignored.
absl::StatusOr<EventHandler> HandlerFromConductor(const Value& json);
Value HandlerToConductor(const EventHandler& handler);

// Whether the condition holds for `payload`: false (SKIPPED) or true; an error when it cannot
// be evaluated (it does not compile, throws, runs past its budget).
absl::StatusOr<bool> EvaluateCondition(const EventHandler& handler, const Value& payload);

// Conditions written as Weft expressions (evaluatorType `weft`) are compiled and run by the
// engine (engine/weft_condition.h: the compiler and the VM, which this library does not
// include), which registers its evaluator here when it opens. Without one, such a condition
// cannot be evaluated (FailedPrecondition).
using WeftConditionEvaluator = absl::StatusOr<bool> (*)(std::string_view condition, const Value& payload);
void RegisterWeftConditions(WeftConditionEvaluator evaluator);

// `action` with every `${path}` filled in from `payload`: a string that is exactly `${path}`
// becomes the value at `path` (of any type; null when absent), a string that contains one has
// it replaced by the value's text. `path` is dotted keys and list indexes from the payload,
// with or without Conductor's leading `$.` (`${order.id}`, `${$.items.0}`); `${$}` is the
// whole payload.
Action Resolve(const Action& action, const Value& payload);

}  // namespace weft::events

#endif  // WEFT_EVENTS_HANDLER_H_
