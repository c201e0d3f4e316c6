// The diagram endpoints of `weft serve` (server/routes_graph.cc), the contract the web UI codes
// against: a deployed version's SVG by number and as `latest`, an execution's SVG whose failed
// task node has data-status="failed" and the failed attempt's id in data-task-ids (which
// GET /api/tasks/{taskId} then answers), and 404/400 for what does not exist or parse.
#include "tests/server/server_fixture.h"

namespace weft::testing {
namespace {

constexpr const char* kSource = R"wf(
task a
task b
workflow pair() {
    parallel {
        a()
        b()
    }
}
)wf";

TEST_F(ServerTest, AVersionsGraphIsSvgWithTheContractsAttributes) {
  DeployWf(kSource);
  for (const char* version : {"1", "latest"}) {
    auto r = client_->Get(std::string("/api/weft/workflows/pair/versions/") + version + "/graph");
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200) << r->body;
    EXPECT_EQ(r->get_header_value("Content-Type"), "image/svg+xml");
    EXPECT_EQ(r->body.rfind("<?xml", 0), 0u);
    EXPECT_NE(r->body.find(R"(id="n0" class="node" data-kind="start")"), std::string::npos);
    EXPECT_NE(r->body.find(R"(class="node" data-kind="task" data-line="6" data-task="a")"),
              std::string::npos);
    EXPECT_NE(r->body.find(R"(data-kind="fork")"), std::string::npos);
    EXPECT_EQ(r->body.find("data-status"), std::string::npos);
  }
  auto missing = client_->Get("/api/weft/workflows/pair/versions/7/graph");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
  auto bad = client_->Get("/api/weft/workflows/pair/versions/x/graph");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
}

TEST_F(ServerTest, AnExecutionsGraphColoursTheFailedNode) {
  DeployWf(kSource);
  const std::string id = StartWf("pair");
  std::string failed_task;
  for (const char* type : {"a", "b"}) {
    auto polled = client_->Get(std::string("/api/tasks/poll/batch/") + type +
                               "?count=1&timeout=5000&workerid=w");
    ASSERT_TRUE(polled);
    const Value tasks = ParseJson(polled->body);
    ASSERT_TRUE(tasks.is_list() && tasks.as_list().size() == 1) << polled->body;
    const std::string task = Get(tasks.as_list()[0], "taskId").as_string();
    const std::string status = std::string(type) == "a" ? "COMPLETED" : "FAILED_WITH_TERMINAL_ERROR";
    if (std::string(type) == "b") failed_task = task;
    auto done = client_->Post("/api/tasks",
                              "{\"taskId\":\"" + task + "\",\"status\":\"" + status +
                                  "\",\"workerId\":\"w\",\"reasonForIncompletion\":\"broken\"}",
                              "application/json");
    ASSERT_TRUE(done);
  }
  ASSERT_EQ(AwaitEnd(id).status, ExecutionStatus::kFailed);
  auto r = client_->Get("/api/weft/executions/" + id + "/graph");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(r->get_header_value("Content-Type"), "image/svg+xml");
  EXPECT_NE(r->body.find(R"(data-task="b" data-status="failed" data-task-ids=")" + failed_task +
                         "\""),
            std::string::npos)
      << r->body;
  EXPECT_NE(r->body.find(R"(data-task="a" data-status="completed")"), std::string::npos);
  auto task = client_->Get("/api/tasks/" + failed_task);
  ASSERT_TRUE(task);
  EXPECT_EQ(task->status, 200);
  auto missing = client_->Get("/api/weft/executions/nope/graph");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
}

}  // namespace
}  // namespace weft::testing
