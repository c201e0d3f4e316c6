// Conductor's internal queues (docs/events.md "Conductor's internal queue"), with no NATS at all:
// a workflow publishes to `conductor:QUEUE` and the engine delivers the message to the handlers
// of `conductor:WORKFLOW:QUEUE` itself, from the outbox. A handler starts a workflow, and that
// workflow publishes again, which signals the first (a second round, not a recursion); a false
// condition is recorded SKIPPED; a message no handler listens to is dropped and counted; and a
// message committed to the outbox by an engine that died before delivering it (the row written
// as such a step writes it) is delivered once when the store opens again, and applied once.
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <thread>

#include "storage/lmdb.h"
#include "storage/outbox.h"
#include "tests/engine/engine_fixture.h"
#include "tests/storage/temp_dir.h"
#include "weft/engine.h"

namespace weft::testing {
namespace {

// `order` publishes its order to the queue `conductor:order:placed` and waits for the signal
// `shipped`; `ship`, started by the handler of that queue, publishes to `conductor:ship:done`,
// whose handler signals the order (found by its correlation id) with the carrier.
constexpr char kWorkflows[] = R"(
workflow order(id: string) {
    let sent = publish(subject: "conductor:placed", data: { order: id, amount: 20 })
    let shipped = await signal("shipped")
    return { queue: sent.event_produced, carrier: shipped.carrier }
}

workflow ship(order: string, from: string) {
    publish(subject: "conductor:done", data: { order: order, carrier: "ups" })
    return from
}
)";

constexpr char kStartShip[] = R"({
  "name": "start_ship", "event": "conductor:order:placed",
  "condition": "$.amount > 10", "evaluatorType": "javascript",
  "actions": [{"action": "start_workflow",
               "start_workflow": {"name": "ship",
                                  "input": {"order": "${order}", "from": "${workflowType}"}}}]
})";

constexpr char kSignalOrder[] = R"({
  "name": "signal_order", "event": "conductor:ship:done",
  "actions": [{"action": "signal",
               "signal": {"correlationId": "${order}", "name": "shipped",
                          "payload": {"carrier": "${carrier}"}}}]
})";

Value Json(std::string_view text) {
  absl::StatusOr<Value> v = Value::FromJson(text);
  EXPECT_TRUE(v.ok()) << v.status();
  return v.ok() ? *v : Value();
}

constexpr auto kWait = std::chrono::seconds(60);  // a loaded machine may take its time

class ConductorQueueTest : public ::testing::Test {
 protected:
  std::unique_ptr<Engine> Open() {
    EngineOptions options;
    options.path = store_;
    options.worker_threads = 1;
    options.map_size_bytes = 64 << 20;
    auto engine = Engine::Open(options);  // no nats_url: none is needed
    EXPECT_TRUE(engine.ok()) << engine.status();
    return engine.ok() ? *std::move(engine) : nullptr;
  }

  std::vector<EventMessage> Messages(Engine& engine, std::string_view handler) {
    auto m = engine.ListEventMessages(handler);
    EXPECT_TRUE(m.ok()) << m.status();
    return m.ok() ? *m : std::vector<EventMessage>{};
  }

  TempDir dir_;
  std::string store_ = dir_.path() + "/store";
};

TEST_F(ConductorQueueTest, AHandlerStartsAWorkflowWhosePublishSignalsTheFirst) {
  auto engine = Open();
  ASSERT_NE(engine, nullptr);
  ASSERT_TRUE(engine->Deploy("flow.wf", kWorkflows).ok());
  ASSERT_TRUE(engine->CreateEventHandler(Json(kStartShip)).ok());
  ASSERT_TRUE(engine->CreateEventHandler(Json(kSignalOrder)).ok());
  StartOptions start;
  start.correlation_id = "A1";
  auto id = engine->Start("order", Json(R"({"id":"A1"})"), start);
  ASSERT_TRUE(id.ok()) << id.status();
  auto done = engine->AwaitExecution(*id, absl::Seconds(60));
  ASSERT_TRUE(done.ok()) << done.status();
  ASSERT_EQ(done->status, ExecutionStatus::kCompleted) << done->error.ToJson();
  EXPECT_EQ(done->output.ToJson(), R"({"queue":"conductor:order:placed","carrier":"ups"})");

  std::vector<EventMessage> started = Messages(*engine, "start_ship");
  ASSERT_EQ(started.size(), 1u);
  EXPECT_EQ(started[0].status, EventMessageStatus::kApplied);
  EXPECT_EQ(started[0].subject, "conductor:order:placed");
  ASSERT_EQ(started[0].actions.size(), 1u);
  ASSERT_EQ(started[0].actions[0].executions.size(), 1u);
  // The message carries the execution, as Conductor's EVENT task's does.
  auto ship = engine->AwaitExecution(started[0].actions[0].executions[0], absl::Seconds(60));
  ASSERT_TRUE(ship.ok()) << ship.status();
  EXPECT_EQ(ship->output.ToJson(), R"("order")");
  std::vector<EventMessage> signalled = Messages(*engine, "signal_order");
  ASSERT_EQ(signalled.size(), 1u);
  EXPECT_EQ(signalled[0].status, EventMessageStatus::kApplied);
  ASSERT_TRUE(Eventually([&] { return engine->Stats().outbox_depth == 0; }, kWait));
  // Counted once the writer answered, just after the commit.
  ASSERT_TRUE(Eventually([&] { return engine->Stats().conductor_events_delivered == 2; }, kWait))
      << engine->Stats().conductor_events_delivered;
  EXPECT_EQ(engine->Stats().conductor_events_unmatched, 0u);
}

