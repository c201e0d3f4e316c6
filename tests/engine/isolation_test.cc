// One execution's fault never touches another, and nothing an execution does can take the
// engine down: a workflow that calls itself thousands of levels deep (no C++ recursion per
// child, while starting or while unwinding), the child depth limit as a catchable error, and
// an execution whose stored records are corrupt being quarantined while the others go on.
#include <gmock/gmock.h>

#include "storage/lmdb.h"
#include "tests/engine/engine_fixture.h"

namespace weft::testing {
namespace {

using ::testing::HasSubstr;

constexpr std::string_view kRecursive = R"(
workflow rec(n: int) {
    if n == 0 {
        return 0
    }
    return rec(n: n - 1) + 1
}

workflow slow(n: int) {
    if n == 0 {
        sleep 1ms
        return 0
    }
    return slow(n: n - 1) + 1
}

workflow down(n: int) {
    if n == 0 {
        return "bottom"
    }
    try {
        return down(n: n - 1)
    } catch e {
        if e.code == "LIMIT_EXCEEDED" {
            return "limit at ${n}"
        }
        fail e
    }
}
)";

class IsolationTest : public EngineTest {
 protected:
  void ReopenWithDepth(uint32_t depth, bool virtual_time = false) {
    EngineOptions options;
    options.limits.max_child_depth = depth;
    options.virtual_time = virtual_time;
    Reopen(options);
  }
  void CheckACorruptExecutionIsQuarantinedAndTheOthersGoOn();
};

// Used to overflow the writer thread's stack near 3,000 levels: starting a child called
// ApplyStart -> Apply -> HandleRequest -> StartExecution -> ApplyStart ...
TEST_F(IsolationTest, SelfRecursionTenThousandDeepStartsAndEndsInOneTransaction) {
  ReopenWithDepth(20000);
  Deploy(kRecursive);
  const std::string id = StartOk("rec", R"({"n":10000})");
  ExecutionInfo info = Await(id);
  EXPECT_EQ(info.status, ExecutionStatus::kCompleted) << info.error.ToJson();
  EXPECT_EQ(info.output, Value::Int(10000));
}

// The deepest child sleeps, so its end comes in a later transition, which resumes every
// parent in one transaction: that unwinding used to recurse too (ResumeParent -> Apply ->
// EndExecution -> ResumeParent ...).
TEST_F(IsolationTest, SelfRecursionUnwindsTenThousandParentsInOneTransaction) {
  ReopenWithDepth(20000, /*virtual_time=*/true);
  Deploy(kRecursive);
  const std::string id = StartOk("slow", R"({"n":10000})");
  ExecutionInfo info = Await(id);
  EXPECT_EQ(info.status, ExecutionStatus::kCompleted) << info.error.ToJson();
  EXPECT_EQ(info.output, Value::Int(10000));
  EXPECT_EQ(HistoryOf(id, "CHILD_ENDED").size(), 1u);
}

TEST_F(IsolationTest, ChildDepthLimitIsACatchableError) {
  ReopenWithDepth(50);
  Deploy(kRecursive);
  // The execution at depth 50 (n = 1000 - 50) cannot start its child.
  ExecutionInfo caught = Await(StartOk("down", R"({"n":1000})"));
  EXPECT_EQ(caught.status, ExecutionStatus::kCompleted) << caught.error.ToJson();
  EXPECT_EQ(caught.output, Value::String("limit at 950"));
  // Uncaught, it fails every level up to the top one.
  ExecutionInfo failed = Await(StartOk("rec", R"({"n":1000})"));
  EXPECT_EQ(failed.status, ExecutionStatus::kFailed);
  EXPECT_EQ(Field(failed.error, "code"), Value::String("CHILD_FAILED"));
  EXPECT_THAT(failed.error.ToJson(), HasSubstr("nest at most 50 levels deep"));
}

TEST_F(IsolationTest, DefaultChildDepthLimitStopsRunawayRecursion) {
  Deploy(kRecursive);
  ExecutionInfo caught = Await(StartOk("down", R"({"n":100000})"));
  EXPECT_EQ(caught.status, ExecutionStatus::kCompleted) << caught.error.ToJson();
  EXPECT_EQ(caught.output,
            Value::String("limit at " + std::to_string(100000 - kDefaultLimits.max_child_depth)));
}

constexpr std::string_view kWaiter = R"(
workflow waiter(n: int) {
    let s = await signal("go")
    return n
}

workflow sleeper(n: int) {
    sleep 1h
    return n
}
)";

