// Fibers: static fork/join, fail fast, `parallel for` with and without a limit, nesting, and
// a RETURN inside a branch.
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/vm/fiber_programs.h"

namespace weft::vm {
namespace {

using ::testing::ElementsAre;
using ::testing::UnorderedElementsAre;
using namespace testing;  // NOLINT: the test helpers

TEST(ForkJoin, BranchesRunAsFibersAndResultsComeInForkOrder) {
  const Program p = ForkJoinProgram();
  ASSERT_TRUE(bytecode::VerifyProgram(p).ok()) << bytecode::VerifyProgram(p);
  ExecState s = NewExecState(p, {Str("p")}, 1);
  RunResult r = Start(p, s, {});
  ASSERT_EQ(r.status, RunStatus::kWaiting);
  // Both task branches ask at once; branch 3 has already ended with 42.
  EXPECT_THAT(Describe(p, r.requests),
              ElementsAre(R"(task#1 work {"n":"p"})", R"(task#2 work {"n":"b2"})"));
  EXPECT_EQ(s.fibers.size(), 3u);
  EXPECT_EQ(s.fibers.at(1).wait, WaitKind::kJoin);
  EXPECT_EQ(s.fibers.at(1).live_children, 2u);
  EXPECT_EQ(s.fibers.at(2).base, 1u);
  EXPECT_EQ(s.fibers.at(2).locals.size(), 1u);
  EXPECT_EQ(s.fibers.at(3).locals[0].ToJson(), "\"b2\"");  // branch 2's own slot 1
  EXPECT_TRUE(s.fibers.at(1).locals[1].is_null());          // not the parent's
  // Answered in the reverse order: the results still follow the fork order.
  r = Resume(p, s, 2, Ok(Str("second")), {});
  EXPECT_EQ(r.status, RunStatus::kWaiting);
  EXPECT_TRUE(r.requests.empty());
  r = Resume(p, s, 1, Ok(Str("first")), {});
  ASSERT_EQ(r.status, RunStatus::kCompleted) << r.error.ToJson();
  EXPECT_EQ(r.output.ToJson(), R"(["first","second",42])");
  EXPECT_TRUE(s.fibers.empty());
  EXPECT_TRUE(s.ended);
}

TEST(ForkJoin, ABranchFailureCancelsTheSiblingsAndJoinRaisesIt) {
  const Program p = FailFastProgram(/*with_try=*/false);
  ExecState s = NewExecState(p, {}, 1);
  RunResult r = Start(p, s, {});
  EXPECT_THAT(Describe(p, r.requests), ElementsAre("task#1 a {}", "task#2 b {}", "timer#3 @1000"));
  r = Resume(p, s, 2, Outcome{false, MakeTaskFailure("b", "t-2", 1, "boom", Value())}, {});
  ASSERT_EQ(r.status, RunStatus::kFailed);
  EXPECT_THAT(Describe(p, r.requests), ElementsAre("cancel#1", "cancel#3"));
  EXPECT_EQ(r.error.ToJson(),
            R"({"code":"TASK_FAILED","message":"task `b` failed: boom","task":"b",)"
            R"("task_id":"t-2","attempt":1,"details":null,"line":11,"column":3})");
  EXPECT_TRUE(s.ended);
  // The cancelled waits' late answers change nothing.
  EXPECT_TRUE(Resume(p, s, 1, Ok(), {}).ignored);
  EXPECT_TRUE(Resume(p, s, 3, Ok(), {}).ignored);
}

TEST(ForkJoin, TryAroundTheBlockCatchesTheBranchError) {
  const Program p = FailFastProgram(/*with_try=*/true);
  ASSERT_TRUE(bytecode::VerifyProgram(p).ok()) << bytecode::VerifyProgram(p);
  ExecState s = NewExecState(p, {}, 1);
  RunResult r = Start(p, s, {});
  ASSERT_EQ(r.requests.size(), 3u);
  r = Resume(p, s, 1, Outcome{false, MakeTaskFailure("a", "t-1", 2, "no", Int(7))}, {});
  ASSERT_EQ(r.status, RunStatus::kCompleted) << r.error.ToJson();
  EXPECT_THAT(Describe(p, r.requests), ElementsAre("cancel#2", "cancel#3"));
  EXPECT_EQ(r.output.ToJson(),
            R"({"code":"TASK_FAILED","message":"task `a` failed: no","task":"a",)"
            R"("task_id":"t-1","attempt":2,"details":7,"line":10,"column":3})");
}

TEST(ForkJoin, AWaitOpenedAndCancelledInOneRunIsNeverAsked) {
  // Branch 1 asks for task `a`, then branch 2 fails at once: the engine never hears of `a`.
  Assembler a;
  const uint32_t ta = a.Task("a");
  auto l1 = a.NewLabel(), l2 = a.NewLabel();
  a.Jump(Op::FORK, l1, 0).Jump(Op::FORK, l2, 0).Emit(Op::JOIN).Emit(Op::RETURN);
  a.Bind(l1).Emit(Op::MAKE_OBJECT, 0).Emit(Op::CALL_TASK, ta).Emit(Op::BRANCH_END);
  a.Bind(l2).Emit(Op::CONST, a.Const(Str("early"))).At(3, 4).Emit(Op::FAIL);
  const Program p = a.Build(0, 1);
  ExecState s = NewExecState(p, {}, 1);
  RunResult r = Start(p, s, {});
  EXPECT_EQ(r.status, RunStatus::kFailed);
  EXPECT_TRUE(r.requests.empty()) << ::testing::PrintToString(Describe(p, r.requests));
  EXPECT_EQ(r.error.ToJson(),
            R"({"code":"WORKFLOW_FAILED","message":"early","line":3,"column":4})");
}

TEST(ForkJoin, AReturnInsideABranchEndsTheExecution) {
  Assembler a;
  const uint32_t ta = a.Task("a");
  auto l1 = a.NewLabel(), l2 = a.NewLabel();
  a.Jump(Op::FORK, l1, 0).Jump(Op::FORK, l2, 0).Emit(Op::JOIN).Emit(Op::RETURN);
  a.Bind(l1).Emit(Op::MAKE_OBJECT, 0).Emit(Op::CALL_TASK, ta).Emit(Op::BRANCH_END);
  a.Bind(l2).Emit(Op::MAKE_OBJECT, 0).Emit(Op::CALL_TASK, ta).Emit(Op::RETURN);
  const Program p = a.Build(0, 1);
  ExecState s = NewExecState(p, {}, 1);
  RunResult r = Start(p, s, {});
  ASSERT_EQ(r.requests.size(), 2u);
  r = Resume(p, s, 2, Ok(Str("out")), {});
  ASSERT_EQ(r.status, RunStatus::kCompleted);
  EXPECT_EQ(r.output.ToJson(), "\"out\"");
  EXPECT_THAT(Describe(p, r.requests), ElementsAre("cancel#1"));
}

TEST(ForkJoin, ABranchCanWaitWhileItsParentDoesOtherWork) {
  // FORK, then the parent itself calls a task before it reaches JOIN (the verifier allows it;
  // the compiler never emits it). The branch's result waits for the JOIN.
  Assembler a;
  const uint32_t ta = a.Task("a");
  auto l1 = a.NewLabel();
  a.Jump(Op::FORK, l1, 0).Emit(Op::MAKE_OBJECT, 0).Emit(Op::CALL_TASK, ta).Emit(Op::JOIN);
  a.Emit(Op::MAKE_LIST, 2).Emit(Op::RETURN);
  a.Bind(l1).Emit(Op::MAKE_OBJECT, 0).Emit(Op::CALL_TASK, ta).Emit(Op::BRANCH_END);
  const Program p = a.Build(0, 2);
  ASSERT_TRUE(bytecode::VerifyProgram(p).ok()) << bytecode::VerifyProgram(p);
  ExecState s = NewExecState(p, {}, 1);
  RunResult r = Start(p, s, {});
  ASSERT_EQ(r.requests.size(), 2u);
  // A state the VM produced must fit its program.
  EXPECT_TRUE(CheckStateFits(p, s).ok()) << CheckStateFits(p, s);
  r = Resume(p, s, 2, Ok(Str("branch")), {});
  EXPECT_EQ(r.status, RunStatus::kWaiting);
  r = Resume(p, s, 1, Ok(Str("parent")), {});
  ASSERT_EQ(r.status, RunStatus::kCompleted) << r.error.ToJson();
  EXPECT_EQ(r.output.ToJson(), R"(["parent",["branch"]])");
}

TEST(ForEach, WithoutALimitEveryItemRunsAtOnceAndResultsFollowItemOrder) {
  const Program p = ForEachProgram();
  ASSERT_TRUE(bytecode::VerifyProgram(p).ok()) << bytecode::VerifyProgram(p);
  ExecState s = NewExecState(p, {List({Int(10), Int(20), Int(30)}), Value()}, 1);
  RunResult r = Start(p, s, {});
  EXPECT_THAT(Describe(p, r.requests), ElementsAre(R"(task#1 work {"x":10})",
                                                   R"(task#2 work {"x":20})",
                                                   R"(task#3 work {"x":30})"));
  Resume(p, s, 3, Ok(Int(3)), {});
  Resume(p, s, 1, Ok(Int(1)), {});
  r = Resume(p, s, 2, Ok(Int(2)), {});
  ASSERT_EQ(r.status, RunStatus::kCompleted) << r.error.ToJson();
  EXPECT_EQ(r.output.ToJson(), "[1,2,3]");
}

TEST(ForEach, ALimitBoundsTheOutstandingTasks) {
  const Program p = ForEachProgram();
  std::vector<Value> items;
  for (int i = 0; i < 7; ++i) items.push_back(Int(i));
  Simulator sim(p);
  sim.task = [](const std::string&, const Value& in) {
    return Ok(Int(in.as_object().Find("x")->as_int() * 10));
  };
  RunResult r = sim.Run({List(items), Int(3)});
  ASSERT_EQ(r.status, RunStatus::kCompleted) << r.error.ToJson();
  EXPECT_EQ(r.output.ToJson(), "[0,10,20,30,40,50,60]");
  EXPECT_EQ(sim.max_open_tasks, 3u);
  EXPECT_EQ(sim.log.size(), 7u);
}

TEST(ForEach, ALimitStartsTheNextItemAsSoonAsOneEnds) {
  const Program p = ForEachProgram();
  ExecState s = NewExecState(p, {List({Int(1), Int(2), Int(3), Int(4)}), Int(2)}, 1);
  RunResult r = Start(p, s, {});
  EXPECT_THAT(Describe(p, r.requests),
              ElementsAre(R"(task#1 work {"x":1})", R"(task#2 work {"x":2})"));
  EXPECT_EQ(s.fibers.at(1).each_next, 2u);
  r = Resume(p, s, 2, Ok(Str("b")), {});  // the second ends first: item 3 takes its place
  EXPECT_THAT(Describe(p, r.requests), ElementsAre(R"(task#3 work {"x":3})"));
  r = Resume(p, s, 3, Ok(Str("c")), {});
  EXPECT_THAT(Describe(p, r.requests), ElementsAre(R"(task#4 work {"x":4})"));
  EXPECT_TRUE(s.fibers.at(1).each_items.is_null());  // every item started
  r = Resume(p, s, 4, Ok(Str("d")), {});
  EXPECT_TRUE(r.requests.empty());
  r = Resume(p, s, 1, Ok(Str("a")), {});
  ASSERT_EQ(r.status, RunStatus::kCompleted) << r.error.ToJson();
  EXPECT_EQ(r.output.ToJson(), R"(["a","b","c","d"])");
}

TEST(ForEach, AnEmptyListJoinsAtOnce) {
  const Program p = ForEachProgram();
  RunResult r = RunFresh(p, {List({}), Int(4)});
  ASSERT_EQ(r.status, RunStatus::kCompleted) << r.error.ToJson();
  EXPECT_EQ(r.output.ToJson(), "[]");
  EXPECT_TRUE(r.requests.empty());
}

TEST(ForEach, AFailingItemStopsTheRestAndCancelsTheRunningOnes) {
  const Program p = ForEachProgram();
  ExecState s = NewExecState(p, {List({Int(1), Int(2), Int(3), Int(4), Int(5)}), Int(2)}, 1);
  RunResult r = Start(p, s, {});
  r = Resume(p, s, 1, Ok(), {});  // item 3 starts
  r = Resume(p, s, 2, Outcome{false, MakeTaskFailure("work", "t", 1, "x", Value())}, {});
  ASSERT_EQ(r.status, RunStatus::kFailed);
  EXPECT_THAT(Describe(p, r.requests), ElementsAre("cancel#3"));  // items 4 and 5 never start
  EXPECT_EQ(ErrorField(r, "code"), "\"TASK_FAILED\"");
}

TEST(ForEach, BadItemsOrLimitsAreRuntimeErrors) {
  const Program p = ForEachProgram();
  EXPECT_EQ(ErrorField(RunFresh(p, {Int(3), Value()}), "message"),
            "\"`parallel for` needs a list, got int\"");
  EXPECT_EQ(ErrorField(RunFresh(p, {List({}), Int(0)}), "message"),
            "\"`limit` must be an int > 0, got 0\"");
  EXPECT_EQ(ErrorField(RunFresh(p, {List({}), Str("2")}), "message"),
            "\"`limit` must be an int > 0, got string\"");
  EXPECT_EQ(ErrorField(RunFresh(p, {List({}), Int(-1)}), "line"), "1");
}

TEST(Nesting, ParallelForOfStaticParallels) {
  const Program p = NestedForkProgram();
  ASSERT_TRUE(bytecode::VerifyProgram(p).ok()) << bytecode::VerifyProgram(p);
  Simulator sim(p);
  sim.round_trip = true;
  sim.task = [](const std::string&, const Value& in) {
    return Ok(Int(in.as_object().Find("x")->as_int() * 100));
  };
  RunResult r = sim.Run({List({Int(1), Int(2), Int(3)})});
  ASSERT_EQ(r.status, RunStatus::kCompleted) << r.error.ToJson();
  EXPECT_EQ(r.output.ToJson(), "[[100,100],[200,200],[300,300]]");
  EXPECT_EQ(sim.max_open_tasks, 4u);  // limit 2 items, two tasks each
}

TEST(Nesting, AnInnerFailureCancelsTheWholeTree) {
  const Program p = NestedForkProgram();
  ExecState s = NewExecState(p, {List({Int(1), Int(2)})}, 1);
  RunResult r = Start(p, s, {});
  EXPECT_EQ(r.requests.size(), 4u);
  EXPECT_EQ(s.fibers.size(), 7u);  // root, 2 items, 4 inner branches
  r = Resume(p, s, 4, Outcome{false, MakeTaskFailure("work", "t", 1, "", Value())}, {});
  ASSERT_EQ(r.status, RunStatus::kFailed);
  EXPECT_THAT(Describe(p, r.requests), UnorderedElementsAre("cancel#1", "cancel#2", "cancel#3"));
  EXPECT_TRUE(s.fibers.empty());
}

}  // namespace
}  // namespace weft::vm
