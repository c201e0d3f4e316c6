// See event_service.h.
#include "engine/event_service.h"

#include <cstdio>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "storage/events.h"

namespace weft::engine {

void EventService::Apply(events::HandledMessage message, events::ApplyDone done) {
  writer_.Submit(EventCommand{std::move(message), nullptr}, std::move(done));
}

absl::StatusOr<std::vector<events::EventHandler>> ReadActiveHandlers(storage::Env& env) {
  WEFT_ASSIGN_OR_RETURN(storage::Txn txn, storage::Txn::BeginRead(env));
  WEFT_ASSIGN_OR_RETURN(auto rows, storage::EventStore(txn).ListHandlers());
  std::vector<events::EventHandler> out;
  for (const auto& [name, json] : rows) {
    absl::StatusOr<Value> value = Value::FromJson(json);
    absl::StatusOr<events::EventHandler> h =
        value.ok() ? events::HandlerFromConductor(*value) : value.status();
    if (!h.ok()) {
      std::fprintf(stderr, "weft: event handler `%s` cannot listen: %s\n", name.c_str(),
                   std::string(h.status().message()).c_str());
      continue;
    }
    if (h->active) out.push_back(*std::move(h));
  }
  return out;
}

absl::StatusOr<std::vector<events::EventHandler>> EventService::ActiveHandlers() {
  WEFT_ASSIGN_OR_RETURN(std::vector<events::EventHandler> handlers, ReadActiveHandlers(env_));
  // Conductor's internal queues need no NATS: the outbox's publisher delivers them.
  std::erase_if(handlers,
                [](const events::EventHandler& h) { return h.source == events::SourceKind::kConductor; });
  return handlers;
}

absl::Status EventService::Restart() {
  std::lock_guard<std::mutex> lock(mu_);
  listener_.reset();
  WEFT_ASSIGN_OR_RETURN(std::vector<events::EventHandler> handlers, ActiveHandlers());
  if (handlers.empty()) return absl::OkStatus();
  events::ListenerOptions options;
  options.url = url_;
  options.ack_wait = ack_wait_;
  absl::StatusOr<std::unique_ptr<events::EventListener>> listener =
      events::EventListener::Start(options, std::move(handlers), *this);
  if (!listener.ok()) {
    return absl::Status(listener.status().code(), absl::StrCat("event handlers cannot listen on NATS at ",
                                                               url_, ": ", listener.status().message()));
  }
  for (const absl::Status& s : (*listener)->errors()) {
    std::fprintf(stderr, "weft: %s\n", std::string(s.message()).c_str());
  }
  listener_ = *std::move(listener);
  return absl::OkStatus();
}

void EventService::Stop() {
  std::lock_guard<std::mutex> lock(mu_);
  listener_.reset();
}

}  // namespace weft::engine
