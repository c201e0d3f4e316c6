// A store written by the format-9 release (tests/storage/fixtures/format9_history, see its
// README), whose history events are all rows of `history`, is read as it is by a read-only
// open and upgraded in place to format 10 by a read-write open, which adds the empty
// `history_log`. The rows stay and still read in order; the running execution's next events go
// to the log and continue its seq; removing the completed execution deletes its rows.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "storage/keys.h"
#include "storage/lmdb.h"
#include "tests/storage/fixture_store.h"
#include "weft/engine.h"

namespace weft {
namespace {

using ::testing::ElementsAre;
using ::weft::testing::FixtureStoreTest;

constexpr char kRunning[] = "01M91T3D860Q0QHR03E9N7Z09C";    // P1, waits on `picked`
constexpr char kCompleted[] = "01M91T3D94VQDB2BH2YN99D133";  // P2

class Format9HistoryStore : public FixtureStoreTest {
 protected:
  Format9HistoryStore() : FixtureStoreTest("format9_history") {}

  // "seq TYPE" per event.
  static std::vector<std::string> Events(Engine& engine, const std::string& id) {
    auto events = engine.History(id);
    EXPECT_TRUE(events.ok()) << events.status();
    std::vector<std::string> out;
    if (!events.ok()) return out;
    for (const HistoryEvent& e : *events) out.push_back(absl::StrCat(e.seq, " ", e.type));
    return out;
  }

  // Rows in a table of the store as it is on disk now.
  size_t Rows(storage::Table t) {
    auto env = OpenEnv();
    if (env == nullptr || !env->has_table(t)) return 0;
    auto txn = storage::Txn::BeginRead(*env);
    EXPECT_TRUE(txn.ok());
    size_t n = 0;
    EXPECT_TRUE(txn->ScanPrefix(t, "", [&](auto, auto) { return ++n > 0; }).ok());
    return n;
  }
};

TEST_F(Format9HistoryStore, ReadOnlyOpenReadsTheRowsAsTheyAre) {
  EXPECT_EQ(OpenEnv()->format(), 9u);
  ExpectNoDamage();
  auto engine = OpenEngine(/*read_only=*/true);
  ASSERT_NE(engine, nullptr);
  EXPECT_THAT(Events(*engine, kRunning), ElementsAre("1 EXECUTION_STARTED", "2 SIGNAL_RECEIVED"));
  EXPECT_THAT(Events(*engine, kCompleted),
              ElementsAre("1 EXECUTION_STARTED", "2 SIGNAL_RECEIVED", "3 SIGNAL_RECEIVED",
                          "4 EXECUTION_COMPLETED"));
  auto running = engine->ListExecutions(ExecutionStatus::kRunning, 10);
  ASSERT_TRUE(running.ok()) << running.status();
  ASSERT_EQ(running->size(), 1u);
  EXPECT_EQ((*running)[0].id, kRunning);
  engine.reset();
  EXPECT_EQ(OpenEnv()->format(), 9u) << "a read-only open must not upgrade";
  EXPECT_EQ(Rows(storage::Table::kByStatus), 2u);
}

TEST_F(Format9HistoryStore, UpgradedNewEventsGoToTheLogAfterTheRows) {
  auto engine = OpenEngine(/*read_only=*/false);
  ASSERT_NE(engine, nullptr);
  EXPECT_THAT(Events(*engine, kRunning), ElementsAre("1 EXECUTION_STARTED", "2 SIGNAL_RECEIVED"));

  ASSERT_TRUE(engine->Signal(kRunning, "picked", Value::Bool(true)).ok());
  auto done = engine->AwaitExecution(kRunning, absl::Seconds(30));
  ASSERT_TRUE(done.ok()) << done.status();
  EXPECT_EQ(done->output.ToJson(), R"({"id":"P1","packed":"box-7","picked":true})");
  EXPECT_THAT(Events(*engine, kRunning),
              ElementsAre("1 EXECUTION_STARTED", "2 SIGNAL_RECEIVED", "3 SIGNAL_RECEIVED",
                          "4 EXECUTION_COMPLETED"));

  // by_status is emptied by the upgrade (format 10 keeps none); by_start lists by status.
  EXPECT_EQ(Rows(storage::Table::kByStatus), 0u);
  auto completed = engine->ListExecutions(ExecutionStatus::kCompleted, 10);
  ASSERT_TRUE(completed.ok()) << completed.status();
  ASSERT_EQ(completed->size(), 2u);
  // Newest start first, as by_status listed them (ids are time-ordered).
  EXPECT_EQ((*completed)[0].id, kCompleted);
  EXPECT_EQ((*completed)[1].id, kRunning);
  ASSERT_TRUE(engine->RemoveExecution(kCompleted).ok());
  engine.reset();
  EXPECT_EQ(Format(), storage::kStoreFormat);  // and nothing damaged
  EXPECT_EQ(Rows(storage::Table::kHistory), 2u) << "the running execution's two rows stay";
  EXPECT_EQ(Rows(storage::Table::kHistoryLog), 2u) << "its two new events";
  auto reopened = OpenEngine(/*read_only=*/true);
  ASSERT_NE(reopened, nullptr);
  EXPECT_EQ(Events(*reopened, kRunning).size(), 4u);
  EXPECT_FALSE(reopened->History(kCompleted).ok());
}

}  // namespace
}  // namespace weft
