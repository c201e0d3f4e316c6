// Live migration of executions that wait deeper than a top-level point (docs/versioning.md,
// "What moves today"): inside loops (their iteration carries on), in parallel branches (every
// fiber moves, or none), inside `try` (the handlers follow the new catch blocks), with
// `migrate` values computed on the VM, and with registered compensations. Each moved
// execution ends with what the new code computes from its carried state; each refusal leaves
// the execution untouched.
#include <gmock/gmock.h>

#include "tests/engine/migrate_fixture.h"

namespace weft::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// ---- loops ----

constexpr std::string_view kLoopV1 = R"(
task work
workflow batch(items: list) {
    var done = []
    for item in items {
        let r = work(n: item)
        done = done + [r]
    }
    return { v: 1, done: done }
}
)";

// The remaining iterations multiply; the loop's list and index carry over, so the iteration
// goes on where it was (over the list v1 evaluated, although v2 iterates another expression).
constexpr std::string_view kLoopV2 = R"(
task work
workflow batch(items: list) {
    var done = []
    let extra = 1
    for item in items + [99] {
        let r = work(n: item)
        done = done + [r * 10]
    }
    return { v: 2, done: done }
}
)";

// The call now sits in a `while` loop: another nesting (E0403).
constexpr std::string_view kLoopWhile = R"(
task work
workflow batch(items: list) {
    var done = []
    var i = 0
    while i < len(items) {
        let r = work(n: items[i])
        done = done + [r]
        i = i + 1
    }
    return { v: 3, done: done }
}
)";

TEST_F(MigrateTest, AWaitInsideAForLoopCarriesItsIteration) {
  Deploy(kLoopV1);
  const std::string id = StartOk("batch", R"({"items":[1,2,3]})");
  Complete("work", "1");
  WaitsAs(id, "task");
  Deploy(kLoopV2);
  EXPECT_THAT(MovesTo(id, 2), ElementsAre("fiber 1: task work 6:17 -> 7:17"));
  Complete("work", "2");
  Complete("work", "3");
  ExecutionInfo done = Await(id);
  EXPECT_EQ(done.output.ToJson(), R"({"v":2,"done":[1,20,30]})");
}

TEST_F(MigrateTest, AWaitInAnotherLoopNestingStaysUntouched) {
  Deploy(kLoopV1);
  const std::string id = StartOk("batch", R"({"items":[1,2]})");
  Complete("work", "1");
  WaitsAs(id, "task");
  Deploy(kLoopWhile);
  EXPECT_THAT(RefusedTo(id, 2), HasSubstr("[E0403]"));
  Complete("work", "2");
  EXPECT_EQ(Await(id).output.ToJson(), R"({"v":1,"done":[1,2]})");
}

// A `while` loop keeps no hidden state: its counter is a variable, carried by name.
constexpr std::string_view kWhileV2 = R"(
task work
workflow batch(items: list) {
    var done = []
    var i = 0
    while i < len(items) {
        let r = work(n: items[i])
        done = done + [r + 100]
        i = i + 1
    }
    return { v: 4, done: done, i: i }
}
)";

TEST_F(MigrateTest, AWaitInsideAWhileLoopMovesWithItsCounter) {
  Deploy(kLoopWhile);
  const std::string id = StartOk("batch", R"({"items":[1,2,3]})");
  Complete("work", "1");
  WaitsAs(id, "task");
  Deploy(kWhileV2);
  EXPECT_THAT(MovesTo(id, 2), ElementsAre("fiber 1: task work 7:17 -> 7:17"));
  Complete("work", "2");
  Complete("work", "3");
  EXPECT_EQ(Await(id).output.ToJson(), R"({"v":4,"done":[1,102,103],"i":3})");
}

// ---- parallel branches ----

constexpr std::string_view kFanV1 = R"(
task a
task b
workflow both(n: int) {
    var x = null
    var y = null
    parallel {
        x = a(n: n)
        y = await signal("go")
        sleep 1h
    }
    return { v: 1, x: x, y: y }
}
)";

constexpr std::string_view kFanV2 = R"(
task b
task a
workflow both(n: int) {
    var x = null
    var y = null
    parallel {
        x = a(n: n) * 10
        y = await signal("go")
        sleep 1h
    }
    return { v: 2, x: x, y: y, n: n }
}
)";

