// Failure handling: try/catch (nesting, the depth a catch resumes at, re-throw), compensation,
// and execution control from outside (Abort, CancelAll, OpenRequests, stale wait ids).
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

TEST(Try, NestedCatchReThrowsTheErrorUnchangedToTheOuterOne) {
  const Program p = NestedTryProgram();
  ASSERT_TRUE(bytecode::VerifyProgram(p).ok()) << bytecode::VerifyProgram(p);
  ExecState s = NewExecState(p, {}, 1);
  RunResult r = Start(p, s, {});
  ASSERT_EQ(r.status, RunStatus::kWaiting);
  ASSERT_EQ(s.fibers.at(1).handlers.size(), 2u);  // both try blocks are open across the wait
  EXPECT_EQ(s.fibers.at(1).handlers[0].stack_depth, 1u);
  EXPECT_EQ(s.fibers.at(1).handlers[1].stack_depth, 2u);
  r = Resume(p, s, 1, Ok(), {});
  ASSERT_EQ(r.status, RunStatus::kCompleted) << r.error.ToJson();
  // "x" was cut from the stack; the error keeps the position of the ADD, not of the `fail`.
  EXPECT_EQ(r.output.ToJson(),
            R"(["kept",{"code":"RUNTIME_ERROR","message":"cannot apply `+` to int and string",)"
            R"("line":5,"column":7}])");
}

TEST(Try, ATaskFailureInsideTheInnerTryIsCaughtThere) {
  const Program p = NestedTryProgram();
  ExecState s = NewExecState(p, {}, 1);
  Start(p, s, {});
  RunResult r = Resume(p, s, 1, Outcome{false, MakeTaskFailure("check", "t", 1, "", Value())}, {});
  ASSERT_EQ(r.status, RunStatus::kCompleted) << r.error.ToJson();
  EXPECT_THAT(r.output.ToJson(), HasSubstr(R"(["kept",{"code":"TASK_FAILED")"));
}

TEST(Try, AfterEndTryAnErrorIsNoLongerCaught) {
  Assembler a;
  auto caught = a.NewLabel();
  a.Jump(Op::TRY, caught).Emit(Op::END_TRY);
  a.Emit(Op::CONST, a.Const(Str("late"))).At(4, 1).Emit(Op::FAIL);
  a.Bind(caught).Emit(Op::CONST, a.Const(Str("caught"))).Emit(Op::RETURN);
  const Program p = a.Build(0, 2);
  ASSERT_TRUE(bytecode::VerifyProgram(p).ok()) << bytecode::VerifyProgram(p);
  RunResult r = RunFresh(p);
  EXPECT_EQ(r.status, RunStatus::kFailed);
  EXPECT_EQ(ErrorField(r, "message"), "\"late\"");
}

TEST(Try, ARuntimeErrorIsCaughtWithTheStackCutBack) {
  // try { [1, 2, {}.missing] } catch e { return [e.code, <stack depth at catch>] }
  Assembler a;
  auto caught = a.NewLabel();
  a.Emit(Op::CONST, a.Const(Str("under"))).Jump(Op::TRY, caught);
  a.Emit(Op::CONST, a.Const(Int(1))).Emit(Op::CONST, a.Const(Int(2))).Emit(Op::MAKE_OBJECT, 0);
  a.At(3, 9).Emit(Op::GET_FIELD, a.Const(Str("missing"))).Emit(Op::MAKE_LIST, 3);
  a.Emit(Op::END_TRY).Emit(Op::MAKE_LIST, 2).Emit(Op::RETURN);
  a.Bind(caught).Emit(Op::GET_FIELD, a.Const(Str("code"))).Emit(Op::MAKE_LIST, 2);
  a.Emit(Op::RETURN);
  const Program p = a.Build(0, 4);
  RunResult r = RunFresh(p);
  ASSERT_EQ(r.status, RunStatus::kCompleted) << r.error.ToJson();
  EXPECT_EQ(r.output.ToJson(), R"(["under","RUNTIME_ERROR"])");
}

