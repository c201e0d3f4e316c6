// Event handlers that cannot listen at first (engine/event_service.h): a JetStream handler
// whose subject no stream holds yet, and every handler when NATS is down at a listener
// restart, are tried again in the background and listen once they can; until then the engine
// says so (EventHandlerInfo::listen, EngineStats::event_handlers_not_listening) instead of a
// line on stderr and silence. A real nats-server on a loopback port, an engine in-process.
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "events/nats_client.h"
#include "tests/events/eventually.h"
#include "tests/events/nats_server.h"
#include "tests/storage/temp_dir.h"
#include "weft/engine.h"

namespace weft::testing {
namespace {

constexpr char kWorkflow[] = R"(
workflow ship(order: string) {
    return order
}
)";

std::string Handler(const std::string& name, const std::string& event, bool active = true) {
  return R"({"name": ")" + name + R"(", "event": ")" + event + R"(", "active": )" +
         (active ? "true" : "false") +
         R"(, "actions": [{"action": "start_workflow",
             "start_workflow": {"name": "ship", "input": {"order": "${id}"}}}]})";
}

class ListenRetryTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(nats_.Start()); }

  std::unique_ptr<Engine> Open(const std::string& nats_url) {
    EngineOptions options;
    options.path = dir_.path() + "/store";
    options.nats_url = nats_url;
    options.nats_retry_max = absl::Milliseconds(100);
    options.worker_threads = 1;
    options.map_size_bytes = 64 << 20;
    auto engine = Engine::Open(options);
    EXPECT_TRUE(engine.ok()) << engine.status();
    if (!engine.ok()) return nullptr;
    EXPECT_TRUE((*engine)->Deploy("ship.wf", kWorkflow).ok());
    return *std::move(engine);
  }

  static EventHandlerInfo Create(Engine& engine, const std::string& json) {
    auto value = Value::FromJson(json);
    EXPECT_TRUE(value.ok());
    auto h = engine.CreateEventHandler(*value);
    EXPECT_TRUE(h.ok()) << h.status();
    return h.ok() ? *h : EventHandlerInfo{};
  }

  static EventListenState State(Engine& engine, const std::string& name) {
    auto h = engine.GetEventHandler(name);
    EXPECT_TRUE(h.ok()) << h.status();
    return h.ok() ? h->listen : EventListenState::kOff;
  }

  static size_t Records(Engine& engine, const std::string& handler) {
    auto all = engine.ListEventMessages(handler, 100);
    return all.ok() ? all->size() : 0;
  }

  std::unique_ptr<events::NatsClient> Client() {
    auto client = events::NatsClient::Connect(nats_.url());
    EXPECT_TRUE(client.ok()) << client.status();
    return client.ok() ? *std::move(client) : nullptr;
  }

  NatsServer nats_;
  TempDir dir_;
};

TEST_F(ListenRetryTest, AJetStreamHandlerWhoseStreamComesLaterListensOnceItIsThere) {
  auto engine = Open(nats_.url());
  ASSERT_NE(engine, nullptr);
  const EventHandlerInfo created = Create(*engine, Handler("orders", "jsm:orders.created"));
  EXPECT_EQ(created.listen, EventListenState::kRetrying);
  EXPECT_NE(created.listen_error.find("orders.created"), std::string::npos) << created.listen_error;
  EXPECT_EQ(engine->Stats().event_handlers_not_listening, 1u);

  auto client = Client();
  ASSERT_NE(client, nullptr);
  ASSERT_TRUE(client->AddStream("ORDERS", {"orders.>"}).ok());
  ASSERT_TRUE(Eventually([&] { return State(*engine, "orders") == EventListenState::kListening; }));
  EXPECT_TRUE(engine->GetEventHandler("orders")->listen_error.empty());
  EXPECT_EQ(engine->Stats().event_handlers_not_listening, 0u);

  ASSERT_TRUE(client->PublishDurable("orders.created", R"({"id": "A1"})", "m-1").ok());
  ASSERT_TRUE(Eventually([&] { return Records(*engine, "orders") == 1; }));
  auto executions = engine->ListExecutions(std::nullopt, 10);
  ASSERT_TRUE(executions.ok());
  EXPECT_EQ(executions->size(), 1u);
}

TEST_F(ListenRetryTest, HandlersCreatedWhileNatsIsDownListenWhenItIsBack) {
  auto engine = Open(nats_.url());
  ASSERT_NE(engine, nullptr);
  const int port = nats_.port();
  nats_.Stop();

  const EventHandlerInfo created = Create(*engine, Handler("core", "nats:orders.core"));
  EXPECT_EQ(created.listen, EventListenState::kRetrying);
  EXPECT_NE(created.listen_error.find("cannot listen on NATS"), std::string::npos) << created.listen_error;
  EXPECT_EQ(engine->Stats().event_handlers_not_listening, 1u);

  ASSERT_TRUE(nats_.Start(port));
  ASSERT_TRUE(Eventually([&] { return State(*engine, "core") == EventListenState::kListening; }));
  EXPECT_EQ(engine->Stats().event_handlers_not_listening, 0u);

  // Core NATS keeps nothing for an absent subscriber: publish until one is applied.
  auto client = Client();
  ASSERT_NE(client, nullptr);
  int sent = 0;
  ASSERT_TRUE(Eventually([&] {
    (void)client->Publish("orders.core", R"({"id": "B1"})", "b-" + std::to_string(sent++));
    return Records(*engine, "core") >= 1;
  }));
}

TEST_F(ListenRetryTest, InactiveInternalAndUnlistenedHandlersSaySo) {
  {
    auto engine = Open(nats_.url());
    ASSERT_NE(engine, nullptr);
    auto client = Client();
    ASSERT_NE(client, nullptr);
    ASSERT_TRUE(client->AddStream("ORDERS", {"orders.>"}).ok());
    EXPECT_EQ(Create(*engine, Handler("on", "jsm:orders.created")).listen, EventListenState::kListening);
    EXPECT_EQ(Create(*engine, Handler("off", "jsm:orders.created", false)).listen, EventListenState::kOff);
    EXPECT_EQ(Create(*engine, Handler("queue", "conductor:ship:q")).listen, EventListenState::kInternal);
    auto all = engine->ListEventHandlers();
    ASSERT_TRUE(all.ok());
    ASSERT_EQ(all->size(), 3u);
    EXPECT_EQ(engine->Stats().event_handlers_not_listening, 0u);
  }
  // Opened without NATS, nothing listens: OFF, and nothing counted as failing.
  auto engine = Open("");
  ASSERT_NE(engine, nullptr);
  EXPECT_EQ(State(*engine, "on"), EventListenState::kOff);
  EXPECT_EQ(State(*engine, "queue"), EventListenState::kInternal);
  EXPECT_EQ(engine->Stats().event_handlers_not_listening, 0u);
}

}  // namespace
}  // namespace weft::testing