TEST_F(ConductorQueueTest, AFalseConditionIsSkippedAndAnUnheardMessageIsDropped) {
  auto engine = Open();
  ASSERT_NE(engine, nullptr);
  ASSERT_TRUE(engine->Deploy("flow.wf", kWorkflows).ok());
  ASSERT_TRUE(engine
                  ->CreateEventHandler(Json(R"({
    "name": "start_ship", "event": "conductor:order:placed",
    "condition": "$.amount > 100", "evaluatorType": "javascript",
    "actions": [{"action": "start_workflow", "start_workflow": {"name": "ship"}}]})"))
                  .ok());
  auto id = engine->Start("order", Json(R"({"id":"A1"})"), StartOptions{});
  ASSERT_TRUE(id.ok()) << id.status();
  ASSERT_TRUE(Eventually([&] { return Messages(*engine, "start_ship").size() == 1; }, kWait));
  EXPECT_EQ(Messages(*engine, "start_ship")[0].status, EventMessageStatus::kSkipped);
  ASSERT_TRUE(Eventually([&] { return engine->Stats().outbox_depth == 0; }, kWait));

  // `ship` publishes to `conductor:ship:done`, which no handler listens to: dropped, counted.
  auto ship = engine->Start("ship", Json(R"({"order":"A2","from":"x"})"), StartOptions{});
  ASSERT_TRUE(ship.ok()) << ship.status();
  ASSERT_TRUE(engine->AwaitExecution(*ship, absl::Seconds(60)).ok());
  ASSERT_TRUE(Eventually([&] { return engine->Stats().conductor_events_unmatched == 1; }, kWait));
  ASSERT_TRUE(Eventually([&] { return engine->Stats().outbox_depth == 0; }, kWait));
}

TEST_F(ConductorQueueTest, AQueueWithoutANameFailsThePublishAndQueuesNothing) {
  auto engine = Open();
  ASSERT_NE(engine, nullptr);
  ASSERT_TRUE(engine
                  ->Deploy("bad.wf", R"(
workflow bad(queue: string) {
    publish(subject: queue, data: { x: 1 })
    return 0
}
)")
                  .ok());
  for (const char* queue : {"conductor:", "conductor:a b"}) {
    auto id =
        engine->Start("bad", Value::MakeObject(Object({{"queue", Value::String(queue)}})), StartOptions{});
    ASSERT_TRUE(id.ok()) << id.status();
    auto done = engine->AwaitExecution(*id, absl::Seconds(60));
    ASSERT_TRUE(done.ok()) << done.status();
    EXPECT_EQ(done->status, ExecutionStatus::kFailed);
    EXPECT_NE(done->error.ToJson().find("PUBLISH_FAILED"), std::string::npos) << done->error.ToJson();
    EXPECT_NE(done->error.ToJson().find("is not a queue"), std::string::npos) << done->error.ToJson();
  }
  EXPECT_EQ(engine->Stats().outbox_depth, 0u);
}

// What a step that published leaves when its engine dies before the delivery: the row in the
// outbox, nothing recorded. The next engine delivers it, once; the one after finds nothing.
TEST_F(ConductorQueueTest, AMessageLeftInTheOutboxIsDeliveredOnceWhenTheStoreOpens) {
  {
    auto engine = Open();
    ASSERT_NE(engine, nullptr);
    ASSERT_TRUE(engine->Deploy("flow.wf", kWorkflows).ok());
    ASSERT_TRUE(engine->CreateEventHandler(Json(kStartShip)).ok());
  }
  {
    storage::Env::Options options;
    options.path = store_;
    auto env = storage::Env::Open(options);
    ASSERT_TRUE(env.ok()) << env.status();
    auto txn = storage::Txn::BeginWrite(**env);
    ASSERT_TRUE(txn.ok()) << txn.status();
    storage::OutboxMessage m;
    m.id = "01JCRASHED0000000000000000";
    m.subject = "conductor:order:placed";
    m.data = R"({"order":"A9","amount":50,"workflowType":"order"})";
    ASSERT_TRUE(storage::OutboxStore(*txn).Put(m).ok());
    ASSERT_TRUE(txn->Commit().ok());
  }
  for (int open = 0; open < 2; ++open) {
    auto engine = Open();
    ASSERT_NE(engine, nullptr);
    ASSERT_TRUE(Eventually([&] { return engine->Stats().outbox_depth == 0; }, kWait));
    std::vector<EventMessage> records = Messages(*engine, "start_ship");
    ASSERT_EQ(records.size(), 1u) << "open " << open;
    EXPECT_EQ(records[0].message_id, "01JCRASHED0000000000000000");
    ASSERT_EQ(records[0].actions.size(), 1u);
    EXPECT_TRUE(records[0].actions[0].ok) << records[0].actions[0].error;
    if (open == 0) {
      ASSERT_TRUE(Eventually([&] { return engine->Stats().conductor_events_delivered == 1; }, kWait));
    } else {
      EXPECT_EQ(engine->Stats().conductor_events_delivered, 0u);  // nothing left to deliver
    }
  }
}

}  // namespace
}  // namespace weft::testing
