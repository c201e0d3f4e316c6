// The search indexes (storage/search_index.h) are kept by ExecutionStore::PutExecution with the
// header, follow status changes and restarts, go with DeleteExecutions, and answer a search by
// reading the keys of the workflow and statuses asked for only: the counts of keys and rows a
// search reads prove that unrelated executions cost it nothing.
#include "storage/search_index.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "storage/execution_store.h"
#include "storage/keys.h"
#include "storage/lmdb.h"
#include "storage/prune.h"
#include "storage/verify.h"
#include "tests/storage/store_test_util.h"
#include "tests/storage/temp_dir.h"

namespace weft::storage {
namespace {

class SearchIndexTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto env = Env::Open(weft::testing::StoreOptions(dir_.path()));
    ASSERT_TRUE(env.ok()) << env.status();
    env_ = *std::move(env);
  }

  static ExecutionRow Row(const std::string& workflow, ExecutionStatus status, int64_t created,
                          const std::string& correlation = "") {
    ExecutionRow row;
    row.info.workflow = workflow;
    row.info.version = 1;
    row.info.status = status;
    row.info.created_ms = row.info.updated_ms = created;
    row.info.correlation_id = correlation;
    return row;
  }

  // Writes new executions (ids "<prefix>NNNNN", created at 1000 + i).
  void Add(const std::string& prefix, const std::string& workflow, ExecutionStatus status,
           int n, const std::string& correlation = "") {
    auto txn = Txn::BeginWrite(*env_);
    ASSERT_TRUE(txn.ok());
    ExecutionStore store(*txn);
    for (int i = 0; i < n; ++i) {
      const std::string id = absl::StrCat(prefix, 10000 + i);
      ASSERT_TRUE(store.PutExecution(id, Row(workflow, status, 1000 + i, correlation), std::nullopt).ok());
      ASSERT_TRUE(txn->Put(Table::kExecState, id, EncodeExecState(ExecStateRow{})).ok());
    }
    ASSERT_TRUE(txn->Commit().ok());
  }

  ExecutionPage Search(const ExecutionQuery& q) {
    auto txn = Txn::BeginRead(*env_);
    EXPECT_TRUE(txn.ok());
    absl::StatusOr<ExecutionPage> page = SearchExecutions(*txn, q);
    EXPECT_TRUE(page.ok()) << page.status();
    return page.ok() ? *std::move(page) : ExecutionPage{};
  }

  weft::testing::TempDir dir_;
  std::unique_ptr<Env> env_;
};

TEST_F(SearchIndexTest, AFilteredSearchReadsOnlyTheMatchingKeys) {
  Add("noise", "noise", ExecutionStatus::kRunning, 2000);
  Add("done", "target", ExecutionStatus::kCompleted, 4);
  Add("run", "target", ExecutionStatus::kRunning, 3, "order-7");
  ExecutionQuery q;
  q.workflow = "target";
  q.statuses = {ExecutionStatus::kRunning};
  ExecutionPage page = Search(q);
  EXPECT_EQ(page.total, 3u);
  EXPECT_EQ(page.keys_read, 3u);  // the 2,000 other executions are not read, nor their keys
  EXPECT_EQ(page.rows_read, 3u);
  ASSERT_EQ(page.executions.size(), 3u);
  EXPECT_EQ(page.executions[0].id, "run10002");  // newest first
  // By type, any status, a page of 2 of 7: every key of the type, 2 rows.
  q.statuses.clear();
  q.limit = 2;
  q.offset = 1;
  q.ascending = true;
  page = Search(q);
  EXPECT_EQ(page.total, 7u);
  EXPECT_EQ(page.keys_read, 7u);
  EXPECT_EQ(page.rows_read, 2u);
  ASSERT_EQ(page.executions.size(), 2u);
  // Oldest first, by start time then id: done10000, run10000, done10001, ...
  EXPECT_EQ(page.executions[0].id, "run10000");
  EXPECT_EQ(page.executions[1].id, "done10001");
  // A time range on by_start (no type): the range's keys only, of each status asked.
  ExecutionQuery range;
  range.statuses = {ExecutionStatus::kCompleted};
  range.created_after_ms = 1001;
  range.created_before_ms = 1003;
  page = Search(range);
  EXPECT_EQ(page.total, 1u);
  EXPECT_LE(page.keys_read, 2u);
  ASSERT_EQ(page.executions.size(), 1u);
  EXPECT_EQ(page.executions[0].id, "done10002");
  // By correlation id: its entries and their rows.
  ExecutionQuery corr;
  corr.id_or_correlation = "order-7";
  page = Search(corr);
  EXPECT_EQ(page.total, 3u);
  EXPECT_EQ(page.keys_read, 3u);
  // By id.
  corr.id_or_correlation = "noise10005";
  page = Search(corr);
  EXPECT_EQ(page.total, 1u);
  EXPECT_EQ(page.rows_read, 1u);
}

