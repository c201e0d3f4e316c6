// Conductor's internal queue end to end (docs/events.md "Conductor's internal queue"): `weft
// serve` as a process, with no NATS server and no --nats at all. Handlers are created through
// Conductor's /api/event; a workflow publishes to `conductor:placed`, whose handler starts a
// second workflow, whose own publish signals the first to its end. Then executions that each
// publish one message are started and the server is SIGKILLed while their messages are being
// delivered: after a restart every message has started exactly one execution.
#include <httplib.h>
#include <signal.h>

#include <set>

#include "absl/strings/str_cat.h"
#include "tests/server/serve_process.h"
#include "tests/server/server_fixture.h"

namespace weft::testing {
namespace {

constexpr char kFlows[] = R"(workflow order(id: string) {
  publish(subject: "conductor:placed", data: { order: id })
  let shipped = await signal("shipped")
  return { id: id, carrier: shipped.carrier }
}

workflow ship(order: string) {
  publish(subject: "conductor:done", data: { order: order, carrier: "ups" })
  return order
}

workflow tick(n: int) {
  publish(subject: "conductor:tick", data: { n: n })
  return n
}

workflow tock(n: int) {
  return n
}
)";

constexpr char kPlaced[] = R"({"name": "placed", "event": "conductor:order:placed",
  "actions": [{"action": "start_workflow",
               "start_workflow": {"name": "ship", "input": {"order": "${order}"}}}]})";
constexpr char kDone[] = R"({"name": "done", "event": "conductor:ship:done",
  "actions": [{"action": "signal", "signal": {"correlationId": "${order}", "name": "shipped",
               "payload": {"carrier": "${carrier}"}}}]})";
constexpr char kTick[] = R"({"name": "tick", "event": "conductor:tick:tick",
  "actions": [{"action": "start_workflow",
               "start_workflow": {"name": "tock", "input": {"n": "${n}"}}}]})";

class ConductorQueueEndToEnd : public ::testing::Test {
 protected:
  uint16_t StartServe(ServeProcess& serve) {
    const uint16_t port = serve.Start();
    if (port != 0) {
      http_ = std::make_unique<httplib::Client>("127.0.0.1", port);
      http_->set_read_timeout(30, 0);
    }
    return port;
  }

  std::string Post(const std::string& path, const std::string& body, const std::string& type) {
    auto r = http_->Post(path, body, type);
    EXPECT_TRUE(r);
    if (!r) return "";
    EXPECT_EQ(r->status, 200) << path << ": " << r->body;
    return r->body;
  }

  size_t Records(const std::string& handler) {
    auto r = http_->Get("/api/weft/events/" + handler + "/messages?limit=10000");
    if (!r || r->status != 200) return 0;
    Value v = ParseJson(r->body);
    return v.is_list() ? v.as_list().size() : 0;
  }

  TempDir dir_;
  const std::string store_ = dir_.path() + "/store";
  std::unique_ptr<httplib::Client> http_;
};

TEST_F(ConductorQueueEndToEnd, APublishStartsAWorkflowWhosePublishSignalsTheFirst) {
  ServeProcess serve(store_, "60s");  // no --nats
  ASSERT_NE(StartServe(serve), 0);
  Post("/api/weft/deploy?name=flows.wf", kFlows, "text/plain");
  Post("/api/event", kPlaced, "application/json");
  Post("/api/event", kDone, "application/json");
  const std::string id = Post("/api/workflow", R"({"name":"order","input":{"id":"A1"},"correlationId":"A1"})",
                              "application/json");
  ASSERT_FALSE(id.empty());
  ASSERT_TRUE(Eventually(
      [&] {
        auto r = http_->Get("/api/workflow/" + id + "?includeTasks=false");
        return r && Get(ParseJson(r->body), "status").ToJson() == R"("COMPLETED")";
      },
      std::chrono::seconds(60)));
  auto done = http_->Get("/api/workflow/" + id + "?includeTasks=false");
  ASSERT_TRUE(done);
  EXPECT_EQ(Get(ParseJson(done->body), "output").ToJson(), R"({"id":"A1","carrier":"ups"})");
  EXPECT_EQ(Records("placed"), 1u);
  EXPECT_EQ(Records("done"), 1u);
  // Counted once the writer answered, just after the commit.
  std::string metrics;
  EXPECT_TRUE(Eventually(
      [&] {
        auto r = http_->Get("/metrics");
        metrics = r ? r->body : "";
        return metrics.find("weft_conductor_events_delivered_total 2") != std::string::npos;
      },
      std::chrono::seconds(60)))
      << metrics;
}

TEST_F(ConductorQueueEndToEnd, MessagesPendingAtASigkillStartOneExecutionEach) {
  constexpr int kTicks = 300;
  {
    ServeProcess serve(store_, "60s");
    ASSERT_NE(StartServe(serve), 0);
    Post("/api/weft/deploy?name=flows.wf", kFlows, "text/plain");
    Post("/api/event", kTick, "application/json");
    for (int i = 0; i < kTicks; ++i) {
      Post("/api/workflow", absl::StrCat(R"({"name":"tick","input":{"n":)", i, "}}"), "application/json");
    }
    // Killed as soon as some are delivered: the rest are committed in the outbox, being
    // delivered, or not yet run.
    ASSERT_TRUE(Eventually([&] { return Records("tick") >= 1; }, std::chrono::seconds(60)));
    serve.Kill(SIGKILL);
  }
  ServeProcess serve(store_, "60s");
  ASSERT_NE(StartServe(serve), 0);
  ASSERT_TRUE(Eventually([&] { return Records("tick") >= kTicks; }, std::chrono::seconds(120)))
      << Records("tick");
  serve.Kill(SIGTERM);

  EngineOptions options;
  options.path = store_;
  options.read_only = true;
  auto engine = Engine::Open(options);
  ASSERT_TRUE(engine.ok()) << engine.status();
  auto messages = (*engine)->ListEventMessages("tick", 10 * kTicks);
  ASSERT_TRUE(messages.ok());
  EXPECT_EQ(messages->size(), static_cast<size_t>(kTicks));
  auto executions = (*engine)->ListExecutions(std::nullopt, 10 * kTicks);
  ASSERT_TRUE(executions.ok());
  std::set<std::string> tocks;
  for (const ExecutionInfo& e : *executions) {
    if (e.workflow == "tock") {
      EXPECT_TRUE(tocks.insert(e.input.ToJson()).second) << "twice: " << e.input.ToJson();
    }
  }
  EXPECT_EQ(tocks.size(), static_cast<size_t>(kTicks));  // one per message, none twice
}

}  // namespace
}  // namespace weft::testing
