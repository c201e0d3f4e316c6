// Conductor's scheduler API on `weft serve` (/api/scheduler/...): save, get, list, pause,
// resume, delete, nextFewSchedules, and the errors; and the CLI's client mode (RemoteEngine)
// managing schedules of a served store through it.
#include "server/client.h"
#include "tests/server/server_fixture.h"

namespace weft::testing {
namespace {

constexpr char kReport[] =
    "workflow report(day: string = \"today\", _scheduledTime: int = 0) {\n"
    "  return { day: day, at: _scheduledTime }\n}\n";

// 2024-01-01T00:00:00Z, a Monday.
constexpr int64_t kJan1 = 1704067200000;
constexpr int64_t kDay = 86400000;

std::string SaveBody(const std::string& name, const std::string& cron,
                     const std::string& extra = "") {
  return "{\"name\":\"" + name + "\",\"cronExpression\":\"" + cron +
         "\",\"zoneId\":\"Europe/Berlin\",\"startWorkflowRequest\":{\"name\":\"report\","
         "\"input\":{\"day\":\"monday\"}}" +
         extra + "}";
}

class SchedulerApiTest : public ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    DeployWf(kReport);
  }
};

TEST_F(SchedulerApiTest, SaveGetListPauseResumeDelete) {
  auto saved = client_->Post("/api/scheduler/schedules",
                             SaveBody("nightly", "0 30 2 * * *",
                                      ",\"runCatchupScheduleInstances\":true,"
                                      "\"scheduleEndTime\":4102444800000"),
                             "application/json");
  ASSERT_TRUE(saved);
  ASSERT_EQ(saved->status, 200) << saved->body;
  auto got = client_->Get("/api/scheduler/schedules/nightly");
  ASSERT_TRUE(got);
  ASSERT_EQ(got->status, 200) << got->body;
  Value s = ParseJson(got->body);
  EXPECT_EQ(Get(s, "name").as_string(), "nightly");
  EXPECT_EQ(Get(s, "cronExpression").as_string(), "0 30 2 * * *");
  EXPECT_EQ(Get(s, "zoneId").as_string(), "Europe/Berlin");
  EXPECT_EQ(Get(Get(s, "startWorkflowRequest"), "name").as_string(), "report");
  EXPECT_EQ(Get(Get(Get(s, "startWorkflowRequest"), "input"), "day").as_string(), "monday");
  EXPECT_TRUE(Get(s, "runCatchupScheduleInstances").as_bool());
  EXPECT_EQ(Get(s, "scheduleEndTime").as_int(), 4102444800000);
  EXPECT_FALSE(Get(s, "paused").as_bool());
  EXPECT_EQ(Get(s, "state").as_string(), "ACTIVE");
  EXPECT_GT(Get(s, "nextRunTime").as_int(), 0);
  // The engine holds the same schedule.
  absl::StatusOr<Schedule> stored = engine_->GetSchedule("nightly");
  ASSERT_TRUE(stored.ok()) << stored.status();
  EXPECT_EQ(stored->catch_up, CatchUpPolicy::kRunAll);
  EXPECT_EQ(stored->next_ms, Get(s, "nextRunTime").as_int());

  ASSERT_EQ(client_->Post("/api/scheduler/schedules", SaveBody("other", "0 0 * * * *"),
                          "application/json")->status, 200);
  auto all = client_->Get("/api/scheduler/schedules");
  ASSERT_TRUE(all);
  EXPECT_EQ(ParseJson(all->body).as_list().size(), 2u) << all->body;
  auto none = client_->Get("/api/scheduler/schedules?workflowName=elsewhere");
  ASSERT_TRUE(none);
  EXPECT_EQ(ParseJson(none->body).as_list().size(), 0u) << none->body;

  auto paused = client_->Get("/api/scheduler/schedules/nightly/pause");
  ASSERT_TRUE(paused);
  EXPECT_EQ(paused->status, 200) << paused->body;
  EXPECT_TRUE(engine_->GetSchedule("nightly")->paused);
  EXPECT_EQ(engine_->GetSchedule("nightly")->next_ms, 0);
  EXPECT_EQ(Get(ParseJson(client_->Get("/api/scheduler/schedules/nightly")->body), "state")
                .as_string(),
            "PAUSED");
  auto resumed = client_->Get("/api/scheduler/schedules/nightly/resume");
  ASSERT_TRUE(resumed);
  EXPECT_EQ(resumed->status, 200) << resumed->body;
  EXPECT_FALSE(engine_->GetSchedule("nightly")->paused);
  EXPECT_GT(engine_->GetSchedule("nightly")->next_ms, 0);

  auto deleted = client_->Delete("/api/scheduler/schedules/nightly");
  ASSERT_TRUE(deleted);
  EXPECT_EQ(deleted->status, 200) << deleted->body;
  auto gone = client_->Get("/api/scheduler/schedules/nightly");
  ASSERT_TRUE(gone);
  EXPECT_EQ(gone->status, 404) << gone->body;
  EXPECT_TRUE(absl::IsNotFound(engine_->GetSchedule("nightly").status()));
}

