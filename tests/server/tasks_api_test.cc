// Conductor's task API over HTTP: batch poll + update-v2 (with its 204), the long poll's
// timeout and wake-up, IN_PROGRESS, results for unknown and finished tasks, task reads, logs,
// queues and poll data.
#include <thread>

#include "tests/server/server_fixture.h"

namespace weft::testing {
namespace {

constexpr char kTwoTasks[] =
    "task a\ntask b\nworkflow two(x: int) {\n  let r = a(x: x)\n  let s = b(r: r)\n"
    "  return s\n}\n";

std::string Result(const std::string& task_id, const std::string& status,
                   const std::string& output = "{}", const std::string& worker = "w1") {
  return "{\"taskId\":\"" + task_id + "\",\"workerId\":\"" + worker + "\",\"status\":\"" +
         status + "\",\"outputData\":" + output + "}";
}

TEST_F(ServerTest, BatchPollAndUpdateV2RunAWorkflowToTheEnd) {
  DeployWf(kTwoTasks);
  const std::string id = StartWf("two", "{\"x\":20}");
  auto polled = client_->Get("/api/tasks/poll/batch/a?count=32&timeout=5000&workerid=w1");
  ASSERT_TRUE(polled);
  ASSERT_EQ(polled->status, 200) << polled->body;
  Value list = ParseJson(polled->body);
  ASSERT_TRUE(list.is_list());
  ASSERT_EQ(list.as_list().size(), 1u);
  const Value task = list.as_list()[0];
  EXPECT_EQ(Get(task, "status").as_string(), "IN_PROGRESS");
  EXPECT_EQ(Get(task, "taskType").as_string(), "a");
  EXPECT_EQ(Get(task, "workerId").as_string(), "w1");
  EXPECT_EQ(Get(task, "pollCount").as_int(), 1);
  EXPECT_EQ(Get(task, "retryCount").as_int(), 0);
  EXPECT_EQ(Get(task, "workflowInstanceId").as_string(), id);
  EXPECT_EQ(Get(Get(task, "inputData"), "x").as_int(), 20);
  const std::string task_id = Get(task, "taskId").as_string();
  // No other task of type `a` is waiting: update-v2 answers 204.
  auto updated = client_->Post("/api/tasks/update-v2",
                               Result(task_id, "COMPLETED", "{\"v\":21}"), "application/json");
  ASSERT_TRUE(updated);
  EXPECT_EQ(updated->status, 204) << updated->body;
  // The second task, with the first one's output as input.
  auto polled_b = client_->Get("/api/tasks/poll/batch/b?count=1&timeout=5000&workerid=w1");
  ASSERT_TRUE(polled_b);
  Value list_b = ParseJson(polled_b->body);
  ASSERT_EQ(list_b.as_list().size(), 1u) << polled_b->body;
  const std::string b_id = Get(list_b.as_list()[0], "taskId").as_string();
  auto done = client_->Post("/api/tasks", Result(b_id, "COMPLETED", "{\"v\":22}"),
                            "application/json");
  ASSERT_TRUE(done);
  EXPECT_EQ(done->status, 200);
  EXPECT_EQ(done->body, b_id);  // text/plain: the task id
  ExecutionInfo info = AwaitEnd(id);
  EXPECT_EQ(info.status, ExecutionStatus::kCompleted);
  auto wf = client_->Get("/api/workflow/" + id + "?includeTasks=true");
  ASSERT_TRUE(wf);
  Value w = ParseJson(wf->body);
  EXPECT_EQ(Get(w, "status").as_string(), "COMPLETED");
  EXPECT_EQ(Get(Get(w, "output"), "v").as_int(), 22);
  ASSERT_EQ(Get(w, "tasks").as_list().size(), 2u);
  EXPECT_EQ(Get(Get(w, "tasks").as_list()[0], "status").as_string(), "COMPLETED");
}

TEST_F(ServerTest, UpdateV2HandsTheNextTaskOfTheSameType) {
  DeployWf(kTwoTasks);
  StartWf("two", "{\"x\":1}");
  StartWf("two", "{\"x\":2}");
  auto polled = client_->Get("/api/tasks/poll/batch/a?count=1&timeout=5000&workerid=w1");
  ASSERT_TRUE(polled);
  Value list = ParseJson(polled->body);
  ASSERT_EQ(list.as_list().size(), 1u);
  const std::string first = Get(list.as_list()[0], "taskId").as_string();
  auto next = client_->Post("/api/tasks/update-v2", Result(first, "COMPLETED"),
                            "application/json");
  ASSERT_TRUE(next);
  ASSERT_EQ(next->status, 200) << next->body;
  Value task = ParseJson(next->body);
  EXPECT_EQ(Get(task, "taskType").as_string(), "a");
  EXPECT_NE(Get(task, "taskId").as_string(), first);
  EXPECT_EQ(Get(task, "status").as_string(), "IN_PROGRESS");
}

TEST_F(ServerTest, LongPollTimesOutEmptyAndSinglePollAnswers204) {
  auto batch = client_->Get("/api/tasks/poll/batch/none?count=5&timeout=200");
  ASSERT_TRUE(batch);
  EXPECT_EQ(batch->status, 200);
  EXPECT_EQ(batch->body, "[]");
  auto single = client_->Get("/api/tasks/poll/none?workerid=w");
  ASSERT_TRUE(single);
  EXPECT_EQ(single->status, 204);
}

TEST_F(ServerTest, LongPollIsWokenWhenATaskIsQueued) {
  DeployWf(kTwoTasks);
  httplib::Client poller("127.0.0.1", server_->port());
  poller.set_read_timeout(30, 0);
  std::string body;
  int status = 0;
  std::thread t([&] {
    // The longest poll allowed; a task queued meanwhile ends it.
    auto r = poller.Get("/api/tasks/poll/batch/a?count=4&timeout=5000&workerid=p");
    if (r) {
      status = r->status;
      body = r->body;
    }
  });
  // Whether the poll is already waiting or not, it gets the task (now, or from the queue).
  StartWf("two", "{\"x\":3}");
  t.join();
  EXPECT_EQ(status, 200);
  Value list = ParseJson(body);
  ASSERT_TRUE(list.is_list());
  EXPECT_EQ(list.as_list().size(), 1u) << body;
}

TEST_F(ServerTest, ResultsForUnknownAndFinishedTasksAreAnsweredAsConductorDoes) {
  auto unknown = client_->Post("/api/tasks", Result("nope", "COMPLETED"), "application/json");
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 404) << unknown->body;
  EXPECT_TRUE(Get(ParseJson(unknown->body), "message").is_string());
  DeployWf(kTwoTasks);
  StartWf("two", "{\"x\":1}");
  auto polled = client_->Get("/api/tasks/poll/batch/a?count=1&timeout=5000&workerid=w1");
  ASSERT_TRUE(polled);
  const std::string id = Get(ParseJson(polled->body).as_list()[0], "taskId").as_string();
  auto first = client_->Post("/api/tasks", Result(id, "COMPLETED"), "application/json");
  ASSERT_TRUE(first);
  EXPECT_EQ(first->status, 200);
  // Again: ignored, recorded, and answered 200 with the id.
  auto again = client_->Post("/api/tasks", Result(id, "COMPLETED"), "application/json");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 200);
  EXPECT_EQ(again->body, id);
  EXPECT_GE(engine_->Stats().results_ignored, 1u);
}

