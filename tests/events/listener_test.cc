// The event listener (events/listener.h) against a real nats-server, with a sink of the
// test's own standing in for the engine: a matching message reaches the sink with its actions
// filled in, a false condition reaches it as SKIPPED, and a JetStream message whose processing
// committed but was not acked (the engine died in between) comes again and is recorded once.
#include "events/listener.h"

#include <gtest/gtest.h>

#include <condition_variable>
#include <map>
#include <functional>
#include <mutex>
#include <thread>

#include "tests/events/eventually.h"
#include "tests/events/nats_server.h"

namespace weft::testing {
namespace {

using events::EventHandler;
using events::EventListener;
using events::HandledMessage;

// Records messages by (handler, id), refusing one recorded before, as the engine's
// transaction does. `lose_ack_of_first` makes the first Apply commit and then fail, as an
// engine killed between its commit and the ack would look to NATS.
class FakeSink : public events::EventSink {
 public:
  // Answers at once, on the subscription's thread.
  void Apply(HandledMessage m, events::ApplyDone done) override { done(Record(m)); }

  absl::Status Record(const HandledMessage& m) {
    std::lock_guard<std::mutex> lock(mu_);
    ++calls_;
    cv_.notify_all();
    const std::string key = m.handler + '\0' + m.message_id;
    if (recorded_.count(key) > 0) return absl::AlreadyExistsError("recorded before");
    recorded_.emplace(key, m);
    if (lose_ack_of_first_) {
      lose_ack_of_first_ = false;
      return absl::UnavailableError("the engine died before the ack");
    }
    return absl::OkStatus();
  }
  bool WaitForCalls(int n) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, std::chrono::seconds(30), [&] { return calls_ >= n; });
  }
  std::vector<HandledMessage> Recorded() {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<HandledMessage> out;
    for (const auto& [key, m] : recorded_) out.push_back(m);
    return out;
  }
  void LoseAckOfFirst() { lose_ack_of_first_ = true; }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  int calls_ = 0;
  bool lose_ack_of_first_ = false;
  std::map<std::string, HandledMessage> recorded_;
};

EventHandler Handler(const std::string& json) {
  absl::StatusOr<Value> v = Value::FromJson(json);
  EXPECT_TRUE(v.ok()) << v.status();
  absl::StatusOr<EventHandler> h = events::HandlerFromConductor(*v);
  EXPECT_TRUE(h.ok()) << h.status();
  return *h;
}

TEST(EventListenerTest, AppliesMatchingMessagesAndRecordsFalseConditionsAsSkipped) {
  NatsServer server;
  ASSERT_TRUE(server.Start());
  FakeSink sink;
  events::ListenerOptions options;
  options.url = server.url();
  auto listener = EventListener::Start(
      options,
      {Handler(R"({"name":"big","event":"nats:orders","evaluatorType":"jq",
                   "condition":".amount > 10",
                   "actions":[{"action":"start_workflow",
                               "start_workflow":{"name":"ship","input":{"id":"${id}"}}}]})"),
       Handler(R"({"name":"off","event":"nats:orders","active":false,
                   "actions":[{"action":"start_workflow","start_workflow":{"name":"x"}}]})")},
      sink);
  ASSERT_TRUE(listener.ok()) << listener.status();
  auto client = events::NatsClient::Connect(server.url());
  ASSERT_TRUE(client.ok());
  ASSERT_TRUE((*client)->Publish("orders", R"({"id":"A1","amount":50})", "m1").ok());
  ASSERT_TRUE((*client)->Publish("orders", R"({"id":"A2","amount":5})", "m2").ok());
  ASSERT_TRUE(sink.WaitForCalls(2));
  std::vector<HandledMessage> got = sink.Recorded();
  ASSERT_EQ(got.size(), 2u);  // the inactive handler does not listen
  std::map<std::string, HandledMessage> by_id;
  for (auto& m : got) by_id.emplace(m.message_id, m);
  EXPECT_TRUE(by_id.at("m1").condition);
  ASSERT_EQ(by_id.at("m1").actions.size(), 1u);
  EXPECT_EQ(by_id.at("m1").actions[0].input.ToJson(), R"({"id":"A1"})");
  EXPECT_EQ(by_id.at("m1").subject, "orders");
  EXPECT_FALSE(by_id.at("m2").condition);  // SKIPPED
  EXPECT_TRUE(by_id.at("m2").actions.empty());
  // The counters move after the sink returns.
  EXPECT_TRUE(Eventually([&] {
    return (*listener)->stats().applied.load() == 1 && (*listener)->stats().skipped.load() == 1;
  }));
}

