// A store written by the format-6 release (tests/storage/fixtures/format6_events, see its
// README) is read as it is by a read-only open (no event handlers, nothing damaged), and
// upgraded in place to format 7 (the `event_handlers` and `event_messages` tables) by a
// read-write open; then a handler's message signals an old execution through the correlation
// index the format-6 release wrote, once.
#include <gtest/gtest.h>

#include <future>

#include "engine/engine_impl.h"
#include "events/handler.h"
#include "events/listener.h"
#include "storage/keys.h"
#include "tests/storage/fixture_store.h"
#include "weft/engine.h"

namespace weft {
namespace {

using ::weft::testing::FixtureStoreTest;

constexpr char kA1[] = "01M903M7KG782AA1YFZ79FE22N";
constexpr char kA2[] = "01M903M7MBXGCRS91PH9K19AT1";

constexpr char kHandler[] = R"({"name": "payments", "event": "jsm:orders.paid",
  "actions": [{"action": "signal", "signal": {"correlationId": "order-${id}", "name": "paid",
    "payload": "${amount}"}}]})";

class Format6EventsStore : public FixtureStoreTest {
 protected:
  Format6EventsStore() : FixtureStoreTest("format6_events") {}

  absl::Status Apply(Engine& engine, const std::string& data, const std::string& id) {
    auto handler = events::HandlerFromConductor(*Value::FromJson(kHandler));
    EXPECT_TRUE(handler.ok());
    std::promise<absl::Status> answer;
    static_cast<engine::EngineImpl&>(engine).ApplyEvent(
        events::EventListener::Handle(*handler, "orders.paid", data, id),
        [&](const absl::Status& s) { answer.set_value(s); });
    return answer.get_future().get();
  }
};

TEST_F(Format6EventsStore, ReadOnlyOpensReadItAsItIs) {
  EXPECT_EQ(OpenEnv()->format(), 6u);
  ExpectNoDamage();  // the event tables are not missing: format 7 adds them
  auto engine = OpenEngine(/*read_only=*/true);
  ASSERT_NE(engine, nullptr);
  auto handlers = engine->ListEventHandlers();
  ASSERT_TRUE(handlers.ok()) << handlers.status();
  EXPECT_TRUE(handlers->empty());
  auto messages = engine->ListEventMessages("payments");
  ASSERT_TRUE(messages.ok()) << messages.status();
  EXPECT_TRUE(messages->empty());
  EXPECT_TRUE(absl::IsNotFound(engine->GetEventHandler("payments").status()));
  engine.reset();
  EXPECT_EQ(OpenEnv()->format(), 6u) << "a read-only open must not upgrade";
}

TEST_F(Format6EventsStore, UpgradedItRecordsMessagesThatReachItsOldExecutions) {
  auto engine = OpenEngine(/*read_only=*/false);
  ASSERT_NE(engine, nullptr);
  auto created = engine->CreateEventHandler(*Value::FromJson(kHandler));
  ASSERT_TRUE(created.ok()) << created.status();

  ASSERT_TRUE(Apply(*engine, R"({"id": "A1", "amount": 30})", "ORDERS:1").ok());
  EXPECT_TRUE(absl::IsAlreadyExists(Apply(*engine, R"({"id": "A1", "amount": 30})", "ORDERS:1")));
  auto done = engine->AwaitExecution(kA1, absl::Seconds(30));
  ASSERT_TRUE(done.ok()) << done.status();
  EXPECT_EQ(done->status, ExecutionStatus::kCompleted);
  EXPECT_EQ(done->output.ToJson(), R"({"id":"A1","paid":30})");
  auto other = engine->GetExecution(kA2);
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(other->status, ExecutionStatus::kRunning);

  auto messages = engine->ListEventMessages("payments");
  ASSERT_TRUE(messages.ok()) << messages.status();
  ASSERT_EQ(messages->size(), 1u);
  EXPECT_EQ((*messages)[0].status, EventMessageStatus::kApplied);
  EXPECT_EQ((*messages)[0].actions[0].executions, std::vector<std::string>{kA1});
  engine.reset();
  EXPECT_EQ(Format(), storage::kStoreFormat);  // and nothing damaged
}

}  // namespace
}  // namespace weft
