// Conductor's event handler API on `weft serve` (/api/event...): add, update, list, list by
// event, delete, and their errors; Weft's /api/weft/events/{name}[/messages]; and the CLI's
// client mode (RemoteEngine) managing handlers through them.
#include <future>

#include "engine/engine_impl.h"
#include "events/handler.h"
#include "events/listener.h"
#include "server/client.h"
#include "server/event_json.h"
#include "tests/server/server_fixture.h"

namespace weft::testing {
namespace {

constexpr char kFlow[] = "workflow ship(id: string) {\n  return { id: id }\n}\n";

std::string HandlerJson(const std::string& name, const std::string& event, bool active = true) {
  return R"({"name": ")" + name + R"(", "event": ")" + event +
         R"(", "active": )" + (active ? "true" : "false") +
         R"(, "description": "ignored", "actions": [{"action": "start_workflow",
           "start_workflow": {"name": "ship", "input": {"id": "${id}"}}}]})";
}

class EventsApiTest : public ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    DeployWf(kFlow);
  }

  int Send(const std::string& method, const std::string& path, const std::string& body = "") {
    httplib::Result r = method == "POST"   ? client_->Post(path, body, "application/json")
                        : method == "PUT"  ? client_->Put(path, body, "application/json")
                        : method == "GET"  ? client_->Get(path)
                                           : client_->Delete(path);
    EXPECT_TRUE(r);
    last_ = r ? r->body : "";
    return r ? r->status : 0;
  }

  std::string last_;
};

TEST_F(EventsApiTest, AddUpdateListGetAndDelete) {
  EXPECT_EQ(Send("POST", "/api/event", HandlerJson("a", "nats:orders.a")), 200) << last_;
  EXPECT_EQ(Send("POST", "/api/event", HandlerJson("b", "jsm:orders.b", false)), 200) << last_;
  // A name taken: 409, naming it.
  EXPECT_EQ(Send("POST", "/api/event", HandlerJson("a", "nats:orders.x")), 409);
  EXPECT_NE(last_.find("`a`"), std::string::npos) << last_;
  // PUT updates; a handler that does not exist: 404.
  EXPECT_EQ(Send("PUT", "/api/event", HandlerJson("a", "nats:orders.a2")), 200) << last_;
  EXPECT_EQ(Send("PUT", "/api/event", HandlerJson("nobody", "nats:x")), 404) << last_;

  ASSERT_EQ(Send("GET", "/api/event"), 200);
  Value all = ParseJson(last_);
  ASSERT_EQ(all.as_list().size(), 2u) << last_;
  EXPECT_EQ(Get(all.as_list()[0], "event").ToJson(), R"("nats:orders.a2")");
  EXPECT_EQ(Get(all.as_list()[1], "active").ToJson(), "false");
  // By event: active ones unless activeOnly=false.
  ASSERT_EQ(Send("GET", "/api/event/jsm:orders.b"), 200);
  EXPECT_EQ(ParseJson(last_).as_list().size(), 0u) << last_;
  ASSERT_EQ(Send("GET", "/api/event/jsm:orders.b?activeOnly=false"), 200);
  EXPECT_EQ(ParseJson(last_).as_list().size(), 1u) << last_;
  ASSERT_EQ(Send("GET", "/api/weft/events/a"), 200);
  EXPECT_EQ(Get(ParseJson(last_), "name").ToJson(), R"("a")");

  EXPECT_EQ(Send("DELETE", "/api/event/a"), 200) << last_;
  EXPECT_EQ(Send("DELETE", "/api/event/a"), 404) << last_;
  EXPECT_EQ(Send("GET", "/api/weft/events/a"), 404) << last_;
  ASSERT_EQ(Send("GET", "/api/event"), 200);
  EXPECT_EQ(ParseJson(last_).as_list().size(), 1u) << last_;
}

// GET /api/weft/events: each handler with where it stands with the server's listener, the
// gauge in /metrics, and the client reading it back. This server's NATS URL leads nowhere:
// a NATS handler is RETRYING with the reason; inactive ones are OFF; Conductor's queues INTERNAL.
class EventsStatusApiTest : public EventsApiTest {
 protected:
  void SetUp() override {
    nats_url_ = "nats://127.0.0.1:1";  // nothing listens there
    EventsApiTest::SetUp();
  }
};

