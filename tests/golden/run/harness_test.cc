// The run-golden harness itself (harness.h, script.h): each directive and each kind of event,
// on small inline workflows run on the real engine, so that a golden's transcript can be
// trusted.
#include "tests/golden/run/harness.h"

#include <string>

#include "gtest/gtest.h"
#include "compiler/compiler.h"
#include "tests/golden/run/script.h"

namespace weft::golden {
namespace {

// The transcript of the first workflow in `source` (or the one named `top`), run on the engine.
std::string Play(const std::string& source, const std::string& top = "") {
  absl::StatusOr<Script> script = ParseScript(source);
  if (!script.ok()) return std::string(script.status().message());
  compiler::CompileOutput compiled = compiler::Compile("t.wf", source);
  if (!compiled.ok()) return diag::RenderAll(compiled.diagnostics, "t.wf", source);
  for (const bytecode::Program& p : compiled.workflows) {
    if (top.empty() || p.workflow_name == top) {
      return RunOnEngine("t.wf", source, p.workflow_name, *script, script->inputs.at(0));
    }
  }
  return "no such workflow";
}

TEST(Script, ParsesEveryDirective) {
  absl::StatusOr<Script> s = ParseScript(
      "//! input: {\"a\": 1}\n//! run: main\n//! task t => 5\n//! task t !> \"no\"\n"
      "//! signal go => {\"by\": \"ann\"}\n//! now: 1000\nworkflow main() {}\n");
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->inputs.size(), 1u);
  EXPECT_EQ(s->run, std::vector<std::string>{"main"});
  EXPECT_EQ(s->results["t"].size(), 2u);
  EXPECT_FALSE(s->results["t"][1].ok);
  ASSERT_EQ(s->signals.size(), 1u);
  EXPECT_EQ(s->signals[0].first, "go");
  EXPECT_EQ(s->signals[0].second.ToJson(), R"({"by":"ann"})");
  EXPECT_EQ(s->now_ms, 1000);
  EXPECT_FALSE(ParseScript("//! signal go {}\n").ok());
  EXPECT_FALSE(ParseScript("//! bogus\n").ok());
}

TEST(Harness, TasksOfParallelBranchesAreAnsweredInRequestOrder) {
  EXPECT_EQ(Play(R"(//! task a => 1
//! task b => 2
task a, b
workflow w() {
    var x = 0
    var y = 0
    parallel {
        x = a(n: 1)
        y = b(n: 2)
    }
    return [x, y]
}
)"),
            "task a {\"n\":1}\n  => 1\ntask b {\"n\":2}\n  => 2\nCOMPLETED [1,2]\n");
}

TEST(Harness, AFailingBranchShowsTheCancelledSiblings) {
  EXPECT_EQ(Play(R"(//! task a !> "down"
//! task b => 2
task a, b
workflow w() {
    try {
        parallel {
            a()
            b()
            sleep 10s
        }
    } catch e {
        return e.code
    }
    return "no"
}
)"),
            "task a {}\n  !> down\ncancel task b {}\ncancel timer at 10000\n"
            "COMPLETED \"TASK_FAILED\"\n");
}

TEST(Harness, TimersFireInDueOrderOnTheVirtualClock) {
  EXPECT_EQ(Play(R"(//! now: 1000
workflow w() {
    let r = parallel for d in [3000, 1000, 2000] {
        sleep d
        yield now()
    }
    sleep until 10000
    return [r, now()]
}
)"),
            "timer fires at 2000\ntimer fires at 3000\ntimer fires at 4000\n"
            "timer fires at 10000\nCOMPLETED [[4000,2000,3000],10000]\n");
}

TEST(Harness, SignalsAreDeliveredWhenTheExecutionWaits) {
  // The first signal arrives while `step` runs (buffered), the second while it awaits.
  EXPECT_EQ(Play(R"(//! task step => "s"
//! signal go => 1
//! signal go => 2
task step
workflow w() {
    step()
    let a = await signal("go")
    let b = await signal("go")
    return [a, b]
}
)"),
            "signal go 1\nsignal go 2\ntask step {}\n  => \"s\"\nCOMPLETED [1,2]\n");
}

TEST(Harness, ASignalTimeoutFiresWhenNoSignalCame) {
  EXPECT_EQ(Play(R"(workflow w() {
    try {
        return await signal("approved", timeout: 2d)
    } catch e {
        return [e.code, e.message, now()]
    }
}
)"),
            "signal approved times out at 172800000\n"
            "COMPLETED [\"TIMEOUT\",\"signal `approved` did not arrive in time\",172800000]\n");
}

TEST(Harness, AWorkflowThatCanNeverEndIsShownWaiting) {
  EXPECT_EQ(Play("workflow w() {\n    return await signal(\"never\")\n}\n"), "WAITING\n");
}

