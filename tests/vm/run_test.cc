// Run-level behaviour: fuel, step accounting, task failures, positions, and the checks that a
// state fits its program.
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/vm/vm_test_util.h"

namespace weft::vm {
namespace {

using ::testing::HasSubstr;
using namespace testing;  // NOLINT: the test helpers

Program InfiniteLoop() {
  Assembler a;
  auto top = a.NewLabel();
  a.At(3, 5).Bind(top).Emit(Op::NOP).Jump(Op::JUMP, top);
  return a.Build(0, 0);
}

TEST(Run, FuelStopsInfiniteLoops) {
  RunContext ctx;
  ctx.max_steps = 1000;
  ExecState state;
  RunResult r = RunFresh(InfiniteLoop(), {}, ctx, &state);
  EXPECT_EQ(r.status, RunStatus::kFailed);
  EXPECT_EQ(ErrorField(r, "code"), "\"FUEL_EXHAUSTED\"");
  EXPECT_THAT(ErrorField(r, "message"), HasSubstr("1000 instructions"));
  EXPECT_EQ(ErrorField(r, "line"), "3");
  EXPECT_EQ(state.steps, 1000u);
}

TEST(Run, CountsStepsAcrossRuns) {
  Assembler a;
  a.Task("t");
  a.Emit(Op::MAKE_OBJECT, 0).Emit(Op::CALL_TASK, 0).Emit(Op::POP).Emit(Op::PUSH_NULL);
  a.Emit(Op::RETURN);
  const Program p = a.Build(0, 1);
  ExecState s = NewExecState(p, {}, 1);
  RunResult r = vm::Start(p, s, {});
  ASSERT_EQ(r.status, RunStatus::kWaiting);
  EXPECT_EQ(s.steps, 2u);
  ASSERT_EQ(Resume(p, s, r.requests.at(0).wait_id, Ok(), {}).status, RunStatus::kCompleted);
  EXPECT_EQ(s.steps, 5u);
}

TEST(Run, FuelIsPerRun) {
  Assembler a;
  a.Task("t");
  a.Emit(Op::NOP).Emit(Op::NOP).Emit(Op::MAKE_OBJECT, 0).Emit(Op::CALL_TASK, 0);
  a.Emit(Op::NOP).Emit(Op::NOP).Emit(Op::RETURN);
  const Program p = a.Build(0, 1);
  RunContext ctx;
  ctx.max_steps = 4;
  ExecState s = NewExecState(p, {}, 1);
  RunResult r = vm::Start(p, s, ctx);
  ASSERT_EQ(r.status, RunStatus::kWaiting);
  EXPECT_EQ(Resume(p, s, r.requests.at(0).wait_id, Ok(), ctx).status, RunStatus::kCompleted);
}

Program OneTask() {
  Assembler a;
  a.Task("charge_card");
  a.Emit(Op::MAKE_OBJECT, 0).At(12, 9).Emit(Op::CALL_TASK, 0).At(13, 1).Emit(Op::RETURN);
  return a.Build(0, 1);
}

// The engine reports a failed task with MakeTaskFailure's object; the VM adds the position of
// the call and otherwise leaves it as it is.
TEST(Run, TaskFailureFailsTheExecution) {
  const Program p = OneTask();
  ExecState s = NewExecState(p, {}, 1);
  RunResult r = vm::Start(p, s, {});
  ASSERT_EQ(r.status, RunStatus::kWaiting);
  const Value failure =
      MakeTaskFailure("charge_card", "task-1", 1, "card declined", Obj({{"code", Int(51)}}));
  r = Resume(p, s, r.requests.at(0).wait_id, Outcome{false, failure}, {});
  EXPECT_EQ(r.status, RunStatus::kFailed);
  EXPECT_EQ(r.error.ToJson(),
            R"({"code":"TASK_FAILED","message":"task `charge_card` failed: card declined",)"
            R"("task":"charge_card","task_id":"task-1","attempt":1,"details":{"code":51},)"
            R"("line":12,"column":9})");
  EXPECT_TRUE(s.ended);
  EXPECT_TRUE(s.fibers.empty());
}

TEST(Run, MakeTaskFailureHasTheEngineShape) {
  EXPECT_EQ(MakeTaskFailure("charge_card", "task-3", 2, "card declined", Obj({{"code", Int(51)}}))
                .ToJson(),
            R"({"code":"TASK_FAILED","message":"task `charge_card` failed: card declined",)"
            R"("task":"charge_card","task_id":"task-3","attempt":2,"details":{"code":51}})");
  EXPECT_EQ(MakeTaskFailure("t", "task-1", 1, "", Value()).ToJson(),
            R"({"code":"TASK_FAILED","message":"task `t` failed","task":"t","task_id":"task-1",)"
            R"("attempt":1,"details":null})");
}

TEST(Run, AFailureThatAlreadyHasAPositionKeepsIt) {
  const Program p = OneTask();
  ExecState s = NewExecState(p, {}, 1);
  RunResult r = vm::Start(p, s, {});
  r = Resume(p, s, r.requests.at(0).wait_id,
             Outcome{false, Obj({{"code", Str("TIMEOUT")}, {"message", Str("late")},
                                 {"line", Int(1)}, {"column", Int(2)}})},
             {});
  EXPECT_EQ(r.error.ToJson(), R"({"code":"TIMEOUT","message":"late","line":1,"column":2})");
}

TEST(Run, PositionOfUsesTheCoveringEntry) {
  Assembler a;
  a.Emit(Op::NOP).At(2, 3).Emit(Op::NOP).Emit(Op::NOP).At(5, 1).Emit(Op::PUSH_NULL);
  a.Emit(Op::RETURN);
  const Program p = a.Build(0, 1);
  EXPECT_EQ(PositionOf(p, 0).line, 0u);
  EXPECT_EQ(PositionOf(p, 1).line, 2u);
  EXPECT_EQ(PositionOf(p, 2).column, 3u);
  EXPECT_EQ(PositionOf(p, 3).line, 5u);
  EXPECT_EQ(PositionOf(p, 99).line, 5u);
}

TEST(Run, NewExecStateIsTheRootFiberAtPcZero) {
  const Program p = bytecode::testing::ShippingProgram();
  ExecState s = NewExecState(p, {Str("o1"), Str("ups")}, 5);
  ASSERT_EQ(s.fibers.size(), 1u);
  const Fiber& root = s.fibers.at(1);
  EXPECT_EQ(root.id, 1u);
  EXPECT_EQ(root.parent, 0u);
  EXPECT_EQ(root.base, 0u);
  EXPECT_EQ(root.pc, 0u);
  EXPECT_EQ(root.locals.size(), 4u);
  EXPECT_EQ(root.locals[0].ToJson(), "\"o1\"");
  EXPECT_TRUE(root.locals[2].is_null());
  EXPECT_TRUE(root.stack.empty());
  EXPECT_EQ(s.rng_state, 5u);
  EXPECT_FALSE(s.ended);
}

TEST(StateFits, AcceptsStatesTheVmProduces) {
  const Program p = bytecode::testing::ShippingProgram();
  ExecState s = NewExecState(p, {Str("o1"), Str("ups")}, 5);
  RunResult r = vm::Start(p, s, {});
  ASSERT_EQ(r.status, RunStatus::kWaiting);
  EXPECT_TRUE(CheckStateFits(p, s).ok()) << CheckStateFits(p, s);
  r = Resume(p, s, r.requests.at(0).wait_id, Ok(Obj({{"address", Str("x")}})), {});
  ASSERT_EQ(r.status, RunStatus::kWaiting);
  EXPECT_TRUE(CheckStateFits(p, s).ok()) << CheckStateFits(p, s);
  r = Resume(p, s, r.requests.at(0).wait_id, Ok(Obj({{"tracking", Str("T")}})), {});
  ASSERT_EQ(r.status, RunStatus::kCompleted);
  EXPECT_TRUE(CheckStateFits(p, s).ok()) << CheckStateFits(p, s);  // ended, no fibers
}

ExecState WaitingShipment(const Program& p) {
  ExecState s = NewExecState(p, {Str("o1"), Str("ups")}, 5);
  EXPECT_EQ(vm::Start(p, s, {}).status, RunStatus::kWaiting);
  return s;
}

TEST(StateFits, PrecomputedDepthsGiveTheSameAnswers) {
  const Program p = bytecode::testing::ShippingProgram();
  std::vector<int32_t> depths;
  ASSERT_TRUE(bytecode::VerifyProgram(p, &depths).ok());
  ExecState s = WaitingShipment(p);
  EXPECT_TRUE(CheckStateFits(p, depths, s).ok());
  s.fibers.at(1).locals.pop_back();
  EXPECT_EQ(CheckStateFits(p, depths, s), CheckStateFits(p, s));
  EXPECT_FALSE(CheckStateFits(p, depths, s).ok());
}

std::string FitsMessage(const Program& p, const ExecState& s) {
  return std::string(CheckStateFits(p, s).message());
}

TEST(StateFits, RejectsStatesThatWouldBeUnsafe) {
  const Program p = bytecode::testing::ShippingProgram();
  const ExecState s = WaitingShipment(p);
  ExecState bad = s;
  bad.fibers.at(1).pc += 1;  // mid-instruction
  EXPECT_THAT(FitsMessage(p, bad), HasSubstr("not a reachable instruction"));
  bad = s;
  bad.fibers.at(1).pc = 10'000;
  EXPECT_FALSE(CheckStateFits(p, bad).ok());
  bad = s;
  bad.fibers.at(1).stack.push_back(Value());  // one value too many on the stack
  EXPECT_THAT(FitsMessage(p, bad), HasSubstr("stack values where pc"));
  bad = s;
  bad.fibers.at(1).locals.resize(1);
  EXPECT_THAT(FitsMessage(p, bad), HasSubstr("locals where its base needs"));
  bad = s;
  bad.fibers.at(1).wait = WaitKind::kNone;  // would run with the task output missing
  EXPECT_THAT(FitsMessage(p, bad), HasSubstr("is not waiting on anything"));
  bad = s;
  bad.fibers.at(1).wait = WaitKind::kTimer;  // a timer where a task call stopped
  EXPECT_THAT(FitsMessage(p, bad), HasSubstr("not after a sleep"));
  bad = s;
  bad.fibers.at(1).request = Obj({{"task", Int(99)}, {"input", Obj({})}});
  EXPECT_THAT(FitsMessage(p, bad), HasSubstr("malformed task request"));
  bad = s;
  bad.fibers.erase(1);
  EXPECT_THAT(FitsMessage(p, bad), HasSubstr("root fiber is missing"));
  bad = s;
  bad.fibers.at(1).wait_id = bad.next_wait_id;
  EXPECT_THAT(FitsMessage(p, bad), HasSubstr("from the future"));
  bad = NewExecState(p, {Str("o1"), Str("ups")}, 5);
  bad.fibers.at(1).wait = WaitKind::kTask;  // pc 0 follows no CALL_TASK
  bad.fibers.at(1).request = Obj({{"task", Int(0)}, {"input", Obj({})}});
  EXPECT_THAT(FitsMessage(p, bad), HasSubstr("does not follow a task call"));
  EXPECT_EQ(CheckStateFits(p, bad).code(), absl::StatusCode::kFailedPrecondition);
  bad = s;
  bad.ended = true;
  EXPECT_THAT(FitsMessage(p, bad), HasSubstr("ended execution still has fibers"));
}

}  // namespace
}  // namespace weft::vm