TEST(EventListenerTest, AJetStreamMessageCommittedButNotAckedIsRecordedOnce) {
  NatsServer server;
  ASSERT_TRUE(server.Start());
  auto client = events::NatsClient::Connect(server.url());
  ASSERT_TRUE(client.ok());
  ASSERT_TRUE((*client)->AddStream("ORDERS", {"orders.>"}).ok());
  FakeSink sink;
  sink.LoseAckOfFirst();
  events::ListenerOptions options;
  options.url = server.url();
  options.ack_wait = absl::Seconds(1);
  auto listener = EventListener::Start(
      options,
      {Handler(R"({"name":"ship","event":"jsm:orders.created",
                   "actions":[{"action":"start_workflow",
                               "start_workflow":{"name":"ship","input":{"id":"${id}"}}}]})")},
      sink);
  ASSERT_TRUE(listener.ok()) << listener.status();
  ASSERT_TRUE((*client)->PublishDurable("orders.created", R"({"id":"A1"})", "").ok());
  // The first delivery commits and is not acked; the redelivery finds the record.
  ASSERT_TRUE(sink.WaitForCalls(2));
  std::vector<HandledMessage> got = sink.Recorded();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].message_id, "ORDERS:1");
  EXPECT_EQ(got[0].delivered, 1u);
  EXPECT_TRUE(Eventually([&] {
    return (*listener)->stats().failed.load() == 1 && (*listener)->stats().duplicates.load() == 1;
  }));
  // Acked now: a second message is the next one the consumer delivers.
  ASSERT_TRUE((*client)->PublishDurable("orders.created", R"({"id":"A2"})", "").ok());
  ASSERT_TRUE(sink.WaitForCalls(3));
  EXPECT_EQ(sink.Recorded().size(), 2u);
  EXPECT_EQ((*listener)->stats().duplicates.load(), 1u);
}

TEST(EventListenerTest, AHandlerThatCannotSubscribeDoesNotStopTheOthers) {
  NatsServer server;
  ASSERT_TRUE(server.Start());
  FakeSink sink;
  events::ListenerOptions options;
  options.url = server.url();
  EventHandler bad_event;
  bad_event.name = "typo";
  bad_event.event = "nats:a..b";
  bad_event.actions.push_back({});
  auto listener = EventListener::Start(
      options,
      {Handler(R"({"name":"nostream","event":"jsm:nowhere.at.all",
                   "actions":[{"action":"start_workflow","start_workflow":{"name":"x"}}]})"),
       bad_event,
       Handler(R"({"name":"fine","event":"nats:orders",
                   "actions":[{"action":"start_workflow","start_workflow":{"name":"x"}}]})")},
      sink);
  ASSERT_TRUE(listener.ok()) << listener.status();
  ASSERT_EQ((*listener)->errors().size(), 2u);
  EXPECT_NE((*listener)->errors()[0].message().find("event handler `nostream`"),
            std::string::npos)
      << (*listener)->errors()[0];
  EXPECT_NE((*listener)->errors()[1].message().find("event handler `typo`"), std::string::npos)
      << (*listener)->errors()[1];
  auto client = events::NatsClient::Connect(server.url());
  ASSERT_TRUE(client.ok());
  ASSERT_TRUE((*client)->Publish("orders", "{}", "m1").ok());
  ASSERT_TRUE(sink.WaitForCalls(1));
  EXPECT_EQ(sink.Recorded()[0].handler, "fine");
}

TEST(EventListenerTest, NoServerIsUnavailable) {
  NatsServer server;
  ASSERT_TRUE(server.Start());
  events::ListenerOptions options;
  options.url = server.url();
  server.Stop();
  FakeSink sink;
  auto listener = EventListener::Start(options, {}, sink);
  ASSERT_FALSE(listener.ok());
  EXPECT_TRUE(absl::IsUnavailable(listener.status())) << listener.status();
}

