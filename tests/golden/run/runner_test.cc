// The run-golden runner itself (runner.h, script.h): each directive and each kind of request,
// on small inline workflows, so that a golden's transcript can be trusted.
#include "tests/golden/run/runner.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "compiler/compiler.h"
#include "tests/golden/run/script.h"

namespace weft::golden {
namespace {

// The transcript of the first workflow in `source` (or the one named `top`).
std::string Play(const std::string& source, const std::string& top = "") {
  absl::StatusOr<Script> script = ParseScript(source);
  if (!script.ok()) return std::string(script.status().message());
  compiler::CompileOutput compiled = compiler::Compile("t.wf", source);
  if (!compiled.ok()) return diag::RenderAll(compiled.diagnostics, "t.wf", source);
  for (const bytecode::Program& p : compiled.workflows) {
    if (top.empty() || p.workflow_name == top) {
      return RunWorkflow(compiled.workflows, p, *script, script->inputs.at(0));
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

TEST(Runner, TasksOfParallelBranchesAreAnsweredInRequestOrder) {
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

TEST(Runner, AFailingBranchShowsTheCancelledSiblings) {
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

TEST(Runner, TimersFireInDueOrderOnTheVirtualClock) {
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

TEST(Runner, SignalsAreDeliveredWhenTheExecutionWaits) {
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

TEST(Runner, ASignalTimeoutFiresWhenNoSignalCame) {
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

TEST(Runner, AWorkflowThatWaitsForeverSaysOnWhat) {
  EXPECT_EQ(Play("workflow w() {\n    return await signal(\"never\")\n}\n"),
            "WAITING forever on signal never\n");
}

TEST(Runner, ChildWorkflowsRunInProcess) {
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
            "child billing@0 {\"order_id\":\"o1\"} -> exec-2\n"
            "[exec-2 billing] task charge {\"order\":\"o1\"}\n"
            "[exec-2 billing]   => {\"ok\":true}\n"
            "[exec-2 billing] COMPLETED {\"ok\":true}\n"
            "start billing@0 {\"order_id\":\"o2\"} -> exec-3\n"
            "COMPLETED [{\"ok\":true},\"exec-3\"]\n"
            "[exec-3 billing] task charge {\"order\":\"o2\"}\n"
            "[exec-3 billing]   => {\"ok\":true}\n"
            "[exec-3 billing] COMPLETED {\"ok\":true}\n");
}

TEST(Runner, AChildFailureIsCatchableInTheParent) {
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
            "child billing@0 {\"n\":1} -> exec-2\n"
            "[exec-2 billing] FAILED {\"code\":\"WORKFLOW_FAILED\",\"message\":\"no money\","
            "\"line\":10,\"column\":5}\n"
            "COMPLETED [\"CHILD_FAILED\",\"child workflow `billing` failed: no money\",\"exec-2\"]\n");
}

TEST(Runner, CompensationsRunAsUndoLines) {
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

TEST(Runner, TheWorkflowDeadlineAbortsTheExecution) {
  EXPECT_EQ(Play(R"(workflow w() with { timeout: 1m } {
    sleep 1h
    return "late"
}
)"),
            "deadline at 60000\ncancel timer at 3600000\n"
            "FAILED {\"code\":\"TIMEOUT\",\"message\":\"the execution did not finish within its "
            "timeout of 60000 ms\"}\n");
}

TEST(Runner, ACallSitePolicyIsShown) {
  EXPECT_THAT(Play(R"(//! task charge => 1
task charge
workflow w() {
    return charge(n: 1) with { retries: 5 }
}
)"),
              ::testing::StartsWith("task charge {\"n\":1} with {\"retries\":5}\n"));
}

}  // namespace
}  // namespace weft::golden
