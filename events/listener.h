// The event listener (docs/events.md): one NATS subscription per active handler; for each
// message it parses the payload, evaluates the handler's condition, fills in the actions, and
// hands the result to an EventSink, which applies it durably: the engine records the message
// (handler, message id, each action's outcome, or SKIPPED) in the same write transaction as
// the actions' effects, refusing a message id it has recorded before. A JetStream message is
// acked only after the sink answered (after its commit), so a message whose processing did not
// commit (the engine crashed, the sink failed) is redelivered, and the record keeps a
// redelivery from being applied twice.
//
// The listener knows nothing of the store: the sink does (engine side). Tests use a sink of
// their own.
#ifndef WEFT_EVENTS_LISTENER_H_
#define WEFT_EVENTS_LISTENER_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "events/handler.h"
#include "events/nats_client.h"
#include "weft/value.h"

namespace weft::events {

// One message as a handler saw it.
struct HandledMessage {
  std::string handler;
  std::string message_id;  // see nats_client.h; generated (unique, never deduplicated) when
                           // a core NATS message has no Nats-Msg-Id
  bool generated_id = false;
  std::string subject;
  Value payload;           // the data as JSON; a string when it is not JSON
  bool condition = true;   // false: SKIPPED, no action runs
  std::string condition_error;  // the condition could not be evaluated: no action runs
  std::vector<Action> actions;  // filled in from the payload (Resolve)
  uint64_t delivered = 1;       // JetStream's delivery count
};

// Told what became of a message, once: OK when it was applied and recorded durably,
// AlreadyExists when it was recorded before (a redelivery; nothing was done), anything else
// when nothing was recorded (a JetStream message comes again).
using ApplyDone = std::function<void(const absl::Status&)>;

class EventSink {
 public:
  virtual ~EventSink() = default;
  // Applies `message` and records it, and calls `done` after the commit, on any thread (the
  // engine's: the writer's commit callback), maybe before Apply returns. Apply must not wait
  // for the commit: a subscription's messages are handed over one after another on its
  // thread, so a sink that waited would commit one message per fsync.
  virtual void Apply(HandledMessage message, ApplyDone done) = 0;
};

struct ListenerStats {
  std::atomic<uint64_t> received{0};
  std::atomic<uint64_t> applied{0};     // recorded with their actions
  std::atomic<uint64_t> skipped{0};     // recorded SKIPPED (condition false or in error)
  std::atomic<uint64_t> duplicates{0};  // redeliveries of a recorded message
  std::atomic<uint64_t> failed{0};      // the sink failed: not acked
};

struct ListenerOptions {
  std::string url = "nats://127.0.0.1:4222";
  // How long JetStream waits for an ack before it redelivers a message.
  absl::Duration ack_wait = absl::Seconds(30);
  // The most JetStream messages of one handler handed to the sink and not yet acked.
  int max_in_flight = 256;
  // How long a JetStream handler keeps trying to bind its durable consumer before its error
  // goes to errors(). A listener closed just before (every handler change restarts it) leaves
  // the consumer bound to its old subscription until the server has seen that connection go.
  absl::Duration bind_retry = absl::Seconds(5);
};

// Where one active handler stands with the listener.
struct HandlerState {
  std::string name;
  bool listening = false;
  // Not listening: why. `retried`: a subscription NATS refused (no stream holds the subject
  // yet, the consumer is still bound elsewhere, the connection is down), which RetryPending
  // tries again; otherwise a definition that cannot listen at all (a bad event).
  std::string error;
  bool retried = false;
};

class EventListener {
 public:
  // Connects and subscribes every active handler. Unavailable when NATS cannot be reached. A
  // handler that cannot subscribe (a bad event, no stream holds its subject) does not stop the
  // others: its error is in errors(). REQUIRES: `sink` outlives the listener.
  static absl::StatusOr<std::unique_ptr<EventListener>> Start(
      const ListenerOptions& options, std::vector<EventHandler> handlers, EventSink& sink);
  // Stops the deliveries, then waits for the sink's answers to what it was handed.
  ~EventListener();

  const ListenerStats& stats() const { return stats_; }
  // The handlers that are not listening, each with why ("event handler `h`: ...").
  std::vector<absl::Status> errors() const;
  // Every handler Start was given (active ones), listening or not, in that order.
  std::vector<HandlerState> States() const;
  // Tries once more to subscribe each handler NATS refused; returns how many still are not
  // listening that way. Thread-safe; deliveries of the others go on meanwhile.
  size_t RetryPending();

  // What the listener does with one delivery, without NATS (also for tests).
  static HandledMessage Handle(const EventHandler& handler, const std::string& subject,
                               const std::string& data, const std::string& id);

 private:
  // One handler Start was given; `handler` is what its deliveries refer to (stable address).
  struct Entry {
    std::unique_ptr<EventHandler> handler;
    bool listening = false;
    bool retried = false;  // see HandlerState
    absl::Status error;
  };

  EventListener(EventSink& sink, const ListenerOptions& options) : sink_(sink), options_(options) {}
  void OnDelivery(const EventHandler& handler, std::unique_ptr<Delivery> delivery);
  // Subscribes `e`'s handler (JetStream: retrying a bound consumer for up to `bind_retry`).
  absl::Status Subscribe(Entry& e, absl::Duration bind_retry);

  EventSink& sink_;
  const ListenerOptions options_;
  mutable std::mutex entries_mu_;  // guards entries_' states; one RetryPending at a time
  std::vector<Entry> entries_;
  ListenerStats stats_;
  // Messages handed to the sink and not answered yet; the destructor waits for 0.
  std::mutex mu_;
  std::condition_variable answered_;
  uint64_t in_flight_ = 0;
  std::unique_ptr<NatsClient> client_;  // last: destroyed first, stopping the deliveries
};

}  // namespace weft::events

#endif  // WEFT_EVENTS_LISTENER_H_