// The second branch waits for another signal now: that fiber has no counterpart.
constexpr std::string_view kFanRenamed = R"(
task a
workflow both(n: int) {
    var x = null
    var y = null
    parallel {
        x = a(n: n)
        y = await signal("went")
        sleep 1h
    }
    return { v: 3, x: x, y: y }
}
)";

TEST_F(MigrateTest, EveryFiberOfAParallelBlockMoves) {
  Deploy(kFanV1);
  const std::string id = StartOk("both", R"({"n":4})");
  WaitsAs(id, "join,task,signal,timer");
  Deploy(kFanV2);
  EXPECT_THAT(MovesTo(id, 2),
              ElementsAre("fiber 1: join parallel 7:5 -> 7:5", "fiber 2: task a 8:13 -> 8:13",
                          "fiber 3: signal go 9:13 -> 9:13", "fiber 4: sleep sleep 10:9 -> 10:9"));
  Complete("a", "5");
  ASSERT_TRUE(engine_->Signal(id, "go", Value::Bool(true)).ok());
  WaitsAs(id, "join,timer");
  ReopenVirtual();  // the hour passes at once
  EXPECT_EQ(Await(id).output.ToJson(), R"({"v":2,"x":50,"y":true,"n":4})");
}

TEST_F(MigrateTest, AFinishedBranchKeepsItsResultAndTheJoinMoves) {
  Deploy(kFanV1);
  const std::string id = StartOk("both", R"({"n":4})");
  Complete("a", "5");
  WaitsAs(id, "join,signal,timer");
  Deploy(kFanV2);
  EXPECT_THAT(MovesTo(id, 2),
              ElementsAre("fiber 1: join parallel 7:5 -> 7:5", "fiber 3: signal go 9:13 -> 9:13",
                          "fiber 4: sleep sleep 10:9 -> 10:9"));
  ASSERT_TRUE(engine_->Signal(id, "go", Value::Int(7)).ok());
  ReopenVirtual();
  EXPECT_EQ(Await(id).output.ToJson(), R"({"v":2,"x":5,"y":7,"n":4})");
}

TEST_F(MigrateTest, ABranchThatDoesNotMapKeepsTheWholeExecution) {
  Deploy(kFanV1);
  const std::string id = StartOk("both", R"({"n":4})");
  WaitsAs(id, "join,task,signal,timer");
  Deploy(kFanRenamed);
  const std::string reason = RefusedTo(id, 2);
  EXPECT_THAT(reason, HasSubstr("fiber 3 at 9:13 signal go in parallel#1 branch 2"));
  EXPECT_THAT(reason, HasSubstr("[E0401]"));
  Complete("a", "5");
  ASSERT_TRUE(engine_->Signal(id, "go", Value::Bool(true)).ok());
  ReopenVirtual();
  EXPECT_EQ(Await(id).output.ToJson(), R"({"v":1,"x":5,"y":true})");
}

constexpr std::string_view kNestV1 = R"(
task work
workflow nest(items: list) {
    var total = 0
    parallel {
        for item in items {
            let r = work(n: item)
            total = total + r
        }
        await signal("go")
    }
    return { v: 1, total: total }
}
)";

// A new variable before the block shifts the branches' private slots; its value comes from
// the migrate section, and the loop inside the branch goes on from its carried state.
constexpr std::string_view kNestV2 = R"(
task work
workflow nest(items: list) {
    var total = 0
    let scale = 10
    parallel {
        for item in items {
            let r = work(n: item)
            total = total + r * scale
        }
        await signal("go")
    }
    return { v: 2, total: total, scale: scale }
}

migrate nest {
    scale = 5 * 2
}
)";

TEST_F(MigrateTest, ALoopInsideABranchMovesToTheNewBranchFrame) {
  Deploy(kNestV1);
  const std::string id = StartOk("nest", R"({"items":[1,2,3]})");
  Complete("work", "1");
  WaitsAs(id, "join,task,signal");
  Deploy(kNestV2);
  MovesTo(id, 2);
  Complete("work", "2");
  Complete("work", "3");
  ASSERT_TRUE(engine_->Signal(id, "go", Value()).ok());
  EXPECT_EQ(Await(id).output.ToJson(), R"({"v":2,"total":51,"scale":10})");
}

constexpr std::string_view kEachV1 = R"(
task work
workflow fan(items: list) {
    let rs = parallel for item in items limit 1 {
        yield work(n: item)
    }
    return { v: 1, rs: rs }
}
)";

constexpr std::string_view kEachV2 = R"(
task work
workflow fan(items: list) {
    let rs = parallel for item in items limit 1 {
        let r = work(n: item)
        yield r * 10
    }
    return { v: 2, rs: rs }
}
)";

