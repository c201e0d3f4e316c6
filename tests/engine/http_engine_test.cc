// The `http` system task run by the engine itself (no worker registered by the test) against a
// loopback server: a JSON body parsed into the result, a 404 caught with its status, and a
// 503 retried per the call's policy.
#include <gmock/gmock.h>

#include "tests/engine/engine_fixture.h"
#include "tests/workers/test_server.h"

namespace weft::testing {
namespace {

constexpr std::string_view kHttp = R"(
workflow get_json(url: string) {
    let r = http(url: url)
    return { status: r.status, hello: r.body.hello, n: r.body.n }
}

workflow get_status(url: string) {
    try {
        http(method: "GET", url: url) with { retries: 3, delay: 1s }
        return "ok"
    } catch e {
        return { code: e.code, status: e.details.status, attempt: e.attempt }
    }
}

workflow post_echo(url: string) {
    let r = http(method: "POST", url: url, body: { a: 1 }, headers: { "x-token": "t" })
    return r.body
}
)";

class HttpEngineTest : public EngineTest {
 protected:
  void SetUp() override {
    ReopenVirtual();  // the retry delays jump; the requests themselves are real
    Deploy(kHttp);
    ASSERT_TRUE(engine_->StartWorkers().ok());
  }

  std::string UrlInput(const std::string& path) {
    return R"({"url":")" + server_.Url(path) + R"("})";
  }

  TestServer server_;
};

TEST_F(HttpEngineTest, AJsonBodyIsParsed) {
  ExecutionInfo info = Await(StartOk("get_json", UrlInput("/json")));
  ASSERT_EQ(ExecutionStatusName(info.status), "COMPLETED") << info.error.ToJson();
  EXPECT_EQ(info.output.ToJson(), R"({"status":200,"hello":"world","n":1})");
}

TEST_F(HttpEngineTest, APostSendsAJsonBody) {
  ExecutionInfo info = Await(StartOk("post_echo", UrlInput("/echo")));
  ASSERT_EQ(ExecutionStatusName(info.status), "COMPLETED") << info.error.ToJson();
  EXPECT_EQ(Field(info.output, "method").as_string(), "POST");
  EXPECT_EQ(Field(info.output, "body").as_string(), R"({"a":1})");
  EXPECT_EQ(Field(info.output, "x_token").as_string(), "t");
}

TEST_F(HttpEngineTest, ANotFoundIsCaughtWithItsStatusAndNotRetried) {
  const std::string id = StartOk("get_status", UrlInput("/status/404"));
  ExecutionInfo info = Await(id);
  ASSERT_EQ(ExecutionStatusName(info.status), "COMPLETED") << info.error.ToJson();
  EXPECT_EQ(info.output.ToJson(), R"({"code":"TASK_FAILED","status":404,"attempt":1})");
  EXPECT_EQ(TasksOf(id).size(), 1u);  // a 4xx will not change on a retry
}

TEST_F(HttpEngineTest, AServiceUnavailableIsRetriedPerThePolicy) {
  const std::string id = StartOk("get_status", UrlInput("/status/503"));
  ExecutionInfo info = Await(id);
  ASSERT_EQ(ExecutionStatusName(info.status), "COMPLETED") << info.error.ToJson();
  EXPECT_EQ(info.output.ToJson(), R"({"code":"TASK_FAILED","status":503,"attempt":4})");
  std::vector<TaskInfo> tasks = TasksOf(id);
  ASSERT_EQ(tasks.size(), 4u);
  for (const TaskInfo& t : tasks) EXPECT_EQ(t.type, "http");
  EXPECT_EQ(HistoryOf(id, "TASK_RETRY_SCHEDULED").size(), 3u);
}

}  // namespace
}  // namespace weft::testing
