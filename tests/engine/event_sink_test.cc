// The engine's side of event handlers (engine/transitions/events.cc, engine/event_handlers.cc):
// a handler's message, handed over as the NATS listener hands it (EventListener::Handle, then
// EngineImpl::ApplyEvent), is applied and recorded in one transaction; a message recorded
// before is refused and changes nothing; a false condition records SKIPPED; an action that
// cannot be carried out is its outcome in the record. And the handlers' management API.
#include <future>

#include "engine/engine_impl.h"
#include "events/handler.h"
#include "events/listener.h"
#include "tests/engine/engine_fixture.h"

namespace weft::testing {
namespace {

constexpr char kFlows[] = R"(
task charge
workflow ship(order: string, amount: int) {
  return { order: order, amount: amount }
}
workflow waits(order: string) {
  let paid = await signal("paid")
  return paid
}
workflow charges(order: string) {
  let r = charge(order: order)
  return r
}
)";

class EventSinkTest : public EngineTest {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    Deploy(kFlows);
  }

  static events::EventHandler Handler(const std::string& json) {
    auto value = Value::FromJson(json);
    EXPECT_TRUE(value.ok()) << value.status();
    auto h = events::HandlerFromConductor(*value);
    EXPECT_TRUE(h.ok()) << h.status();
    return h.ok() ? *h : events::EventHandler{};
  }

  // Hands `data` (message id `id`) to the engine as `handler`'s listener would; returns the
  // sink's answer.
  absl::Status Apply(const events::EventHandler& handler, const std::string& data,
                     const std::string& id) {
    events::HandledMessage m = events::EventListener::Handle(handler, "orders", data, id);
    std::promise<absl::Status> answer;
    static_cast<engine::EngineImpl*>(engine_.get())
        ->ApplyEvent(std::move(m), [&](const absl::Status& s) { answer.set_value(s); });
    return answer.get_future().get();
  }

  EventMessage Record(const std::string& handler, const std::string& id) {
    auto all = engine_->ListEventMessages(handler, 1000);
    EXPECT_TRUE(all.ok()) << all.status();
    if (all.ok()) {
      for (const EventMessage& m : *all) {
        if (m.message_id == id) return m;
      }
    }
    ADD_FAILURE() << "no record of " << id;
    return {};
  }

  size_t Executions() {
    auto all = engine_->ListExecutions(std::nullopt, 1000);
    EXPECT_TRUE(all.ok());
    return all.ok() ? all->size() : 0;
  }
};

constexpr char kStart[] = R"({"name": "starter", "event": "jsm:orders.created",
  "condition": ".amount > 10", "evaluatorType": "jq",
  "actions": [{"action": "start_workflow", "start_workflow": {"name": "ship",
    "input": {"order": "${id}", "amount": "${amount}"}, "correlationId": "order-${id}"}}]})";

TEST_F(EventSinkTest, AMessageStartsAWorkflowAndIsRecorded) {
  ASSERT_TRUE(Apply(Handler(kStart), R"({"id": "A1", "amount": 12})", "S:1").ok());
  EventMessage m = Record("starter", "S:1");
  EXPECT_EQ(m.status, EventMessageStatus::kApplied);
  EXPECT_EQ(m.subject, "orders");
  ASSERT_EQ(m.actions.size(), 1u);
  EXPECT_TRUE(m.actions[0].ok) << m.actions[0].error;
  EXPECT_EQ(m.actions[0].action, "start_workflow");
  ASSERT_EQ(m.actions[0].executions.size(), 1u);
  ExecutionInfo done = Await(m.actions[0].executions[0]);
  EXPECT_EQ(done.status, ExecutionStatus::kCompleted);
  EXPECT_EQ(done.output.ToJson(), R"({"order":"A1","amount":12})");
  EXPECT_EQ(done.correlation_id, "order-A1");
}

TEST_F(EventSinkTest, ARedeliveredMessageIsRefusedAndStartsNothing) {
  const events::EventHandler h = Handler(kStart);
  ASSERT_TRUE(Apply(h, R"({"id": "A1", "amount": 12})", "S:7").ok());
  absl::Status again = Apply(h, R"({"id": "A1", "amount": 12})", "S:7");
  EXPECT_TRUE(absl::IsAlreadyExists(again)) << again;
  EXPECT_EQ(Executions(), 1u);
  // Also after the engine reopens: the record is durable.
  Reopen();
  again = Apply(h, R"({"id": "A1", "amount": 12})", "S:7");
  EXPECT_TRUE(absl::IsAlreadyExists(again)) << again;
  EXPECT_EQ(Executions(), 1u);
  // Another message id is another message.
  ASSERT_TRUE(Apply(h, R"({"id": "A2", "amount": 12})", "S:8").ok());
  EXPECT_EQ(Executions(), 2u);
}

TEST_F(EventSinkTest, AFalseConditionRecordsSkipped) {
  ASSERT_TRUE(Apply(Handler(kStart), R"({"id": "A1", "amount": 3})", "S:2").ok());
  EventMessage m = Record("starter", "S:2");
  EXPECT_EQ(m.status, EventMessageStatus::kSkipped);
  EXPECT_TRUE(m.actions.empty());
  EXPECT_EQ(Executions(), 0u);
}

