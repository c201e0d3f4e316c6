// End-to-end tests of the `weft` binary: every subcommand run as a user would, against a fresh
// store per test. The working directory is the repository root (see cmake/WeftTesting.cmake),
// so examples/ paths resolve as in the README.
#include <fstream>
#include <regex>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/cli/run_binary.h"
#include "weft/value.h"

namespace weft {
namespace {

using ::testing::AllOf;
using ::testing::ContainsRegex;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using testing::ProcessOutput;
using testing::RunBinary;
using testing::ScratchDir;

const std::vector<std::string> kShippingWorkers = {
    "--worker", "shipping_info=examples/workers/shipping_info.sh",
    "--worker", "ship_fedex=examples/workers/ship_fedex.sh",
    "--worker", "ship_ups=examples/workers/ship_ups.sh",
    "--worker", "ship_dhl=examples/workers/ship_dhl.sh",
};

class CliTest : public ::testing::Test {
 protected:
  // Runs `weft --store <scratch store> ARGS...`.
  ProcessOutput Weft(std::vector<std::string> args, const std::string& stdin_data = "") {
    std::vector<std::string> argv = {WEFT_CLI_PATH, "--store", store_};
    argv.insert(argv.end(), args.begin(), args.end());
    return RunBinary(std::move(argv), stdin_data);
  }
  ProcessOutput RunShipping(const std::string& input) {
    std::vector<std::string> args = {"run", "examples/shipping.wf", "--input", input};
    args.insert(args.end(), kShippingWorkers.begin(), kShippingWorkers.end());
    return Weft(args);
  }
  // Deploys shipping.wf and starts one execution that waits for its first task (no workers
  // run); returns its id.
  std::string StartShipping() {
    EXPECT_EQ(Weft({"deploy", "examples/shipping.wf"}).exit_code, 0);
    ProcessOutput started =
        Weft({"start", "shipping", "--input", R"({"order_id":"o-7","vendor":"dhl"})"});
    EXPECT_EQ(started.exit_code, 0) << started.err;
    std::string id = started.out.substr(0, started.out.find('\n'));
    EXPECT_THAT(id, ContainsRegex("^[0-9A-Z]{26}$"));
    return id;
  }

