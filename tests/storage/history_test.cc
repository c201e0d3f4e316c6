// An execution's history (storage/history.h): new events are appended to `history_log` in
// commit order, each linked to its execution's event before and the newest linked from the
// state row; rows of `history` (written before format 10, or for an execution whose state row
// cannot be read) are merged in by seq; a lost link is found again by searching the log, and a
// crossed one is DataLoss.
#include "storage/history.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "storage/keys.h"
#include "storage/lmdb.h"
#include "storage/verify.h"
#include "tests/storage/store_test_util.h"
#include "tests/storage/temp_dir.h"

namespace weft::storage {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

class HistoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto env = Env::Open(weft::testing::StoreOptions(dir_.path()));
    ASSERT_TRUE(env.ok()) << env.status();
    env_ = *std::move(env);
  }

  static HistoryRow Event(const std::string& task) {
    return HistoryRow{100, HistoryType::kTaskCompleted, task, Value::Int(1)};
  }

  // Appends one event per task name and writes the state row, in one transaction.
  void Append(const std::string& id, ExecStateRow& state, const std::vector<std::string>& tasks) {
    auto txn = Txn::BeginWrite(*env_);
    ASSERT_TRUE(txn.ok()) << txn.status();
    for (const std::string& t : tasks) {
      ASSERT_TRUE(AppendHistoryEvent(*txn, id, state, Event(t)).ok());
    }
    ASSERT_TRUE(txn->Put(Table::kExecState, id, EncodeExecState(state)).ok());
    ASSERT_TRUE(txn->Commit().ok());
  }

  // "seq:task" for each event of `id`, or the error.
  std::vector<std::string> Read(const std::string& id) {
    auto txn = Txn::BeginRead(*env_);
    EXPECT_TRUE(txn.ok());
    absl::StatusOr<std::vector<HistoryEntry>> events = ReadHistory(*txn, id);
    if (!events.ok()) return {std::string(events.status().ToString())};
    std::vector<std::string> out;
    for (const HistoryEntry& e : *events) out.push_back(absl::StrCat(e.seq, ":", e.row.task_id));
    return out;
  }

  std::vector<uint64_t> LogNumbers() {
    auto txn = Txn::BeginRead(*env_);
    EXPECT_TRUE(txn.ok());
    std::vector<uint64_t> out;
    EXPECT_TRUE(txn->ScanPrefix(Table::kHistoryLog, "", [&](std::string_view key, auto) {
                     out.push_back(ReadBigEndian64(key));
                     return true;
                   }).ok());
    return out;
  }

  weft::testing::TempDir dir_;
  std::unique_ptr<Env> env_;
};

TEST_F(HistoryTest, EventsOfInterleavedExecutionsComeBackPerExecutionInOrder) {
  ExecStateRow a, b;
  Append("A", a, {"a1", "a2"});
  Append("B", b, {"b1"});
  Append("A", a, {"a3"});
  Append("B", b, {"b2", "b3"});
  EXPECT_THAT(Read("A"), ElementsAre("1:a1", "2:a2", "3:a3"));
  EXPECT_THAT(Read("B"), ElementsAre("1:b1", "2:b2", "3:b3"));
  EXPECT_EQ(a.next_history_seq, 4u);
  EXPECT_EQ(a.history_head, 4u);  // A's third event was the log's fourth
  EXPECT_EQ(b.history_head, 6u);
  // One log, numbered in commit order; nothing keyed by execution.
  EXPECT_THAT(LogNumbers(), ElementsAre(1, 2, 3, 4, 5, 6));
  auto txn = Txn::BeginRead(*env_);
  ASSERT_TRUE(txn.ok());
  bool any_row = false;
  ASSERT_TRUE(txn->ScanPrefix(Table::kHistory, "", [&](auto, auto) { return !(any_row = true); }).ok());
  EXPECT_FALSE(any_row);
  EXPECT_THAT(Read("nobody"), ElementsAre());
}

TEST_F(HistoryTest, AnAbortedTransactionLeavesNoGapAndAppendsAreCounted) {
  ExecStateRow a;
  Append("A", a, {"a1"});
  {
    auto txn = Txn::BeginWrite(*env_);
    ASSERT_TRUE(txn.ok());
    ExecStateRow lost = a;
    ASSERT_TRUE(AppendHistoryEvent(*txn, "A", lost, Event("lost")).ok());
    EXPECT_EQ(lost.history_head, 2u);
    EXPECT_EQ(txn->counts().puts, 1u);
    txn->Abort();
  }
  Append("A", a, {"a2"});
  EXPECT_THAT(LogNumbers(), ElementsAre(1, 2));
  EXPECT_THAT(Read("A"), ElementsAre("1:a1", "2:a2"));
}

