// Event handler definitions (events/handler.h): Conductor's EventHandler JSON in and out, the
// `nats:`/`jsm:` event forms, refusals that name the field, conditions in JavaScript and jq,
// and `${path}` templates filled in from a message.
#include "events/handler.h"

#include <gtest/gtest.h>

namespace weft::events {
namespace {

Value Json(std::string_view text) {
  absl::StatusOr<Value> v = Value::FromJson(text);
  EXPECT_TRUE(v.ok()) << v.status() << " in " << text;
  return v.ok() ? *v : Value();
}

constexpr char kOrders[] = R"({
  "name": "order_created",
  "event": "nats:orders.created",
  "condition": "$.type == 'order'",
  "evaluatorType": "javascript",
  "description": "ignored",
  "actions": [
    {"action": "start_workflow",
     "start_workflow": {"name": "ship", "version": 2,
                        "input": {"id": "${order.id}", "note": "order ${order.id} for ${who}"},
                        "correlationId": "${order.id}"},
     "expandInlineJSON": true},
    {"action": "signal", "signal": {"workflowId": "${wf}", "name": "paid", "payload": "${$}"}},
    {"action": "complete_task",
     "complete_task": {"workflowId": "${wf}", "taskRefName": "wait", "output": {"ok": true}}},
    {"action": "fail_task", "fail_task": {"taskId": "${task}", "reason": "bad ${type}"}}
  ],
  "active": true
})";

TEST(EventHandlerTest, ReadsConductorJsonAndWritesItBack) {
  absl::StatusOr<EventHandler> h = HandlerFromConductor(Json(kOrders));
  ASSERT_TRUE(h.ok()) << h.status();
  EXPECT_EQ(h->name, "order_created");
  EXPECT_EQ(h->source, SourceKind::kCore);
  EXPECT_EQ(h->subject, "orders.created");
  ASSERT_EQ(h->actions.size(), 4u);
  EXPECT_EQ(h->actions[0].kind, ActionKind::kStartWorkflow);
  EXPECT_EQ(h->actions[0].workflow, "ship");
  EXPECT_EQ(h->actions[0].version, 2u);
  EXPECT_EQ(h->actions[1].kind, ActionKind::kSignal);
  EXPECT_EQ(h->actions[1].signal, "paid");
  EXPECT_EQ(h->actions[2].kind, ActionKind::kCompleteTask);
  EXPECT_EQ(h->actions[2].task_ref, "wait");
  EXPECT_EQ(h->actions[3].kind, ActionKind::kFailTask);
  // Written back and read again, it is the same handler.
  const Value out = HandlerToConductor(*h);
  absl::StatusOr<EventHandler> again = HandlerFromConductor(out);
  ASSERT_TRUE(again.ok()) << again.status() << " in " << out.ToJson();
  EXPECT_EQ(HandlerToConductor(*again).ToJson(), out.ToJson());
  EXPECT_EQ(out.as_object().Find("description"), nullptr);
}

TEST(EventHandlerTest, JetStreamEventForms) {
  EventHandler h;
  h.name = "h1";
  h.event = "jsm:orders.created";
  ASSERT_TRUE(ParseEvent(h).ok());
  EXPECT_EQ(h.source, SourceKind::kJetStream);
  EXPECT_EQ(h.subject, "orders.created");
  EXPECT_EQ(h.stream, "");
  EXPECT_EQ(h.consumer, "h1");
  h.event = "jsm:ORDERS:shipper:orders.*";
  ASSERT_TRUE(ParseEvent(h).ok());
  EXPECT_EQ(h.stream, "ORDERS");
  EXPECT_EQ(h.consumer, "shipper");
  EXPECT_EQ(h.subject, "orders.*");
}

TEST(EventHandlerTest, ConductorQueueEventForm) {
  EventHandler h;
  h.name = "h1";
  h.event = "conductor:order_flow:shipped";
  ASSERT_TRUE(ParseEvent(h).ok());
  EXPECT_EQ(h.source, SourceKind::kConductor);
  EXPECT_EQ(h.subject, "conductor:order_flow:shipped");  // the queue's whole name
  EXPECT_TRUE(IsConductorQueue("conductor:a"));
  EXPECT_FALSE(IsConductorQueue("conductor:"));
  EXPECT_FALSE(IsConductorQueue("conductor:a b"));
  EXPECT_FALSE(IsConductorQueue("nats:a"));
}