  ScratchDir dir_;
  std::string store_ = dir_.Sub("store");
};

// --- run: the README's example ----------------------------------------------------------------

TEST_F(CliTest, RunShipsWithEachVendor) {
  struct Case {
    std::string vendor, expected;
  } cases[] = {
      {"fedex", R"({"tracking":"FEDEX-2336844139","vendor":"fedex"})"},
      {"ups", R"({"tracking":"UPS-2336844139","vendor":"ups"})"},
      {"dhl", R"({"tracking":"DHL-2336844139","vendor":"dhl"})"},
  };
  for (const Case& c : cases) {
    ProcessOutput r = RunShipping(R"({"order_id":"o-1","vendor":")" + c.vendor + R"("})");
    EXPECT_EQ(r.exit_code, 0) << c.vendor << ": " << r.err;
    EXPECT_EQ(r.out, c.expected + "\n") << c.vendor;
    EXPECT_THAT(r.err, IsEmpty()) << c.vendor;
  }
}

TEST_F(CliTest, RunUnknownVendorFailsClearly) {
  ProcessOutput r = RunShipping(R"({"order_id":"o-1","vendor":"acme"})");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.out, IsEmpty());
  EXPECT_THAT(r.err, AllOf(HasSubstr("weft: error: execution"), HasSubstr("failed"),
                           HasSubstr("unsupported vendor acme")));
}

TEST_F(CliTest, RunPrettyPrintsTheOutput) {
  std::vector<std::string> args = {"run", "examples/shipping.wf", "--pretty", "--input",
                                   R"({"order_id":"o-1","vendor":"ups"})"};
  args.insert(args.end(), kShippingWorkers.begin(), kShippingWorkers.end());
  ProcessOutput r = Weft(args);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  absl::StatusOr<Value> output = Value::FromJson(r.out);
  ASSERT_TRUE(output.ok()) << r.out;
  EXPECT_EQ(output->ToJson(), R"({"tracking":"UPS-2336844139","vendor":"ups"})");
  EXPECT_THAT(r.out, HasSubstr("\n  "));
}

TEST_F(CliTest, RunReportsAFailingWorkerWithItsStderr) {
  ProcessOutput r = Weft({"run", "examples/shipping.wf", "--input",
                          R"({"order_id":"o-1","vendor":"ups"})", "--worker",
                          "shipping_info=echo 'address book is offline' >&2; exit 3",
                          "--worker", "ship_fedex=true", "--worker", "ship_ups=true", "--worker",
                          "ship_dhl=true"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, AllOf(HasSubstr("failed"), HasSubstr("address book is offline")));
}

TEST_F(CliTest, RunGivesUpAfterItsTimeoutAndKillsAHungWorker) {
  ProcessOutput r = Weft({"run", "examples/shipping.wf", "--timeout", "500ms", "--input",
                          R"({"order_id":"o-1","vendor":"ups"})", "--worker",
                          "shipping_info=sleep 600", "--worker", "ship_fedex=true", "--worker",
                          "ship_ups=true", "--worker", "ship_dhl=true"});
  EXPECT_EQ(r.exit_code, 1);
  // The run's deadline and the worker's (the same 500ms) race: either the wait gives up first,
  // or the killed worker fails the task first. Both end the run promptly with exit 1.
  EXPECT_THAT(r.err, ContainsRegex("did not end within 500ms|`sleep 600` timed out after 500ms"));
}

TEST_F(CliTest, RunRefusesBadJsonInput) {
  ProcessOutput r = RunShipping(R"({"order_id": "o-1", "vendor": })");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_THAT(r.err, AllOf(HasSubstr("weft: error: --input: invalid JSON"),
                           ContainsRegex("offset|column|position")));
}

TEST_F(CliTest, RunRefusesInputThatIsNotAnObject) {
  ProcessOutput r = RunShipping("[1, 2]");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_THAT(r.err, HasSubstr("--input must be a JSON object"));
}

TEST_F(CliTest, RunRefusesAMissingFile) {
  ProcessOutput r = Weft({"run", "examples/no_such_file.wf", "--input", "{}"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_THAT(r.err, AllOf(HasSubstr("examples/no_such_file.wf"),
                           HasSubstr("No such file or directory")));
}

TEST_F(CliTest, RunListsMissingWorkersBeforeStarting) {
  ProcessOutput r = Weft({"run", "examples/shipping.wf", "--input",
                          R"({"order_id":"o-1","vendor":"ups"})", "--worker",
                          "shipping_info=examples/workers/shipping_info.sh", "--worker",
                          "ship_ups=examples/workers/ship_ups.sh"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_THAT(r.err, AllOf(HasSubstr("no worker"), HasSubstr("ship_fedex"),
                           HasSubstr("ship_dhl"), Not(HasSubstr("ship_ups,"))));
  // Nothing was deployed or started.
  EXPECT_NE(Weft({"versions", "shipping"}).exit_code, 0);
}

// jq(...) is served by the engine's system task `jq`: no --worker is needed, and a program that
// never ends fails the call with JQ_FAILED after the default time budget (1 s), which the
// workflow catches.
TEST_F(CliTest, RunServesJqItselfWithinItsBudget) {
  const std::string file = dir_.Sub("jq.wf");
  std::ofstream(file) << "workflow w(q: string) {\n"
                         "    try { return jq(q, { a: 1 }) } catch e { return e.details.error }\n"
                         "}\n";
  ProcessOutput r = Weft({"run", file, "--input", R"({"q":".a"})"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "1\n");
  r = Weft({"run", file, "--input", R"({"q":"def f: f; f"})"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "\"time\"\n");
}

TEST_F(CliTest, RunRefusesMissingInputFields) {
  ProcessOutput r = RunShipping(R"({"order_id":"o-1"})");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_THAT(r.err, HasSubstr("vendor"));
}

TEST_F(CliTest, RunRefusesBadWorkerSpecsAndTimeouts) {
  ProcessOutput bad_worker = Weft({"run", "examples/shipping.wf", "--worker", "ship_ups"});
  EXPECT_NE(bad_worker.exit_code, 0);
  EXPECT_THAT(bad_worker.err, HasSubstr("expected NAME=COMMAND"));
  ProcessOutput bad_timeout = Weft({"run", "examples/shipping.wf", "--timeout", "soon"});
  EXPECT_NE(bad_timeout.exit_code, 0);
  EXPECT_THAT(bad_timeout.err, HasSubstr("bad --timeout `soon`"));
}

// --- deploy and versions ----------------------------------------------------------------------

TEST_F(CliTest, DeployTwiceLeavesTheSecondUnchanged) {
  ProcessOutput first = Weft({"deploy", "examples/shipping.wf"});
  EXPECT_EQ(first.exit_code, 0) << first.err;
  EXPECT_THAT(first.out, ContainsRegex("^shipping v1 \\(created\\) sha256:[0-9a-f]{12}\n$"));
  ProcessOutput second = Weft({"deploy", "examples/shipping.wf"});
  EXPECT_EQ(second.exit_code, 0) << second.err;
  EXPECT_THAT(second.out, ContainsRegex("^shipping v1 \\(unchanged\\) sha256:[0-9a-f]{12}\n$"));
  EXPECT_EQ(first.out.substr(first.out.find("sha256")),
            second.out.substr(second.out.find("sha256")));
}

TEST_F(CliTest, VersionsListsEveryVersion) {
  std::string v1 = dir_.Write("greet.wf", "task hello\nworkflow greet() { return hello() }\n");
  EXPECT_EQ(Weft({"deploy", v1}).exit_code, 0);
  std::string v2 = dir_.Write("greet2.wf",
                              "task hello\nworkflow greet() { return [hello(), hello()] }\n");
  ProcessOutput deployed = Weft({"deploy", v2});
  EXPECT_THAT(deployed.out, HasSubstr("greet v2 (created)"));
  ProcessOutput versions = Weft({"versions", "greet"});
  EXPECT_EQ(versions.exit_code, 0) << versions.err;
  EXPECT_THAT(versions.out, ContainsRegex("VERSION +HASH +DEPLOYED +SOURCE"));
  EXPECT_THAT(versions.out,
              ContainsRegex("\n1 +sha256:[0-9a-f]{12} +[0-9-]+T[0-9:.]+Z +" + v1 + "\n"));
  EXPECT_THAT(versions.out,
              ContainsRegex("\n2 +sha256:[0-9a-f]{12} +[0-9-]+T[0-9:.]+Z +" + v2 + "\n"));
  ProcessOutput json = Weft({"versions", "greet", "--json"});
  absl::StatusOr<Value> list = Value::FromJson(json.out);
  ASSERT_TRUE(list.ok()) << json.out;
  ASSERT_EQ(list->as_list().size(), 2u);
  EXPECT_EQ(list->as_list()[1].as_object().Find("hash")->as_string().size(), 64u);
}

TEST_F(CliTest, DeployOfAFileWithErrorsPrintsDiagnosticsAndStoresNothing) {
  std::string bad = dir_.Write("bad.wf", "task ship\nworkflow w() {\n  let x = shp(a: 1)\n}\n");
  ProcessOutput r = Weft({"deploy", bad});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, ContainsRegex("bad.wf:3:[0-9]+: error: "));
  EXPECT_THAT(r.err, HasSubstr("nothing was deployed"));
  EXPECT_NE(Weft({"versions", "w"}).exit_code, 0);
}

TEST_F(CliTest, DeployOfAFileWithoutWorkflowsSaysSo) {
  std::string tasks = dir_.Write("t.wf", "task a\n");
  ProcessOutput r = Weft({"deploy", tasks});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "weft: error: `" + tasks + "` declares no workflow; nothing to deploy\n");
}

TEST_F(CliTest, UnknownWorkflowIsAnError) {
  EXPECT_EQ(Weft({"deploy", "examples/shipping.wf"}).exit_code, 0);
  ProcessOutput versions = Weft({"versions", "shiping"});
  EXPECT_EQ(versions.exit_code, 1);
  EXPECT_THAT(versions.err, AllOf(HasSubstr("weft: error:"), HasSubstr("shiping")));
  ProcessOutput start = Weft({"start", "shiping", "--input", "{}"});
  EXPECT_EQ(start.exit_code, 1);
  EXPECT_THAT(start.err, AllOf(HasSubstr("weft: error:"), HasSubstr("shiping")));
  ProcessOutput version = Weft({"start", "shipping", "--version", "9", "--input",
                                R"({"order_id":"o","vendor":"ups"})"});
  EXPECT_EQ(version.exit_code, 1);
  EXPECT_THAT(version.err, HasSubstr("9"));
}

TEST_F(CliTest, InspectingAStoreThatDoesNotExistIsAnError) {
  ProcessOutput r = Weft({"list"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("no Weft store at"));
}

// --- start, status, history, list ---------------------------------------------------------------

TEST_F(CliTest, StartStatusHistoryAndList) {
  std::string id = StartShipping();

  ProcessOutput status = Weft({"status", id});
  EXPECT_EQ(status.exit_code, 0) << status.err;
  EXPECT_THAT(status.out, AllOf(ContainsRegex("status +RUNNING"),
                                ContainsRegex("workflow +shipping@1 \\(sha256:"),
                                HasSubstr(R"({"order_id":"o-7","vendor":"dhl"})")));

  ProcessOutput json = Weft({"status", id, "--json"});
  absl::StatusOr<Value> info = Value::FromJson(json.out);
  ASSERT_TRUE(info.ok()) << json.out;
  EXPECT_EQ(info->as_object().Find("id")->as_string(), id);
  EXPECT_EQ(info->as_object().Find("status")->as_string(), "RUNNING");
  EXPECT_EQ(info->as_object().Find("version")->as_int(), 1);

  ProcessOutput history = Weft({"history", id});
  EXPECT_EQ(history.exit_code, 0) << history.err;
  EXPECT_THAT(history.out, AllOf(HasSubstr("EXECUTION_STARTED"), HasSubstr("TASK_SCHEDULED"),
                                 HasSubstr("shipping_info")));
  ProcessOutput history_json = Weft({"history", id, "--json"});
  absl::StatusOr<Value> events = Value::FromJson(history_json.out);
  ASSERT_TRUE(events.ok()) << history_json.out;
  ASSERT_GE(events->as_list().size(), 2u);
  EXPECT_EQ(events->as_list()[0].as_object().Find("type")->as_string(), "EXECUTION_STARTED");

  ProcessOutput list = Weft({"list"});
  EXPECT_EQ(list.exit_code, 0) << list.err;
  EXPECT_THAT(list.out, ContainsRegex(id + " +shipping@1 +RUNNING"));
  EXPECT_THAT(Weft({"list", "--status", "running"}).out, HasSubstr(id));
  EXPECT_THAT(Weft({"list", "--status", "COMPLETED"}).out, Not(HasSubstr(id)));
}

TEST_F(CliTest, ListIsNewestFirstAndLimited) {
  std::string first = StartShipping();
  std::string second = StartShipping();
  ProcessOutput list = Weft({"list"});
  ASSERT_NE(list.out.find(second), std::string::npos);
  EXPECT_LT(list.out.find(second), list.out.find(first));
  ProcessOutput limited = Weft({"list", "--limit", "1"});
  EXPECT_THAT(limited.out, AllOf(HasSubstr(second), Not(HasSubstr(first))));
}

TEST_F(CliTest, StartReadsInputFromAFile) {
  EXPECT_EQ(Weft({"deploy", "examples/shipping.wf"}).exit_code, 0);
  std::string input = dir_.Write("input.json", R"({"order_id": "o-9", "vendor": "ups"})");
  ProcessOutput r = Weft({"start", "shipping", "--input", "@" + input});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  ProcessOutput missing = Weft({"start", "shipping", "--input", "@" + dir_.Sub("nope.json")});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_THAT(missing.err, HasSubstr("nope.json"));
}

TEST_F(CliTest, UnknownExecutionIdIsAnError) {
  StartShipping();
  for (const char* command : {"status", "history"}) {
    ProcessOutput r = Weft({command, "01HZZZZZZZZZZZZZZZZZZZZZZZ"});
    EXPECT_EQ(r.exit_code, 1) << command;
    EXPECT_THAT(r.err, AllOf(HasSubstr("weft: error:"), HasSubstr("01HZZZZZZZZZZZZZZZZZZZZZZZ")))
        << command;
  }
}

TEST_F(CliTest, InvalidStatusNameIsAnError) {
  StartShipping();
  ProcessOutput r = Weft({"list", "--status", "done"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("unknown status `done` (expected RUNNING, COMPLETED, FAILED, "
                               "TERMINATED or PAUSED)"));
}

// --- check, build, disasm ----------------------------------------------------------------------

TEST_F(CliTest, CheckAcceptsTheExample) {
  ProcessOutput r = Weft({"check", "examples/shipping.wf"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("examples/shipping.wf: ok (1 workflow: shipping)"));
}

TEST_F(CliTest, CheckOfAFileWithoutWorkflowsCountsItsTasks) {
  std::string one = dir_.Write("t.wf", "task a\n");
  ProcessOutput r = Weft({"check", one});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, one + ": ok (no workflows; 1 task)\n");
  std::string two = dir_.Write("t2.wf", "task a\ntask b\n");
  EXPECT_EQ(Weft({"check", two}).out, two + ": ok (no workflows; 2 tasks)\n");
}

TEST_F(CliTest, CheckReportsEveryErrorWithItsPosition) {
  std::string bad = dir_.Write("bad.wf",
                               "task ship_ups\n"
                               "workflow w(vendor: string) {\n"
                               "  let label = ship_usp(address: 1)\n"
                               "  vendor = \"x\"\n"
                               "}\n");
  ProcessOutput r = Weft({"check", bad});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, ContainsRegex("bad.wf:3:[0-9]+: error: .*ship_usp"));
  EXPECT_THAT(r.err, ContainsRegex("bad.wf:4:[0-9]+: error: "));
  EXPECT_THAT(r.err, HasSubstr("ship_ups"));  // the "did you mean" hint
  EXPECT_THAT(r.err, HasSubstr("weft: error: `" + bad + "` has 2 errors"));
}

TEST_F(CliTest, CheckMissingFileIsAnError) {
  ProcessOutput r = Weft({"check", "nope.wf"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("cannot read `nope.wf`: No such file or directory"));
}

TEST_F(CliTest, CheckDumpsEachPhase) {
  ProcessOutput tokens = Weft({"check", "examples/shipping.wf", "--dump", "tokens"});
  EXPECT_EQ(tokens.exit_code, 0) << tokens.err;
  EXPECT_THAT(tokens.out, HasSubstr("\"shipping_info\""));
  ProcessOutput ast = Weft({"check", "examples/shipping.wf", "--dump", "ast"});
  EXPECT_EQ(ast.exit_code, 0) << ast.err;
  EXPECT_THAT(ast.out, AllOf(HasSubstr("workflow shipping"), HasSubstr("call ship_ups")));
  ProcessOutput checked = Weft({"check", "examples/shipping.wf", "--dump", "checked"});
  EXPECT_EQ(checked.exit_code, 0) << checked.err;
  EXPECT_THAT(checked.out, HasSubstr("locals="));
  EXPECT_EQ(Weft({"check", "examples/shipping.wf", "--dump", "bogus"}).exit_code, 2);
}

TEST_F(CliTest, BuildThenDisasmAgreesWithSourceAndStore) {
  std::string out = dir_.Sub("shipping.wfc");
  ProcessOutput build = Weft({"build", "examples/shipping.wf", "-o", out});
  EXPECT_EQ(build.exit_code, 0) << build.err;
  EXPECT_THAT(build.out, ContainsRegex("shipping -> .*shipping.wfc \\([0-9]+ bytes, sha256:"));

  ProcessOutput from_file = Weft({"disasm", out});
  EXPECT_EQ(from_file.exit_code, 0) << from_file.err;
  EXPECT_THAT(from_file.out, AllOf(HasSubstr("workflow shipping"), HasSubstr("CALL_TASK")));
  ProcessOutput from_source = Weft({"disasm", "examples/shipping.wf"});
  EXPECT_EQ(from_source.out, from_file.out);

  EXPECT_EQ(Weft({"deploy", "examples/shipping.wf"}).exit_code, 0);
  EXPECT_EQ(Weft({"disasm", "shipping"}).out, from_file.out);
  EXPECT_EQ(Weft({"disasm", "shipping@1"}).out, from_file.out);
  ProcessOutput no_version = Weft({"disasm", "shipping@7"});
  EXPECT_EQ(no_version.exit_code, 1);
  EXPECT_THAT(no_version.err, HasSubstr("shipping@7"));
}

TEST_F(CliTest, BuildWritesEveryWorkflowIntoADirectory) {
  std::string two = dir_.Write("two.wf",
                               "task t\nworkflow a() { return t() }\nworkflow b() { return 1 }\n");
  ProcessOutput ambiguous = Weft({"build", two, "-o", dir_.Sub("one.wfc")});
  EXPECT_EQ(ambiguous.exit_code, 1);
  EXPECT_THAT(ambiguous.err, HasSubstr("several workflows (a, b)"));
  ProcessOutput all = Weft({"build", two, "-o", dir_.Sub("out/")});
  EXPECT_EQ(all.exit_code, 0) << all.err;
  EXPECT_EQ(Weft({"disasm", dir_.Sub("out/a.wfc")}).exit_code, 0);
  EXPECT_EQ(Weft({"disasm", dir_.Sub("out/b.wfc")}).exit_code, 0);
  ProcessOutput one = Weft({"build", two, "--workflow", "b", "-o", dir_.Sub("b.wfc")});
  EXPECT_EQ(one.exit_code, 0) << one.err;
}

TEST_F(CliTest, DisasmRejectsAFileThatIsNotBytecode) {
  std::string junk = dir_.Write("junk.wfc", "this is not bytecode");
  ProcessOutput r = Weft({"disasm", junk});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("is not valid Weft bytecode"));
}

// --- help ---------------------------------------------------------------------------------------

TEST_F(CliTest, HelpWorksEverywhere) {
  ProcessOutput top = Weft({"--help"});
  EXPECT_EQ(top.exit_code, 0);
  for (const char* command : {"check", "build", "disasm", "deploy", "versions", "start", "status",
                              "history", "list", "run"}) {
    EXPECT_THAT(top.out, HasSubstr(command));
    ProcessOutput r = Weft({command, "--help"});
    EXPECT_EQ(r.exit_code, 0) << command;
    EXPECT_THAT(r.out, HasSubstr("Usage:")) << command;
  }
}

TEST_F(CliTest, NoSubcommandOrAnUnknownOneIsAnError) {
  EXPECT_NE(Weft({}).exit_code, 0);
  ProcessOutput r = Weft({"frobnicate"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_THAT(r.err, HasSubstr("frobnicate"));
}

}  // namespace
}  // namespace weft
