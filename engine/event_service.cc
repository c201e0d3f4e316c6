// See event_service.h.
#include "engine/event_service.h"

#include <algorithm>
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

EventService::EventService(Writer& writer, storage::Env& env, std::string url,
                           absl::Duration ack_wait, absl::Duration retry_max)
    : writer_(writer),
      env_(env),
      url_(std::move(url)),
      ack_wait_(ack_wait),
      retry_max_(std::max(retry_max, absl::Milliseconds(1))) {
  retry_thread_ = std::thread([this] { RetryLoop(); });
}

EventService::~EventService() { Stop(); }

absl::Status EventService::Restart() {
  std::lock_guard<std::mutex> lock(mu_);
  if (stopping_) return absl::OkStatus();
  absl::Status s = StartLocked();
  retry_cv_.notify_all();
  return s;
}

absl::Status EventService::StartLocked() {
  listener_.reset();
  connect_error_ = absl::OkStatus();
  unconnected_.clear();
  WEFT_ASSIGN_OR_RETURN(std::vector<events::EventHandler> handlers, ActiveHandlers());
  if (handlers.empty()) return absl::OkStatus();
  std::vector<std::string> names;
  for (const events::EventHandler& h : handlers) names.push_back(h.name);
  events::ListenerOptions options;
  options.url = url_;
  options.ack_wait = ack_wait_;
  absl::StatusOr<std::unique_ptr<events::EventListener>> listener =
      events::EventListener::Start(options, std::move(handlers), *this);
  if (!listener.ok()) {
    connect_error_ =
        absl::Status(listener.status().code(), absl::StrCat("event handlers cannot listen on NATS at ",
                                                            url_, ": ", listener.status().message()));
    unconnected_ = std::move(names);
    return connect_error_;
  }
  for (const absl::Status& s : (*listener)->errors()) {
    std::fprintf(stderr, "weft: %s (tried again in the background)\n",
                 std::string(s.message()).c_str());
  }
  listener_ = *std::move(listener);
  return absl::OkStatus();
}

bool EventService::NeedsRetryLocked() const {
  if (!connect_error_.ok()) return true;
  if (listener_ == nullptr) return false;
  for (const events::HandlerState& h : listener_->States()) {
    if (!h.listening && h.retried) return true;
  }
  return false;
}

void EventService::RetryLoop() {
  const absl::Duration first = std::min(absl::Seconds(1), retry_max_);
  absl::Duration pause = first;
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    if (!NeedsRetryLocked()) {
      pause = first;
      retry_cv_.wait(lock, [&] { return stopping_ || NeedsRetryLocked(); });
      continue;
    }
    retry_cv_.wait_for(lock, absl::ToChronoNanoseconds(pause), [&] { return stopping_; });
    if (stopping_) break;
    if (!connect_error_.ok()) {
      if (StartLocked().ok()) {
        std::fprintf(stderr, "weft: event handlers listen on NATS at %s again\n", url_.c_str());
      }
    } else if (listener_ != nullptr) {
      listener_->RetryPending();
    }
    pause = std::min(pause * 2, retry_max_);
  }
}

std::vector<events::HandlerState> EventService::States() {
  std::lock_guard<std::mutex> lock(mu_);
  if (listener_ != nullptr) return listener_->States();
  std::vector<events::HandlerState> out;
  for (const std::string& name : unconnected_) {
    out.push_back({name, false, std::string(connect_error_.message()), true});
  }
  return out;
}

void EventService::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  retry_cv_.notify_all();
  if (retry_thread_.joinable()) retry_thread_.join();
  std::lock_guard<std::mutex> lock(mu_);
  listener_.reset();
  connect_error_ = absl::OkStatus();
  unconnected_.clear();
}

}  // namespace weft::engine