TEST_F(MigrateTest, AParallelForMovesItsRunningAndPendingItems) {
  Deploy(kEachV1);
  const std::string id = StartOk("fan", R"({"items":[1,2,3]})");
  Complete("work", "1");
  WaitsAs(id, "join,task");
  Deploy(kEachV2);
  std::vector<std::string> points = MovesTo(id, 2);
  ASSERT_EQ(points.size(), 2u);
  EXPECT_EQ(points[0], "fiber 1: join parallel for item 4:14 -> 4:14");
  EXPECT_THAT(points[1], HasSubstr(": task work 5:15 -> 5:17"));
  Complete("work", "2");
  Complete("work", "3");
  EXPECT_EQ(Await(id).output.ToJson(), R"({"v":2,"rs":[1,20,30]})");
}

// ---- try ----

constexpr std::string_view kTryV1 = R"(
task charge
workflow pay(n: int) {
    try {
        let r = charge(n: n)
        return { v: 1, r: r }
    } catch e {
        return { v: 1, caught: e.code }
    }
}
)";

// Code before the try shifts every pc; the new catch does something else.
constexpr std::string_view kTryV2 = R"(
task charge
workflow pay(n: int) {
    if n > 100 {
        fail "too big"
    }
    try {
        let r = charge(n: n)
        return { v: 2, r: r }
    } catch e {
        return { v: 2, caught: e.code, n: n, message: e.message }
    }
}
)";

// The call is no longer inside a try: the handler has nowhere to go.
constexpr std::string_view kTryGone = R"(
task charge
workflow pay(n: int) {
    let r = charge(n: n)
    return { v: 3, r: r }
}
)";

TEST_F(MigrateTest, AWaitInsideTryMovesToTheNewCatch) {
  Deploy(kTryV1);
  const std::string id = StartOk("pay", R"({"n":3})");
  WaitsAs(id, "task");
  Deploy(kTryV2);
  EXPECT_THAT(MovesTo(id, 2), ElementsAre("fiber 1: task charge 5:17 -> 8:17"));
  FailOne("charge", "declined");
  EXPECT_EQ(Await(id).output.ToJson(),
            R"({"v":2,"caught":"TASK_FAILED","n":3,"message":"task `charge` failed: declined"})");
}

TEST_F(MigrateTest, AWaitInsideTryWithoutANewTryStays) {
  Deploy(kTryV1);
  const std::string id = StartOk("pay", R"({"n":3})");
  WaitsAs(id, "task");
  Deploy(kTryGone);
  EXPECT_THAT(RefusedTo(id, 2), HasSubstr("inside 1 `try` block(s), the new point inside 0"));
  FailOne("charge", "declined");
  EXPECT_EQ(Await(id).output.ToJson(), R"({"v":1,"caught":"TASK_FAILED"})");
}

// A try inside a branch: the branch fiber's own handler moves.
constexpr std::string_view kBranchTryV1 = R"(
task charge
workflow pair(n: int) {
    var r = null
    parallel {
        try {
            r = charge(n: n)
        } catch e {
            r = "v1 caught"
        }
        await signal("go")
    }
    return r
}
)";

constexpr std::string_view kBranchTryV2 = R"(
task charge
workflow pair(n: int) {
    var r = null
    parallel {
        try {
            r = charge(n: n)
        } catch e {
            r = "v2 caught ${e.code} for ${n}"
        }
        await signal("go")
    }
    return r
}
)";

TEST_F(MigrateTest, ATryInsideABranchMovesWithItsFiber) {
  Deploy(kBranchTryV1);
  const std::string id = StartOk("pair", R"({"n":2})");
  WaitsAs(id, "join,task,signal");
  Deploy(kBranchTryV2);
  MovesTo(id, 2);
  FailOne("charge", "declined");
  ASSERT_TRUE(engine_->Signal(id, "go", Value()).ok());
  EXPECT_EQ(Await(id).output.ToJson(), R"("v2 caught TASK_FAILED for 2")");
}

// ---- a wait inside an expression ----

constexpr std::string_view kExprV1 = R"(
task work
workflow add(n: int) {
    let t = n + work(n: n)
    return { v: 1, t: t }
}
)";

constexpr std::string_view kExprV2 = R"(
task work
workflow add(n: int) {
    let t = n + work(n: n)
    return { v: 2, t: t }
}
)";

