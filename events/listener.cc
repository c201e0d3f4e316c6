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

// SubscribeDurable, again with a growing pause while it fails, until options.bind_retry has
// passed: the old listener closes its connection without unsubscribing (which keeps the
// consumer and what it has not had acked), so for a moment the server still sees the consumer
// bound to it.
absl::Status SubscribeDurableWithRetry(NatsClient& client, const EventHandler& h,
                                       const ListenerOptions& options, const DeliveryHandler& on) {
  const absl::Time give_up = absl::Now() + options.bind_retry;
  absl::Duration pause = absl::Milliseconds(25);
  for (;;) {
    absl::Status s = client.SubscribeDurable(h.stream, h.consumer, h.subject, options.ack_wait, on,
                                             options.max_in_flight);
    if (s.ok() || absl::Now() + pause > give_up) return s;
    absl::SleepFor(pause);
    pause = std::min(pause * 2, absl::Milliseconds(500));
  }
}

}  // namespace

absl::StatusOr<std::unique_ptr<EventListener>> EventListener::Start(const ListenerOptions& options,
                                                                    std::vector<EventHandler> handlers,
                                                                    EventSink& sink) {
  std::unique_ptr<EventListener> listener(new EventListener(sink));
  absl::StatusOr<std::unique_ptr<NatsClient>> client = NatsClient::Connect(options.url);
  if (!client.ok()) return client.status();
  listener->client_ = *std::move(client);
  for (EventHandler& h : handlers) {
    if (!h.active) continue;
    auto refuse = [&](const absl::Status& s) {
      listener->errors_.push_back(
          absl::Status(s.code(), absl::StrCat("event handler `", h.name, "`: ", s.message())));
    };
    if (absl::Status s = ParseEvent(h); !s.ok()) {
      refuse(s);
      continue;
    }
    if (h.source == SourceKind::kConductor) continue;  // the engine delivers those itself
    auto owned = std::make_unique<EventHandler>(h);
    const EventHandler* handler = owned.get();
    EventListener* self = listener.get();
    DeliveryHandler on = [self, handler](std::unique_ptr<Delivery> d) {
      self->OnDelivery(*handler, std::move(d));
    };
    absl::Status s =
        handler->source == SourceKind::kJetStream
            ? SubscribeDurableWithRetry(*listener->client_, *handler, options, on)
            : listener->client_->Subscribe(handler->subject, on);
    if (!s.ok()) {
      refuse(s);
      continue;
    }
    listener->handlers_.push_back(std::move(owned));
  }
  return listener;
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
