// See nats_client.h.
#include "events/nats_client.h"

#include <nats/nats.h>

#include <condition_variable>
#include <mutex>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/strings.h"

namespace weft::events {
namespace {

absl::Status NatsError(std::string_view what, natsStatus s, jsErrCode js = static_cast<jsErrCode>(0)) {
  const char* last = nats_GetLastError(nullptr);
  std::string message = absl::StrCat("NATS: ", ToAbsl(what), ": ", natsStatus_GetText(s));
  if (js != 0) absl::StrAppend(&message, " (JetStream error ", static_cast<int>(js), ")");
  if (last != nullptr && *last != '\0') absl::StrAppend(&message, ": ", last);
  if (s == NATS_NO_SERVER || s == NATS_CONNECTION_CLOSED || s == NATS_TIMEOUT ||
      s == NATS_CONNECTION_DISCONNECTED || s == NATS_STALE_CONNECTION) {
    return absl::UnavailableError(message);
  }
  return absl::InternalError(message);
}

constexpr char kMsgIdHeader[] = "Nats-Msg-Id";

}  // namespace

Delivery::Delivery(natsMsg* msg, bool jetstream) : msg_(msg), jetstream_(jetstream) {
  subject_ = natsMsg_GetSubject(msg);
  data_.assign(natsMsg_GetData(msg), static_cast<size_t>(natsMsg_GetDataLength(msg)));
  const char* header = nullptr;
  if (natsMsgHeader_Get(msg, kMsgIdHeader, &header) == NATS_OK && header != nullptr) {
    id_ = header;
  }
  if (jetstream_) {
    jsMsgMetaData* meta = nullptr;
    if (natsMsg_GetMetaData(&meta, msg) == NATS_OK) {
      if (id_.empty()) id_ = absl::StrCat(meta->Stream, ":", meta->Sequence.Stream);
      delivered_ = meta->NumDelivered;
      jsMsgMetaData_Destroy(meta);
    }
  }
}

Delivery::~Delivery() { natsMsg_Destroy(msg_); }

absl::Status Delivery::Ack() {
  if (!jetstream_ || acked_) return absl::OkStatus();
  acked_ = true;
  jsErrCode js = static_cast<jsErrCode>(0);
  if (natsStatus s = natsMsg_AckSync(msg_, nullptr, &js); s != NATS_OK) {
    return NatsError("ack", s, js);
  }
  return absl::OkStatus();
}

// A subscription. `mu` is held while the handler runs, so that the destructor, once it has
// set `closed` under it, knows no handler is running or will run.
struct NatsClient::Sub {
  natsSubscription* sub = nullptr;
  DeliveryHandler handler;
  bool jetstream = false;
  std::mutex mu;
  bool closed = false;
  // Set by libnats' on-complete callback: the subscription is closed and its handler returned
  // for the last time.
  std::mutex done_mu;
  std::condition_variable done_cv;
  bool done = false;

  static void OnComplete(void* closure) {
    Sub* self = static_cast<Sub*>(closure);
    std::lock_guard<std::mutex> lock(self->done_mu);
    self->done = true;
    self->done_cv.notify_all();
  }
  void AwaitDone() {
    std::unique_lock<std::mutex> lock(done_mu);
    done_cv.wait(lock, [&] { return done; });
  }