TEST_F(HistoryTest, RowsOfTheOldLayoutAndUnlinkedRowsMergeBySeq) {
  ExecStateRow a;
  {
    // Two events as a store before format 10 wrote them.
    auto txn = Txn::BeginWrite(*env_);
    ASSERT_TRUE(txn.ok());
    ASSERT_TRUE(PutHistoryRow(*txn, "A", 1, Event("old1")).ok());
    ASSERT_TRUE(PutHistoryRow(*txn, "A", 2, Event("old2")).ok());
    ASSERT_TRUE(txn->Commit().ok());
  }
  a.next_history_seq = 3;
  Append("A", a, {"new3", "new4"});
  {
    // A quarantine's event, written as a row after the logged ones.
    auto txn = Txn::BeginWrite(*env_);
    ASSERT_TRUE(txn.ok());
    auto next = NextHistorySeq(*txn, "A");
    ASSERT_TRUE(next.ok());
    EXPECT_EQ(*next, 5u);
    ASSERT_TRUE(PutHistoryRow(*txn, "A", *next, Event("unlinked5")).ok());
    ASSERT_TRUE(txn->Commit().ok());
  }
  EXPECT_THAT(Read("A"), ElementsAre("1:old1", "2:old2", "3:new3", "4:new4", "5:unlinked5"));

  auto txn = Txn::BeginWrite(*env_);
  ASSERT_TRUE(txn.ok());
  auto deleted = DeleteHistory(*txn, "A");
  ASSERT_TRUE(deleted.ok()) << deleted.status();
  EXPECT_EQ(*deleted, 5u);
  ASSERT_TRUE(txn->Delete(Table::kExecState, "A").ok());  // as a prune does, after the history
  ASSERT_TRUE(txn->Commit().ok());
  EXPECT_THAT(LogNumbers(), ElementsAre());
  EXPECT_THAT(Read("A"), ElementsAre());
}

TEST_F(HistoryTest, AnUnreadableStateRowMeansTheLogIsSearched) {
  ExecStateRow a, b;
  Append("A", a, {"a1"});
  Append("B", b, {"b1"});
  Append("A", a, {"a2"});
  auto txn = Txn::BeginWrite(*env_);
  ASSERT_TRUE(txn.ok());
  ASSERT_TRUE(txn->Put(Table::kExecState, "A", "not a state row").ok());
  auto next = NextHistorySeq(*txn, "A");
  ASSERT_TRUE(next.ok()) << next.status();
  EXPECT_EQ(*next, 3u);
  ASSERT_TRUE(txn->Commit().ok());
  EXPECT_THAT(Read("A"), ElementsAre("1:a1", "2:a2"));
  EXPECT_THAT(Read("B"), ElementsAre("1:b1"));
}

TEST_F(HistoryTest, ACrossedOrMissingLinkIsDataLossAndVerifyReportsIt) {
  ExecStateRow a, b;
  Append("A", a, {"a1", "a2"});
  Append("B", b, {"b1"});
  // A's head points at B's event.
  ExecStateRow crossed = a;
  crossed.history_head = b.history_head;
  {
    auto txn = Txn::BeginWrite(*env_);
    ASSERT_TRUE(txn.ok());
    ASSERT_TRUE(txn->Put(Table::kExecState, "A", EncodeExecState(crossed)).ok());
    ASSERT_TRUE(txn->Commit().ok());
  }
  ASSERT_EQ(Read("A").size(), 1u);
  EXPECT_THAT(Read("A")[0], HasSubstr("DATA_LOSS"));
  EXPECT_THAT(Read("A")[0], HasSubstr("does not continue its events"));

  // B's event links to one that is gone.
  {
    auto txn = Txn::BeginWrite(*env_);
    ASSERT_TRUE(txn.ok());
    ASSERT_TRUE(txn->Put(Table::kExecState, "A", EncodeExecState(a)).ok());
    ASSERT_TRUE(txn->Delete(Table::kHistoryLog, BigEndian64(1)).ok());
    ASSERT_TRUE(txn->Commit().ok());
  }
  ASSERT_EQ(Read("A").size(), 1u);
  EXPECT_THAT(Read("A")[0], HasSubstr("log number 1 is missing"));
  auto report = VerifyStore(*env_);
  ASSERT_TRUE(report.ok());
  std::vector<std::string> link_damage;  // (the executions themselves are missing too here)
  for (const Damage& d : report->damage) {
    if (d.table == Table::kHistoryLog && !absl::StrContains(d.problem, "execution is missing")) {
      link_damage.push_back(DescribeDamage(d));
    }
  }
  EXPECT_THAT(link_damage,
              ElementsAre(HasSubstr("the event before it (log number 1) is missing")));

  // Deleting A's history still takes what is left of it.
  auto txn = Txn::BeginWrite(*env_);
  ASSERT_TRUE(txn.ok());
  auto deleted = DeleteHistory(*txn, "A");
  ASSERT_TRUE(deleted.ok()) << deleted.status();
  EXPECT_EQ(*deleted, 1u);
  ASSERT_TRUE(txn->Commit().ok());
  EXPECT_THAT(LogNumbers(), ElementsAre(3));
}

TEST_F(HistoryTest, TwoEventsWithOneSeqAreDataLoss) {
  ExecStateRow a;
  Append("A", a, {"a1"});
  {
    auto txn = Txn::BeginWrite(*env_);
    ASSERT_TRUE(txn.ok());
    ASSERT_TRUE(PutHistoryRow(*txn, "A", 1, Event("again1")).ok());
    ASSERT_TRUE(txn->Commit().ok());
  }
  ASSERT_EQ(Read("A").size(), 1u);
  EXPECT_THAT(Read("A")[0], HasSubstr("two events have seq 1"));
}

TEST_F(HistoryTest, ALogRecordLinkingForwardsOrWithoutItsExecutionDoesNotDecode) {
  HistoryLogRow row{"A", 2, 5, Event("x")};
  EXPECT_TRUE(DecodeHistoryLog(EncodeHistoryLog(row), 6).ok());
  EXPECT_THAT(DecodeHistoryLog(EncodeHistoryLog(row), 5).status().message(),
              HasSubstr("links forwards"));
  row.execution_id.clear();
  EXPECT_THAT(DecodeHistoryLog(EncodeHistoryLog(row), 6).status().message(),
              HasSubstr("no execution id"));
  // A row of the old layout is not a log record.
  EXPECT_FALSE(DecodeHistoryLog(EncodeHistory(Event("x")), 6).ok());
}

}  // namespace
}  // namespace weft::storage