TEST(Harness, TheScriptedSignalsArriveBeforeTheFirstTimer) {
  // The clock is held while they are sent, so the buffered signal is there after the sleep.
  EXPECT_EQ(Play(R"(//! signal go => 1
workflow w() {
    sleep 1h
    return await signal("go", timeout: 0)
}
)"),
            "signal go 1\ntimer fires at 3600000\nCOMPLETED 1\n");
}

TEST(Harness, ATaskWithoutAScriptedResultStopsTheRun) {
  EXPECT_EQ(Play("task t\nworkflow w() {\n    return t()\n}\n"),
            "WAITING\nscript has no result for task t\n");
}

TEST(Harness, ChildWorkflowsRunOnTheEngine) {
  EXPECT_EQ(Play(R"(//! task charge => {"ok": true}
task charge
workflow main(id: string = "o1") {
    let bill = billing(order_id: id)
    let other = start billing(order_id: "o2")
    return [bill, other]
}
workflow billing(order_id: string) {
    return charge(order: order_id)
}
)",
                "main"),
            "child billing@1 {\"order_id\":\"o1\"} -> exec-2\n"
            "[exec-2 billing] task charge {\"order\":\"o1\"}\n"
            "[exec-2 billing]   => {\"ok\":true}\n"
            "[exec-2 billing] COMPLETED {\"ok\":true}\n"
            "start billing@1 {\"order_id\":\"o2\"} -> exec-3\n"
            "COMPLETED [{\"ok\":true},\"exec-3\"]\n"
            "[exec-3 billing] task charge {\"order\":\"o2\"}\n"
            "[exec-3 billing]   => {\"ok\":true}\n"
            "[exec-3 billing] COMPLETED {\"ok\":true}\n");
}

TEST(Harness, AChildFailureIsCatchableInTheParent) {
  EXPECT_EQ(Play(R"(workflow main() {
    try {
        billing(n: 1)
    } catch e {
        return [e.code, e.message, e.child_id]
    }
    return "no"
}
workflow billing(n: int) {
    fail "no money"
}
)",
                "main"),
            "child billing@1 {\"n\":1} -> exec-2\n"
            "[exec-2 billing] FAILED {\"code\":\"WORKFLOW_FAILED\",\"message\":\"no money\","
            "\"line\":10,\"column\":5}\n"
            "COMPLETED [\"CHILD_FAILED\",\"child workflow `billing` failed: no money\",\"exec-2\"]\n");
}

TEST(Harness, CompensationsRunAsUndoLines) {
  EXPECT_EQ(Play(R"(//! task ship => "s1"
//! task cancel_shipment => "c"
//! task notify !> "down"
task ship, cancel_shipment, notify
workflow w() {
    ship(o: 1) compensate cancel_shipment(o: 1)
    notify()
    return "done"
}
)"),
            "task ship {\"o\":1}\n  => \"s1\"\ntask notify {}\n  !> down\n"
            "undo cancel_shipment {\"o\":1}\n  => \"c\"\n"
            "FAILED {\"code\":\"TASK_FAILED\",\"message\":\"task `notify` failed: down\","
            "\"task\":\"notify\",\"task_id\":\"task-2\",\"attempt\":1,\"details\":null,"
            "\"line\":7,\"column\":5,\"compensations\":[{\"task\":\"cancel_shipment\",\"ok\":true,"
            "\"output\":\"c\"}]}\n");
}

TEST(Harness, TheWorkflowDeadlineAbortsTheExecution) {
  EXPECT_EQ(Play(R"(workflow w() with { timeout: 1m } {
    sleep 1h
    return "late"
}
)"),
            "deadline at 60000\ncancel timer at 3600000\n"
            "FAILED {\"code\":\"TIMEOUT\",\"message\":\"the execution did not finish within its "
            "timeout of 60000 ms\"}\n");
}

TEST(Harness, TheEngineAppliesTheCallSitePolicy) {
  EXPECT_EQ(Play(R"(//! task charge !> "busy"
//! task charge => 1
task charge
workflow w() {
    return charge(n: 1) with { retries: 1, delay: 3s }
}
)"),
            "task charge {\"n\":1}\n  !> busy\n  retry in 3000 ms\n"
            "task charge {\"n\":1} (attempt 2)\n  => 1\nCOMPLETED 1\n");
}

TEST(Harness, AFailureWorkflowFollowsTheFailedExecution) {
  EXPECT_EQ(Play(R"(workflow w() with { on_failure: "alert" } {
    fail "down"
}
workflow alert(execution_id: string, reason: string) {
    return [execution_id, reason]
}
)",
                 "w"),
            "FAILED {\"code\":\"WORKFLOW_FAILED\",\"message\":\"down\",\"line\":2,\"column\":5}\n"
            "on_failure alert@1 {\"execution_id\":\"exec-1\",\"reason\":\"down\"} -> exec-2\n"
            "[exec-2 alert] COMPLETED [\"exec-1\",\"down\"]\n");
}

}  // namespace
}  // namespace weft::golden