TEST(Try, FailOfAnErrorObjectReThrowsItUnchanged) {
  const Value error = Obj({{"code", Str("CUSTOM")}, {"message", Str("m")}, {"extra", Int(1)}});
  Assembler a;
  a.Emit(Op::CONST, a.Const(error)).At(3, 3).Emit(Op::FAIL);
  RunResult r = RunFresh(a.Build(0, 1));
  EXPECT_EQ(r.error.ToJson(), R"({"code":"CUSTOM","message":"m","extra":1})");
  // Not an error object (code is not a string): wrapped as WORKFLOW_FAILED details.
  Assembler b;
  b.Emit(Op::CONST, b.Const(Obj({{"code", Int(1)}, {"message", Str("m")}}))).At(3, 3);
  b.Emit(Op::FAIL);
  EXPECT_EQ(ErrorField(RunFresh(b.Build(0, 1)), "code"), "\"WORKFLOW_FAILED\"");
}

TEST(Compensation, UndoesRunNewestFirstThenTheExecutionFails) {
  const Program p = SagaProgram();
  ASSERT_TRUE(bytecode::VerifyProgram(p).ok()) << bytecode::VerifyProgram(p);
  ExecState s = NewExecState(p, {}, 1);
  RunResult r = Start(p, s, {});
  r = Resume(p, s, 1, Ok(Str("shipped")), {});
  r = Resume(p, s, 2, Ok(Str("charged")), {});
  EXPECT_THAT(Describe(p, r.requests), ElementsAre("task#3 notify {}"));
  EXPECT_EQ(s.compensations.size(), 2u);
  r = Resume(p, s, 3, Outcome{false, MakeTaskFailure("notify", "t-3", 1, "down", Value())}, {});
  ASSERT_EQ(r.status, RunStatus::kWaiting);
  EXPECT_THAT(Describe(p, r.requests), ElementsAre(R"(undo#4 refund {"amt":5})"));
  EXPECT_TRUE(r.requests[0].compensation);
  EXPECT_TRUE(s.compensating);
  EXPECT_TRUE(s.fibers.empty());
  EXPECT_TRUE(CheckStateFits(p, s).ok()) << CheckStateFits(p, s);
  // OpenRequests re-issues the running undo.
  EXPECT_THAT(Describe(p, OpenRequests(s)), ElementsAre(R"(undo#4 refund {"amt":5})"));
  EXPECT_TRUE(Resume(p, s, 3, Ok(), {}).ignored);  // not the undo's wait
  EXPECT_TRUE(Abort(p, s, Obj({}), {}).ignored);   // already failing
  r = Resume(p, s, 4, Ok(Str("refunded")), {});
  EXPECT_THAT(Describe(p, r.requests), ElementsAre(R"(undo#5 cancel_shipment {"o":1})"));
  r = Resume(p, s, 5, Outcome{false, Obj({{"code", Str("TASK_FAILED")}, {"message", Str("x")}})},
             {});
  ASSERT_EQ(r.status, RunStatus::kFailed);
  EXPECT_TRUE(r.requests.empty());
  EXPECT_EQ(r.error.ToJson(),
            R"({"code":"TASK_FAILED","message":"task `notify` failed: down","task":"notify",)"
            R"("task_id":"t-3","attempt":1,"details":null,"line":4,"column":3,)"
            R"("compensations":[{"task":"refund","ok":true,"output":"refunded"},)"
            R"({"task":"cancel_shipment","ok":false,"error":{"code":"TASK_FAILED","message":"x"}}]})");
  EXPECT_TRUE(s.ended);
  EXPECT_FALSE(s.compensating);
}

TEST(Compensation, NothingIsUndoneWhenTheWorkflowSucceeds) {
  Simulator sim(SagaProgram());
  RunResult r = sim.Run();
  ASSERT_EQ(r.status, RunStatus::kCompleted);
  EXPECT_EQ(r.output.ToJson(), "\"done\"");
  for (const std::string& line : sim.log) EXPECT_THAT(line, ::testing::Not(HasSubstr("undo")));
}