TEST_F(EventSinkTest, AConditionInErrorRecordsFailedAndRunsNothing) {
  events::EventHandler h = Handler(kStart);
  h.condition = ".amount >";  // not jq
  ASSERT_TRUE(Apply(h, R"({"id": "A1", "amount": 30})", "S:3").ok());
  EventMessage m = Record("starter", "S:3");
  EXPECT_EQ(m.status, EventMessageStatus::kFailed);
  EXPECT_NE(m.error, "");
  EXPECT_EQ(Executions(), 0u);
}

TEST_F(EventSinkTest, AnActionThatCannotRunIsItsOutcomeAndTheOthersStand) {
  const events::EventHandler h = Handler(R"({"name": "mixed", "event": "nats:orders",
    "actions": [
      {"action": "start_workflow", "start_workflow": {"name": "nowhere"}},
      {"action": "start_workflow", "start_workflow": {"name": "ship",
        "input": {"order": "${id}", "amount": 1}}},
      {"action": "signal", "signal": {"workflowId": "no-such-execution", "name": "paid"}},
      {"action": "start_workflow", "start_workflow": {"name": "ship", "input": {"order": 5}}}
    ]})");
  ASSERT_TRUE(Apply(h, R"({"id": "B1"})", "m-1").ok());
  EventMessage m = Record("mixed", "m-1");
  EXPECT_EQ(m.status, EventMessageStatus::kFailed);
  ASSERT_EQ(m.actions.size(), 4u);
  EXPECT_FALSE(m.actions[0].ok);
  EXPECT_NE(m.actions[0].error.find("not deployed"), std::string::npos) << m.actions[0].error;
  EXPECT_TRUE(m.actions[1].ok) << m.actions[1].error;
  EXPECT_FALSE(m.actions[2].ok);
  EXPECT_FALSE(m.actions[3].ok);  // the input does not fit the parameters
  EXPECT_TRUE(m.actions[3].executions.empty());
  EXPECT_EQ(Executions(), 1u);
  EXPECT_EQ(Await(m.actions[1].executions[0]).status, ExecutionStatus::kCompleted);
}

TEST_F(EventSinkTest, ASignalReachesTheExecutionsOfACorrelationId) {
  StartOptions options;
  options.correlation_id = "order-C1";
  auto id = engine_->Start("waits", *Value::FromJson(R"({"order": "C1"})"), options);
  ASSERT_TRUE(id.ok()) << id.status();
  const events::EventHandler h = Handler(R"({"name": "payments", "event": "nats:paid",
    "actions": [{"action": "signal", "signal": {"correlationId": "order-${order}",
      "name": "paid", "payload": "${$}"}}]})");
  ASSERT_TRUE(Apply(h, R"({"order": "C1", "sum": 9})", "p-1").ok());
  EventMessage m = Record("payments", "p-1");
  EXPECT_EQ(m.status, EventMessageStatus::kApplied) << m.actions[0].error;
  EXPECT_EQ(m.actions[0].executions, std::vector<std::string>{*id});
  ExecutionInfo done = Await(*id);
  EXPECT_EQ(done.status, ExecutionStatus::kCompleted);
  EXPECT_EQ(done.output.ToJson(), R"({"order":"C1","sum":9})");
  // Nothing runs under that correlation id any more: the next signal fails, recorded.
  ASSERT_TRUE(Apply(h, R"({"order": "C1"})", "p-2").ok());
  m = Record("payments", "p-2");
  EXPECT_EQ(m.status, EventMessageStatus::kFailed);
  EXPECT_NE(m.actions[0].error.find("no running execution"), std::string::npos);
}

TEST_F(EventSinkTest, CompleteTaskByRefNameIsTheSignalOfThatName) {
  auto id = engine_->Start("waits", *Value::FromJson(R"({"order": "D1"})"));
  ASSERT_TRUE(id.ok());
  const events::EventHandler h = Handler(R"({"name": "done", "event": "nats:done",
    "actions": [{"action": "complete_task", "complete_task": {"workflowId": "${wf}",
      "taskRefName": "paid", "output": {"ok": true}}}]})");
  ASSERT_TRUE(Apply(h, R"({"wf": ")" + *id + R"("})", "d-1").ok());
  EXPECT_EQ(Await(*id).output.ToJson(), R"({"ok":true})");
}

