// Live migration over HTTP (docs/server.md, "Migration"): POST /api/weft/check-migration (200
// with the structured check, 400 with the compiler's diagnostics), POST
// /api/weft/executions/{id}/migrate and POST /api/weft/workflows/{name}/migrate (dry runs change
// nothing, moves are real, 404/409/400 for the errors), and the JSON read back by the client.
#include <gmock/gmock.h>

#include "server/migration_json.h"
#include "tests/server/server_fixture.h"

namespace weft::testing {
namespace {

using ::testing::HasSubstr;

constexpr char kV1[] =
    "task first\n"
    "task pay\n"
    "workflow order(id: string) {\n"
    "    let a = first(id: id)\n"
    "    let b = pay(x: a)\n"
    "    return { a: a, b: b }\n"
    "}\n";

// A task added at the start: executions waiting at `first` move.
constexpr char kV2[] =
    "task audit\n"
    "task first\n"
    "task pay\n"
    "workflow order(id: string) {\n"
    "    audit(id: id)\n"
    "    let a = first(id: id)\n"
    "    let b = pay(x: a)\n"
    "    return { a: a, b: b }\n"
    "}\n";

// `first` removed: nobody waiting for it can move.
constexpr char kV3[] =
    "task pay\n"
    "workflow order(id: string) {\n"
    "    let b = pay(x: id)\n"
    "    return { b: b }\n"
    "}\n";

class MigrateApiTest : public ServerTest {
 protected:
  // An execution of v1 waiting for its `first` task.
  std::string Waiting(const std::string& order) {
    const std::string id = StartWf("order", R"({"id":")" + order + R"("})");
    EXPECT_TRUE(Eventually([&] {
      auto positions = engine_->FiberPositions(id);
      return positions.ok() && positions->size() == 1 && (*positions)[0].wait == "task";
    }));
    return id;
  }
  httplib::Result Post(const std::string& path, const std::string& body = "") {
    return client_->Post(path, body, "text/plain");
  }
  uint32_t VersionOf(const std::string& id) { return engine_->GetExecution(id)->version; }
};

TEST_F(MigrateApiTest, CheckMigrationAnswersTheStructuredCheck) {
  DeployWf(kV1);
  Waiting("o1");
  auto r = Post("/api/weft/check-migration?name=next.wf", kV2);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  Value check = ParseJson(r->body);
  EXPECT_EQ(Get(check, "file").as_string(), "next.wf");
  EXPECT_TRUE(Get(check, "compiles").as_bool());
  EXPECT_TRUE(Get(check, "mappable").as_bool());
  ASSERT_EQ(Get(check, "versions").as_list().size(), 1u);
  const Value version = Get(check, "versions").as_list()[0];
  EXPECT_EQ(Get(version, "workflow").as_string(), "order");
  EXPECT_EQ(Get(version, "version").as_int(), 1);
  EXPECT_EQ(Get(version, "running").as_int(), 1);
  EXPECT_EQ(Get(version, "newPoints").as_int(), 3);
  const Value first = Get(version, "points").as_list()[0];
  EXPECT_EQ(Get(first, "kind").as_string(), "task");
  EXPECT_EQ(Get(first, "key").as_string(), "first");
  EXPECT_EQ(Get(first, "old").ToJson(), R"({"line":4,"column":13})");
  EXPECT_EQ(Get(first, "new").ToJson(), R"({"line":6,"column":13})");
  EXPECT_EQ(Get(first, "variables").ToJson(), R"([{"name":"id","how":"carry","oldSlot":0,"newSlot":0}])");
  EXPECT_THAT(Get(version, "text").as_string(), HasSubstr("order@v1 -> next.wf: 1 execution running"));

  r = Post("/api/weft/check-migration?name=next.wf", kV3);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  check = ParseJson(r->body);
  EXPECT_FALSE(Get(check, "mappable").as_bool());
  const Value point = Get(Get(check, "versions").as_list()[0], "points").as_list()[0];
  EXPECT_FALSE(Get(point, "mappable").as_bool());
  EXPECT_TRUE(Get(point, "new").is_null());
  const Value diagnostic = Get(point, "diagnostics").as_list()[0];
  EXPECT_EQ(Get(diagnostic, "code").as_string(), "E0401");
  EXPECT_EQ(Get(diagnostic, "old").ToJson(), R"({"line":4,"column":13})");
  EXPECT_EQ(Get(Get(diagnostic, "new"), "line").as_int(), 2);
  EXPECT_FALSE(Get(diagnostic, "hints").as_list().empty());
  EXPECT_EQ(ParseJson(client_->Get("/api/weft/workflows/order/versions")->body).as_list().size(), 1u)
      << "a check deployed something";
}

TEST_F(MigrateApiTest, CheckMigrationRefusesASourceWithErrors) {
  DeployWf(kV1);
  Waiting("o1");
  auto r = Post("/api/weft/check-migration?name=bad.wf", "workflow order() { return x }\n");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 400) << r->body;
  Value body = ParseJson(r->body);
  EXPECT_EQ(Get(body, "status").as_int(), 400);
  EXPECT_EQ(Get(body, "message").as_string(), "`bad.wf` has errors; nothing was checked");
  EXPECT_FALSE(Get(body, "compiles").as_bool());
  EXPECT_EQ(Get(Get(body, "diagnostics").as_list()[0], "code").as_string(), "E0101");
  EXPECT_EQ(Get(Get(body, "diagnostics").as_list()[0], "line").as_int(), 1);
  // The one JSON form of a diagnostic (server/migration_json.h), here without its end.
  EXPECT_EQ(Get(body, "diagnostics").as_list()[0].ToJson(),
            R"({"code":"E0101","severity":"error","line":1,"column":27,)"
            R"("message":"unknown variable `x`","hints":[]})");
  EXPECT_THAT(Get(body, "diagnosticsText").as_string(), HasSubstr("bad.wf:1:"));
  EXPECT_TRUE(Get(body, "versions").as_list().empty());
  r = Post("/api/weft/check-migration?name=bad.wf", std::string("task \xff\n"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400) << r->body;
}

TEST_F(MigrateApiTest, OneExecutionMovesAfterADryRun) {
  DeployWf(kV1);
  const std::string id = Waiting("o1");
  DeployWf(kV2);
  const size_t events = engine_->History(id)->size();
  auto r = Post("/api/weft/executions/" + id + "/migrate?to=2&dryRun=true");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  Value result = ParseJson(r->body);
  EXPECT_EQ(Get(result, "executionId").as_string(), id);
  EXPECT_EQ(Get(result, "workflow").as_string(), "order");
  EXPECT_EQ(Get(result, "fromVersion").as_int(), 1);
  EXPECT_EQ(Get(result, "toVersion").as_int(), 2);
  EXPECT_TRUE(Get(result, "moved").as_bool());
  EXPECT_EQ(Get(result, "points").ToJson(), R"(["fiber 1: task first 4:13 -> 6:13"])");
  EXPECT_EQ(VersionOf(id), 1u);
  EXPECT_EQ(engine_->History(id)->size(), events) << "a dry run wrote history";

  r = Post("/api/weft/executions/" + id + "/migrate?dryRun=false");  // to: the latest
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_TRUE(Get(ParseJson(r->body), "moved").as_bool());
  EXPECT_EQ(VersionOf(id), 2u);
  EXPECT_EQ(engine_->History(id)->back().type, "EXECUTION_MIGRATED");

  r = Post("/api/weft/executions/" + id + "/migrate?to=2");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 409) << r->body;
  EXPECT_THAT(r->body, HasSubstr("already runs version 2"));
}

TEST_F(MigrateApiTest, AnExecutionThatCannotMoveStaysWithItsReason) {
  DeployWf(kV1);
  const std::string id = Waiting("o1");
  DeployWf(kV2);
  DeployWf(kV3);
  auto r = Post("/api/weft/executions/" + id + "/migrate?to=3");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  Value result = ParseJson(r->body);
  EXPECT_FALSE(Get(result, "moved").as_bool());
  EXPECT_THAT(Get(result, "reason").as_string(), HasSubstr("[E0401]"));
  EXPECT_EQ(VersionOf(id), 1u);
}

TEST_F(MigrateApiTest, AGroupMovesAndReportsEach) {
  DeployWf(kV1);
  const std::string a = Waiting("o1"), b = Waiting("o2");
  DeployWf(kV2);
  auto r = Post("/api/weft/workflows/order/migrate?from=1&to=2&dryRun=true");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  Value list = ParseJson(r->body);
  ASSERT_EQ(list.as_list().size(), 2u);
  EXPECT_EQ(Get(list.as_list()[0], "executionId").as_string(), a);
  EXPECT_EQ(Get(list.as_list()[1], "executionId").as_string(), b);
  EXPECT_EQ(VersionOf(a), 1u);
  r = Post("/api/weft/workflows/order/migrate?from=1");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  list = ParseJson(r->body);
  ASSERT_EQ(list.as_list().size(), 2u);
  EXPECT_TRUE(Get(list.as_list()[1], "moved").as_bool());
  EXPECT_EQ(VersionOf(a), 2u);
  EXPECT_EQ(VersionOf(b), 2u);
  r = Post("/api/weft/workflows/order/migrate?from=1&to=2");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(r->body, "[]");
}

TEST_F(MigrateApiTest, BadRequestsAreRefused) {
  DeployWf(kV1);
  const std::string id = Waiting("o1");
  DeployWf(kV2);
  struct Case {
    std::string path;
    int status;
    std::string message;
  } cases[] = {
      {"/api/weft/executions/01NOSUCHEXECUTION/migrate", 404, "no execution"},
      {"/api/weft/executions/" + id + "/migrate?to=9", 404, "has no version 9"},
      {"/api/weft/executions/" + id + "/migrate?to=abc", 400, "`to` must be a positive version"},
      {"/api/weft/executions/" + id + "/migrate?to=0", 400, "`to` must be a positive version"},
      {"/api/weft/executions/" + id + "/migrate?dryRun=maybe", 400, "`dryRun` must be"},
      {"/api/weft/workflows/order/migrate", 400, "`from` is required"},
      {"/api/weft/workflows/order/migrate?from=x", 400, "`from` must be a positive version"},
      {"/api/weft/workflows/order/migrate?from=1&to=-2", 400, "`to` must be a positive version"},
      {"/api/weft/workflows/order/migrate?from=7", 404, "has no version 7"},
      {"/api/weft/workflows/nosuch/migrate?from=1", 404, "has no version 1"},
  };
  for (const Case& c : cases) {
    auto r = Post(c.path);
    ASSERT_TRUE(r) << c.path;
    EXPECT_EQ(r->status, c.status) << c.path << " -> " << r->body;
    EXPECT_THAT(r->body, HasSubstr(c.message)) << c.path;
  }
  EXPECT_EQ(VersionOf(id), 1u) << "nothing refused moved anything";
  ASSERT_TRUE(engine_->Terminate(id, "stop").ok());
  auto r = Post("/api/weft/executions/" + id + "/migrate?to=2");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 409) << r->body;
  EXPECT_THAT(r->body, HasSubstr("TERMINATED"));
}