// Changes one row of a closed store: overwrites it with garbage, or deletes it.
enum class Damage { kGarbage, kDelete };
void DamageRow(const std::string& store, storage::Table table, const std::string& key,
               Damage how) {
  storage::Env::Options options;
  options.path = store;
  options.map_size_bytes = 256 << 20;
  auto env = storage::Env::Open(options);
  ASSERT_TRUE(env.ok()) << env.status();
  auto txn = storage::Txn::BeginWrite(**env);
  ASSERT_TRUE(txn.ok()) << txn.status();
  ASSERT_TRUE((how == Damage::kDelete ? txn->Delete(table, key)
                                      : txn->Put(table, key, "garbage, not a record"))
                  .ok());
  ASSERT_TRUE(txn->Commit().ok());
}

void Corrupt(const std::string& store, storage::Table table, const std::string& key) {
  DamageRow(store, table, key, Damage::kGarbage);
}

void Remove(const std::string& store, storage::Table table, const std::string& key) {
  DamageRow(store, table, key, Damage::kDelete);
}

// A corrupt checkpoint used to fail the writer's whole batch: every other execution's
// signal in it was thrown away. Now that execution alone is quarantined.
TEST_F(IsolationTest, CorruptExecutionIsQuarantinedAndTheOthersGoOn) {
  CheckACorruptExecutionIsQuarantinedAndTheOthersGoOn();
}

// The same with fsync: the faulty batch is released by the commit syncer before the quarantine
// commits, and the answers come after both (Writer::RunBatch).
TEST_F(IsolationTest, UnderSyncDurabilityACorruptExecutionIsQuarantinedAndTheOthersGoOn) {
  sync_ = true;
  Reopen();
  CheckACorruptExecutionIsQuarantinedAndTheOthersGoOn();
}

void IsolationTest::CheckACorruptExecutionIsQuarantinedAndTheOthersGoOn() {
  Deploy(kWaiter);
  std::vector<std::string> ids;
  for (int i = 0; i < 20; ++i) ids.push_back(StartOk("waiter", "{\"n\":" + std::to_string(i) + "}"));
  const std::string bad = ids[7];
  engine_.reset();
  Corrupt(dir_.path() + "/store", storage::Table::kExecState, bad);
  Reopen();

  std::vector<std::thread> senders;
  std::vector<absl::Status> sent(ids.size());
  for (size_t i = 0; i < ids.size(); ++i) {
    senders.emplace_back([&, i] { sent[i] = engine_->Signal(ids[i], "go", Value()); });
  }
  for (std::thread& t : senders) t.join();
  for (size_t i = 0; i < ids.size(); ++i) {
    if (ids[i] == bad) {
      EXPECT_TRUE(absl::IsDataLoss(sent[i])) << sent[i];
      continue;
    }
    EXPECT_TRUE(sent[i].ok()) << sent[i];
    ExecutionInfo info = Await(ids[i]);
    EXPECT_EQ(info.status, ExecutionStatus::kCompleted);
    EXPECT_EQ(info.output, Value::Int(static_cast<int64_t>(i)));
  }
  ExecutionInfo quarantined = Await(bad);
  EXPECT_EQ(quarantined.status, ExecutionStatus::kFailed);
  EXPECT_EQ(Field(quarantined.error, "code"), Value::String("QUARANTINED"));
  EXPECT_THAT(HistoryTypes(bad).back(), "EXECUTION_QUARANTINED");
  // Its state row, which links to its newest logged event, is garbage: the events before the
  // quarantine are found by searching the history log (storage/history.h).
  EXPECT_EQ(HistoryTypes(bad).front(), "EXECUTION_STARTED");
  EXPECT_EQ(engine_->Stats().quarantined, 1u);
  // Its commands are refused from now on; the others' are not.
  EXPECT_FALSE(engine_->Signal(bad, "go", Value()).ok());
}

// A due timer of an execution whose state is corrupt used to fail every batch it was in, and
// fire again at once: a hot loop. Now the execution is quarantined and its timer dropped.
TEST_F(IsolationTest, CorruptExecutionWithADueTimerDoesNotLoop) {
  Deploy(kWaiter);
  const std::string bad = StartOk("sleeper", R"({"n":1})");
  const std::string good = StartOk("waiter", R"({"n":2})");
  engine_.reset();
  Corrupt(dir_.path() + "/store", storage::Table::kExecState, bad);
  ReopenVirtual();  // the hour passes at once
  ExecutionInfo quarantined = Await(bad);
  EXPECT_EQ(quarantined.status, ExecutionStatus::kFailed);
  EXPECT_EQ(Field(quarantined.error, "code"), Value::String("QUARANTINED"));
  ASSERT_TRUE(engine_->Signal(good, "go", Value()).ok());
  EXPECT_EQ(Await(good).status, ExecutionStatus::kCompleted);
  const EngineStats stats = engine_->Stats();
  EXPECT_EQ(stats.quarantined, 1u);
  EXPECT_EQ(stats.commit_failures, 0u);
}

