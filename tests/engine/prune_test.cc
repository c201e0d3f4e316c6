// Retention: Engine::Prune deletes exactly the finished executions older than its cutoff, with
// every row they own (checked table by table and with `weft verify`'s checks), never a RUNNING
// or PAUSED one; --dry-run deletes nothing; EngineOptions::retention keeps a store's row count
// bounded while executions keep finishing. Event message records age out the same way, in
// bounded passes that resume where the last one stopped.
#include <chrono>
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "storage/events.h"
#include "storage/lmdb.h"
#include "storage/prune.h"
#include "storage/verify.h"
#include "tests/engine/engine_fixture.h"

namespace weft::testing {
namespace {

constexpr std::string_view kFlows = R"(
task work

workflow quick(n: int) {
    return n
}

workflow broken() {
    fail "on purpose"
}

workflow nap() {
    sleep 10d
    return 1
}

workflow waits() {
    let a = work(x: 1)
    return a
}
)";

class PruneTest : public EngineTest {
 protected:
  // Closes the engine and opens the store directly, read-only.
  std::unique_ptr<storage::Env> CloseAndOpenStore() {
    engine_.reset();
    storage::Env::Options options;
    options.path = dir_.path() + "/store";
    options.read_only = true;
    auto env = storage::Env::Open(options);
    EXPECT_TRUE(env.ok()) << env.status();
    return env.ok() ? *std::move(env) : nullptr;
  }

  // Rows of any table whose key mentions `id`.
  static int RowsMentioning(const storage::Env& env, const std::string& id) {
    auto txn = storage::Txn::BeginRead(env);
    EXPECT_TRUE(txn.ok()) << txn.status();
    int count = 0;
    for (size_t i = 0; i < static_cast<size_t>(storage::Table::kCount); ++i) {
      const auto t = static_cast<storage::Table>(i);
      if (!env.has_table(t)) continue;
      absl::Status s = txn->ScanStored(t, "", [&](std::string_view key, std::string_view) {
        if (key.find(id) != std::string_view::npos) ++count;
        return true;
      });
      EXPECT_TRUE(s.ok()) << s;
    }
    return count;
  }

  // Writes message records straight into the store (the engine closed, then reopened with
  // `options`): `count` of `handler`, ids m0000.., recorded `age` ago.
  void PutMessages(std::string_view handler, int count, absl::Duration age,
                   const EngineOptions& options = {}) {
    engine_.reset();
    storage::Env::Options env_options;
    env_options.path = dir_.path() + "/store";
    auto env = storage::Env::Open(env_options);
    ASSERT_TRUE(env.ok()) << env.status();
    auto txn = storage::Txn::BeginWrite(**env);
    ASSERT_TRUE(txn.ok()) << txn.status();
    const int64_t at = absl::ToUnixMillis(absl::Now() - age);
    for (int i = 0; i < count; ++i) {
      EventMessage m;
      m.handler = std::string(handler);
      m.message_id = absl::StrFormat("m%04d", i);
      m.subject = "orders";
      m.time_ms = at;
      ASSERT_TRUE(storage::EventStore(*txn).PutMessage(m).ok());
    }
    ASSERT_TRUE(txn->Commit().ok());
    env->reset();
    Reopen(options);
  }

  size_t Messages(std::string_view handler) {
    auto list = engine_->ListEventMessages(handler, 100000);
    EXPECT_TRUE(list.ok()) << list.status();
    return list.ok() ? list->size() : 0;
  }

