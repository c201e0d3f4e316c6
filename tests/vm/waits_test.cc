// Waits on the outside world: timers (SLEEP, SLEEP_UNTIL), signals (AWAIT_SIGNAL with the
// mailbox, DeliverSignal and timeouts) and child workflows (CALL_WORKFLOW, START_WORKFLOW).
#include <cstdint>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/vm/fiber_programs.h"

namespace weft::vm {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using namespace testing;  // NOLINT: the test helpers

RunContext At(int64_t now_ms) {
  RunContext ctx;
  ctx.now_ms = now_ms;
  return ctx;
}

// `sleep d` (or `sleep until d` with SLEEP_UNTIL), then return "woke".
Program SleepProgram(Op op, Value d) {
  Assembler a;
  a.Emit(Op::CONST, a.Const(std::move(d))).At(2, 3).Emit(op);
  a.Emit(Op::CONST, a.Const(Str("woke"))).Emit(Op::RETURN);
  return a.Build(0, 1);
}

TEST(Sleep, ZeroContinuesAtOnce) {
  RunResult r = RunFresh(SleepProgram(Op::SLEEP, Int(0)), {}, At(5000));
  EXPECT_EQ(r.status, RunStatus::kCompleted);
  EXPECT_TRUE(r.requests.empty());
}

TEST(Sleep, APositiveDurationAsksForATimerDueAtNowPlusIt) {
  const Program p = SleepProgram(Op::SLEEP, Int(1500));
  ExecState s = NewExecState(p, {}, 1);
  RunResult r = Start(p, s, At(5000));
  ASSERT_EQ(r.status, RunStatus::kWaiting);
  EXPECT_THAT(Describe(p, r.requests), ElementsAre("timer#1 @6500"));
  EXPECT_EQ(s.fibers.at(1).wait, WaitKind::kTimer);
  EXPECT_TRUE(s.fibers.at(1).stack.empty());  // a timer pushes nothing when it fires
  EXPECT_TRUE(CheckStateFits(p, s).ok()) << CheckStateFits(p, s);
  r = Resume(p, s, 1, Ok(), At(6500));
  EXPECT_EQ(r.status, RunStatus::kCompleted);
  EXPECT_EQ(r.output.ToJson(), "\"woke\"");
}

TEST(Sleep, BadDurationsAreRuntimeErrors) {
  EXPECT_THAT(ErrorField(RunFresh(SleepProgram(Op::SLEEP, Int(-1))), "message"),
              HasSubstr("`sleep` needs a duration (an int of ms >= 0), got -1"));
  EXPECT_THAT(ErrorField(RunFresh(SleepProgram(Op::SLEEP, Str("1s"))), "message"),
              HasSubstr("got string"));
  EXPECT_THAT(ErrorField(RunFresh(SleepProgram(Op::SLEEP, Int(INT64_MAX)), {}, At(10)), "message"),
              HasSubstr("too long"));
}

TEST(SleepUntil, APastTimeContinuesAtOnce) {
  EXPECT_EQ(RunFresh(SleepProgram(Op::SLEEP_UNTIL, Int(4000)), {}, At(5000)).status,
            RunStatus::kCompleted);
  EXPECT_EQ(RunFresh(SleepProgram(Op::SLEEP_UNTIL, Int(5000)), {}, At(5000)).status,
            RunStatus::kCompleted);
}

TEST(SleepUntil, AnIntIsMillisecondsSinceTheEpoch) {
  const Program p = SleepProgram(Op::SLEEP_UNTIL, Int(9000));
  ExecState s = NewExecState(p, {}, 1);
  EXPECT_THAT(Describe(p, Start(p, s, At(5000)).requests), ElementsAre("timer#1 @9000"));
}

TEST(SleepUntil, AnRfc3339String) {
  const Program p = SleepProgram(Op::SLEEP_UNTIL, Str("2026-01-31T09:00:00Z"));
  ExecState s = NewExecState(p, {}, 1);
  EXPECT_THAT(Describe(p, Start(p, s, At(5000)).requests), ElementsAre("timer#1 @1769850000000"));
  const Program q = SleepProgram(Op::SLEEP_UNTIL, Str("2026-01-31T10:00:00.250+01:00"));
  ExecState t = NewExecState(q, {}, 1);
  EXPECT_THAT(Describe(q, Start(q, t, At(5000)).requests), ElementsAre("timer#1 @1769850000250"));
}

TEST(SleepUntil, BadTimesAreRuntimeErrors) {
  EXPECT_THAT(ErrorField(RunFresh(SleepProgram(Op::SLEEP_UNTIL, Str("tomorrow"))), "message"),
              HasSubstr("needs an RFC 3339 time such as"));
  EXPECT_THAT(ErrorField(RunFresh(SleepProgram(Op::SLEEP_UNTIL, Bool(true))), "message"),
              HasSubstr("got bool"));
}

TEST(Signals, BufferedSignalsAreConsumedInOrder) {
  const Program p = SignalsProgram();
  ExecState s = NewExecState(p, {Value()}, 1);
  // Delivered before the execution ever waited: into the mailbox, nothing runs.
  RunResult r = DeliverSignal(p, s, "go", Int(1), {});
  EXPECT_EQ(r.status, RunStatus::kWaiting);
  EXPECT_TRUE(r.requests.empty());
  DeliverSignal(p, s, "other", Int(9), {});
  DeliverSignal(p, s, "go", Int(2), {});
  DeliverSignal(p, s, "go", Int(3), {});
  EXPECT_EQ(s.mailbox.size(), 4u);
  r = Start(p, s, {});
  ASSERT_EQ(r.status, RunStatus::kCompleted) << r.error.ToJson();
  EXPECT_EQ(r.output.ToJson(), "[1,2]");
  ASSERT_EQ(s.mailbox.size(), 2u);  // "other" and the third "go" stay buffered
  EXPECT_EQ(s.mailbox[0].ToJson(), R"({"name":"other","payload":9})");
  EXPECT_EQ(s.mailbox[1].ToJson(), R"({"name":"go","payload":3})");
}

TEST(Signals, AWaitingFiberIsResumedByDeliverSignal) {
  const Program p = SignalsProgram();
  ExecState s = NewExecState(p, {Value()}, 1);
  RunResult r = Start(p, s, At(100));
  EXPECT_THAT(Describe(p, r.requests), ElementsAre("signal#1 go @0"));
  EXPECT_TRUE(CheckStateFits(p, s).ok()) << CheckStateFits(p, s);
  r = DeliverSignal(p, s, "nope", Int(0), {});  // another name: buffered
  EXPECT_TRUE(r.requests.empty());
  r = DeliverSignal(p, s, "go", Str("a"), {});
  EXPECT_THAT(Describe(p, r.requests), ElementsAre("signal#2 go @0"));
  r = DeliverSignal(p, s, "go", Str("b"), {});
  ASSERT_EQ(r.status, RunStatus::kCompleted);
  EXPECT_EQ(r.output.ToJson(), R"(["a","b"])");
}

TEST(Signals, TheOldestWaiterGetsTheSignal) {
  // parallel { await signal("go")  await signal("go") }: the first branch to wait wins.
  Assembler a;
  auto l1 = a.NewLabel(), l2 = a.NewLabel();
  a.Jump(Op::FORK, l1, 0).Jump(Op::FORK, l2, 0).Emit(Op::JOIN).Emit(Op::RETURN);
  const uint32_t k_go = a.Const(Str("go"));
  for (auto l : {l1, l2}) {
    a.Bind(l).Emit(Op::CONST, k_go).Emit(Op::PUSH_NULL).Emit(Op::AWAIT_SIGNAL);
    a.Emit(Op::BRANCH_END);
  }
  const Program p = a.Build(0, 2);
  ExecState s = NewExecState(p, {}, 1);
  RunResult r = Start(p, s, {});
  EXPECT_THAT(Describe(p, r.requests), ElementsAre("signal#1 go @0", "signal#2 go @0"));
  // Each delivery says which wait it ended, so the engine drops that wait's record.
  EXPECT_EQ(DeliverSignal(p, s, "go", Int(1), {}).closed_wait, 1u);
  r = DeliverSignal(p, s, "go", Int(2), {});
  EXPECT_EQ(r.closed_wait, 2u);
  ASSERT_EQ(r.status, RunStatus::kCompleted);
  EXPECT_EQ(r.output.ToJson(), "[1,2]");
}

TEST(Signals, ASignalIntoTheMailboxClosesNoWait) {
  const Program p = SignalsProgram();
  ExecState s = NewExecState(p, {Value()}, 1);
  Start(p, s, At(100));
  EXPECT_EQ(DeliverSignal(p, s, "nope", Int(0), {}).closed_wait, 0u);
  EXPECT_EQ(DeliverSignal(p, s, "go", Int(0), {}).closed_wait, 1u);
}

TEST(Signals, ZeroTimeoutRaisesTimeoutWhenNothingIsBuffered) {
  const Program p = SignalsProgram();
  RunResult r = RunFresh(p, {Int(0)});
  ASSERT_EQ(r.status, RunStatus::kFailed);
  EXPECT_EQ(r.error.ToJson(),
            R"({"code":"TIMEOUT","message":"no signal `go` was waiting","line":3,"column":11})");
  ExecState s = NewExecState(p, {Int(0)}, 1);
  DeliverSignal(p, s, "go", Str("ready"), {});
  r = Start(p, s, {});
  EXPECT_EQ(r.status, RunStatus::kWaiting);  // the first await found it, the second waits
  EXPECT_THAT(Describe(p, r.requests), ElementsAre("signal#1 go @0"));
}

TEST(Signals, APositiveTimeoutAsksForADueTimeAndItsTimeoutIsCatchable) {
  const Program p = SignalsProgram();
  ExecState s = NewExecState(p, {Int(2000)}, 1);
  RunResult r = Start(p, s, At(500));
  EXPECT_THAT(Describe(p, r.requests), ElementsAre("signal#1 go @2500"));
  r = Resume(p, s, 1, Outcome{false, Obj({{"code", Str("TIMEOUT")}, {"message", Str("late")}})},
             At(2500));
  ASSERT_EQ(r.status, RunStatus::kFailed);
  EXPECT_EQ(r.error.ToJson(), R"({"code":"TIMEOUT","message":"late","line":3,"column":11})");
}

TEST(Signals, BadNamesAndTimeoutsAreRuntimeErrors) {
  EXPECT_THAT(ErrorField(RunFresh(SignalsProgram(), {Int(-5)}), "message"),
              HasSubstr("a signal timeout must be a duration"));
  EXPECT_THAT(ErrorField(RunFresh(SignalsProgram(), {Str("1s")}), "message"),
              HasSubstr("got string"));
  Assembler a;
  a.Emit(Op::CONST, a.Const(Str(""))).Emit(Op::PUSH_NULL).Emit(Op::AWAIT_SIGNAL).Emit(Op::RETURN);
  EXPECT_THAT(ErrorField(RunFresh(a.Build(0, 2)), "message"),
              HasSubstr("a signal name must be a non-empty string"));
}

TEST(Signals, AfterTheEndTheyAreIgnored) {
  const Program p = SignalsProgram();
  ExecState s = NewExecState(p, {Int(0)}, 1);
  ASSERT_EQ(Start(p, s, {}).status, RunStatus::kFailed);
  EXPECT_TRUE(DeliverSignal(p, s, "go", Int(1), {}).ignored);
  EXPECT_TRUE(s.mailbox.empty());
}

TEST(Children, CallAndStartAskTheEngine) {
  const Program p = ChildrenProgram();
  ASSERT_TRUE(bytecode::VerifyProgram(p).ok()) << bytecode::VerifyProgram(p);
  ExecState s = NewExecState(p, {}, 1);
  RunResult r = Start(p, s, {});
  EXPECT_THAT(Describe(p, r.requests), ElementsAre(R"(child#1 billing@3 {"id":5})"));
  EXPECT_EQ(s.fibers.at(1).wait, WaitKind::kChild);
  r = Resume(p, s, 1, Ok(Obj({{"total", Int(12)}})), {});
  EXPECT_THAT(Describe(p, r.requests), ElementsAre(R"(start#2 audit@0 {"id":6})"));
  EXPECT_EQ(s.fibers.at(1).wait, WaitKind::kStartChild);
  EXPECT_TRUE(CheckStateFits(p, s).ok()) << CheckStateFits(p, s);
  r = Resume(p, s, 2, Ok(Str("exec-9")), {});
  ASSERT_EQ(r.status, RunStatus::kCompleted);
  EXPECT_EQ(r.output.ToJson(), R"([{"total":12},"exec-9"])");
}

TEST(Children, AChildFailureIsRaisedInTheParent) {
  const Program p = ChildrenProgram();
  ExecState s = NewExecState(p, {}, 1);
  Start(p, s, {});
  RunResult r = Resume(
      p, s, 1,
      Outcome{false, Obj({{"code", Str("CHILD_FAILED")}, {"message", Str("billing failed")},
                          {"details", Obj({{"code", Str("TASK_FAILED")}})}})},
      {});
  ASSERT_EQ(r.status, RunStatus::kFailed);
  EXPECT_EQ(r.error.ToJson(),
            R"({"code":"CHILD_FAILED","message":"billing failed",)"
            R"("details":{"code":"TASK_FAILED"},"line":2,"column":11})");
}

TEST(Children, TheInputMustBeAnObject) {
  Assembler a;
  a.Emit(Op::CONST, a.Const(Int(1))).Emit(Op::CALL_WORKFLOW, a.Const(Str("w")), 0);
  a.Emit(Op::RETURN);
  EXPECT_EQ(ErrorField(RunFresh(a.Build(0, 1)), "message"),
            "\"workflow input must be an object, got int\"");
}

TEST(CallTaskWith, ThePolicyGoesWithTheRequest) {
  const Program p = EveryWaitProgram();
  ExecState s = NewExecState(p, {}, 1);
  RunResult r = Start(p, s, At(100));
  EXPECT_THAT(Describe(p, r.requests),
              ElementsAre(R"(task#1 charge {"n":1} with {"retries":3})", "timer#2 @600",
                          "signal#3 go @1000", R"(child#4 billing@0 {"n":1})",
                          R"(start#5 audit@0 {"n":2})"));
}

}  // namespace
}  // namespace weft::vm
