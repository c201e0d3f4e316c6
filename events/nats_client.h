// A NATS connection for event handlers and `publish` (docs/events.md), over Debian's
// libnats-dev (the NATS C client, 3.x): core subscriptions (at most once), JetStream durable
// consumers with explicit acks (at least once), and publishing (core, or JetStream with the
// stream's ack). Message ids: a message's `Nats-Msg-Id` header when it has one, else for
// JetStream `STREAM:SEQUENCE` (the stream sequence, the same on every redelivery), else empty.
//
// Threading: libnats calls a subscription's handler on that subscription's own thread, one
// message at a time; a handler may keep the Delivery and ack it later, from any thread. A Delivery not
// acked is redelivered by JetStream after the consumer's ack wait.
#ifndef WEFT_EVENTS_NATS_CLIENT_H_
#define WEFT_EVENTS_NATS_CLIENT_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

struct __natsConnection;
struct __natsSubscription;
struct __natsMsg;
struct __jsCtx;

namespace weft::events {

// One received message, owning it; Ack() tells JetStream it is done (a no-op for core NATS).
class Delivery {
 public:
  explicit Delivery(__natsMsg* msg, bool jetstream);
  ~Delivery();
  Delivery(const Delivery&) = delete;
  Delivery& operator=(const Delivery&) = delete;

  const std::string& subject() const { return subject_; }
  const std::string& data() const { return data_; }
  const std::string& id() const { return id_; }  // see above; may be empty for core NATS
  uint64_t delivered() const { return delivered_; }  // JetStream: 1 on the first delivery
  // Acks (and waits for the server to take the ack, for JetStream). Once.
  absl::Status Ack();

 private:
  __natsMsg* msg_;
  bool jetstream_;
  bool acked_ = false;
  std::string subject_, data_, id_;
  uint64_t delivered_ = 1;
};

using DeliveryHandler = std::function<void(std::unique_ptr<Delivery>)>;

class NatsClient {
 public:
  // Connects to `url` ("nats://127.0.0.1:4222"): Unavailable when it cannot.
  static absl::StatusOr<std::unique_ptr<NatsClient>> Connect(const std::string& url);
  ~NatsClient();  // unsubscribes, waits out handlers running, closes
  NatsClient(const NatsClient&) = delete;
  NatsClient& operator=(const NatsClient&) = delete;

  // Core NATS: every message on `subject` (wildcards allowed) from now on, at most once.
  absl::Status Subscribe(const std::string& subject, DeliveryHandler handler);
  // JetStream: the durable `consumer` (created when missing, explicit acks, `ack_wait`) of
  // `stream` (empty: the stream that holds `subject`), filtered to `subject`.
  // At most `max_ack_pending` of its messages are out unacked at once. FailedPrecondition when
  // another subscription still holds the consumer.
  absl::Status SubscribeDurable(const std::string& stream, const std::string& consumer,
                                const std::string& subject, absl::Duration ack_wait,
                                DeliveryHandler handler, int max_ack_pending = 256);

  // Core publish (flushed before it returns). `msg_id`, when set, goes in `Nats-Msg-Id`.
  absl::Status Publish(const std::string& subject, const std::string& data,
                       const std::string& msg_id = "");
  // JetStream publish: returns once the stream acked it, with its stream sequence. The stream
  // drops a second message of one `msg_id` within its duplicate window (the ack says
  // duplicate): so a publish re-sent after a crash is stored once.
  absl::StatusOr<uint64_t> PublishDurable(const std::string& subject, const std::string& data,
                                          const std::string& msg_id);
  // Creates the stream `name` over `subjects` when it does not exist (for tests, benches and
  // set-ups without an operator).
  absl::Status AddStream(const std::string& name, const std::vector<std::string>& subjects);

 private:
  NatsClient() = default;
  struct Sub;
  __natsConnection* conn_ = nullptr;
  __jsCtx* js_ = nullptr;
  std::vector<std::unique_ptr<Sub>> subs_;
};

}  // namespace weft::events

#endif  // WEFT_EVENTS_NATS_CLIENT_H_