TEST_F(SchedulerApiTest, SaveReplacesUnlessReplaceIsFalse) {
  ASSERT_EQ(client_->Post("/api/scheduler/schedules", SaveBody("s", "0 0 * * * *"),
                          "application/json")->status, 200);
  // Conductor's save is create-or-update.
  auto again = client_->Post("/api/scheduler/schedules", SaveBody("s", "0 15 * * * *"),
                             "application/json");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 200) << again->body;
  EXPECT_EQ(engine_->GetSchedule("s")->cron, "0 15 * * * *");
  auto refused = client_->Post("/api/scheduler/schedules?replace=false",
                               SaveBody("s", "0 45 * * * *"), "application/json");
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 409) << refused->body;
  EXPECT_EQ(engine_->GetSchedule("s")->cron, "0 15 * * * *");
}

TEST_F(SchedulerApiTest, BadSchedulesAreRefusedWithTheReason) {
  struct Case {
    std::string body;
    int status;
    std::string message;
  };
  const Case cases[] = {
      {"[]", 400, "must be an object"},
      {"{\"name\":\"x\",\"startWorkflowRequest\":{\"name\":\"report\"}}", 400, "cronExpression"},
      {"{\"name\":\"x\",\"cronExpression\":\"0 0 * * * *\"}", 400, "startWorkflowRequest"},
      {SaveBody("x", "0 0 25 * * *"), 400, "hour: 25 is out of range 0-23"},
      {SaveBody("x", "0 0 0 * * *", ",\"paused\":\"yes\""), 400, "`paused`"},
      {SaveBody("x", "0 0 0 * * *", ",\"overlapPolicy\":\"sometimes\""), 400, "overlapPolicy"},
      {"{\"name\":\"x\",\"cronExpression\":\"0 0 * * * *\",\"startWorkflowRequest\":"
       "{\"name\":\"missing\"}}",
       404, "missing"},
      {"{\"name\":\"x\",\"cronExpression\":\"0 0 * * * *\",\"zoneId\":\"Mars/Base\","
       "\"startWorkflowRequest\":{\"name\":\"report\"}}",
       400, "Mars/Base"},
  };
  for (const Case& c : cases) {
    auto r = client_->Post("/api/scheduler/schedules", c.body, "application/json");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, c.status) << c.body << " -> " << r->body;
    EXPECT_NE(Get(ParseJson(r->body), "message").as_string().find(c.message), std::string::npos)
        << c.body << " -> " << r->body;
  }
  EXPECT_TRUE(engine_->ListSchedules()->empty());
  for (const char* path : {"/api/scheduler/schedules/nope/pause",
                           "/api/scheduler/schedules/nope/resume",
                           "/api/scheduler/schedules/nope"}) {
    auto r = client_->Get(path);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 404) << path << " -> " << r->body;
  }
  auto deleted = client_->Delete("/api/scheduler/schedules/nope");
  ASSERT_TRUE(deleted);
  EXPECT_EQ(deleted->status, 404);
  auto tags = client_->Get("/api/scheduler/schedules/tags");
  ASSERT_TRUE(tags);
  EXPECT_EQ(tags->status, 501) << tags->body;
}

TEST_F(SchedulerApiTest, NextFewSchedulesPreviewsAnExpression) {
  const std::string start = std::to_string(kJan1);
  auto r = client_->Get("/api/scheduler/nextFewSchedules?cronExpression=0%200%209%20*%20*%20"
                        "MON-FRI&scheduleStartTime=" + start + "&limit=3");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(r->body, absl::StrCat("[", kJan1 + 9 * 3600000, ",", kJan1 + kDay + 9 * 3600000, ",",
                                  kJan1 + 2 * kDay + 9 * 3600000, "]"));
  // The end bounds it; the default limit is 3; Weft's zoneId moves the slots.
  auto bounded = client_->Get(
      "/api/scheduler/nextFewSchedules?cronExpression=0%200%209%20*%20*%20*&scheduleStartTime=" +
      start + "&scheduleEndTime=" + std::to_string(kJan1 + kDay + 10 * 3600000));
  ASSERT_TRUE(bounded);
  EXPECT_EQ(bounded->body,
            absl::StrCat("[", kJan1 + 9 * 3600000, ",", kJan1 + kDay + 9 * 3600000, "]"));
  auto berlin = client_->Get(
      "/api/scheduler/nextFewSchedules?cronExpression=0%200%209%20*%20*%20*&limit=1&zoneId="
      "Europe/Berlin&scheduleStartTime=" + start);
  ASSERT_TRUE(berlin);
  EXPECT_EQ(berlin->body, absl::StrCat("[", kJan1 + 8 * 3600000, "]"));
  for (const char* bad : {"/api/scheduler/nextFewSchedules",
                          "/api/scheduler/nextFewSchedules?cronExpression=0%200%2025%20*%20*%20*",
                          "/api/scheduler/nextFewSchedules?cronExpression=0%200%200%20*%20*%20*"
                          "&limit=0",
                          "/api/scheduler/nextFewSchedules?cronExpression=0%200%200%20*%20*%20*"
                          "&scheduleStartTime=soon"}) {
    auto b = client_->Get(bad);
    ASSERT_TRUE(b);
    EXPECT_EQ(b->status, 400) << bad << " -> " << b->body;
  }
}

