// `--json` wherever the CLI prints records, end to end through the `weft` binary: each
// command's output is one JSON document (parsed here) with the record's fields, so scripts do
// not parse tables. status, history, list, versions and schedule list had it; deploy, prune and
// schedule next have it too.
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/cli/cli_fixture.h"
#include "weft/value.h"

namespace weft {
namespace {

using ::testing::HasSubstr;
using testing::ProcessOutput;

class CliJsonTest : public testing::WeftCliTest {
 protected:
  // The command's stdout as one JSON value; fails the test when it is not.
  Value Json(std::vector<std::string> args) {
    ProcessOutput r = Weft(args);
    EXPECT_EQ(r.exit_code, 0) << args[0] << ": " << r.err;
    absl::StatusOr<Value> v = Value::FromJson(r.out);
    EXPECT_TRUE(v.ok()) << args[0] << " printed no JSON: " << r.out;
    return v.ok() ? *v : Value();
  }
  static std::string Str(const Value& v, std::string_view key) {
    const Value* f = v.is_object() ? v.as_object().Find(key) : nullptr;
    return f != nullptr && f->is_string() ? f->as_string() : "";
  }
  std::string RunShipping() {
    Weft({"run", "examples/shipping.wf", "--input", R"({"order_id":"o-1","vendor":"fedex"})",
          "--worker", "shipping_info=examples/workers/shipping_info.sh", "--worker",
          "ship_fedex=examples/workers/ship_fedex.sh", "--worker",
          "ship_ups=examples/workers/ship_ups.sh", "--worker",
          "ship_dhl=examples/workers/ship_dhl.sh"});
    const Value list = Json({"list", "--json"});
    EXPECT_TRUE(list.is_list() && list.as_list().size() == 1) << list.ToJson();
    return list.is_list() && !list.as_list().empty() ? Str(list.as_list()[0], "id") : "";
  }
};

TEST_F(CliJsonTest, DeployPrintsItsVersions) {
  const Value deployed = Json({"deploy", "examples/shipping.wf", "--json"});
  ASSERT_TRUE(deployed.is_list()) << deployed.ToJson();
  ASSERT_EQ(deployed.as_list().size(), 1u);
  const Value& w = deployed.as_list()[0];
  EXPECT_EQ(Str(w, "workflow"), "shipping");
  EXPECT_EQ(w.as_object().Find("version")->as_int(), 1);
  EXPECT_TRUE(w.as_object().Find("created")->as_bool());
  EXPECT_EQ(Str(w, "hash").size(), 64u);
  const Value again = Json({"deploy", "examples/shipping.wf", "--json"});
  EXPECT_FALSE(again.as_list()[0].as_object().Find("created")->as_bool());
  const Value versions = Json({"versions", "shipping", "--json"});
  ASSERT_TRUE(versions.is_list());
  EXPECT_EQ(versions.as_list().size(), 1u);
}

TEST_F(CliJsonTest, StatusHistoryAndListAreJson) {
  const std::string id = RunShipping();
  ASSERT_FALSE(id.empty());
  const Value status = Json({"status", id, "--json"});
  EXPECT_EQ(Str(status, "status"), "COMPLETED");
  EXPECT_EQ(Str(status, "workflow"), "shipping");
  const Value history = Json({"history", id, "--json"});
  ASSERT_TRUE(history.is_list());
  EXPECT_EQ(Str(history.as_list().front(), "type"), "EXECUTION_STARTED");
  EXPECT_EQ(Str(history.as_list().back(), "type"), "EXECUTION_COMPLETED");
}

TEST_F(CliJsonTest, PruneAndScheduleNextAreJson) {
  RunShipping();
  const Value pruned = Json({"prune", "--older-than", "30d", "--dry-run", "--json"});
  ASSERT_TRUE(pruned.is_object()) << pruned.ToJson();
  EXPECT_EQ(pruned.as_object().Find("executions")->as_int(), 0) << "nothing is 30 days old";
  EXPECT_TRUE(pruned.as_object().Find("rows")->is_int());
  EXPECT_TRUE(pruned.as_object().Find("dryRun")->as_bool());
  const Value next = Json({"schedule", "next", "--cron", "0 0 9 * * *", "--after",
                           "2026-01-01T00:00:00Z", "-n", "2", "--json"});
  ASSERT_TRUE(next.is_list()) << next.ToJson();
  ASSERT_EQ(next.as_list().size(), 2u);
  EXPECT_THAT(next.as_list()[0].as_string(), HasSubstr("2026-01-01"));
  EXPECT_THAT(next.as_list()[1].as_string(), HasSubstr("2026-01-02"));
  const Value schedules = Json({"schedule", "list", "--json"});
  EXPECT_TRUE(schedules.is_list());
}

}  // namespace
}  // namespace weft
