// Conductor's workflow API over HTTP: both starts, reads, status, control, bulk control,
// search; and Weft's own endpoints: deploy (with diagnostics), signal, history, versions.
#include "tests/server/server_fixture.h"

namespace weft::testing {
namespace {

constexpr char kWaiting[] =
    "workflow waits(n: int) {\n  let a = await signal(\"go\")\n  return a\n}\n";

TEST_F(ServerTest, StartByNameReadStatusAndTerminate) {
  DeployWf(kWaiting);
  auto r = client_->Post("/api/workflow/waits?version=1", "{\"n\":1}", "application/json");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  const std::string id = r->body;
  auto status = client_->Get("/api/workflow/" + id + "/status");
  ASSERT_TRUE(status);
  EXPECT_EQ(Get(ParseJson(status->body), "status").as_string(), "RUNNING");
  auto wf = client_->Get("/api/workflow/" + id + "?includeTasks=false");
  ASSERT_TRUE(wf);
  Value w = ParseJson(wf->body);
  EXPECT_EQ(Get(w, "workflowName").as_string(), "waits");
  EXPECT_EQ(Get(w, "workflowVersion").as_int(), 1);
  EXPECT_EQ(Get(Get(w, "input"), "n").as_int(), 1);
  EXPECT_TRUE(Get(w, "tasks").is_null());
  auto pause = client_->Put("/api/workflow/" + id + "/pause", "", "application/json");
  ASSERT_TRUE(pause);
  EXPECT_EQ(pause->status, 200) << pause->body;
  EXPECT_EQ(engine_->GetExecution(id)->status, ExecutionStatus::kPaused);
  auto resume = client_->Put("/api/workflow/" + id + "/resume", "", "application/json");
  ASSERT_TRUE(resume);
  EXPECT_EQ(resume->status, 200);
  auto del = client_->Delete("/api/workflow/" + id + "?reason=enough");
  ASSERT_TRUE(del);
  EXPECT_EQ(del->status, 200) << del->body;
  EXPECT_EQ(AwaitEnd(id).status, ExecutionStatus::kTerminated);
  // Terminating again makes no sense: 409 with a JSON error.
  auto again = client_->Delete("/api/workflow/" + id);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 409);
  EXPECT_TRUE(Get(ParseJson(again->body), "message").is_string());
}

TEST_F(ServerTest, StartErrorsAreJson4xx) {
  auto unknown = client_->Post("/api/workflow", "{\"name\":\"nope\"}", "application/json");
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 404) << unknown->body;
  auto wrong_type = client_->Post("/api/workflow", "{\"name\":5}", "application/json");
  ASSERT_TRUE(wrong_type);
  EXPECT_EQ(wrong_type->status, 400);
  DeployWf(kWaiting);
  auto bad_input = client_->Post("/api/workflow", "{\"name\":\"waits\",\"input\":{\"n\":\"x\"}}",
                                 "application/json");
  ASSERT_TRUE(bad_input);
  EXPECT_EQ(bad_input->status, 400) << bad_input->body;
}

TEST_F(ServerTest, BulkTerminateAndSearch) {
  DeployWf(kWaiting);
  const std::string a = StartWf("waits", "{\"n\":1}");
  const std::string b = StartWf("waits", "{\"n\":2}");
  auto bulk = client_->Post("/api/workflow/bulk/terminate?reason=x",
                            "[\"" + a + "\",\"missing\"]", "application/json");
  ASSERT_TRUE(bulk);
  ASSERT_EQ(bulk->status, 200) << bulk->body;
  Value br = ParseJson(bulk->body);
  EXPECT_EQ(Get(br, "bulkSuccessfulResults").as_list().size(), 1u);
  EXPECT_TRUE(Get(Get(br, "bulkErrorResults"), "missing").is_string());
  AwaitEnd(a);
  auto search = client_->Get(
      "/api/workflow/search?start=0&size=10&query=" +
      httplib::detail::encode_query_param("workflowType = 'waits' AND status IN (RUNNING, FAILED)"));
  ASSERT_TRUE(search);
  ASSERT_EQ(search->status, 200) << search->body;
  Value sr = ParseJson(search->body);
  EXPECT_EQ(Get(sr, "totalHits").as_int(), 1);
  EXPECT_EQ(Get(Get(sr, "results").as_list()[0], "workflowId").as_string(), b);
  auto bad = client_->Get("/api/workflow/search?query=" + httplib::detail::encode_query_param("x ~ 1"));
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
}

TEST_F(ServerTest, DeployReportsVersionsOrDiagnosticsWithLineAndColumn) {
  auto ok = client_->Post("/api/weft/deploy?name=w.wf", kWaiting, "text/plain");
  ASSERT_TRUE(ok);
  ASSERT_EQ(ok->status, 200) << ok->body;
  Value d = ParseJson(ok->body);
  EXPECT_EQ(Get(d.as_list()[0], "workflow").as_string(), "waits");
  EXPECT_EQ(Get(d.as_list()[0], "version").as_int(), 1);
  auto bad = client_->Post("/api/weft/deploy?name=bad.wf",
                           "workflow w() {\n  return nope\n}\n", "text/plain");
  ASSERT_TRUE(bad);
  ASSERT_EQ(bad->status, 400);
  Value diags = Get(ParseJson(bad->body), "diagnostics");
  ASSERT_TRUE(diags.is_list());
  ASSERT_FALSE(diags.as_list().empty()) << bad->body;
  EXPECT_EQ(Get(diags.as_list()[0], "line").as_int(), 2);
  EXPECT_GT(Get(diags.as_list()[0], "column").as_int(), 0);
  EXPECT_TRUE(Get(diags.as_list()[0], "code").is_string());
  // The one JSON form of a diagnostic (server/migration_json.h), with where its range ends.
  EXPECT_EQ(diags.as_list()[0].ToJson(),
            R"({"code":"E0101","severity":"error","line":2,"column":10,"endLine":2,"endColumn":14,)"
            R"("message":"unknown variable `nope`","hints":[]})");
  auto versions = client_->Get("/api/weft/workflows/waits/versions");
  ASSERT_TRUE(versions);
  EXPECT_EQ(ParseJson(versions->body).as_list().size(), 1u);
}

TEST_F(ServerTest, NamedSignalAndHistory) {
  DeployWf(kWaiting);
  const std::string id = StartWf("waits", "{\"n\":1}");
  auto sig = client_->Post("/api/weft/workflow/" + id + "/signal/go", "7", "application/json");
  ASSERT_TRUE(sig);
  EXPECT_EQ(sig->status, 200) << sig->body;
  EXPECT_EQ(AwaitEnd(id).output.ToJson(), "7");
  auto history = client_->Get("/api/weft/workflow/" + id + "/history");
  ASSERT_TRUE(history);
  Value h = ParseJson(history->body);
  ASSERT_TRUE(h.is_list());
  EXPECT_EQ(Get(h.as_list()[0], "type").as_string(), "EXECUTION_STARTED");
  auto missing = client_->Get("/api/weft/workflow/nope/history");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
}

}  // namespace
}  // namespace weft::testing
