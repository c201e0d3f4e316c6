// Health, metrics, unsupported endpoints (501), wrong methods (405), the bearer token, and the
// graceful shutdown: a long poll waiting when the server stops is answered, not cut.
#include <thread>

#include "tests/server/server_fixture.h"

namespace weft::testing {
namespace {

TEST_F(ServerTest, HealthAndMetrics) {
  auto health = client_->Get("/health");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  EXPECT_EQ(health->body, "{\"healthy\":true}");
  DeployWf("task a\nworkflow one() { return a() }\n");
  auto started = client_->Post("/api/workflow", "{\"name\":\"one\"}", "application/json");
  ASSERT_TRUE(started);
  auto polled = client_->Get("/api/tasks/poll/batch/a?count=1&timeout=5000&workerid=w");
  ASSERT_TRUE(polled);
  const std::string id = Get(ParseJson(polled->body).as_list()[0], "taskId").as_string();
  client_->Post("/api/tasks",
                "{\"taskId\":\"" + id + "\",\"status\":\"COMPLETED\",\"workerId\":\"w\"}",
                "application/json");
  AwaitEnd(started->body);
  auto metrics = client_->Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_EQ(metrics->status, 200);
  EXPECT_NE(metrics->body.find("weft_transitions_total "), std::string::npos);
  EXPECT_NE(metrics->body.find("weft_commits_total "), std::string::npos);
  EXPECT_NE(metrics->body.find("weft_step_latency_ms_count 1"), std::string::npos)
      << metrics->body;
  EXPECT_NE(metrics->body.find("# TYPE weft_step_latency_ms histogram"), std::string::npos);
  // `publish`'s outbox (docs/events.md): nothing published, nothing waiting.
  EXPECT_NE(metrics->body.find("# TYPE weft_outbox_depth gauge\nweft_outbox_depth 0\n"),
            std::string::npos)
      << metrics->body;
  EXPECT_NE(metrics->body.find("weft_publish_failures_total 0"), std::string::npos);
  EXPECT_NE(metrics->body.find("weft_conductor_events_delivered_total 0"), std::string::npos);
  EXPECT_NE(metrics->body.find("weft_conductor_events_unmatched_total 0"), std::string::npos);
}

TEST_F(ServerTest, TasksByStateAndQueueDepthInMetrics) {
  DeployWf("task a\nworkflow one() { return a() }\n");
  client_->Post("/api/workflow", "{\"name\":\"one\"}", "application/json");
  client_->Post("/api/workflow", "{\"name\":\"one\"}", "application/json");
  ASSERT_TRUE(Eventually([&] {
    auto m = client_->Get("/metrics");
    return m && m->body.find("weft_queue_depth{type=\"a\"} 2") != std::string::npos;
  }));
  client_->Get("/api/tasks/poll/a?workerid=w");
  auto m = client_->Get("/metrics");
  ASSERT_TRUE(m);
  EXPECT_NE(m->body.find("weft_tasks{type=\"a\",state=\"IN_PROGRESS\"} 1"), std::string::npos)
      << m->body;
  EXPECT_NE(m->body.find("weft_tasks{type=\"a\",state=\"SCHEDULED\"} 1"), std::string::npos);
}

TEST_F(ServerTest, UnsupportedEndpointsAnswer501AndWrongMethods405) {
  auto search = client_->Get("/api/tasks/search");
  ASSERT_TRUE(search);
  EXPECT_EQ(search->status, 501);
  EXPECT_NE(Get(ParseJson(search->body), "message").as_string().find("not supported"),
            std::string::npos);
  auto wrong = client_->Delete("/health");
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 405);
  auto nowhere = client_->Get("/nowhere");
  ASSERT_TRUE(nowhere);
  EXPECT_EQ(nowhere->status, 404);
  EXPECT_TRUE(Get(ParseJson(nowhere->body), "message").is_string());
}

TEST_F(ServerTest, BearerTokenIsRequiredWhenSet) {
  StopServer();
  server::ServerOptions options;
  options.token = "s3cret";
  StartServer(options);
  auto health = client_->Get("/health");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  auto refused = client_->Get("/api/tasks/queue/all");
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 401);
  auto wrong = client_->Get("/api/tasks/queue/all", {{"Authorization", "Bearer nope"}});
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 401);
  auto ok = client_->Get("/api/tasks/queue/all", {{"Authorization", "Bearer s3cret"}});
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);
  auto conductor = client_->Get("/api/tasks/queue/all", {{"X-Authorization", "s3cret"}});
  ASSERT_TRUE(conductor);
  EXPECT_EQ(conductor->status, 200);
}

TEST_F(ServerTest, StopAnswersAWaitingLongPoll) {
  httplib::Client poller("127.0.0.1", server_->port());
  poller.set_read_timeout(30, 0);
  int status = 0;
  std::string body;
  std::thread t([&] {
    auto r = poller.Get("/api/tasks/poll/batch/idle?count=1&timeout=5000");
    if (r) {
      status = r->status;
      body = r->body;
    }
  });
  // Wait until the poll is held, then stop: the poll is answered (empty) before Stop returns.
  ASSERT_TRUE(Eventually([&] {
    auto m = client_->Get("/metrics");
    return m && m->body.find("weft_server_waiting_polls 1") != std::string::npos;
  }));
  server_->Stop();
  t.join();
  EXPECT_EQ(status, 200);
  EXPECT_EQ(body, "[]");
}

}  // namespace
}  // namespace weft::testing