TEST_F(ServerTest, InProgressKeepsTheTaskAndFailedFailsIt) {
  DeployWf("task a\nworkflow one() { return a() }\n");
  const std::string wf = StartWf("one");
  auto polled = client_->Get("/api/tasks/poll/batch/a?count=1&timeout=5000&workerid=w1");
  ASSERT_TRUE(polled);
  const std::string id = Get(ParseJson(polled->body).as_list()[0], "taskId").as_string();
  auto progress = client_->Post("/api/tasks", Result(id, "IN_PROGRESS", "{\"pct\":50}"),
                                "application/json");
  ASSERT_TRUE(progress);
  EXPECT_EQ(progress->status, 200) << progress->body;
  auto task = client_->Get("/api/tasks/" + id);
  ASSERT_TRUE(task);
  ASSERT_EQ(task->status, 200);
  Value t = ParseJson(task->body);
  EXPECT_EQ(Get(t, "status").as_string(), "IN_PROGRESS");
  EXPECT_EQ(Get(t, "workflowType").as_string(), "one");
  auto failed = client_->Post(
      "/api/tasks",
      "{\"taskId\":\"" + id +
          "\",\"workerId\":\"w1\",\"status\":\"FAILED_WITH_TERMINAL_ERROR\","
          "\"reasonForIncompletion\":\"boom\"}",
      "application/json");
  ASSERT_TRUE(failed);
  EXPECT_EQ(failed->status, 200);
  EXPECT_EQ(AwaitEnd(wf).status, ExecutionStatus::kFailed);
  auto missing = client_->Get("/api/tasks/nope");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
}