TEST_F(EventSinkTest, CompleteAndFailTaskByIdAnswerATaskInProgress) {
  auto id = engine_->Start("charges", *Value::FromJson(R"({"order": "E1"})"));
  ASSERT_TRUE(id.ok());
  std::string task_id;
  ASSERT_TRUE(Eventually([&] {
    auto tasks = engine_->Tasks(*id);
    if (!tasks.ok() || tasks->empty()) return false;
    task_id = (*tasks)[0].id;
    return true;
  }));
  const events::EventHandler complete = Handler(R"({"name": "charged", "event": "nats:c",
    "actions": [{"action": "complete_task", "complete_task": {"taskId": "${task}",
      "output": {"charged": "${sum}"}}}]})");
  // Not taken by a worker yet: refused, recorded.
  ASSERT_TRUE(Apply(complete, R"({"task": ")" + task_id + R"(", "sum": 4})", "c-1").ok());
  EXPECT_EQ(Record("charged", "c-1").status, EventMessageStatus::kFailed);
  auto leased = engine_->PollTask("charge", "remote");
  ASSERT_TRUE(leased.ok() && leased->has_value());
  ASSERT_TRUE(Eventually([&] {
    auto t = engine_->GetTask(task_id);
    return t.ok() && t->status == TaskStatus::kInProgress;
  }));
  ASSERT_TRUE(Apply(complete, R"({"task": ")" + task_id + R"(", "sum": 4})", "c-2").ok());
  EventMessage m = Record("charged", "c-2");
  EXPECT_EQ(m.status, EventMessageStatus::kApplied) << m.actions[0].error;
  ExecutionInfo done = Await(*id);
  EXPECT_EQ(done.status, ExecutionStatus::kCompleted);
  EXPECT_EQ(done.output.ToJson(), R"({"charged":4})");
  // The worker's late result is refused: the task finished.
  EXPECT_FALSE(engine_->CompleteTask(task_id, "remote", Value()).ok());
}

TEST_F(EventSinkTest, AWeftConditionIsAnExpressionOverTheEvent) {
  const std::string json = R"({"name": "weft", "event": "nats:orders", "evaluatorType": "weft",
    "condition": "event.amount > 10 and event.kind == \"new\"",
    "actions": [{"action": "start_workflow", "start_workflow": {"name": "ship",
      "input": {"order": "${id}", "amount": "${amount}"}}}]})";
  ASSERT_TRUE(engine_->CreateEventHandler(*Value::FromJson(json)).ok());
  const events::EventHandler h = Handler(json);
  ASSERT_TRUE(Apply(h, R"({"id": "W1", "amount": 12, "kind": "new"})", "w-1").ok());
  EXPECT_EQ(Record("weft", "w-1").status, EventMessageStatus::kApplied);
  ASSERT_TRUE(Apply(h, R"({"id": "W2", "amount": 12, "kind": "old"})", "w-2").ok());
  EXPECT_EQ(Record("weft", "w-2").status, EventMessageStatus::kSkipped);
  // Reading a field that is not there is an error, as in a workflow: FAILED, nothing runs.
  ASSERT_TRUE(Apply(h, R"({"id": "W3"})", "w-3").ok());
  EventMessage failed = Record("weft", "w-3");
  EXPECT_EQ(failed.status, EventMessageStatus::kFailed);
  EXPECT_NE(failed.error.find("amount"), std::string::npos) << failed.error;
  EXPECT_EQ(Executions(), 1u);
  // An expression that does not compile is refused when the handler is created.
  auto bad = engine_->CreateEventHandler(*Value::FromJson(R"({"name": "bad", "event": "nats:o",
    "evaluatorType": "weft", "condition": "event.amount >",
    "actions": [{"action": "start_workflow", "start_workflow": {"name": "ship"}}]})"));
  EXPECT_TRUE(absl::IsInvalidArgument(bad.status())) << bad.status();
  EXPECT_NE(bad.status().message().find("not a Weft expression"), std::string::npos);
}

TEST_F(EventSinkTest, HandlersAreCreatedListedReplacedAndDeleted) {
  auto def = Value::FromJson(kStart);
  auto created = engine_->CreateEventHandler(*def);
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_EQ(created->name, "starter");
  EXPECT_EQ(created->event, "jsm:orders.created");
  EXPECT_TRUE(absl::IsAlreadyExists(engine_->CreateEventHandler(*def).status()));
  auto replaced = engine_->CreateEventHandler(
      *Value::FromJson(std::string(kStart).replace(std::string(kStart).find("jsm:"), 4, "nats:")),
      /*replace=*/true);
  ASSERT_TRUE(replaced.ok()) << replaced.status();
  auto got = engine_->GetEventHandler("starter");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->event, "nats:orders.created");
  auto bad = engine_->CreateEventHandler(*Value::FromJson(R"({"name": "x", "event": "kafka:a",
    "actions": [{"action": "start_workflow", "start_workflow": {"name": "ship"}}]})"));
  EXPECT_TRUE(absl::IsInvalidArgument(bad.status()));
  EXPECT_NE(bad.status().message().find("provider"), std::string::npos);
  Reopen();
  auto all = engine_->ListEventHandlers();
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 1u);
  EXPECT_EQ((*all)[0].definition.ToJson(), got->definition.ToJson());
  ASSERT_TRUE(engine_->DeleteEventHandler("starter").ok());
  EXPECT_TRUE(absl::IsNotFound(engine_->DeleteEventHandler("starter")));
  EXPECT_TRUE(absl::IsNotFound(engine_->GetEventHandler("starter").status()));
}

}  // namespace
}  // namespace weft::testing
