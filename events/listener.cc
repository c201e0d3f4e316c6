// See listener.h.
#include "events/listener.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace weft::events {
namespace {

// A unique id for a core NATS message without Nats-Msg-Id (never the same twice in a process,
// nor across restarts, since it starts with the time).
std::string GeneratedId() {
  static std::atomic<uint64_t> counter{0};
  return absl::StrCat("gen-", absl::ToUnixNanos(absl::Now()), "-", counter.fetch_add(1));
}

}  // namespace

HandledMessage EventListener::Handle(const EventHandler& handler, const std::string& subject,
                                     const std::string& data, const std::string& id) {
  HandledMessage m;
  m.handler = handler.name;
  m.subject = subject;
  m.message_id = id;
  if (m.message_id.empty()) {
    m.message_id = GeneratedId();
    m.generated_id = true;
  }
  absl::StatusOr<Value> json = Value::FromJson(data);
  m.payload = json.ok() ? *std::move(json) : Value::String(data);
  absl::StatusOr<bool> holds = EvaluateCondition(handler, m.payload);
  if (!holds.ok()) {
    m.condition = false;
    m.condition_error = std::string(holds.status().message());
    return m;
  }
  m.condition = *holds;
  if (!m.condition) return m;
  for (const Action& a : handler.actions) m.actions.push_back(Resolve(a, m.payload));
  return m;
}

namespace {

// SubscribeDurable, again with a growing pause while the consumer is still bound to another
// subscription, until options.bind_retry has passed: the old listener closes its connection
// without unsubscribing (which keeps the consumer and what it has not had acked), so for a
// moment the server still sees the consumer bound to it. Other refusals (no stream holds the
// subject) return at once: the engine tries those again in the background.
absl::Status SubscribeDurableWithRetry(NatsClient& client, const EventHandler& h,
                                       const ListenerOptions& options, const DeliveryHandler& on) {
  const absl::Time give_up = absl::Now() + options.bind_retry;
  absl::Duration pause = absl::Milliseconds(25);
  for (;;) {
    absl::Status s = client.SubscribeDurable(h.stream, h.consumer, h.subject, options.ack_wait, on,
                                             options.max_in_flight);
    if (!absl::IsFailedPrecondition(s) || absl::Now() + pause > give_up) return s;
    absl::SleepFor(pause);
    pause = std::min(pause * 2, absl::Milliseconds(500));
  }
}

}  // namespace

absl::Status EventListener::Subscribe(Entry& e, absl::Duration bind_retry) {
  const EventHandler* handler = e.handler.get();
  DeliveryHandler on = [this, handler](std::unique_ptr<Delivery> d) {
    OnDelivery(*handler, std::move(d));
  };
  if (handler->source != SourceKind::kJetStream) return client_->Subscribe(handler->subject, on);
  ListenerOptions options = options_;
  options.bind_retry = bind_retry;
  return SubscribeDurableWithRetry(*client_, *handler, options, on);
}

absl::StatusOr<std::unique_ptr<EventListener>> EventListener::Start(const ListenerOptions& options,
                                                                    std::vector<EventHandler> handlers,
                                                                    EventSink& sink) {
  std::unique_ptr<EventListener> listener(new EventListener(sink, options));
  absl::StatusOr<std::unique_ptr<NatsClient>> client = NatsClient::Connect(options.url);
  if (!client.ok()) return client.status();
  listener->client_ = *std::move(client);
  std::lock_guard<std::mutex> lock(listener->entries_mu_);
  for (EventHandler& h : handlers) {
    if (!h.active) continue;
    if (h.source == SourceKind::kConductor) continue;  // the engine delivers those itself
    Entry& e = listener->entries_.emplace_back();
    e.handler = std::make_unique<EventHandler>(h);
    absl::Status s = ParseEvent(*e.handler);
    if (s.ok()) {
      s = listener->Subscribe(e, options.bind_retry);
      e.retried = !s.ok();
    }
    e.listening = s.ok();
    e.error = s;
  }
  return listener;
}

size_t EventListener::RetryPending() {
  std::lock_guard<std::mutex> lock(entries_mu_);
  size_t pending = 0;
  for (Entry& e : entries_) {
    if (e.listening || !e.retried) continue;
    // Once: the caller comes back with a growing pause.
    e.error = Subscribe(e, absl::ZeroDuration());
    e.listening = e.error.ok();
    if (!e.listening) ++pending;
  }
  return pending;
}

std::vector<HandlerState> EventListener::States() const {
  std::lock_guard<std::mutex> lock(entries_mu_);
  std::vector<HandlerState> out;
  for (const Entry& e : entries_) {
    out.push_back({e.handler->name, e.listening, std::string(e.error.message()), e.retried});
  }
  return out;
}

std::vector<absl::Status> EventListener::errors() const {
  std::lock_guard<std::mutex> lock(entries_mu_);
  std::vector<absl::Status> out;
  for (const Entry& e : entries_) {
    if (e.listening) continue;
    out.emplace_back(e.error.code(),
                     absl::StrCat("event handler `", e.handler->name, "`: ", e.error.message()));
  }
  return out;
}

EventListener::~EventListener() {
  client_.reset();  // no delivery after this
  std::unique_lock<std::mutex> lock(mu_);
  answered_.wait(lock, [&] { return in_flight_ == 0; });
}

void EventListener::OnDelivery(const EventHandler& handler, std::unique_ptr<Delivery> d) {
  stats_.received.fetch_add(1);
  HandledMessage m = Handle(handler, d->subject(), d->data(), d->id());
  m.delivered = d->delivered();
  const bool applies = m.condition;
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++in_flight_;
  }
  std::shared_ptr<Delivery> delivery(std::move(d));
  sink_.Apply(std::move(m), [this, delivery, applies](const absl::Status& s) {
    if (absl::IsAlreadyExists(s)) {
      stats_.duplicates.fetch_add(1);
    } else if (!s.ok()) {
      stats_.failed.fetch_add(1);
    } else {
      (applies ? stats_.applied : stats_.skipped).fetch_add(1);
    }
    // After the commit (or the record of an earlier one): JetStream will not send it again.
    // An ack lost on the way is a redelivery, which the record turns into a duplicate. A
    // failure is not acked: JetStream sends it again after the ack wait.
    if (s.ok() || absl::IsAlreadyExists(s)) (void)delivery->Ack();
    std::lock_guard<std::mutex> lock(mu_);
    --in_flight_;
    answered_.notify_all();
  });
}

}  // namespace weft::events
