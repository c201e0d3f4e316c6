// End-to-end tests of `weft import conductor`: the built binary translates a WorkflowDef file
// (with its TaskDefs) into a `.wf` that `weft check` accepts, and refuses bad input with a
// clear message and exit status 1.
#include <gtest/gtest.h>

#include "tests/cli/run_binary.h"

namespace weft::testing {
namespace {

const char* kWeft = WEFT_CLI_PATH;

constexpr char kShipping[] = R"({
  "name": "shipping", "version": 1,
  "tasks": [
    {"name": "shipping_info", "taskReferenceName": "info_ref", "type": "SIMPLE",
     "inputParameters": {"order": "${workflow.input.order_id}"}},
    {"name": "route", "taskReferenceName": "route_ref", "type": "SWITCH",
     "evaluatorType": "value-param", "expression": "vendor",
     "inputParameters": {"vendor": "${info_ref.output.vendor}"},
     "decisionCases": {"ups": [{"name": "ship_ups", "taskReferenceName": "ups_ref", "type": "SIMPLE"}]},
     "defaultCase": [{"name": "stop", "taskReferenceName": "stop_ref", "type": "TERMINATE",
                      "inputParameters": {"terminationStatus": "FAILED", "terminationReason": "no vendor"}}]}
  ],
  "outputParameters": {"tracking": "${ups_ref.output.tracking}"}
})";

TEST(CliImport, PrintsAWfFileThatChecks) {
  ScratchDir dir;
  const std::string def = dir.Write("shipping.json", kShipping);
  const std::string taskdefs = dir.Write("taskdefs.json", R"([{"name": "ship_ups", "retryCount": 4,
      "retryLogic": "LINEAR_BACKOFF", "retryDelaySeconds": 2, "responseTimeoutSeconds": 60}])");
  ProcessOutput out = RunBinary({kWeft, "import", "conductor", def, "--taskdefs", taskdefs});
  ASSERT_EQ(out.exit_code, 0) << out.err;
  EXPECT_NE(out.out.find("workflow shipping(order_id = null)"), std::string::npos) << out.out;
  EXPECT_NE(out.out.find("task ship_ups with { retries: 4, backoff: \"linear\", delay: 2s, heartbeat: 1m }"),
            std::string::npos)
      << out.out;
  EXPECT_NE(out.out.find("fail \"no vendor\""), std::string::npos) << out.out;
  const std::string wf = dir.Write("shipping.wf", out.out);
  ProcessOutput check = RunBinary({kWeft, "check", wf});
  EXPECT_EQ(check.exit_code, 0) << check.err << check.out;
}

TEST(CliImport, RunsTheTranslation) {
  ScratchDir dir;
  const std::string def = dir.Write("shipping.json", kShipping);
  ProcessOutput out = RunBinary({kWeft, "import", "conductor", def});
  ASSERT_EQ(out.exit_code, 0) << out.err;
  const std::string wf = dir.Write("shipping.wf", out.out);
  const std::string info = dir.Write("info.sh", "#!/bin/sh\ncat >/dev/null; echo '{\"vendor\":\"ups\"}'\n");
  const std::string ups = dir.Write("ups.sh", "#!/bin/sh\ncat >/dev/null; echo '{\"tracking\":\"UPS-1\"}'\n");
  std::filesystem::permissions(info, std::filesystem::perms::owner_all);
  std::filesystem::permissions(ups, std::filesystem::perms::owner_all);
  ProcessOutput run = RunBinary({kWeft, "--store", dir.Sub("store"), "run", wf, "--input",
                                 R"({"order_id": "o-1"})", "--worker", "shipping_info=" + info,
                                 "--worker", "ship_ups=" + ups});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out, "{\"tracking\":\"UPS-1\"}\n");
}

TEST(CliImport, RefusesInvalidJson) {
  ScratchDir dir;
  const std::string def = dir.Write("bad.json", R"({"name": "x", "tasks": [)");
  ProcessOutput out = RunBinary({kWeft, "import", "conductor", def});
  EXPECT_EQ(out.exit_code, 1);
  EXPECT_NE(out.err.find("is not valid JSON"), std::string::npos) << out.err;
  EXPECT_EQ(out.out, "");
}

TEST(CliImport, NamesTheTaskAndFieldItCannotTranslate) {
  ScratchDir dir;
  const std::string def = dir.Write("events.json", R"({"name": "events", "tasks": [
      {"name": "publish", "taskReferenceName": "publish_ref", "type": "KAFKA_PUBLISH"}]})");
  ProcessOutput out = RunBinary({kWeft, "import", "conductor", def});
  EXPECT_EQ(out.exit_code, 1);
  EXPECT_NE(out.err.find("task `publish_ref`: field `type`: task type `KAFKA_PUBLISH` has no Weft translation"),
            std::string::npos)
      << out.err;
}

TEST(CliImport, RefusesBadTaskDefsAndMissingFiles) {
  ScratchDir dir;
  const std::string def = dir.Write("shipping.json", kShipping);
  const std::string taskdefs = dir.Write("taskdefs.json", R"([{"retryCount": 1}])");
  ProcessOutput bad = RunBinary({kWeft, "import", "conductor", def, "--taskdefs", taskdefs});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("every definition must be an object with a `name`"), std::string::npos) << bad.err;
  ProcessOutput missing = RunBinary({kWeft, "import", "conductor", dir.Sub("nope.json")});
  EXPECT_NE(missing.exit_code, 0);
  EXPECT_NE(missing.err.find("nope.json"), std::string::npos) << missing.err;
  ProcessOutput no_engine = RunBinary({kWeft, "import"});
  EXPECT_NE(no_engine.exit_code, 0);
}

}  // namespace
}  // namespace weft::testing