TEST(Compensation, ACaughtErrorUndoesNothing) {
  // try { ship() compensate cancel(); fail "x" } catch { return "recovered" }
  Assembler a;
  const uint32_t ship = a.Task("ship"), cancel = a.Task("cancel");
  auto caught = a.NewLabel();
  a.Jump(Op::TRY, caught).Emit(Op::MAKE_OBJECT, 0).Emit(Op::CALL_TASK, ship).Emit(Op::POP);
  a.Emit(Op::MAKE_OBJECT, 0).Emit(Op::COMPENSATE, cancel);
  a.Emit(Op::CONST, a.Const(Str("x"))).Emit(Op::FAIL);
  a.Bind(caught).Emit(Op::POP).Emit(Op::CONST, a.Const(Str("recovered"))).Emit(Op::RETURN);
  Simulator sim(a.Build(0, 1));
  RunResult r = sim.Run();
  ASSERT_EQ(r.status, RunStatus::kCompleted) << r.error.ToJson();
  EXPECT_EQ(r.output.ToJson(), "\"recovered\"");
  EXPECT_EQ(sim.log.size(), 1u);
}

TEST(Compensation, AFailureWithNoUndosFailsAtOnce) {
  Simulator sim(SagaProgram());
  sim.task = FailTask("ship");
  RunResult r = sim.Run();
  ASSERT_EQ(r.status, RunStatus::kFailed);
  EXPECT_EQ(ErrorField(r, "compensations"), "");
}

TEST(Compensation, TheInputMustBeAnObject) {
  Assembler a;
  const uint32_t t = a.Task("t");
  a.Emit(Op::CONST, a.Const(Int(1))).Emit(Op::COMPENSATE, t).Emit(Op::PUSH_NULL);
  a.Emit(Op::RETURN);
  EXPECT_EQ(ErrorField(RunFresh(a.Build(0, 1)), "message"),
            "\"compensation input must be an object, got int\"");
}

TEST(Abort, CancelsEveryWaitThenRunsTheUndos) {
  const Program p = EveryWaitProgram();
  ExecState s = NewExecState(p, {}, 1);
  RunResult r = Start(p, s, {});
  ASSERT_EQ(r.requests.size(), 5u);
  s.compensations.push_back(Obj({{"task", Int(0)}, {"input", Obj({{"undo", Bool(true)}})}}));
  r = Abort(p, s, Obj({{"code", Str("TIMEOUT")}, {"message", Str("workflow timed out")}}), {});
  ASSERT_EQ(r.status, RunStatus::kWaiting);
  EXPECT_THAT(Describe(p, r.requests),
              ElementsAre("cancel#1", "cancel#2", "cancel#3", "cancel#4", "cancel#5",
                          R"(undo#6 charge {"undo":true})"));
  r = Resume(p, s, 6, Ok(), {});
  ASSERT_EQ(r.status, RunStatus::kFailed);
  EXPECT_EQ(ErrorField(r, "code"), "\"TIMEOUT\"");
  EXPECT_EQ(ErrorField(r, "compensations"), R"([{"task":"charge","ok":true,"output":null}])");
}

TEST(Abort, WithoutUndosFailsAtOnce) {
  const Program p = ForkJoinProgram();
  ExecState s = NewExecState(p, {Str("p")}, 1);
  Start(p, s, {});
  RunResult r = Abort(p, s, Obj({{"code", Str("TIMEOUT")}, {"message", Str("m")}}), {});
  ASSERT_EQ(r.status, RunStatus::kFailed);
  EXPECT_THAT(Describe(p, r.requests), ElementsAre("cancel#1", "cancel#2"));
  EXPECT_EQ(r.error.ToJson(), R"({"code":"TIMEOUT","message":"m"})");
  EXPECT_TRUE(s.ended);
  EXPECT_TRUE(Abort(p, s, Obj({}), {}).ignored);
}

