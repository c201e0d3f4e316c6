// Live migration of executions that wait deeper than a top-level point (docs/versioning.md,
// "What moves today"): inside loops (their iteration carries on) and in parallel branches
// (every fiber moves, or none). migrate_carry_test.cc has `try`, computed `migrate` values and
// compensations. Each moved execution ends with what the new code computes from its carried
// state; each refusal leaves the execution untouched.
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

// The items now call another task: no item fiber maps, so neither does the join's execution.
constexpr std::string_view kEachOther = R"(
task work
task other
workflow fan(items: list) {
    let rs = parallel for item in items limit 1 {
        yield other(n: item)
    }
    return { v: 3, rs: rs }
}
)";

TEST_F(MigrateTest, AParallelForWhoseItemsDoNotMapStays) {
  Deploy(kEachV1);
  const std::string id = StartOk("fan", R"({"items":[1,2]})");
  WaitsAs(id, "join,task");
  Deploy(kEachOther);
  EXPECT_THAT(RefusedTo(id, 2), HasSubstr("[E0401]"));
  Complete("work", "1");
  Complete("work", "2");
  EXPECT_EQ(Await(id).output.ToJson(), R"({"v":1,"rs":[1,2]})");
}

// A `do while` loop: its condition is read again from the new frame after the body.
constexpr std::string_view kDoV1 = R"(
task work
workflow retry(limit: int) {
    var tries = 0
    var got = null
    do {
        got = work(n: tries)
        tries = tries + 1
    } while got == null and tries < limit
    return { v: 1, got: got, tries: tries }
}
)";

constexpr std::string_view kDoV2 = R"(
task work
workflow retry(limit: int) {
    var tries = 0
    var got = null
    do {
        got = work(n: tries)
        tries = tries + 1
    } while got != "done" and tries < limit
    return { v: 2, got: got, tries: tries }
}
)";

TEST_F(MigrateTest, AWaitInsideADoWhileLoopMovesAndTheNewConditionDecides) {
  Deploy(kDoV1);
  const std::string id = StartOk("retry", R"({"limit":5})");
  Complete("work", "null");
  WaitsAs(id, "task");
  Deploy(kDoV2);
  MovesTo(id, 2);
  Complete("work", R"("later")");  // v1 would stop here; v2 goes on
  Complete("work", R"("done")");
  EXPECT_EQ(Await(id).output.ToJson(), R"({"v":2,"got":"done","tries":3})");
}

}  // namespace
}  // namespace weft::testing