TEST_F(SchedulerApiTest, ASavedScheduleFiresThroughTheServedEngine) {
  ASSERT_EQ(client_->Post("/api/scheduler/schedules", SaveBody("each", "* * * * * *"),
                          "application/json")->status, 200);
  ASSERT_TRUE(Eventually([&] {
    Value s = ParseJson(client_->Get("/api/scheduler/schedules/each")->body);
    return Get(s, "runs").as_int() >= 1 && !Get(s, "lastExecutionId").as_string().empty();
  }));
  Value s = ParseJson(client_->Get("/api/scheduler/schedules/each")->body);
  ExecutionInfo run = AwaitEnd(Get(s, "lastExecutionId").as_string());
  EXPECT_EQ(run.status, ExecutionStatus::kCompleted);
  EXPECT_EQ(Get(run.output, "day").as_string(), "monday");
  EXPECT_GT(Get(run.output, "at").as_int(), 0);
  ASSERT_EQ(client_->Delete("/api/scheduler/schedules/each")->status, 200);
}

// The CLI's client mode: the RemoteEngine manages the served store's schedules (it answered
// "not served yet" before).
TEST_F(SchedulerApiTest, TheClientModeManagesSchedulesThroughTheServer) {
  absl::StatusOr<std::unique_ptr<Engine>> remote =
      server::ConnectRemote("http://127.0.0.1:" + std::to_string(server_->port()));
  ASSERT_TRUE(remote.ok()) << remote.status();
  Engine& r = **remote;
  Schedule s;
  s.name = "nightly";
  s.workflow = "report";
  s.cron = "0 30 2 * * *";
  s.zone = "America/New_York";
  s.input = *Value::FromJson(R"({"day":"yesterday"})");
  s.overlap = OverlapPolicy::kSkip;
  s.start_ms = kJan1;
  absl::StatusOr<Schedule> created = r.CreateSchedule(s);
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_EQ(created->name, "nightly");
  EXPECT_EQ(created->overlap, OverlapPolicy::kSkip);
  EXPECT_EQ(created->zone, "America/New_York");
  EXPECT_GT(created->next_ms, 0);
  EXPECT_GT(created->created_ms, 0);
  // Without replace, a second one of the name is refused.
  absl::Status again = r.CreateSchedule(s).status();
  EXPECT_FALSE(again.ok());
  EXPECT_NE(again.message().find("nightly"), std::string::npos) << again;
  s.cron = "0 0 3 * * *";
  ASSERT_TRUE(r.CreateSchedule(s, /*replace=*/true).ok());
  absl::StatusOr<std::vector<Schedule>> all = r.ListSchedules();
  ASSERT_TRUE(all.ok()) << all.status();
  ASSERT_EQ(all->size(), 1u);
  EXPECT_EQ((*all)[0].cron, "0 0 3 * * *");
  EXPECT_EQ(Get((*all)[0].input, "day").as_string(), "yesterday");
  absl::StatusOr<std::vector<int64_t>> next = r.NextScheduleTimes("nightly", 4);
  ASSERT_TRUE(next.ok()) << next.status();
  EXPECT_EQ(*next, *engine_->NextScheduleTimes("nightly", 4));
  EXPECT_EQ(next->size(), 4u);
  ASSERT_TRUE(r.PauseSchedule("nightly").ok());
  EXPECT_TRUE(r.GetSchedule("nightly")->paused);
  ASSERT_TRUE(r.ResumeSchedule("nightly").ok());
  EXPECT_FALSE(engine_->GetSchedule("nightly")->paused);
  ASSERT_TRUE(r.DeleteSchedule("nightly").ok());
  EXPECT_TRUE(absl::IsNotFound(r.GetSchedule("nightly").status()));
  EXPECT_TRUE(absl::IsNotFound(r.DeleteSchedule("nightly")));
}

}  // namespace
}  // namespace weft::testing