// What the server writes, the client reads back unchanged (server/migration_json.h).
TEST_F(MigrateApiTest, TheJsonReadsBackAsItWasWritten) {
  DeployWf(kV1);
  Waiting("o1");
  for (const char* source : {kV2, kV3, "workflow order() { return x }\n"}) {
    auto check = engine_->CheckMigration("next.wf", source);
    ASSERT_TRUE(check.ok()) << check.status();
    const Value json = server::MigrationCheckToJson(*check);
    auto back = server::MigrationCheckFromJson(ParseJson(json.ToJson()));
    ASSERT_TRUE(back.ok()) << back.status();
    EXPECT_EQ(server::MigrationCheckToJson(*back).ToJson(), json.ToJson());
    EXPECT_EQ(back->compile_text, check->compile_text);
    ASSERT_EQ(back->versions.size(), check->versions.size());
    for (size_t i = 0; i < back->versions.size(); ++i) {
      EXPECT_EQ(back->versions[i].text, check->versions[i].text);
    }
  }
  MigrationResult result{"id-1", "order", 1, 2, false, "at 4:13 task first: [E0401]", {}};
  auto back = server::MigrationResultFromJson(server::MigrationResultToJson(result));
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->reason, result.reason);
  EXPECT_EQ(back->to_version, 2u);
  EXPECT_FALSE(server::MigrationResultFromJson(ParseJson(R"({"moved":"yes"})")).ok());
  EXPECT_FALSE(server::MigrationResultsFromJson(ParseJson("{}")).ok());
  EXPECT_FALSE(server::MigrationCheckFromJson(ParseJson(R"({"versions":[{"points":7}]})")).ok());
}

}  // namespace
}  // namespace weft::testing
