// The outbox's rows (storage/outbox.h): written and read back whole, listed in id order from a
// given id, counted, deleted by id; a damaged row is DataLoss for the reader and a finding of
// `weft verify`, never skipped.
#include "storage/outbox.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "storage/keys.h"
#include "storage/lmdb.h"
#include "storage/verify.h"
#include "tests/storage/store_test_util.h"
#include "tests/storage/temp_dir.h"

namespace weft::storage {
namespace {

class OutboxTest : public ::testing::Test {
 protected:
  void SetUp() override { Open(); }

  void Open() {
    env_.reset();
    auto env = Env::Open(weft::testing::StoreOptions(dir_.path()));
    ASSERT_TRUE(env.ok()) << env.status();
    env_ = *std::move(env);
  }

  static OutboxMessage Message(const std::string& id, const std::string& subject = "orders.new") {
    return OutboxMessage{id, subject, R"({"id":")" + id + R"("})", 1700000000000, "exec-" + id};
  }

  void Put(const std::vector<OutboxMessage>& messages) {
    auto txn = Txn::BeginWrite(*env_);
    ASSERT_TRUE(txn.ok()) << txn.status();
    for (const OutboxMessage& m : messages) ASSERT_TRUE(OutboxStore(*txn).Put(m).ok());
    ASSERT_TRUE(txn->Commit().ok());
  }

  std::vector<std::string> Ids(std::string_view after = "", size_t limit = 100) {
    auto txn = Txn::BeginRead(*env_);
    auto rows = OutboxStore(*txn).List(after, limit);
    EXPECT_TRUE(rows.ok()) << rows.status();
    std::vector<std::string> ids;
    if (rows.ok()) {
      for (const OutboxMessage& m : *rows) ids.push_back(m.id);
    }
    return ids;
  }

  uint64_t Count() {
    auto txn = Txn::BeginRead(*env_);
    auto n = OutboxStore(*txn).Count();
    EXPECT_TRUE(n.ok()) << n.status();
    return n.ok() ? *n : 0;
  }

  weft::testing::TempDir dir_;
  std::unique_ptr<Env> env_;
};

TEST_F(OutboxTest, ANewStoreHasTheTableAtFormat7) {
  EXPECT_EQ(env_->format(), kStoreFormat);
  EXPECT_GE(kStoreFormat, kOutboxFormat);
  EXPECT_TRUE(env_->has_table(Table::kOutbox));
  EXPECT_EQ(Count(), 0u);
  EXPECT_TRUE(Ids().empty());
}

TEST_F(OutboxTest, RowsComeBackWholeInIdOrder) {
  OutboxMessage big = Message("03", "a.b.c");
  big.data = std::string(300000, 'x');  // larger than a page
  Put({Message("02"), big, Message("01")});
  EXPECT_EQ(Count(), 3u);
  EXPECT_EQ(Ids(), (std::vector<std::string>{"01", "02", "03"}));
  auto txn = Txn::BeginRead(*env_);
  auto rows = OutboxStore(*txn).List("", 10);
  ASSERT_TRUE(rows.ok()) << rows.status();
  const OutboxMessage& last = (*rows)[2];
  EXPECT_EQ(last.id, "03");
  EXPECT_EQ(last.subject, "a.b.c");
  EXPECT_EQ(last.data, big.data);
  EXPECT_EQ(last.created_ms, 1700000000000);
  EXPECT_EQ(last.execution_id, "exec-03");
}

TEST_F(OutboxTest, ListsFromAfterAnIdAndUpToALimit) {
  Put({Message("01"), Message("02"), Message("03"), Message("04")});
  EXPECT_EQ(Ids("", 2), (std::vector<std::string>{"01", "02"}));
  EXPECT_EQ(Ids("02", 10), (std::vector<std::string>{"03", "04"}));
  EXPECT_EQ(Ids("025", 1), (std::vector<std::string>{"03"}));  // an id not stored
  EXPECT_TRUE(Ids("04", 10).empty());
  EXPECT_TRUE(Ids("", 0).empty());
}

TEST_F(OutboxTest, DeletesByIdAndSkipsIdsNoLongerThere) {
  Put({Message("01"), Message("02"), Message("03")});
  {
    auto txn = Txn::BeginWrite(*env_);
    ASSERT_TRUE(OutboxStore(*txn).Delete({"01", "03", "99"}).ok());
    ASSERT_TRUE(txn->Commit().ok());
  }
  EXPECT_EQ(Ids(), (std::vector<std::string>{"02"}));
  EXPECT_EQ(Count(), 1u);
}

TEST_F(OutboxTest, RefusesARowWithoutIdOrSubject) {
  auto txn = Txn::BeginWrite(*env_);
  EXPECT_TRUE(absl::IsInvalidArgument(OutboxStore(*txn).Put(Message("", "x"))));
  EXPECT_TRUE(absl::IsInvalidArgument(OutboxStore(*txn).Put(Message("01", ""))));
}

TEST_F(OutboxTest, AnUndecodableRowIsDataLossAndADamageFinding) {
  Put({Message("01")});
  {
    auto txn = Txn::BeginWrite(*env_);
    ASSERT_TRUE(txn->Put(Table::kOutbox, "02", "not a record").ok());  // sealed, but not ours
    ASSERT_TRUE(txn->Commit().ok());
  }
  {
    auto txn = Txn::BeginRead(*env_);
    auto rows = OutboxStore(*txn).List("", 10);
    EXPECT_TRUE(absl::IsDataLoss(rows.status())) << rows.status();
    EXPECT_NE(std::string(rows.status().message()).find("`02`"), std::string::npos)
        << rows.status();
  }
  auto report = VerifyStore(*env_);
  ASSERT_TRUE(report.ok()) << report.status();
  ASSERT_EQ(report->damage.size(), 1u);
  EXPECT_EQ(report->damage[0].table, Table::kOutbox);
  EXPECT_EQ(report->damage[0].key, "02");
}

TEST_F(OutboxTest, EncodingRoundTripsAndRefusesForeignBytes) {
  const OutboxMessage m = Message("07", "x.y");
  auto back = DecodeOutbox("07", EncodeOutbox(m));
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->subject, "x.y");
  EXPECT_EQ(back->data, m.data);
  EXPECT_EQ(back->execution_id, m.execution_id);
  EXPECT_TRUE(absl::IsDataLoss(DecodeOutbox("07", "").status()));
  EXPECT_TRUE(absl::IsDataLoss(DecodeOutbox("07", std::string(64, '\0')).status()));
}

}  // namespace
}  // namespace weft::storage
