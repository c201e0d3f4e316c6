// Live migration of what a fiber carries besides its variables (docs/versioning.md, "What moves
// today"): `try` handlers (they follow the new catch blocks), `migrate` values computed on the
// VM from the old frame, registered compensations; and the refused wait inside an expression.
// Each moved execution ends with what the new code computes; each refusal leaves it untouched.
#include <gmock/gmock.h>

#include "tests/engine/migrate_fixture.h"

namespace weft::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

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