TEST(EventHandlerTest, RefusalsNameWhatIsWrong) {
  const std::pair<std::string, std::string> cases[] = {
      {R"([])", "must be an object"},
      {R"({"event":"nats:a","actions":[]})", "`name` is required"},
      {R"({"name":"h","actions":[{"action":"signal"}]})", "`event` is required"},
      {R"({"name":"h","event":"kafka:a","actions":[]})", "provider must be `nats:`"},
      {R"({"name":"h","event":"nats:a..b","actions":[]})", "is not a NATS subject"},
      {R"({"name":"h","event":"conductor:","actions":[]})", "expected `conductor:WORKFLOW:QUEUE`"},
      {R"({"name":"h","event":"conductor:a b","actions":[]})", "expected `conductor:WORKFLOW"},
      {R"({"name":"h","event":"nats:","actions":[]})", "is not a NATS subject"},
      {R"({"name":"h","event":"jsm:S:a","actions":[]})", "jsm:STREAM:CONSUMER:SUBJECT"},
      {R"({"name":"h","event":"nats:a","actions":[]})", "`actions` (a non-empty list)"},
      {R"({"name":"h","event":"nats:a","evaluatorType":"python","actions":[]})", "`python` is not supported"},
      {R"({"name":"h","event":"nats:a","active":"yes","actions":[]})", "`active`"},
      {R"({"name":"h","event":"nats:a","actions":[{"action":"terminate_workflow",
           "terminate_workflow":{}}]})",
       "`terminate_workflow` is not supported"},
      {R"({"name":"h","event":"nats:a","actions":[{"action":"start_workflow"}]})",
       "`actions[0].start_workflow` (an object) is required"},
      {R"({"name":"h","event":"nats:a","actions":[{"action":"start_workflow",
           "start_workflow":{"input":{}}}]})",
       "`actions[0].start_workflow.name` is required"},
      {R"({"name":"h","event":"nats:a","actions":[{"action":"start_workflow",
           "start_workflow":{"name":"w","input":[1]}}]})",
       "input` must be an object"},
      {R"({"name":"h","event":"nats:a","actions":[{"action":"signal",
           "signal":{"name":"go"}}]})",
       "needs one of `workflowId` and `correlationId`"},
      {R"({"name":"h","event":"nats:a","actions":[{"action":"complete_task",
           "complete_task":{"workflowId":"x"}}]})",
       "needs `taskId`, or `workflowId` and `taskRefName`"},
  };
  for (const auto& [json, message] : cases) {
    absl::StatusOr<EventHandler> h = HandlerFromConductor(Json(json));
    ASSERT_FALSE(h.ok()) << json;
    EXPECT_TRUE(absl::IsInvalidArgument(h.status())) << h.status();
    EXPECT_NE(h.status().message().find(message), std::string::npos) << json << " -> " << h.status();
  }
}

TEST(EventHandlerTest, ConditionsInJavaScriptAndJq) {
  EventHandler js = *HandlerFromConductor(Json(kOrders));
  EXPECT_TRUE(*EvaluateCondition(js, Json(R"({"type":"order"})")));
  EXPECT_FALSE(*EvaluateCondition(js, Json(R"({"type":"refund"})")));
  js.condition = "";
  EXPECT_TRUE(*EvaluateCondition(js, Json("{}")));  // none: always
  js.condition = "$.type ==";
  EXPECT_FALSE(EvaluateCondition(js, Json("{}")).ok());
  EventHandler jq = js;
  jq.evaluator = "jq";
  jq.condition = ".amount > 10";
  EXPECT_TRUE(*EvaluateCondition(jq, Json(R"({"amount":11})")));
  EXPECT_FALSE(*EvaluateCondition(jq, Json(R"({"amount":3})")));
  jq.condition = ".missing";
  EXPECT_FALSE(*EvaluateCondition(jq, Json("{}")));  // null: false
  jq.condition = ".name";
  EXPECT_TRUE(*EvaluateCondition(jq, Json(R"({"name":"x"})")));  // jq: anything but false/null
  jq.condition = ".[";
  absl::StatusOr<bool> bad = EvaluateCondition(jq, Json("{}"));
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("condition"), std::string::npos);
}

TEST(EventHandlerTest, TemplatesAreFilledInFromTheMessage) {
  EventHandler h = *HandlerFromConductor(Json(kOrders));
  const Value message = Json(R"({"order":{"id":42},"who":"ann","wf":"01J","task":"t-1","type":"order"})");
  Action start = Resolve(h.actions[0], message);
  EXPECT_EQ(start.input.ToJson(), R"({"id":42,"note":"order 42 for ann"})");
  EXPECT_EQ(start.correlation_id, "42");
  Action signal = Resolve(h.actions[1], message);
  EXPECT_EQ(signal.execution_id, "01J");
  EXPECT_EQ(signal.payload.ToJson(), message.ToJson());  // ${$}: the whole message
  Action fail = Resolve(h.actions[3], message);
  EXPECT_EQ(fail.task_id, "t-1");
  EXPECT_EQ(fail.reason, "bad order");
  // Absent paths are null (a whole-string reference) or empty text; list indexes work.
  Action a;
  a.input = Json(R"({"x":"${nope}","y":"<${nope.deeper}>","z":"${$.items.1}","w":"${"})");
  EXPECT_EQ(Resolve(a, Json(R"({"items":[1,2]})")).input.ToJson(),
            R"({"x":null,"y":"<null>","z":2,"w":"${"})");
}

}  // namespace
}  // namespace weft::events
