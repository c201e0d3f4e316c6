// Conductor's internal queues (docs/events.md "Conductor's internal queue"): the messages
// workflows publish to `conductor:...` wait in the outbox like NATS ones, and the publisher
// hands them here instead of to NATS. Each is handled (condition, actions) for every active
// handler whose `event` is its queue, outside the writer, then applied, recorded and its row
// deleted in one transaction (LocalEventsCommand). A message no handler listens to is dropped
// and counted. A handler that starts a workflow that publishes again writes a new row, which a
// later round delivers: no delivery runs inside another.
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "engine/engine_impl.h"
#include "engine/event_service.h"
#include "events/listener.h"

namespace weft::engine {

void EngineImpl::DeliverLocal(std::vector<storage::OutboxMessage> rows,
                              std::function<void(const absl::Status&)> done) {
  absl::StatusOr<std::vector<events::EventHandler>> handlers = ReadActiveHandlers(*env_);
  if (!handlers.ok()) {
    done(handlers.status());  // the rows stay; the publisher tries again
    return;
  }
  absl::flat_hash_map<std::string, std::vector<const events::EventHandler*>> by_queue;
  for (const events::EventHandler& h : *handlers) {
    if (h.source == events::SourceKind::kConductor) by_queue[h.subject].push_back(&h);
  }
  LocalEventsCommand cmd;
  uint64_t delivered = 0;
  uint64_t unmatched = 0;
  for (const storage::OutboxMessage& row : rows) {
    cmd.ids.push_back(row.id);
    auto it = by_queue.find(row.subject);
    if (it == by_queue.end()) {
      ++unmatched;
      continue;
    }
    ++delivered;
    for (const events::EventHandler* h : it->second) {
      events::HandledMessage m = events::EventListener::Handle(*h, row.subject, row.data, row.id);
      m.delivered = 1;
      cmd.messages.push_back(std::move(m));
    }
  }
  writer_->Submit(std::move(cmd),
                  [this, delivered, unmatched, done = std::move(done)](const absl::Status& s) {
                    if (s.ok()) {
                      conductor_delivered_ += delivered;
                      conductor_unmatched_ += unmatched;
                    }
                    done(s);
                  });
}

}  // namespace weft::engine