TEST_F(SearchIndexTest, EntriesFollowStatusAndRestartAndGoWithTheExecution) {
  {
    auto txn = Txn::BeginWrite(*env_);
    ASSERT_TRUE(txn.ok());
    ExecutionStore store(*txn);
    ExecutionRow row = Row("w", ExecutionStatus::kRunning, 5000, "c1");
    row.info.idempotency_key = "key-1";
    ASSERT_TRUE(store.PutExecution("e1", row, std::nullopt).ok());
    ASSERT_TRUE(txn->Put(Table::kExecState, "e1", EncodeExecState(ExecStateRow{})).ok());
    auto found = store.FindIdempotent("w", "key-1");
    ASSERT_TRUE(found.ok());
    EXPECT_EQ(found->value_or(""), "e1");
    EXPECT_FALSE(store.FindIdempotent("other", "key-1")->has_value());
    // Completed, then restarted (a new start time).
    ExecutionRow done = row;
    done.info.status = ExecutionStatus::kCompleted;
    ASSERT_TRUE(store.PutExecution("e1", done, IndexedAs{ExecutionStatus::kRunning, 5000}).ok());
    ExecutionRow again = done;
    again.info.status = ExecutionStatus::kRunning;
    again.info.created_ms = 9000;
    ASSERT_TRUE(store.PutExecution("e1", again, IndexedAs{ExecutionStatus::kCompleted, 5000}).ok());
    ASSERT_TRUE(txn->Commit().ok());
  }
  ExecutionQuery q;
  q.workflow = "w";
  ExecutionPage page = Search(q);
  EXPECT_EQ(page.total, 1u);  // one entry, not one per status it had
  q.created_after_ms = 8000;
  q.statuses = {ExecutionStatus::kRunning};
  EXPECT_EQ(Search(q).total, 1u);
  {
    auto txn = Txn::BeginWrite(*env_);
    ASSERT_TRUE(txn.ok());
    auto deleted = DeleteExecutions(*txn, {"e1"});
    ASSERT_TRUE(deleted.ok()) << deleted.status();
    ASSERT_TRUE(txn->Commit().ok());
  }
  auto txn = Txn::BeginRead(*env_);
  ASSERT_TRUE(txn.ok());
  for (Table t : {Table::kByType, Table::kByStart, Table::kByCorrelation, Table::kByIdempotency}) {
    int rows = 0;
    ASSERT_TRUE(txn->ScanPrefix(t, "", [&](std::string_view, std::string_view) {
                     ++rows;
                     return true;
                   }).ok());
    EXPECT_EQ(rows, 0) << TableName(t);
  }
}

TEST_F(SearchIndexTest, VerifyFindsAMissingOrStrayEntry) {
  Add("e", "w", ExecutionStatus::kRunning, 1, "c");
  {
    auto report = VerifyStore(*env_);
    ASSERT_TRUE(report.ok());
    for (const Damage& d : report->damage) ADD_FAILURE() << DescribeDamage(d);
  }
  {
    auto txn = Txn::BeginWrite(*env_);
    ASSERT_TRUE(txn.ok());
    ASSERT_TRUE(txn->Delete(Table::kByType, SearchKey(TypeIndexPrefix("w"), 0, 1000, "e10000")).ok());
    ASSERT_TRUE(txn->Put(Table::kByCorrelation, CorrelationKey("c", "ghost"), {}).ok());
    ASSERT_TRUE(txn->Commit().ok());
  }
  auto report = VerifyStore(*env_);
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->damage.size(), 2u);
}

}  // namespace
}  // namespace weft::storage