TEST_F(EventsStatusApiTest, HandlersSayWhetherTheyListenAndWhyNot) {
  ASSERT_EQ(Send("POST", "/api/event", HandlerJson("a", "nats:orders.a")), 200) << last_;
  ASSERT_EQ(Send("POST", "/api/event", HandlerJson("b", "jsm:orders.b", false)), 200) << last_;
  ASSERT_EQ(Send("POST", "/api/event", HandlerJson("c", "conductor:ship:q")), 200) << last_;
  ASSERT_EQ(Send("GET", "/api/weft/events"), 200);
  const Value all = ParseJson(last_);
  ASSERT_EQ(all.as_list().size(), 3u) << last_;
  const Value& a = all.as_list()[0];
  EXPECT_EQ(Get(a, "name").ToJson(), R"("a")");
  EXPECT_EQ(Get(a, "listen").ToJson(), R"("RETRYING")") << last_;
  EXPECT_NE(Get(a, "listenError").ToJson().find("cannot listen on NATS at nats://127.0.0.1:1"),
            std::string::npos) << last_;
  EXPECT_EQ(Get(Get(a, "definition"), "event").ToJson(), R"("nats:orders.a")");
  EXPECT_EQ(Get(all.as_list()[1], "listen").ToJson(), R"("OFF")") << last_;
  EXPECT_EQ(Get(all.as_list()[2], "listen").ToJson(), R"("INTERNAL")") << last_;

  auto metrics = client_->Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_NE(metrics->body.find("\nweft_event_handlers_not_listening 1\n"), std::string::npos);

  // The client mode (`weft event list` through the server) reads the same.
  auto remote = server::ConnectRemote("http://127.0.0.1:" + std::to_string(server_->port()));
  ASSERT_TRUE(remote.ok()) << remote.status();
  auto listed = (*remote)->ListEventHandlers();
  ASSERT_TRUE(listed.ok()) << listed.status();
  ASSERT_EQ(listed->size(), 3u);
  EXPECT_EQ((*listed)[0].name, "a");
  EXPECT_EQ((*listed)[0].listen, EventListenState::kRetrying);
  EXPECT_NE((*listed)[0].listen_error.find("nats://127.0.0.1:1"), std::string::npos);
  EXPECT_EQ((*listed)[0].event, "nats:orders.a");
  EXPECT_EQ((*listed)[1].listen, EventListenState::kOff);
  EXPECT_FALSE((*listed)[1].active);
  EXPECT_EQ((*listed)[2].listen, EventListenState::kInternal);
}

TEST_F(EventsApiTest, BadHandlersAre400WithTheReason) {
  EXPECT_EQ(Send("POST", "/api/event", HandlerJson("k", "kafka:orders")), 400);
  EXPECT_NE(last_.find("provider"), std::string::npos) << last_;
  EXPECT_EQ(Send("POST", "/api/event", R"({"name": "n", "event": "nats:a", "actions": []})"), 400);
  EXPECT_NE(last_.find("actions"), std::string::npos) << last_;
  EXPECT_EQ(Send("POST", "/api/event", R"({"name": "n", "event": "nats:a",
    "actions": [{"action": "terminate_workflow", "terminate_workflow": {}}]})"), 400);
  EXPECT_NE(last_.find("not supported"), std::string::npos) << last_;
  EXPECT_EQ(Send("POST", "/api/event", "{not json"), 400);
  EXPECT_EQ(Send("GET", "/api/weft/events/none/messages"), 404);
  ASSERT_EQ(Send("GET", "/api/event"), 200);
  EXPECT_EQ(last_, "[]");
}

TEST_F(EventsApiTest, MessagesAreListedWithTheirOutcomes) {
  ASSERT_EQ(Send("POST", "/api/event", HandlerJson("a", "nats:orders.a")), 200) << last_;
  auto handler = events::HandlerFromConductor(ParseJson(HandlerJson("a", "nats:orders.a")));
  ASSERT_TRUE(handler.ok());
  std::promise<absl::Status> answer;
  static_cast<engine::EngineImpl*>(engine_.get())
      ->ApplyEvent(events::EventListener::Handle(*handler, "orders.a", R"({"id": "X"})", "m1"),
                   [&](const absl::Status& s) { answer.set_value(s); });
  ASSERT_TRUE(answer.get_future().get().ok());
  ASSERT_EQ(Send("GET", "/api/weft/events/a/messages"), 200) << last_;
  Value list = ParseJson(last_);
  ASSERT_EQ(list.as_list().size(), 1u) << last_;
  const Value m = list.as_list()[0];
  EXPECT_EQ(Get(m, "messageId").ToJson(), R"("m1")");
  EXPECT_EQ(Get(m, "status").ToJson(), R"("APPLIED")");
  EXPECT_EQ(Get(m, "subject").ToJson(), R"("orders.a")");
  const Value action = Get(m, "actions").as_list()[0];
  EXPECT_EQ(Get(action, "action").ToJson(), R"("start_workflow")");
  EXPECT_EQ(Get(action, "ok").ToJson(), "true");
  EXPECT_EQ(Get(action, "executions").as_list().size(), 1u);
  EXPECT_EQ(Send("GET", "/api/weft/events/a/messages?limit=0"), 400);
}

TEST_F(EventsApiTest, TheClientModeManagesHandlersThroughTheServer) {
  auto remote = server::ConnectRemote("http://127.0.0.1:" + std::to_string(server_->port()));
  ASSERT_TRUE(remote.ok()) << remote.status();
  Engine& r = **remote;
  auto created = r.CreateEventHandler(ParseJson(HandlerJson("a", "nats:orders.a")));
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_EQ(created->event, "nats:orders.a");
  absl::Status again = r.CreateEventHandler(ParseJson(HandlerJson("a", "nats:orders.a"))).status();
  EXPECT_FALSE(again.ok());
  EXPECT_NE(again.message().find("exists already"), std::string::npos) << again;
  ASSERT_TRUE(r.CreateEventHandler(ParseJson(HandlerJson("a", "nats:orders.z", false)),
                                   /*replace=*/true)
                  .ok());
  auto all = r.ListEventHandlers();
  ASSERT_TRUE(all.ok()) << all.status();
  ASSERT_EQ(all->size(), 1u);
  EXPECT_EQ((*all)[0].event, "nats:orders.z");
  EXPECT_FALSE((*all)[0].active);
  auto messages = r.ListEventMessages("a", 10);
  ASSERT_TRUE(messages.ok()) << messages.status();
  EXPECT_TRUE(messages->empty());
  ASSERT_TRUE(r.DeleteEventHandler("a").ok());
  EXPECT_TRUE(absl::IsNotFound(r.DeleteEventHandler("a")));
}

}  // namespace
}  // namespace weft::testing