// A child whose records are corrupt is quarantined and its parent gets CHILD_FAILED.
TEST_F(IsolationTest, QuarantinedChildFailsItsParent) {
  Deploy(R"(
workflow parent() {
    try {
        return kid()
    } catch e {
        return e.code
    }
}
workflow kid() {
    let s = await signal("go")
    return s
}
)");
  const std::string parent = StartOk("parent");
  std::string child;
  ASSERT_TRUE(Eventually([&] {
    for (const HistoryEvent& e : HistoryOf(parent, "CHILD_STARTED")) {
      child = Field(e.details, "child_id").as_string();
    }
    return !child.empty();
  }));
  engine_.reset();
  Corrupt(dir_.path() + "/store", storage::Table::kExecState, child);
  Reopen();
  EXPECT_TRUE(absl::IsDataLoss(engine_->Signal(child, "go", Value())));
  ExecutionInfo info = Await(parent);
  EXPECT_EQ(info.status, ExecutionStatus::kCompleted) << info.error.ToJson();
  EXPECT_EQ(info.output, Value::String("CHILD_FAILED"));
}

// A queued task whose row is damaged used to make the whole store refuse to open
// (LoadPendingTasks failed with DataLoss). Now its execution is quarantined and the rest run.
TEST_F(IsolationTest, ADamagedTaskRowQuarantinesItsExecutionAtOpen) {
  Deploy("task t\nworkflow w(i: int) { return t(i: i) }\n");
  const std::string bad = StartOk("w", R"({"i":1})");
  const std::string good = StartOk("w", R"({"i":2})");
  std::string bad_task;
  for (const TaskInfo& t : TasksOf(bad)) bad_task = t.id;
  ASSERT_FALSE(bad_task.empty());
  engine_.reset();
  Corrupt(dir_.path() + "/store", storage::Table::kTasks, bad_task);
  Reopen();
  ExecutionInfo quarantined = Await(bad);
  EXPECT_EQ(quarantined.status, ExecutionStatus::kFailed);
  EXPECT_EQ(Field(quarantined.error, "code"), Value::String("QUARANTINED"));
  auto task = PollWithin("t");
  ASSERT_TRUE(task.has_value());
  EXPECT_EQ(task->context.execution_id, good);
  ASSERT_TRUE(engine_->CompleteTask(task->context.task_id, "ext", Value::Int(7)).ok());
  EXPECT_EQ(Await(good).output, Value::Int(7));
  EXPECT_FALSE(engine_->PollTask("t", "ext")->has_value());  // the damaged one is not out
}

// A task whose execution row is gone used to get NotFound, as if the id were unknown, and
// stayed queued for ever. It is data loss: reported so, and the task is withdrawn.
TEST_F(IsolationTest, AMissingExecutionRowIsDataLossAndItsTaskIsWithdrawn) {
  Deploy("task t\nworkflow w(i: int) { return t(i: i) }\n");
  const std::string bad = StartOk("w", R"({"i":1})");
  engine_.reset();
  Remove(dir_.path() + "/store", storage::Table::kExecutions, bad);
  Reopen();
  auto task = PollWithin("t");
  ASSERT_TRUE(task.has_value());
  absl::Status s = engine_->CompleteTask(task->context.task_id, "ext", Value::Int(1));
  EXPECT_TRUE(absl::IsDataLoss(s)) << s;
  EXPECT_THAT(std::string(s.message()), HasSubstr("missing from the store"));
  EXPECT_EQ(engine_->Stats().quarantined, 1u);
  engine_.reset();
  Reopen();  // not handed out again after a restart either
  EXPECT_FALSE(engine_->PollTask("t", "ext")->has_value());
}

// A full map used to fail every batch until the store was reopened with a larger map size:
// now the writer grows the map and applies the batch again.
TEST_F(IsolationTest, AFullMapIsGrownAndNothingIsLost) {
  engine_.reset();
  EngineOptions options;
  options.path = dir_.path() + "/small";
  options.durability = Durability::kNoSync;
  options.map_size_bytes = 1 << 20;
  auto engine = Engine::Open(options);
  ASSERT_TRUE(engine.ok()) << engine.status();
  engine_ = *std::move(engine);
  Deploy(kWaiter);
  const std::string blob(20000, 'x');
  std::vector<std::string> ids;
  for (int i = 0; i < 200; ++i) {
    auto id = engine_->Start("sleeper", Value::MakeObject(Object({{"n", Value::Int(i)}})));
    ASSERT_TRUE(id.ok()) << id.status();
    ids.push_back(*id);
    ASSERT_TRUE(engine_->Signal(*id, "note", Value::String(blob)).ok());
  }
  const EngineStats stats = engine_->Stats();
  EXPECT_GE(stats.map_grows, 1u);
  EXPECT_EQ(stats.commit_failures, 0u);
  for (const std::string& id : ids) {
    EXPECT_EQ(HistoryOf(id, "SIGNAL_RECEIVED").size(), 1u);
  }
}

}  // namespace
}  // namespace weft::testing
