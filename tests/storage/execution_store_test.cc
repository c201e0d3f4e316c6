// ExecutionStore (storage/execution_store.h) keeps a task's indexes with its row: the
// exec_tasks entry from the start, the queue entry exactly while the task is open. The writes
// each operation costs are counted, since the engine's per-step cost is their sum.
#include "storage/execution_store.h"

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>

#include "storage/keys.h"
#include "storage/lmdb.h"
#include "tests/storage/store_test_util.h"
#include "tests/storage/temp_dir.h"

namespace weft::storage {
namespace {

class ExecutionStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto env = Env::Open(weft::testing::StoreOptions(dir_.path()));
    ASSERT_TRUE(env.ok()) << env.status();
    env_ = *std::move(env);
  }

  static TaskRow Task(TaskStatus status) {
    TaskRow row;
    row.info.execution_id = "exec1";
    row.info.type = "charge";
    row.info.status = status;
    row.wait_id = 7;
    return row;
  }

  bool Has(Txn& txn, Table t, const std::string& key) {
    auto got = txn.Get(t, key);
    EXPECT_TRUE(got.ok()) << got.status();
    return got.ok() && got->has_value();
  }

  weft::testing::TempDir dir_;
  std::unique_ptr<Env> env_;
};

TEST_F(ExecutionStoreTest, AddTaskWritesTheRowAndBothIndexes) {
  auto txn = Txn::BeginWrite(*env_);
  ASSERT_TRUE(txn.ok());
  ExecutionStore store(*txn);
  ASSERT_TRUE(store.AddTask("t1", Task(TaskStatus::kScheduled)).ok());
  EXPECT_EQ(txn->counts().puts, 3u);
  EXPECT_TRUE(Has(*txn, Table::kTasks, "t1"));
  EXPECT_TRUE(Has(*txn, Table::kExecTasks, ExecTaskKey("exec1", "t1")));
  EXPECT_TRUE(Has(*txn, Table::kQueue, QueueKey("charge", "t1")));
  auto ids = store.TaskIdsOf("exec1");
  ASSERT_TRUE(ids.ok());
  EXPECT_EQ(*ids, std::vector<std::string>{"t1"});
}

// A take (SCHEDULED -> IN_PROGRESS) writes the row only: the queue entry is already there.
TEST_F(ExecutionStoreTest, ATakeRewritesTheRowAndNotTheQueue) {
  auto txn = Txn::BeginWrite(*env_);
  ASSERT_TRUE(txn.ok());
  ExecutionStore store(*txn);
  ASSERT_TRUE(store.AddTask("t1", Task(TaskStatus::kScheduled)).ok());
  const uint64_t puts = txn->counts().puts;
  const uint64_t deletes = txn->counts().deletes;
  ASSERT_TRUE(store.PutTask("t1", Task(TaskStatus::kInProgress)).ok());
  EXPECT_EQ(txn->counts().puts, puts + 1);
  EXPECT_EQ(txn->counts().deletes, deletes);
  EXPECT_TRUE(Has(*txn, Table::kQueue, QueueKey("charge", "t1")));
  auto row = store.GetTask("t1");
  ASSERT_TRUE(row.ok() && row->has_value());
  EXPECT_EQ((*row)->info.status, TaskStatus::kInProgress);
}

TEST_F(ExecutionStoreTest, AFinishedTaskLeavesTheQueueAndKeepsItsExecutionIndex) {
  for (TaskStatus end : {TaskStatus::kCompleted, TaskStatus::kFailed, TaskStatus::kCanceled}) {
    auto txn = Txn::BeginWrite(*env_);
    ASSERT_TRUE(txn.ok());
    ExecutionStore store(*txn);
    ASSERT_TRUE(store.AddTask("t1", Task(TaskStatus::kScheduled)).ok());
    ASSERT_TRUE(store.PutTask("t1", Task(TaskStatus::kInProgress)).ok());
    ASSERT_TRUE(store.PutTask("t1", Task(end)).ok());
    EXPECT_FALSE(Has(*txn, Table::kQueue, QueueKey("charge", "t1")));
    EXPECT_TRUE(Has(*txn, Table::kExecTasks, ExecTaskKey("exec1", "t1")));
    EXPECT_TRUE(Has(*txn, Table::kTasks, "t1"));
    txn->Abort();
  }
}

// A lost delivery puts the task back to SCHEDULED: still open, still queued, across commits.
TEST_F(ExecutionStoreTest, ARequeuedTaskStaysQueuedAcrossCommits) {
  {
    auto txn = Txn::BeginWrite(*env_);
    ASSERT_TRUE(txn.ok());
    ExecutionStore store(*txn);
    ASSERT_TRUE(store.AddTask("t1", Task(TaskStatus::kScheduled)).ok());
    ASSERT_TRUE(store.PutTask("t1", Task(TaskStatus::kInProgress)).ok());
    ASSERT_TRUE(txn->Commit().ok());
  }
  {
    auto txn = Txn::BeginWrite(*env_);
    ASSERT_TRUE(txn.ok());
    ExecutionStore store(*txn);
    ASSERT_TRUE(store.PutTask("t1", Task(TaskStatus::kScheduled)).ok());
    ASSERT_TRUE(txn->Commit().ok());
  }
  auto txn = Txn::BeginRead(*env_);
  ASSERT_TRUE(txn.ok());
  EXPECT_TRUE(Has(*txn, Table::kQueue, QueueKey("charge", "t1")));
}

}  // namespace
}  // namespace weft::storage