  static void OnMessage(natsConnection*, natsSubscription*, natsMsg* msg, void* closure) {
    Sub* self = static_cast<Sub*>(closure);
    auto delivery = std::make_unique<Delivery>(msg, self->jetstream);
    std::lock_guard<std::mutex> lock(self->mu);
    if (!self->closed) self->handler(std::move(delivery));
  }
};

absl::StatusOr<std::unique_ptr<NatsClient>> NatsClient::Connect(const std::string& url) {
  std::unique_ptr<NatsClient> client(new NatsClient());
  natsOptions* opts = nullptr;
  if (natsStatus s = natsOptions_Create(&opts); s != NATS_OK) return NatsError("options", s);
  natsOptions_SetURL(opts, url.c_str());
  natsOptions_SetMaxReconnect(opts, -1);  // reconnect for as long as the engine runs
  natsOptions_SetReconnectWait(opts, 200);
  natsStatus s = natsConnection_Connect(&client->conn_, opts);
  natsOptions_Destroy(opts);
  if (s != NATS_OK) return NatsError(absl::StrCat("connect to ", url), s);
  if (s = natsConnection_JetStream(&client->js_, client->conn_, nullptr); s != NATS_OK) {
    return NatsError("JetStream context", s);
  }
  return client;
}

NatsClient::~NatsClient() {
  for (auto& sub : subs_) {
    std::lock_guard<std::mutex> lock(sub->mu);  // waits out a handler running
    sub->closed = true;
  }
  // Closing stops every subscription's deliveries. A JetStream subscription is destroyed
  // without unsubscribing, which would delete its durable consumer (libnats 3.4 on): the
  // consumer, with what it has not had acked, outlives the engine.
  if (conn_ != nullptr) natsConnection_Close(conn_);
  for (auto& sub : subs_) {
    sub->AwaitDone();  // libnats is done calling into it
    natsSubscription_Destroy(sub->sub);
  }
  subs_.clear();
  if (js_ != nullptr) jsCtx_Destroy(js_);
  if (conn_ != nullptr) natsConnection_Destroy(conn_);
}

absl::Status NatsClient::Subscribe(const std::string& subject, DeliveryHandler handler) {
  auto sub = std::make_unique<Sub>();
  sub->handler = std::move(handler);
  if (natsStatus s = natsConnection_Subscribe(&sub->sub, conn_, subject.c_str(), &Sub::OnMessage,
                                              sub.get());
      s != NATS_OK) {
    return NatsError(absl::StrCat("subscribe to ", subject), s);
  }
  if (natsSubscription_SetOnCompleteCB(sub->sub, &Sub::OnComplete, sub.get()) != NATS_OK) {
    Sub::OnComplete(sub.get());  // nothing to wait for
  }
  natsConnection_Flush(conn_);  // the server has the interest before this returns
  subs_.push_back(std::move(sub));
  return absl::OkStatus();
}

absl::Status NatsClient::SubscribeDurable(const std::string& stream, const std::string& consumer,
                                          const std::string& subject, absl::Duration ack_wait,
                                          DeliveryHandler handler, int max_ack_pending) {
  auto sub = std::make_unique<Sub>();
  sub->handler = std::move(handler);
  sub->jetstream = true;
  jsSubOptions so;
  jsSubOptions_Init(&so);
  if (!stream.empty()) so.Stream = stream.c_str();
  so.ManualAck = true;
  so.Config.Durable = consumer.c_str();
  so.Config.AckPolicy = js_AckExplicit;
  so.Config.AckWait = absl::ToInt64Nanoseconds(ack_wait);
  so.Config.DeliverPolicy = js_DeliverAll;
  so.Config.MaxAckPending = max_ack_pending;
  jsErrCode js = static_cast<jsErrCode>(0);
  if (natsStatus s = js_Subscribe(&sub->sub, js_, subject.c_str(), &Sub::OnMessage, sub.get(),
                                  nullptr, &so, &js);
      s != NATS_OK) {
    absl::Status e =
        NatsError(absl::StrCat("JetStream consumer `", consumer, "` on ", subject), s, js);
    // libnats says so in text only: a subscription (maybe of a connection just closed) holds it.
    if (absl::StrContains(e.message(), "already bound")) {
      return absl::FailedPreconditionError(e.message());
    }
    return e;
  }
  if (natsSubscription_SetOnCompleteCB(sub->sub, &Sub::OnComplete, sub.get()) != NATS_OK) {
    Sub::OnComplete(sub.get());  // nothing to wait for
  }
  subs_.push_back(std::move(sub));
  return absl::OkStatus();
}

absl::Status NatsClient::Publish(const std::string& subject, const std::string& data,
                                 const std::string& msg_id) {
  natsMsg* msg = nullptr;
  natsStatus s = natsMsg_Create(&msg, subject.c_str(), nullptr, data.data(),
                                static_cast<int>(data.size()));
  if (s == NATS_OK && !msg_id.empty()) s = natsMsgHeader_Set(msg, kMsgIdHeader, msg_id.c_str());
  if (s == NATS_OK) s = natsConnection_PublishMsg(conn_, msg);
  natsMsg_Destroy(msg);
  if (s == NATS_OK) s = natsConnection_Flush(conn_);
  if (s != NATS_OK) return NatsError(absl::StrCat("publish to ", subject), s);
  return absl::OkStatus();
}

absl::StatusOr<uint64_t> NatsClient::PublishDurable(const std::string& subject,
                                                    const std::string& data,
                                                    const std::string& msg_id) {
  natsMsg* msg = nullptr;
  natsStatus s = natsMsg_Create(&msg, subject.c_str(), nullptr, data.data(),
                                static_cast<int>(data.size()));
  if (s == NATS_OK && !msg_id.empty()) s = natsMsgHeader_Set(msg, kMsgIdHeader, msg_id.c_str());
  jsPubAck* ack = nullptr;
  jsErrCode js = static_cast<jsErrCode>(0);
  if (s == NATS_OK) s = js_PublishMsg(&ack, js_, msg, nullptr, &js);
  natsMsg_Destroy(msg);
  if (s != NATS_OK) return NatsError(absl::StrCat("publish to ", subject), s, js);
  const uint64_t seq = ack->Sequence;
  jsPubAck_Destroy(ack);
  return seq;
}

absl::Status NatsClient::AddStream(const std::string& name,
                                   const std::vector<std::string>& subjects) {
  std::vector<const char*> subs;
  for (const std::string& s : subjects) subs.push_back(s.c_str());
  jsStreamConfig cfg;
  jsStreamConfig_Init(&cfg);
  cfg.Name = name.c_str();
  cfg.Subjects = subs.data();
  cfg.SubjectsLen = static_cast<int>(subs.size());
  jsStreamInfo* info = nullptr;
  jsErrCode js = static_cast<jsErrCode>(0);
  natsStatus s = js_AddStream(&info, js_, &cfg, nullptr, &js);
  if (info != nullptr) jsStreamInfo_Destroy(info);
  if (s != NATS_OK && js != JSStreamNameExistErr) {
    return NatsError(absl::StrCat("add stream ", name), s, js);
  }
  return absl::OkStatus();
}

}  // namespace weft::events