  static void ExpectClean(const storage::Env& env) {
    auto report = storage::VerifyStore(env);
    ASSERT_TRUE(report.ok()) << report.status();
    for (const storage::Damage& d : report->damage) ADD_FAILURE() << storage::DescribeDamage(d);
  }
};

TEST_F(PruneTest, DeletesExactlyTheOldFinishedExecutionsAndEveryRowTheyOwn) {
  ReopenVirtual();
  Deploy(kFlows);
  // Old: one of each finished status.
  std::vector<std::string> old = {StartOk("quick", R"({"n":1})"), StartOk("quick", R"({"n":2})"),
                                  StartOk("broken")};
  for (const std::string& id : old) Await(id);
  const std::string terminated = StartOk("waits");
  ASSERT_TRUE(PollWithin("work").has_value());  // it holds a task row
  ASSERT_TRUE(engine_->Terminate(terminated, "test").ok());
  EXPECT_EQ(ExecutionStatusName(Await(terminated).status), "TERMINATED");
  old.push_back(terminated);
  EXPECT_EQ(ExecutionStatusName(engine_->GetExecution(old[2])->status), "FAILED");
  // Ten days later (virtual time jumps to the nap's timer): new ones.
  const std::string nap = StartOk("nap");
  Await(nap);
  std::vector<std::string> kept = {nap, StartOk("quick", R"({"n":3})")};
  Await(kept.back());
  const std::string running = StartOk("waits");
  const std::string paused = StartOk("waits");
  ASSERT_TRUE(engine_->Pause(paused).ok());
  kept.push_back(running);
  kept.push_back(paused);

  PruneOptions dry;
  dry.older_than = absl::Hours(24 * 5);
  dry.dry_run = true;
  auto would = engine_->Prune(dry);
  ASSERT_TRUE(would.ok()) << would.status();
  EXPECT_EQ(would->executions, old.size());
  for (const std::string& id : old) EXPECT_TRUE(engine_->GetExecution(id).ok()) << "dry run";

  PruneOptions prune;
  prune.older_than = absl::Hours(24 * 5);
  prune.batch_size = 3;  // two transactions
  auto done = engine_->Prune(prune);
  ASSERT_TRUE(done.ok()) << done.status();
  EXPECT_EQ(done->executions, old.size());
  EXPECT_EQ(done->batches, 2u);
  EXPECT_EQ(engine_->Stats().executions_pruned, old.size());
  for (const std::string& id : old) {
    EXPECT_TRUE(absl::IsNotFound(engine_->GetExecution(id).status())) << id;
  }
  for (const std::string& id : kept) EXPECT_TRUE(engine_->GetExecution(id).ok()) << id;

  EXPECT_EQ(ExecutionStatusName(engine_->GetExecution(running)->status), "RUNNING");
  EXPECT_EQ(ExecutionStatusName(engine_->GetExecution(paused)->status), "PAUSED");

  std::unique_ptr<storage::Env> env = CloseAndOpenStore();
  ASSERT_NE(env, nullptr);
  for (const std::string& id : old) EXPECT_EQ(RowsMentioning(*env, id), 0) << id;
  for (const std::string& id : kept) EXPECT_GT(RowsMentioning(*env, id), 0) << id;
  ExpectClean(*env);
}

TEST_F(PruneTest, RunningAndPausedExecutionsAreNeverDeleted) {
  Deploy(kFlows);
  const std::string running = StartOk("waits");
  std::optional<LeasedTask> task = PollWithin("work");
  ASSERT_TRUE(task.has_value());
  const std::string paused = StartOk("waits");
  ASSERT_TRUE(engine_->Pause(paused).ok());
  const ExecutionInfo done = Await(StartOk("quick", R"({"n":1})"));
  // Age 0 deletes whatever ended before now: wait for the clock to pass the end.
  ASSERT_TRUE(Eventually([&] { return absl::ToUnixMillis(absl::Now()) > done.ended_ms; }));

  PruneOptions prune;
  prune.older_than = absl::ZeroDuration();
  auto result = engine_->Prune(prune);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->executions, 1u);
  EXPECT_TRUE(absl::IsNotFound(engine_->GetExecution(done.id).status()));
  EXPECT_EQ(ExecutionStatusName(engine_->GetExecution(running)->status), "RUNNING");
  EXPECT_EQ(ExecutionStatusName(engine_->GetExecution(paused)->status), "PAUSED");
  prune.statuses = {ExecutionStatus::kRunning};
  EXPECT_TRUE(absl::IsInvalidArgument(engine_->Prune(prune).status()));

  // The running execution goes on as if nothing happened.
  ASSERT_TRUE(engine_->CompleteTask(task->context.task_id, "ext", Json("7")).ok());
  EXPECT_EQ(Await(running).output, Json("7"));
  std::unique_ptr<storage::Env> env = CloseAndOpenStore();
  ASSERT_NE(env, nullptr);
  EXPECT_EQ(RowsMentioning(*env, done.id), 0);
  EXPECT_GT(RowsMentioning(*env, paused), 0);
  ExpectClean(*env);
}

TEST_F(PruneTest, ArchiveSeesEachExecutionBeforeItIsDeletedAndItsFailureKeepsThem) {
  Deploy(kFlows);
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) ids.push_back(Await(StartOk("quick", R"({"n":5})")).id);
  const int64_t last_end = engine_->GetExecution(ids.back())->ended_ms;
  ASSERT_TRUE(Eventually([&] { return absl::ToUnixMillis(absl::Now()) > last_end; }));

  PruneOptions prune;
  prune.older_than = absl::ZeroDuration();
  prune.archive = [](const std::vector<ExecutionArchive>&) {
    return absl::InternalError("disk on fire");
  };
  EXPECT_FALSE(engine_->Prune(prune).ok());
  for (const std::string& id : ids) EXPECT_TRUE(engine_->GetExecution(id).ok()) << id;

  std::vector<ExecutionArchive> archived;
  prune.archive = [&](const std::vector<ExecutionArchive>& batch) {
    for (const ExecutionArchive& entry : batch) {
      // Still in the store while it is archived.
      EXPECT_TRUE(engine_->GetExecution(entry.info.id).ok());
      archived.push_back(entry);
    }
    return absl::OkStatus();
  };
  auto result = engine_->Prune(prune);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->executions, 3u);
  ASSERT_EQ(archived.size(), 3u);
  for (const ExecutionArchive& entry : archived) {
    EXPECT_EQ(entry.info.output, Json("5"));
    EXPECT_FALSE(entry.history.empty());
    EXPECT_EQ(entry.history.front().type, "EXECUTION_STARTED");
  }
}