TEST_F(ServerTest, InProgressWithCallbackAfterSecondsHandsTheTaskBackLater) {
  DeployWf("task a\nworkflow one() { return a() }\n");
  const std::string wf = StartWf("one");
  auto polled = client_->Get("/api/tasks/poll/batch/a?count=1&timeout=5000&workerid=w1");
  ASSERT_TRUE(polled);
  const std::string id = Get(ParseJson(polled->body).as_list()[0], "taskId").as_string();
  auto later = client_->Post(
      "/api/tasks",
      "{\"taskId\":\"" + id +
          "\",\"workerId\":\"w1\",\"status\":\"IN_PROGRESS\",\"callbackAfterSeconds\":1}",
      "application/json");
  ASSERT_TRUE(later);
  EXPECT_EQ(later->status, 200) << later->body;
  // The same task comes back to the next poll of its type once its callback time comes.
  Value again;
  ASSERT_TRUE(Eventually([&] {
    auto r = client_->Get("/api/tasks/poll/batch/a?count=1&timeout=5000&workerid=w2");
    if (!r || r->status != 200) return false;
    Value list = ParseJson(r->body);
    if (!list.is_list() || list.as_list().empty()) return false;
    again = list.as_list()[0];
    return true;
  }));
  EXPECT_EQ(Get(again, "taskId").as_string(), id);
  EXPECT_EQ(Get(again, "workerId").as_string(), "w2");
  auto done = client_->Post("/api/tasks",
                            "{\"taskId\":\"" + id +
                                "\",\"workerId\":\"w2\",\"status\":\"COMPLETED\","
                                "\"outputData\":{\"v\":1}}",
                            "application/json");
  ASSERT_TRUE(done);
  EXPECT_EQ(done->status, 200);
  ExecutionInfo info = AwaitEnd(wf);
  EXPECT_EQ(info.status, ExecutionStatus::kCompleted);
  EXPECT_EQ(info.output.ToJson(), "{\"v\":1}");
}

TEST_F(ServerTest, LogsQueuesAndPollData) {
  DeployWf(kTwoTasks);
  StartWf("two", "{\"x\":1}");
  StartWf("two", "{\"x\":2}");
  ASSERT_TRUE(Eventually([&] {
    auto size = client_->Get("/api/tasks/queue/size?taskType=a");
    return size && size->body == "2";
  }));
  auto all = client_->Get("/api/tasks/queue/all");
  ASSERT_TRUE(all);
  EXPECT_EQ(Get(ParseJson(all->body), "a").as_int(), 2);
  auto polled = client_->Get("/api/tasks/poll/a?workerid=w9");
  ASSERT_TRUE(polled);
  ASSERT_EQ(polled->status, 200);
  const std::string id = Get(ParseJson(polled->body), "taskId").as_string();
  auto none = client_->Get("/api/tasks/" + id + "/log");
  ASSERT_TRUE(none);
  EXPECT_EQ(none->status, 204);
  auto logged = client_->Post("/api/tasks/" + id + "/log", "\"step one\"", "application/json");
  ASSERT_TRUE(logged);
  EXPECT_EQ(logged->status, 200);
  auto logs = client_->Get("/api/tasks/" + id + "/log");
  ASSERT_TRUE(logs);
  ASSERT_EQ(logs->status, 200);
  EXPECT_EQ(Get(ParseJson(logs->body).as_list()[0], "log").as_string(), "step one");
  auto poll_data = client_->Get("/api/tasks/queue/polldata?taskType=a");
  ASSERT_TRUE(poll_data);
  Value pd = ParseJson(poll_data->body);
  ASSERT_EQ(pd.as_list().size(), 1u);
  EXPECT_EQ(Get(pd.as_list()[0], "workerId").as_string(), "w9");
  EXPECT_GT(Get(pd.as_list()[0], "lastPollTime").as_int(), 0);
}

TEST_F(ServerTest, CompletingAWaitingSignalByReferenceName) {
  DeployWf("workflow approval() {\n  let a = await signal(\"approve\")\n  return a\n}\n");
  const std::string id = StartWf("approval");
  auto r = client_->Post("/api/tasks/" + id + "/approve/COMPLETED", "{\"ok\":true}",
                         "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->body;
  ExecutionInfo info = AwaitEnd(id);
  EXPECT_EQ(info.status, ExecutionStatus::kCompleted);
  EXPECT_EQ(info.output.ToJson(), "{\"ok\":true}");
}

}  // namespace
}  // namespace weft::testing
