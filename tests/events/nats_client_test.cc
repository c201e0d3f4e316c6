// The NATS client (events/nats_client.h) against a real nats-server started by the test: core
// publish and subscribe, message ids, JetStream publish acks and de-duplication by message id,
// and a durable consumer that redelivers what was not acked, also to a new connection.
#include "events/nats_client.h"

#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>
#include <vector>

#include "tests/events/nats_server.h"

namespace weft::testing {
namespace {

using events::Delivery;
using events::NatsClient;

// What a subscription received, for the test thread to wait on.
struct Inbox {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<std::unique_ptr<Delivery>> got;

  void Add(std::unique_ptr<Delivery> d) {
    std::lock_guard<std::mutex> lock(mu);
    got.push_back(std::move(d));
    cv.notify_all();
  }
  bool WaitFor(size_t n) {
    std::unique_lock<std::mutex> lock(mu);
    return cv.wait_for(lock, std::chrono::seconds(20), [&] { return got.size() >= n; });
  }
};

TEST(NatsClientTest, CorePublishAndSubscribeWithMessageIds) {
  NatsServer server;
  ASSERT_TRUE(server.Start());
  auto client = NatsClient::Connect(server.url());
  ASSERT_TRUE(client.ok()) << client.status();
  Inbox inbox;
  ASSERT_TRUE((*client)->Subscribe("orders.*", [&](auto d) { inbox.Add(std::move(d)); }).ok());
  ASSERT_TRUE((*client)->Publish("orders.created", R"({"id":7})", "m-1").ok());
  ASSERT_TRUE((*client)->Publish("orders.paid", "plain").ok());
  ASSERT_TRUE((*client)->Publish("elsewhere", "not for us").ok());
  ASSERT_TRUE(inbox.WaitFor(2));
  std::lock_guard<std::mutex> lock(inbox.mu);
  ASSERT_EQ(inbox.got.size(), 2u);
  EXPECT_EQ(inbox.got[0]->subject(), "orders.created");
  EXPECT_EQ(inbox.got[0]->data(), R"({"id":7})");
  EXPECT_EQ(inbox.got[0]->id(), "m-1");
  EXPECT_EQ(inbox.got[1]->id(), "");  // core NATS without a header: no id
  EXPECT_TRUE(inbox.got[1]->Ack().ok());  // a no-op
}

TEST(NatsClientTest, ConnectingToNoServerIsUnavailable) {
  NatsServer server;
  ASSERT_TRUE(server.Start());
  const std::string url = server.url();
  server.Stop();
  auto client = NatsClient::Connect(url);
  ASSERT_FALSE(client.ok());
  EXPECT_TRUE(absl::IsUnavailable(client.status())) << client.status();
}

TEST(NatsClientTest, JetStreamDeduplicatesByIdAndRedeliversWhatWasNotAcked) {
  NatsServer server;
  ASSERT_TRUE(server.Start());
  {
    auto client = NatsClient::Connect(server.url());
    ASSERT_TRUE(client.ok()) << client.status();
    ASSERT_TRUE((*client)->AddStream("ORDERS", {"orders.>"}).ok());
    ASSERT_TRUE((*client)->AddStream("ORDERS", {"orders.>"}).ok());  // already there: fine
    auto first = (*client)->PublishDurable("orders.created", "a", "id-a");
    ASSERT_TRUE(first.ok()) << first.status();
    // The same id again (a publish re-sent after a crash) is stored once.
    auto again = (*client)->PublishDurable("orders.created", "a", "id-a");
    ASSERT_TRUE(again.ok()) << again.status();
    EXPECT_EQ(*again, *first);
    ASSERT_TRUE((*client)->PublishDurable("orders.created", "b", "").ok());
    Inbox inbox;
    ASSERT_TRUE((*client)
                    ->SubscribeDurable("", "handler1", "orders.created", absl::Seconds(1),
                                       [&](auto d) { inbox.Add(std::move(d)); })
                    .ok());
    ASSERT_TRUE(inbox.WaitFor(2));
    std::lock_guard<std::mutex> lock(inbox.mu);
    EXPECT_EQ(inbox.got[0]->data(), "a");
    EXPECT_EQ(inbox.got[0]->id(), "id-a");
    EXPECT_EQ(inbox.got[1]->data(), "b");
    EXPECT_EQ(inbox.got[1]->id(), "ORDERS:2");  // no header: the stream sequence
    EXPECT_EQ(inbox.got[1]->delivered(), 1u);
    ASSERT_TRUE(inbox.got[0]->Ack().ok());
    // "b" is not acked; the connection closes, as a crashed engine's would.
  }
  // The durable consumer outlived the connection: a new one bound to it gets "b" again (after
  // its ack wait), with its delivery count and the same id, and never "a", which was acked.
  auto client = NatsClient::Connect(server.url());
  ASSERT_TRUE(client.ok()) << client.status();
  Inbox inbox;
  ASSERT_TRUE((*client)
                  ->SubscribeDurable("ORDERS", "handler1", "orders.created", absl::Seconds(1),
                                     [&](auto d) { inbox.Add(std::move(d)); })
                  .ok());
  ASSERT_TRUE(inbox.WaitFor(1));
  std::lock_guard<std::mutex> lock(inbox.mu);
  EXPECT_EQ(inbox.got[0]->data(), "b");
  EXPECT_EQ(inbox.got[0]->id(), "ORDERS:2");
  EXPECT_GE(inbox.got[0]->delivered(), 2u);
  EXPECT_TRUE(inbox.got[0]->Ack().ok());
}

}  // namespace
}  // namespace weft::testing
