// The engine's side of event handlers (docs/events.md): the sink the NATS listener hands each
// message to (one EventCommand to the writer, answered after its commit), and the listener's
// life: started over the active handlers stored when the engine opens with a NATS URL, and
// started again whenever a handler changes.
#ifndef WEFT_ENGINE_EVENT_SERVICE_H_
#define WEFT_ENGINE_EVENT_SERVICE_H_

#include <memory>
#include <mutex>
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
  EventService(Writer& writer, storage::Env& env, std::string url, absl::Duration ack_wait)
      : writer_(writer), env_(env), url_(std::move(url)), ack_wait_(ack_wait) {}
  ~EventService() override { Stop(); }

  // Sends the message to the writer; `done` is told after the commit (events/listener.h).
  void Apply(events::HandledMessage message, events::ApplyDone done) override;

  // Stops the listener (waiting for the answers to what it handed over), then starts one over
  // the active handlers stored now, if any. Unavailable when NATS cannot be reached; a handler
  // that cannot listen is reported on stderr, naming it, and the others listen.
  absl::Status Restart();
  // Stops the listener. REQUIRES: the writer still runs (it answers what is in flight).
  void Stop();

 private:
  // The active handlers the listener subscribes: all but Conductor's internal queues'.
  absl::StatusOr<std::vector<events::EventHandler>> ActiveHandlers();

  Writer& writer_;
  storage::Env& env_;
  const std::string url_;
  const absl::Duration ack_wait_;
  std::mutex mu_;  // held across a restart: one at a time
  std::unique_ptr<events::EventListener> listener_;
};

}  // namespace weft::engine

#endif  // WEFT_ENGINE_EVENT_SERVICE_H_