TEST_F(MigrateTest, AWaitWithValuesOnTheOperandStackStays) {
  Deploy(kExprV1);
  const std::string id = StartOk("add", R"({"n":2})");
  WaitsAs(id, "task");
  Deploy(kExprV2);
  EXPECT_THAT(RefusedTo(id, 2), HasSubstr("values are on its operand stack"));
  Complete("work", "3");
  EXPECT_EQ(Await(id).output.ToJson(), R"({"v":1,"t":5})");
}

// ---- computed migrate values ----

constexpr std::string_view kComputed = R"(
task first
task pay
workflow order(id: string) {
    let customer = first(id: id)
    let b = pay(x: customer.name)
    return { v: 2, customer: customer, b: b }
}

migrate order {
    customer = { name: upper(a), tag: "${id}-${a}", long: len(a) > 3, parts: [a, id][1] }
}
)";

// `a` is a string: reading a field of it is a runtime error.
constexpr std::string_view kComputedFails = R"(
task first
task pay
workflow order(id: string) {
    let customer = first(id: id)
    let b = pay(x: customer)
    return { v: 3, customer: customer, b: b }
}

migrate order {
    customer = a.name
}
)";

TEST_F(MigrateTest, AComputedMigrateValueRunsOnTheOldFrame) {
  Deploy(kTaskV1);
  const std::string id = WaitingForPay();
  Deploy(kComputed);
  MovesTo(id, 2);
  Complete("pay", R"("B")");
  EXPECT_EQ(Await(id).output.ToJson(),
            R"({"v":2,"customer":{"name":"A","tag":"o1-A","long":false,"parts":"o1"},"b":"B"})");
}

TEST_F(MigrateTest, AMigrateValueThatFailsKeepsTheExecution) {
  Deploy(kTaskV1);
  const std::string id = WaitingForPay();
  Deploy(kComputedFails);
  const std::string reason = RefusedTo(id, 2);
  EXPECT_THAT(reason, HasSubstr("the migrate value of `customer` failed"));
  Complete("pay", R"("B")");
  EXPECT_EQ(Await(id).output.ToJson(), R"({"v":1,"a":"A","b":"B"})");
}

// ---- compensations ----

constexpr std::string_view kSagaV1 = R"(
task reserve
task release
task pay
workflow saga(id: string) {
    reserve(id: id) compensate release(id: id)
    let p = pay(id: id)
    return { v: 1, p: p }
}
)";

// The tasks are declared in another order: the compensation's task index changes.
constexpr std::string_view kSagaV2 = R"(
task pay
task release
task reserve
workflow saga(id: string) {
    reserve(id: id) compensate release(id: id, again: true)
    let p = pay(id: id)
    return { v: 2, p: p }
}
)";

// Nothing registers `release` any more.
constexpr std::string_view kSagaNoUndo = R"(
task pay
task reserve
workflow saga(id: string) {
    reserve(id: id)
    let p = pay(id: id)
    return { v: 3, p: p }
}
)";

TEST_F(MigrateTest, RegisteredCompensationsMoveAndStillRun) {
  Deploy(kSagaV1);
  const std::string id = StartOk("saga", R"({"id":"s1"})");
  Complete("reserve", "{}");
  WaitsAs(id, "task");
  Deploy(kSagaV2);
  MovesTo(id, 2);
  FailOne("pay", "no money");
  std::optional<LeasedTask> undo = PollWithin("release");
  ASSERT_TRUE(undo.has_value());
  EXPECT_EQ(undo->context.input.ToJson(), R"({"id":"s1"})");  // registered by v1, with v1's input
  ASSERT_TRUE(engine_->CompleteTask(undo->context.task_id, "ext", Json("{}")).ok());
  ExecutionInfo done = Await(id);
  EXPECT_EQ(done.status, ExecutionStatus::kFailed);
  EXPECT_EQ(done.version, 2u);
}

TEST_F(MigrateTest, ACompensationTheNewVersionNeverRegistersKeepsTheExecution) {
  Deploy(kSagaV1);
  const std::string id = StartOk("saga", R"({"id":"s1"})");
  Complete("reserve", "{}");
  WaitsAs(id, "task");
  Deploy(kSagaNoUndo);
  EXPECT_THAT(RefusedTo(id, 2),
              HasSubstr("the compensation `release`, which the new version never registers"));
  Complete("pay", "1");
  EXPECT_EQ(Await(id).output.ToJson(), R"({"v":1,"p":1})");
}

}  // namespace
}  // namespace weft::testing
