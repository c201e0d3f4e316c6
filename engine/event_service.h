// The engine's side of event handlers (docs/events.md): the sink the NATS listener hands each
// message to (one EventCommand to the writer, answered after its commit), and the listener's
// life: started over the active handlers stored when the engine opens with a NATS URL, and
// started again whenever a handler changes. What cannot listen is tried again in the background
// with a growing pause (1 s up to `retry_max`): a handler whose stream is created later, and the
// whole listener when NATS could not be reached at a restart. States() says where each active
// handler stands.
#ifndef WEFT_ENGINE_EVENT_SERVICE_H_
#define WEFT_ENGINE_EVENT_SERVICE_H_

#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "engine/writer.h"
#include "events/listener.h"
#include "storage/lmdb.h"

namespace weft::engine {

// Every active handler stored (one that no longer reads is reported on stderr and left out):
// the NATS listener's and Conductor's internal queues' alike.
absl::StatusOr<std::vector<events::EventHandler>> ReadActiveHandlers(storage::Env& env);

class EventService final : public events::EventSink {
 public:
  EventService(Writer& writer, storage::Env& env, std::string url, absl::Duration ack_wait,
               absl::Duration retry_max);
  ~EventService() override;

  // Sends the message to the writer; `done` is told after the commit (events/listener.h).
  void Apply(events::HandledMessage message, events::ApplyDone done) override;

  // Stops the listener (waiting for the answers to what it handed over), then starts one over
  // the active handlers stored now, if any. Unavailable when NATS cannot be reached (tried again
  // in the background); a handler that cannot listen is reported on stderr, naming it, and the
  // others listen.
  absl::Status Restart();
  // Stops the background retries and the listener. REQUIRES: the writer still runs (it answers
  // what is in flight).
  void Stop();

  // Every active handler the listener is meant to subscribe, listening or not and why.
  std::vector<events::HandlerState> States();

 private:
  // The active handlers the listener subscribes: all but Conductor's internal queues'.
  absl::StatusOr<std::vector<events::EventHandler>> ActiveHandlers();
  // Restart's work, with mu_ held.
  absl::Status StartLocked();
  // The retry thread: while something cannot listen, tries again after a growing pause.
  void RetryLoop();
  // True when something is not listening and could if tried again. mu_ held.
  bool NeedsRetryLocked() const;

  Writer& writer_;
  storage::Env& env_;
  const std::string url_;
  const absl::Duration ack_wait_;
  const absl::Duration retry_max_;
  std::mutex mu_;  // held across a restart and a retry: one at a time
  std::unique_ptr<events::EventListener> listener_;
  // The last restart could not connect: why, and the handlers it was for.
  absl::Status connect_error_;
  std::vector<std::string> unconnected_;
  std::condition_variable retry_cv_;  // wakes RetryLoop: something failed, or Stop
  bool stopping_ = false;
  std::thread retry_thread_;
};

}  // namespace weft::engine

#endif  // WEFT_ENGINE_EVENT_SERVICE_H_