// A sink that answers later, from the test's thread, as the engine's writer answers from its
// commit callback: one subscription hands over several messages before the first commits.
class LaterSink : public events::EventSink {
 public:
  void Apply(HandledMessage m, events::ApplyDone done) override {
    std::lock_guard<std::mutex> lock(mu_);
    pending_.push_back(std::move(done));
    cv_.notify_all();
  }
  bool WaitForPending(size_t n) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, std::chrono::seconds(30), [&] { return pending_.size() >= n; });
  }
  void AnswerAll(const absl::Status& s) {
    std::vector<events::ApplyDone> all;
    {
      std::lock_guard<std::mutex> lock(mu_);
      all.swap(pending_);
    }
    for (auto& done : all) done(s);
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<events::ApplyDone> pending_;
};

TEST(EventListenerTest, ASubscriptionKeepsSeveralMessagesInFlightAndAcksEachAfterItsAnswer) {
  NatsServer server;
  ASSERT_TRUE(server.Start());
  auto client = events::NatsClient::Connect(server.url());
  ASSERT_TRUE(client.ok());
  ASSERT_TRUE((*client)->AddStream("ORDERS", {"orders.>"}).ok());
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE((*client)->PublishDurable("orders.created", "{}", "").ok());
  }
  LaterSink sink;
  events::ListenerOptions options;
  options.url = server.url();
  options.ack_wait = absl::Seconds(30);
  auto listener = EventListener::Start(
      options,
      {Handler(R"({"name":"ship","event":"jsm:orders.created",
                   "actions":[{"action":"start_workflow","start_workflow":{"name":"ship"}}]})")},
      sink);
  ASSERT_TRUE(listener.ok()) << listener.status();
  // All three reach the sink while none is answered.
  ASSERT_TRUE(sink.WaitForPending(3));
  EXPECT_EQ((*listener)->stats().applied.load(), 0u);
  sink.AnswerAll(absl::OkStatus());
  EXPECT_EQ((*listener)->stats().applied.load(), 3u);
  // Acked: a listener on the same durable consumer gets nothing more but a new message.
  listener->reset();
  auto again = EventListener::Start(
      options,
      {Handler(R"({"name":"ship","event":"jsm:orders.created",
                   "actions":[{"action":"start_workflow","start_workflow":{"name":"ship"}}]})")},
      sink);
  ASSERT_TRUE(again.ok()) << again.status();
  ASSERT_TRUE((*client)->PublishDurable("orders.created", R"({"n":4})", "").ok());
  ASSERT_TRUE(sink.WaitForPending(1));
  sink.AnswerAll(absl::OkStatus());
  EXPECT_EQ((*again)->stats().received.load(), 1u);
}

// Every handler change restarts the engine's listener, and the one it replaces closes its
// connection without unsubscribing: for a moment the server still sees the durable consumer
// bound. The new listener waits that out (a served store once lost a handler this way: its
// consumer refused to bind, and no message of it was ever applied).
TEST(EventListenerTest, ANewListenerBindsAConsumerTheOldOneStillHeldAMomentAgo) {
  NatsServer server;
  ASSERT_TRUE(server.Start());
  auto client = events::NatsClient::Connect(server.url());
  ASSERT_TRUE(client.ok());
  ASSERT_TRUE((*client)->AddStream("ORDERS", {"orders.>"}).ok());
  const std::string ship = R"({"name":"ship","event":"jsm:orders.created",
      "actions":[{"action":"start_workflow","start_workflow":{"name":"ship"}}]})";
  FakeSink sink;
  events::ListenerOptions options;
  options.url = server.url();
  auto old = EventListener::Start(options, {Handler(ship)}, sink);
  ASSERT_TRUE(old.ok()) << old.status();
  ASSERT_TRUE((*old)->errors().empty());
  // The new one starts while the old one still holds the consumer; the old one goes 300 ms on.
  std::thread close_old([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    old->reset();
  });
  auto fresh = EventListener::Start(options, {Handler(ship)}, sink);
  close_old.join();
  ASSERT_TRUE(fresh.ok()) << fresh.status();
  for (const absl::Status& e : (*fresh)->errors()) ADD_FAILURE() << e;
  ASSERT_TRUE((*client)->PublishDurable("orders.created", R"({"n":1})", "after").ok());
  ASSERT_TRUE(sink.WaitForCalls(1));
  EXPECT_EQ((*fresh)->stats().received.load(), 1u);
}

}  // namespace
}  // namespace weft::testing