TEST(CancelAll, CancelsEveryOpenWaitAndEndsTheExecution) {
  const Program p = EveryWaitProgram();
  ExecState s = NewExecState(p, {}, 1);
  Start(p, s, {});
  EXPECT_THAT(Describe(p, CancelAll(s)),
              ElementsAre("cancel#1", "cancel#2", "cancel#3", "cancel#4", "cancel#5"));
  EXPECT_TRUE(s.ended);
  EXPECT_TRUE(s.fibers.empty());
  EXPECT_TRUE(Resume(p, s, 1, Ok(), {}).ignored);
  EXPECT_TRUE(DeliverSignal(p, s, "go", Int(1), {}).ignored);
  EXPECT_TRUE(CancelAll(s).empty());
}

TEST(CancelAll, CancelsARunningUndo) {
  const Program p = SagaProgram();
  ExecState s = NewExecState(p, {}, 1);
  RunResult r = Start(p, s, {});
  Resume(p, s, 1, Ok(), {});
  r = Resume(p, s, 2, Outcome{false, Obj({{"code", Str("X")}, {"message", Str("y")}})}, {});
  EXPECT_THAT(Describe(p, r.requests), ElementsAre(R"(undo#3 cancel_shipment {"o":1})"));
  EXPECT_THAT(Describe(p, CancelAll(s)), ElementsAre("cancel#3"));
  EXPECT_FALSE(s.compensating);
  EXPECT_TRUE(s.ended);
}

TEST(OpenRequests, ReIssuesEveryOpenWaitAsFirstAsked) {
  const Program p = EveryWaitProgram();
  ExecState s = NewExecState(p, {}, 1);
  RunResult r = Start(p, s, {});
  EXPECT_EQ(Describe(p, OpenRequests(s)), Describe(p, r.requests));
  // After one wait ends, the rest are still re-issued, and nothing for a JOIN.
  r = Resume(p, s, 2, Ok(), {});
  EXPECT_THAT(Describe(p, OpenRequests(s)),
              ElementsAre(R"(task#1 charge {"n":1} with {"retries":3})", "signal#3 go @900",
                          R"(child#4 billing@0 {"n":1})", R"(start#5 audit@0 {"n":2})"));
  // The decoded state re-issues the same.
  absl::StatusOr<ExecState> decoded = DecodeCheckpoint(EncodeCheckpoint(s));
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_EQ(Describe(p, OpenRequests(*decoded)), Describe(p, OpenRequests(s)));
}

TEST(OpenRequests, NoneForAnEndedExecution) {
  const Program p = ForkJoinProgram();
  ExecState s = NewExecState(p, {Str("p")}, 1);
  Start(p, s, {});
  CancelAll(s);
  EXPECT_TRUE(OpenRequests(s).empty());
}

TEST(StaleWaits, AnUnknownWaitIdIsIgnoredAndChangesNothing) {
  const Program p = ForkJoinProgram();
  ExecState s = NewExecState(p, {Str("p")}, 1);
  Start(p, s, {});
  const std::string before = DumpState(s);
  for (uint64_t id : {0ull, 3ull, 99ull}) {
    RunResult r = Resume(p, s, id, Ok(Str("late")), {});
    EXPECT_TRUE(r.ignored) << id;
    EXPECT_TRUE(r.requests.empty());
    EXPECT_EQ(r.status, RunStatus::kWaiting);
  }
  EXPECT_EQ(DumpState(s), before);
  // A wait answered twice: the second answer is ignored.
  Resume(p, s, 1, Ok(Str("a")), {});
  const std::string after = DumpState(s);
  EXPECT_TRUE(Resume(p, s, 1, Ok(Str("again")), {}).ignored);
  EXPECT_EQ(DumpState(s), after);
}

}  // namespace
}  // namespace weft::vm
