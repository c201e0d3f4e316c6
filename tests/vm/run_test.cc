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
  ASSERT_EQ(vm::Run(p, s, {}).status, RunStatus::kSuspended);
  EXPECT_EQ(s.steps, 2u);
  ASSERT_EQ(ResumeWithTaskOutput(p, s, Value(), {}).status, RunStatus::kCompleted);
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
  ASSERT_EQ(vm::Run(p, s, ctx).status, RunStatus::kSuspended);
  EXPECT_EQ(ResumeWithTaskOutput(p, s, Value(), ctx).status, RunStatus::kCompleted);
}

Program OneTask() {
  Assembler a;
  a.Task("charge_card");
  a.Emit(Op::MAKE_OBJECT, 0).At(12, 9).Emit(Op::CALL_TASK, 0).At(13, 1).Emit(Op::RETURN);
  return a.Build(0, 1);
}

TEST(Run, TaskFailureFailsTheExecution) {
  const Program p = OneTask();
  ExecState s = NewExecState(p, {}, 1);
  ASSERT_EQ(vm::Run(p, s, {}).status, RunStatus::kSuspended);
  RunResult r = ResumeWithTaskFailure(p, s, Obj({{"message", Str("card declined")}}), {});
  EXPECT_EQ(r.status, RunStatus::kFailed);
  EXPECT_EQ(r.error.ToJson(),
            R"({"code":"TASK_FAILED","message":"task `charge_card` failed: card declined",)"
            R"("details":{"message":"card declined"},"task":"charge_card","line":12,"column":9})");
  EXPECT_FALSE(s.suspended);
}

TEST(Run, MakeTaskFailureHasTheEngineShape) {
  const Value failure =
      MakeTaskFailure("charge_card", "task-3", 2, "card declined", Obj({{"code", Int(51)}}));
  EXPECT_EQ(failure.ToJson(),
            R"({"task":"charge_card","task_id":"task-3","attempt":2,"message":"card declined",)"
            R"("details":{"code":51}})");
  const Program p = OneTask();
  ExecState s = NewExecState(p, {}, 1);
  vm::Run(p, s, {});
  EXPECT_EQ(ErrorField(ResumeWithTaskFailure(p, s, failure, {}), "message"),
            "\"task `charge_card` failed: card declined\"");
}

TEST(Run, TaskFailureWithAStringOrNothing) {
  const Program p = OneTask();
  ExecState s = NewExecState(p, {}, 1);
  vm::Run(p, s, {});
  EXPECT_EQ(ErrorField(ResumeWithTaskFailure(p, s, Str("timeout"), {}), "message"),
            "\"task `charge_card` failed: timeout\"");
  ExecState s2 = NewExecState(p, {}, 1);
  vm::Run(p, s2, {});
  EXPECT_EQ(ErrorField(ResumeWithTaskFailure(p, s2, Value(), {}), "message"),
            "\"task `charge_card` failed\"");
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

TEST(Run, NewExecStateReservesAllSlots) {
  const Program p = bytecode::testing::ShippingProgram();
  ExecState s = NewExecState(p, {Str("o1"), Str("ups")}, 5);
  EXPECT_EQ(s.slots.size(), 4u);
  EXPECT_GE(s.slots.capacity(), 8u);
  EXPECT_EQ(s.pc, 0u);
  EXPECT_EQ(s.rng_state, 5u);
  EXPECT_TRUE(s.slots[2].is_null());
}

TEST(StateFits, AcceptsStatesTheVmProduces) {
  const Program p = bytecode::testing::ShippingProgram();
  ExecState s = NewExecState(p, {Str("o1"), Str("ups")}, 5);
  EXPECT_TRUE(CheckStateFits(p, s).ok());
  ASSERT_EQ(vm::Run(p, s, {}).status, RunStatus::kSuspended);
  EXPECT_TRUE(CheckStateFits(p, s).ok());
  ASSERT_EQ(ResumeWithTaskOutput(p, s, Obj({{"address", Str("x")}}), {}).status,
            RunStatus::kSuspended);
  EXPECT_TRUE(CheckStateFits(p, s).ok());
}

TEST(StateFits, PrecomputedDepthsGiveTheSameAnswers) {
  const Program p = bytecode::testing::ShippingProgram();
  std::vector<int32_t> depths;
  ASSERT_TRUE(bytecode::VerifyProgram(p, &depths).ok());
  ExecState s = NewExecState(p, {Str("o1"), Str("ups")}, 5);
  ASSERT_EQ(vm::Run(p, s, {}).status, RunStatus::kSuspended);
  EXPECT_TRUE(CheckStateFits(p, depths, s).ok());
  s.slots.pop_back();
  EXPECT_EQ(CheckStateFits(p, depths, s), CheckStateFits(p, s));
  EXPECT_FALSE(CheckStateFits(p, depths, s).ok());
}

TEST(StateFits, RejectsStatesThatWouldBeUnsafe) {
  const Program p = bytecode::testing::ShippingProgram();
  ExecState s = NewExecState(p, {Str("o1"), Str("ups")}, 5);
  ASSERT_EQ(vm::Run(p, s, {}).status, RunStatus::kSuspended);
  ExecState bad = s;
  bad.pc += 1;  // mid-instruction
  EXPECT_THAT(std::string(CheckStateFits(p, bad).message()), HasSubstr("not a reachable instruction"));
  bad = s;
  bad.pc = 10'000;
  EXPECT_FALSE(CheckStateFits(p, bad).ok());
  bad = s;
  bad.slots.push_back(Value());  // one value too many on the stack
  EXPECT_THAT(std::string(CheckStateFits(p, bad).message()), HasSubstr("slots where pc"));
  bad = s;
  bad.slots.resize(1);
  EXPECT_FALSE(CheckStateFits(p, bad).ok());
  bad = s;
  bad.suspended = false;  // would run with the task output missing from the stack
  EXPECT_FALSE(CheckStateFits(p, bad).ok());
  bad = NewExecState(p, {Str("o1"), Str("ups")}, 5);
  bad.suspended = true;  // pc 0 follows no CALL_TASK
  EXPECT_THAT(std::string(CheckStateFits(p, bad).message()), HasSubstr("does not follow a CALL_TASK"));
  EXPECT_EQ(CheckStateFits(p, bad).code(), absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace weft::vm
