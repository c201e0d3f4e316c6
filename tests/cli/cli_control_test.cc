// End-to-end tests of the commands that talk to existing executions: `weft signal`,
// `terminate`, `pause`, `resume`, `retry`, `restart` and `work`, and of `weft run --signal` and
// `--virtual-time`. Each runs the real binary against a fresh store, as a user would: the
// store is opened by one command at a time.
#include <algorithm>
#include <chrono>
#include <regex>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/cli/cli_fixture.h"
#include "weft/value.h"

namespace weft {
namespace {

using ::testing::AllOf;
using ::testing::ContainsRegex;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using testing::ProcessOutput;

constexpr char kUnknownId[] = "01HZZZZZZZZZZZZZZZZZZZZZZZ";

// No tasks, so `weft start` alone runs it as far as it goes: it waits for the signal.
constexpr char kApprove[] =
    "workflow approve() {\n"
    "  let a = await signal(\"approved\")\n"
    "  return a\n"
    "}\n";

class CliControlTest : public testing::WeftCliTest {
 protected:
  // Deploys `source` (as NAME.wf) and starts NAME; returns the execution id.
  std::string DeployAndStart(const std::string& name, const std::string& source) {
    ProcessOutput deployed = Weft({"deploy", dir_.Write(name + ".wf", source)});
    EXPECT_EQ(deployed.exit_code, 0) << deployed.err;
    ProcessOutput started = Weft({"start", name});
    EXPECT_EQ(started.exit_code, 0) << started.err;
    std::string id = started.out.substr(0, started.out.find('\n'));
    EXPECT_THAT(id, ContainsRegex("^[0-9A-Z]{26}$"));
    return id;
  }
  Value StatusJson(const std::string& id) {
    ProcessOutput r = Weft({"status", id, "--json"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    absl::StatusOr<Value> v = Value::FromJson(r.out);
    EXPECT_TRUE(v.ok()) << r.out;
    return v.ok() ? *v : Value();
  }
  std::string Status(const std::string& id) {
    Value v = StatusJson(id);
    return v.is_object() ? v.as_object().Find("status")->as_string() : "";
  }
  std::string Output(const std::string& id) {
    Value v = StatusJson(id);
    return v.is_object() ? v.as_object().Find("output")->ToJson() : "";
  }
  // The event types of the history, in order.
  std::vector<std::string> EventTypes(const std::string& id) {
    ProcessOutput r = Weft({"history", id, "--json"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::vector<std::string> types;
    absl::StatusOr<Value> events = Value::FromJson(r.out);
    if (!events.ok()) return types;
    for (const Value& e : events->as_list()) {
      types.push_back(e.as_object().Find("type")->as_string());
    }
    return types;
  }
};

// --- signal -------------------------------------------------------------------------------------

TEST_F(CliControlTest, SignalCompletesAnExecutionWaitingForIt) {
  std::string id = DeployAndStart("approve", kApprove);
  EXPECT_EQ(Status(id), "RUNNING");
  ProcessOutput r = Weft({"signal", id, "approved", "--data", R"({"by": "ann"})"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, id + " COMPLETED\n");
  EXPECT_EQ(Status(id), "COMPLETED");
  EXPECT_EQ(Output(id), R"({"by":"ann"})");
  // The history says which signal arrived with what, readably.
  ProcessOutput history = Weft({"history", id});
  EXPECT_THAT(history.out, ContainsRegex(R"(SIGNAL_RECEIVED +- +approved \{"by":"ann"\})"));
  // An ended execution takes no more signals.
  ProcessOutput late = Weft({"signal", id, "approved"});
  EXPECT_EQ(late.exit_code, 1);
  EXPECT_THAT(late.err, AllOf(HasSubstr("weft: error:"), HasSubstr("COMPLETED"),
                              HasSubstr("takes no more signals")));
}

TEST_F(CliControlTest, SignalSentBeforeTheWaitIsBufferedAndOrderIsKept) {
  std::string id = DeployAndStart("pair",
                                  "workflow pair() {\n"
                                  "  let a = await signal(\"first\")\n"
                                  "  let b = await signal(\"second\")\n"
                                  "  let c = await signal(\"second\")\n"
                                  "  return [a, b, c]\n"
                                  "}\n");
  // Both "second"s arrive while the execution still waits for "first": they are kept.
  EXPECT_EQ(Weft({"signal", id, "second", "--data", "2"}).out, id + " RUNNING\n");
  EXPECT_EQ(Weft({"signal", id, "second", "--data", "3"}).out, id + " RUNNING\n");
  EXPECT_EQ(Weft({"signal", id, "first", "--data", "1"}).out, id + " COMPLETED\n");
  EXPECT_EQ(Output(id), "[1,2,3]");
}

TEST_F(CliControlTest, SignalPayloadDefaultsToNullAndReadsFiles) {
  std::string id = DeployAndStart("approve", kApprove);
  EXPECT_EQ(Weft({"signal", id, "approved"}).exit_code, 0);
  EXPECT_EQ(Output(id), "null");

  std::string second = DeployAndStart("approve", kApprove);
  std::string payload = dir_.Write("payload.json", R"(["from", "a", "file"])");
  ProcessOutput r = Weft({"signal", second, "approved", "--data", "@" + payload});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Output(second), R"(["from","a","file"])");
}

TEST_F(CliControlTest, SignalRefusesBadInput) {
  std::string id = DeployAndStart("approve", kApprove);
  ProcessOutput bad_json = Weft({"signal", id, "approved", "--data", "{nope"});
  EXPECT_EQ(bad_json.exit_code, 1);
  EXPECT_THAT(bad_json.err, HasSubstr("weft: error: --data: invalid JSON"));
  ProcessOutput unknown = Weft({"signal", kUnknownId, "approved"});
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_EQ(unknown.err, std::string("weft: error: no execution `") + kUnknownId + "`\n");
  EXPECT_EQ(Status(id), "RUNNING");  // nothing was delivered
  EXPECT_EQ(Weft({"signal", id}).exit_code, 2);  // NAME is required
}

// --- terminate ----------------------------------------------------------------------------------

TEST_F(CliControlTest, TerminateEndsAWaitingExecutionOnce) {
  std::string id = DeployAndStart("approve", kApprove);
  ProcessOutput r = Weft({"terminate", id, "--reason", "order canceled"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, id + " TERMINATED\n");
  EXPECT_EQ(Status(id), "TERMINATED");
  EXPECT_THAT(EventTypes(id), ::testing::Contains("EXECUTION_TERMINATED"));
  EXPECT_THAT(Weft({"history", id}).out,
              ContainsRegex("EXECUTION_TERMINATED +- +reason: order canceled"));
  EXPECT_THAT(Weft({"status", id}).out, HasSubstr("order canceled"));

  ProcessOutput again = Weft({"terminate", id});
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_EQ(again.err, "weft: error: cannot terminate execution " + id + ": it is TERMINATED\n");
  // Signals to it are refused too.
  EXPECT_EQ(Weft({"signal", id, "approved"}).exit_code, 1);
}

TEST_F(CliControlTest, TerminateCancelsAWaitingTask) {
  std::string id = DeployAndStart("one", "task slow\nworkflow one() { return slow() }\n");
  ASSERT_EQ(Weft({"terminate", id}).exit_code, 0);
  EXPECT_THAT(EventTypes(id), ::testing::ElementsAre("EXECUTION_STARTED", "TASK_SCHEDULED",
                                                     "TASK_CANCELED", "EXECUTION_TERMINATED"));
}

// --- pause and resume ---------------------------------------------------------------------------

TEST_F(CliControlTest, PauseHoldsNewTasksUntilResume) {
  std::string id = DeployAndStart("gated",
                                  "task twice\n"
                                  "workflow gated() {\n"
                                  "  let n = await signal(\"go\")\n"
                                  "  return twice(n: n)\n"
                                  "}\n");
  ProcessOutput paused = Weft({"pause", id});
  EXPECT_EQ(paused.exit_code, 0) << paused.err;
  EXPECT_EQ(paused.out, id + " PAUSED\n");
  EXPECT_THAT(Weft({"status", id}).out,
              AllOf(ContainsRegex("status +PAUSED"), HasSubstr("weft resume " + id)));
  ProcessOutput again = Weft({"pause", id});
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_EQ(again.err, "weft: error: cannot pause execution " + id + ": it is PAUSED\n");

  // A paused execution still takes signals, but the task it reaches is held back.
  EXPECT_EQ(Weft({"signal", id, "go", "--data", "21"}).out, id + " PAUSED\n");
  EXPECT_THAT(EventTypes(id), Not(::testing::Contains("TASK_SCHEDULED")));

  ProcessOutput resumed = Weft({"resume", id});
  EXPECT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_EQ(resumed.out, id + " RUNNING\n");
  std::vector<std::string> types = EventTypes(id);
  auto resumed_at = std::find(types.begin(), types.end(), "EXECUTION_RESUMED");
  ASSERT_NE(resumed_at, types.end());
  EXPECT_NE(std::find(resumed_at, types.end(), "TASK_SCHEDULED"), types.end());

  // The worker doubles the number in its input, {"n": 21}.
  ProcessOutput worked =
      Weft({"work", id, "--worker", R"(twice=tr -cd 0-9 | awk '{print $1 * 2}')"});
  EXPECT_EQ(worked.exit_code, 0) << worked.err;
  EXPECT_EQ(worked.out, "42\n");
  EXPECT_EQ(Status(id), "COMPLETED");

  ProcessOutput late = Weft({"resume", id});
  EXPECT_EQ(late.exit_code, 1);
  EXPECT_EQ(late.err, "weft: error: cannot resume execution " + id + ": it is COMPLETED\n");
}

TEST_F(CliControlTest, ListFiltersPausedExecutions) {
  std::string id = DeployAndStart("approve", kApprove);
  ASSERT_EQ(Weft({"pause", id}).exit_code, 0);
  EXPECT_THAT(Weft({"list", "--status", "paused"}).out, HasSubstr(id));
  EXPECT_THAT(Weft({"list", "--status", "running"}).out, Not(HasSubstr(id)));
}

// --- retry and restart --------------------------------------------------------------------------

// `prepare` counts its runs in a file; `flaky` fails until a marker file exists.
class CliRetryTest : public CliControlTest {
 protected:
  void SetUp() override {
    counter_ = dir_.Sub("prepare_runs");
    marker_ = dir_.Sub("fixed");
    prepare_ = "prepare=echo run >> " + counter_ + "; echo '\"ready\"'";
    flaky_ = "flaky=if [ -f " + marker_ +
             " ]; then echo '\"shipped\"'; else echo 'carrier is down' >&2; exit 1; fi";
    file_ = dir_.Write("order.wf",
                       "task prepare\n"
                       "task flaky\n"
                       "workflow order() {\n"
                       "  let a = prepare()\n"
                       "  let b = flaky(after: a)\n"
                       "  return [a, b]\n"
                       "}\n");
  }
  int PrepareRuns() {
    std::ifstream in(counter_);
    int lines = 0;
    for (std::string line; std::getline(in, line);) ++lines;
    return lines;
  }
  // Runs the workflow until it fails; returns its id (from the error message).
  std::string RunUntilItFails() {
    ProcessOutput r = Weft({"run", file_, "--worker", prepare_, "--worker", flaky_});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_THAT(r.err, HasSubstr("carrier is down"));
    std::smatch m;
    EXPECT_TRUE(std::regex_search(r.err, m, std::regex("execution ([0-9A-Z]{26}) failed")))
        << r.err;
    return m.size() > 1 ? m[1].str() : "";
  }

  std::string counter_, marker_, prepare_, flaky_, file_;
};

TEST_F(CliRetryTest, RetryContinuesFromTheFailedStep) {
  std::string id = RunUntilItFails();
  EXPECT_EQ(PrepareRuns(), 1);
  EXPECT_THAT(Weft({"status", id}).out,
              AllOf(ContainsRegex("status +FAILED"), HasSubstr("`weft retry " + id + "`")));

  std::ofstream(marker_) << "";  // the carrier is back
  ProcessOutput retried = Weft({"retry", id});
  EXPECT_EQ(retried.exit_code, 0) << retried.err;
  EXPECT_EQ(retried.out, id + " RUNNING\n");
  ProcessOutput worked = Weft({"work", id, "--worker", prepare_, "--worker", flaky_});
  EXPECT_EQ(worked.exit_code, 0) << worked.err;
  EXPECT_EQ(worked.out, R"(["ready","shipped"])" "\n");
  EXPECT_EQ(PrepareRuns(), 1) << "the step before the failure ran again";
  EXPECT_THAT(EventTypes(id), ::testing::Contains("EXECUTION_RETRIED"));

  ProcessOutput again = Weft({"retry", id});
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_EQ(again.err, "weft: error: cannot retry execution " + id + ": it is COMPLETED\n");
}

TEST_F(CliRetryTest, RestartRunsAnEndedExecutionFromTheBeginning) {
  std::string id = RunUntilItFails();
  std::ofstream(marker_) << "";
  ProcessOutput restarted = Weft({"restart", id});
  EXPECT_EQ(restarted.exit_code, 0) << restarted.err;
  EXPECT_EQ(restarted.out, id + " RUNNING\n");
  ProcessOutput worked = Weft({"work", id, "--worker", prepare_, "--worker", flaky_});
  EXPECT_EQ(worked.exit_code, 0) << worked.err;
  EXPECT_EQ(worked.out, R"(["ready","shipped"])" "\n");
  EXPECT_EQ(PrepareRuns(), 2) << "a restart runs every step again";
  EXPECT_THAT(Weft({"history", id}).out,
              ContainsRegex("EXECUTION_RESTARTED +- +from the beginning on version 1"));
}

TEST_F(CliControlTest, RestartOfACompletedExecutionKeepsItsId) {
  std::string id = DeployAndStart("approve", kApprove);
  ASSERT_EQ(Weft({"signal", id, "approved", "--data", "1"}).exit_code, 0);
  ProcessOutput running = Weft({"restart", id});
  EXPECT_EQ(running.out, id + " RUNNING\n");
  ProcessOutput busy = Weft({"restart", id});
  EXPECT_EQ(busy.exit_code, 1);
  EXPECT_EQ(busy.err, "weft: error: cannot restart execution " + id + ": it is RUNNING\n");
  EXPECT_EQ(Weft({"signal", id, "approved", "--data", "2"}).out, id + " COMPLETED\n");
  EXPECT_EQ(Output(id), "2");
  std::vector<std::string> types = EventTypes(id);
  EXPECT_EQ(std::count(types.begin(), types.end(), "EXECUTION_COMPLETED"), 2);
  EXPECT_EQ(std::count(types.begin(), types.end(), "EXECUTION_RESTARTED"), 1);
}

TEST_F(CliControlTest, ControlCommandsRefuseUnknownIds) {
  DeployAndStart("approve", kApprove);
  for (const char* command : {"terminate", "pause", "resume", "retry", "restart"}) {
    ProcessOutput r = Weft({command, kUnknownId});
    EXPECT_EQ(r.exit_code, 1) << command;
    EXPECT_EQ(r.err, std::string("weft: error: no execution `") + kUnknownId + "`\n") << command;
    EXPECT_THAT(r.out, IsEmpty()) << command;
  }
  EXPECT_EQ(Weft({"work", kUnknownId}).exit_code, 1);
}

// --- run: virtual time and signals ----------------------------------------------------------------

TEST_F(CliControlTest, RunWithVirtualTimeSkipsALongSleep) {
  std::string file = dir_.Write("nap.wf", "workflow nap() {\n  sleep 30d\n  return \"rested\"\n}\n");
  auto start = std::chrono::steady_clock::now();
  ProcessOutput r = Weft({"run", file, "--virtual-time"});
  auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "\"rested\"\n");
  EXPECT_LT(elapsed, std::chrono::seconds(3));
  // On the real clock the same run is still sleeping when its timeout comes.
  ProcessOutput real = Weft({"run", file, "--timeout", "300ms"});
  EXPECT_EQ(real.exit_code, 1);
  EXPECT_THAT(real.err, HasSubstr("did not end within 300ms"));
}

constexpr char kHumanTask[] =
    "workflow review() {\n"
    "  sleep 1h\n"
    "  let verdict = await signal(\"approved\", timeout: 2d)\n"
    "  return verdict\n"
    "}\n";

TEST_F(CliControlTest, RunDeliversSignalsAfterTheStart) {
  std::string file = dir_.Write("review.wf", kHumanTask);
  ProcessOutput r = Weft({"run", file, "--virtual-time", "--signal", R"(approved={"by": "ann"})"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, R"({"by":"ann"})" "\n");
  // Without the signal, the wait times out after two (virtual) days.
  ProcessOutput timed_out = Weft({"run", file, "--virtual-time"});
  EXPECT_EQ(timed_out.exit_code, 1);
  EXPECT_THAT(timed_out.err, HasSubstr("signal `approved` did not arrive in time"));
}

TEST_F(CliControlTest, RunRefusesBadSignalSpecs) {
  std::string file = dir_.Write("review.wf", kHumanTask);
  ProcessOutput no_eq = Weft({"run", file, "--signal", "approved"});
  EXPECT_EQ(no_eq.exit_code, 1);
  EXPECT_THAT(no_eq.err, HasSubstr("bad --signal `approved`: expected NAME=JSON"));
  ProcessOutput bad_json = Weft({"run", file, "--signal", "approved={"});
  EXPECT_EQ(bad_json.exit_code, 1);
  EXPECT_THAT(bad_json.err, HasSubstr("--signal approved: invalid JSON"));
}

// --- work ---------------------------------------------------------------------------------------

TEST_F(CliControlTest, WorkRunsTheTasksOfAStartedExecution) {
  EXPECT_EQ(Weft({"deploy", "examples/shipping.wf"}).exit_code, 0);
  ProcessOutput started =
      Weft({"start", "shipping", "--input", R"({"order_id":"o-1","vendor":"ups"})"});
  std::string id = started.out.substr(0, started.out.find('\n'));
  ProcessOutput r = Weft({"work", id, "--worker", "shipping_info=examples/workers/shipping_info.sh",
                          "--worker", "ship_ups=examples/workers/ship_ups.sh"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, R"({"tracking":"UPS-2336844139","vendor":"ups"})" "\n");
}

TEST_F(CliControlTest, WorkWarnsAboutTasksNobodyServesAndTimesOut) {
  std::string id = DeployAndStart("one", "task slow\nworkflow one() { return slow() }\n");
  ProcessOutput r = Weft({"work", id, "--timeout", "200ms"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, AllOf(HasSubstr("waits on task `slow` and no --worker serves it"),
                           HasSubstr("did not end within 200ms")));
  // Without IDs it serves until its timeout and exits 0.
  EXPECT_EQ(Weft({"work", "--timeout", "200ms"}).exit_code, 0);
}

TEST_F(CliControlTest, HelpDescribesTheNewCommands) {
  ProcessOutput top = Weft({"--help"});
  for (const char* command :
       {"work", "signal", "terminate", "pause", "resume", "retry", "restart"}) {
    EXPECT_THAT(top.out, HasSubstr(command));
    ProcessOutput r = Weft({command, "--help"});
    EXPECT_EQ(r.exit_code, 0) << command;
    EXPECT_THAT(r.out, HasSubstr("Usage:")) << command;
  }
  EXPECT_THAT(Weft({"run", "--help"}).out, AllOf(HasSubstr("--virtual-time"), HasSubstr("--signal")));
}

// `weft start --correlation/--priority/--idempotency-key` store the options (`weft status`
// shows them); `weft list --workflow --status --correlation` finds executions through the
// search indexes.
TEST_F(CliControlTest, StartOptionsAndListFilters) {
  const std::string first = DeployAndStart("approve", kApprove);
  ProcessOutput started = Weft({"start", "approve", "--correlation", "order-9", "--priority",
                                "4", "--idempotency-key", "k9"});
  ASSERT_EQ(started.exit_code, 0) << started.err;
  const std::string id = started.out.substr(0, 26);
  Value status = StatusJson(id);
  ASSERT_TRUE(status.is_object());
  EXPECT_EQ(status.as_object().Find("correlation_id")->as_string(), "order-9");
  EXPECT_EQ(status.as_object().Find("priority")->as_int(), 4);
  EXPECT_EQ(status.as_object().Find("idempotency_key")->as_string(), "k9");
  ProcessOutput again = Weft({"start", "approve", "--idempotency-key", "k9"});
  EXPECT_NE(again.exit_code, 0);
  EXPECT_THAT(again.err, HasSubstr(id));
  ProcessOutput existing = Weft({"start", "approve", "--idempotency-key", "k9",
                                 "--idempotency-strategy", "RETURN_EXISTING"});
  ASSERT_EQ(existing.exit_code, 0) << existing.err;
  EXPECT_EQ(existing.out.substr(0, 26), id);
  ProcessOutput by_corr = Weft({"list", "--correlation", "order-9"});
  ASSERT_EQ(by_corr.exit_code, 0) << by_corr.err;
  EXPECT_THAT(by_corr.out, HasSubstr(id));
  EXPECT_THAT(by_corr.out, Not(HasSubstr(first)));
  ProcessOutput by_type = Weft({"list", "--workflow", "approve", "--status", "running"});
  ASSERT_EQ(by_type.exit_code, 0) << by_type.err;
  EXPECT_THAT(by_type.out, AllOf(HasSubstr(id), HasSubstr(first)));
  ProcessOutput none = Weft({"list", "--workflow", "other"});
  ASSERT_EQ(none.exit_code, 0) << none.err;
  EXPECT_THAT(none.out, Not(HasSubstr(id)));
}

}  // namespace
}  // namespace weft