// A scaled-down soak: 3000 short executions with a retention of 1 ms. After every 500 the
// store comes back to (about) the rows it had before the first one, so it does not grow.
TEST_F(PruneTest, BackgroundRetentionKeepsTheStoreBounded) {
  EngineOptions options;
  options.retention = absl::Milliseconds(1);
  options.retention_interval = absl::Milliseconds(5);
  Reopen(options);
  Deploy(kFlows);
  const EngineStats before = engine_->Stats();
  constexpr int kRounds = 6;
  constexpr int kPerRound = 500;
  for (int round = 0; round < kRounds; ++round) {
    std::vector<std::string> ids;
    for (int i = 0; i < kPerRound; ++i) ids.push_back(StartOk("quick", R"({"n":1})"));
    for (const std::string& id : ids) {
      // An execution may already be gone: retention deletes it as soon as it has ended.
      auto info = engine_->AwaitExecution(id, absl::Seconds(30));
      ASSERT_TRUE(info.ok() || absl::IsNotFound(info.status())) << info.status();
    }
    ASSERT_TRUE(Eventually([&] {
      return engine_->Stats().store_rows <= before.store_rows;
    }, std::chrono::seconds(20)))
        << "round " << round << ": " << engine_->Stats().store_rows << " rows, "
        << before.store_rows << " before";
    // No row left behind, so the tables are back to their size before the first execution.
    EXPECT_LE(engine_->Stats().store_pages, before.store_pages + 2) << "round " << round;
  }
  // The count moves just after the commit that deleted the rows.
  EXPECT_TRUE(Eventually([&] {
    return engine_->Stats().executions_pruned == uint64_t{kRounds} * kPerRound;
  })) << engine_->Stats().executions_pruned;
  std::unique_ptr<storage::Env> env = CloseAndOpenStore();
  ASSERT_NE(env, nullptr);
  ExpectClean(*env);
}

TEST_F(PruneTest, OldEventMessageRecordsArePrunedWithTheExecutionsAndNewOnesKept) {
  PutMessages("audit", 7, absl::Hours(24 * 10));
  PutMessages("billing", 3, absl::ZeroDuration());
  PruneOptions dry;
  dry.older_than = absl::Hours(24 * 5);
  dry.dry_run = true;
  dry.batch_size = 2;  // a pass looks at two records: five passes walk the table
  auto would = engine_->Prune(dry);
  ASSERT_TRUE(would.ok()) << would.status();
  EXPECT_EQ(would->event_messages, 7u);
  EXPECT_EQ(Messages("audit"), 7u) << "dry run";

  PruneOptions only_failed = dry;  // a status filter is about executions: records stay
  only_failed.dry_run = false;
  only_failed.statuses = {ExecutionStatus::kFailed};
  auto filtered = engine_->Prune(only_failed);
  ASSERT_TRUE(filtered.ok()) << filtered.status();
  EXPECT_EQ(filtered->event_messages, 0u);
  EXPECT_EQ(Messages("audit"), 7u);

  PruneOptions prune = dry;
  prune.dry_run = false;
  auto done = engine_->Prune(prune);
  ASSERT_TRUE(done.ok()) << done.status();
  EXPECT_EQ(done->event_messages, 7u);
  EXPECT_EQ(done->batches, 4u);  // the passes that found old records; the last one found none
  EXPECT_EQ(Messages("audit"), 0u);
  EXPECT_EQ(Messages("billing"), 3u);
  std::unique_ptr<storage::Env> env = CloseAndOpenStore();
  ASSERT_NE(env, nullptr);
  ExpectClean(*env);
}

// Keys run by handler, not by age: 600 new records of `audit` come before 1,000 old ones of
// `billing`. Retention's passes look at 500 records each; one that started from the first key
// every round would never reach `billing`.
TEST_F(PruneTest, RetentionReachesOldEventMessageRecordsBehindNewOnes) {
  PutMessages("audit", 600, absl::ZeroDuration());
  EngineOptions options;
  options.retention = absl::Hours(24);
  options.retention_interval = absl::Milliseconds(5);
  PutMessages("billing", 1000, absl::Hours(48), options);
  EXPECT_TRUE(Eventually([&] { return Messages("billing") == 0; }, std::chrono::seconds(30)))
      << Messages("billing") << " old records left";
  EXPECT_EQ(Messages("audit"), 600u);
}

}  // namespace
}  // namespace weft::testing
