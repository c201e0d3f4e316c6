// Task logs over Conductor's API, kept in the store: POST and GET /api/tasks/{taskId}/log with
// the real createdTime, a TaskResult's `logs`, 404 for an unknown task, 413 for a line over
// the size limit, 409 past the per-task count, and the logs still there after a restart.
#include "absl/time/clock.h"
#include "tests/server/server_fixture.h"

namespace weft::testing {
namespace {

constexpr char kOneTask[] = "task a\nworkflow one(x: int) {\n  return a(x: x)\n}\n";

class TaskLogsApiTest : public ServerTest {
 protected:
  // Starts `one` and polls its task; the task id.
  std::string PolledTask() {
    DeployWf(kOneTask);
    StartWf("one", "{\"x\":1}");
    auto polled = client_->Get("/api/tasks/poll/batch/a?count=1&timeout=5000&workerid=w1");
    EXPECT_TRUE(polled);
    if (!polled) return "";
    Value list = ParseJson(polled->body);
    EXPECT_EQ(list.as_list().size(), 1u) << polled->body;
    return list.as_list().empty() ? "" : Get(list.as_list()[0], "taskId").as_string();
  }

  int AddLog(const std::string& task_id, const std::string& body) {
    auto r = client_->Post("/api/tasks/" + task_id + "/log", body, "application/json");
    return r ? r->status : 0;
  }

  List Logs(const std::string& task_id) {
    auto r = client_->Get("/api/tasks/" + task_id + "/log");
    EXPECT_TRUE(r);
    if (!r || r->status == 204) return {};
    EXPECT_EQ(r->status, 200) << r->body;
    Value v = ParseJson(r->body);
    return v.is_list() ? v.as_list() : List{};
  }
};

TEST_F(TaskLogsApiTest, LogsAreStoredWithTheRealTimeAndSurviveARestart) {
  const std::string id = PolledTask();
  ASSERT_FALSE(id.empty());
  const int64_t before = absl::ToUnixMillis(absl::Now());
  EXPECT_EQ(AddLog(id, "\"step one\""), 200);
  EXPECT_EQ(AddLog(id, "step two, as plain text"), 200);
  // A TaskResult's logs are added too (beside the result, so wait for them).
  auto done = client_->Post("/api/tasks",
                            "{\"taskId\":\"" + id + "\",\"workerId\":\"w1\",\"status\":"
                            "\"COMPLETED\",\"logs\":[{\"log\":\"from the result\"},\"bare\"]}",
                            "application/json");
  ASSERT_TRUE(done);
  ASSERT_EQ(done->status, 200);
  ASSERT_TRUE(Eventually([&] { return Logs(id).size() == 4; }));
  StopServer();
  StartServer();
  const List logs = Logs(id);
  ASSERT_EQ(logs.size(), 4u);
  EXPECT_EQ(Get(logs[0], "log").as_string(), "step one");
  EXPECT_EQ(Get(logs[1], "log").as_string(), "step two, as plain text");
  EXPECT_EQ(Get(logs[2], "log").as_string(), "from the result");
  EXPECT_EQ(Get(logs[3], "log").as_string(), "bare");
  for (const Value& entry : logs) {
    EXPECT_EQ(Get(entry, "taskId").as_string(), id);
    EXPECT_GE(Get(entry, "createdTime").as_int(), before);
    EXPECT_LE(Get(entry, "createdTime").as_int(), absl::ToUnixMillis(absl::Now()));
  }
}

TEST_F(TaskLogsApiTest, UnknownTasksAndOversizedOrTooManyLinesAreRefused) {
  const std::string id = PolledTask();
  ASSERT_FALSE(id.empty());
  EXPECT_EQ(AddLog("no-such-task", "\"x\""), 404);
  auto unknown = client_->Get("/api/tasks/no-such-task/log");
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 404);
  const EngineLimits limits;
  EXPECT_EQ(AddLog(id, std::string(limits.max_task_log_bytes + 1, 'x')), 413);
  EXPECT_EQ(AddLog(id, std::string(limits.max_task_log_bytes, 'x')), 200);
  for (uint32_t i = 1; i < limits.max_task_log_entries; ++i) {
    ASSERT_EQ(AddLog(id, "\"line\""), 200) << i;
  }
  auto over = client_->Post("/api/tasks/" + id + "/log", "\"one too many\"", "application/json");
  ASSERT_TRUE(over);
  EXPECT_EQ(over->status, 409);
  EXPECT_NE(over->body.find("at most"), std::string::npos) << over->body;
  EXPECT_EQ(Logs(id).size(), limits.max_task_log_entries);
}

}  // namespace
}  // namespace weft::testing
