// The `by_version` index (storage/version_index.h) is kept by storage itself: written with an
// execution's header, moved when its version changes (migration), dropped with it (prune); and
// DeleteVersion removes a version's rows, its bytecode and source only with their last holder,
// refusing while executions of it are stored.
#include "storage/version_index.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "storage/execution_store.h"
#include "storage/keys.h"
#include "storage/lmdb.h"
#include "storage/prune.h"
#include "storage/registry.h"
#include "storage/verify.h"
#include "tests/storage/store_test_util.h"
#include "tests/storage/temp_dir.h"

namespace weft::storage {
namespace {

class VersionIndexTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto env = Env::Open(weft::testing::StoreOptions(dir_.path()));
    ASSERT_TRUE(env.ok()) << env.status();
    env_ = *std::move(env);
    // order v1 (hash A), v2 (hash B), v3 (hash A again: only the latest is deduplicated).
    Write([](Txn& txn) {
      for (const char* hash : {"A", "B", "A"}) {
        ASSERT_TRUE(RegisterVersion(txn, "order", hash, "bytes", "order.wf", 1).ok());
        ASSERT_TRUE(RegisterSource(txn, hash, "workflow order() {}").ok());
      }
    });
  }

  template <typename F>
  void Write(F f) {
    auto txn = Txn::BeginWrite(*env_);
    ASSERT_TRUE(txn.ok()) << txn.status();
    f(*txn);
    ASSERT_TRUE(txn->Commit().ok());
  }

  static ExecutionRow Row(uint32_t version, std::string hash) {
    ExecutionRow row;
    row.info.workflow = "order";
    row.info.version = version;
    row.info.hash = std::move(hash);
    row.info.created_ms = row.info.updated_ms = 1000;
    return row;
  }

  void Add(const std::string& id, uint32_t version, const std::string& hash) {
    Write([&](Txn& txn) {
      ASSERT_TRUE(ExecutionStore(txn).PutExecution(id, Row(version, hash), std::nullopt).ok());
      ASSERT_TRUE(txn.Put(Table::kExecState, id, EncodeExecState(ExecStateRow{})).ok());
    });
  }

  VersionExecutions Of(uint32_t version, size_t max_ids = 10) {
    auto txn = Txn::BeginRead(*env_);
    EXPECT_TRUE(txn.ok());
    auto found = ExecutionsOfVersion(*txn, "order", version, max_ids);
    EXPECT_TRUE(found.ok()) << found.status();
    return found.ok() ? *found : VersionExecutions{};
  }

  absl::Status Delete(uint32_t version) {
    auto txn = Txn::BeginWrite(*env_);
    if (!txn.ok()) return txn.status();
    absl::Status s = DeleteVersion(*txn, "order", version);
    if (s.ok()) return txn->Commit();
    return s;
  }

  bool Has(Table t, std::string_view key) {
    auto txn = Txn::BeginRead(*env_);
    auto got = txn->Get(t, key);
    return got.ok() && got->has_value();
  }

  void ExpectClean() {
    auto report = VerifyStore(*env_);
    ASSERT_TRUE(report.ok()) << report.status();
    for (const Damage& d : report->damage) ADD_FAILURE() << DescribeDamage(d);
  }

  weft::testing::TempDir dir_;
  std::unique_ptr<Env> env_;
};

TEST_F(VersionIndexTest, FollowsTheHeaderThroughAVersionChangeAndPrune) {
  Add("e1", 1, "A");
  Add("e2", 1, "A");
  Add("e3", 2, "B");
  EXPECT_EQ(Of(1).count, 2u);
  EXPECT_EQ(Of(1).first_ids, (std::vector<std::string>{"e1", "e2"}));
  EXPECT_EQ(Of(1, 1).first_ids, (std::vector<std::string>{"e1"}));
  EXPECT_EQ(Of(2).count, 1u);
  EXPECT_EQ(Of(3).count, 0u);
  ExpectClean();

  // A migration rewrites the header with the new version: the entry moves.
  Write([](Txn& txn) {
    ExecutionRow moved = Row(3, "A");
    ASSERT_TRUE(
        ExecutionStore(txn).PutExecution("e2", moved, IndexedAs{ExecutionStatus::kRunning, 1000, 1}).ok());
  });
  EXPECT_EQ(Of(1).first_ids, (std::vector<std::string>{"e1"}));
  EXPECT_EQ(Of(3).first_ids, (std::vector<std::string>{"e2"}));
  ExpectClean();

  // Prune drops the entry with the execution.
  Write([](Txn& txn) { ASSERT_TRUE(DeleteExecutions(txn, {"e1"}).ok()); });
  EXPECT_EQ(Of(1).count, 0u);
  ExpectClean();
}

TEST_F(VersionIndexTest, VerifyReportsAMissingOrWrongEntry) {
  Add("e1", 1, "A");
  Write([](Txn& txn) {
    ASSERT_TRUE(txn.Delete(Table::kByVersion, VersionIndexKey("order", 1, "e1")).ok());
    ASSERT_TRUE(txn.Put(Table::kByVersion, VersionIndexKey("order", 2, "e1"), {}).ok());
  });
  auto report = VerifyStore(*env_);
  ASSERT_TRUE(report.ok());
  ASSERT_EQ(report->damage.size(), 2u);
  std::string all;
  for (const Damage& d : report->damage) all += DescribeDamage(d) + "\n";
  EXPECT_NE(all.find("no row in `by_version`"), std::string::npos) << all;
  EXPECT_NE(all.find("its execution is order@1, not this row's order@2"), std::string::npos) << all;
}

TEST_F(VersionIndexTest, DeleteVersionRefusesWhileExecutionsAreStored) {
  Add("e1", 2, "B");
  EXPECT_TRUE(absl::IsFailedPrecondition(Delete(2)));
  EXPECT_TRUE(Has(Table::kVersions, VersionKey("order", 2)));
  EXPECT_TRUE(absl::IsNotFound(Delete(9)));
  Write([](Txn& txn) { ASSERT_TRUE(DeleteExecutions(txn, {"e1"}).ok()); });
  ASSERT_TRUE(Delete(2).ok());
  EXPECT_FALSE(Has(Table::kVersions, VersionKey("order", 2)));
  // B had no other holder: its bytecode and source go with it.
  EXPECT_FALSE(Has(Table::kBytecode, "B"));
  EXPECT_FALSE(Has(Table::kSources, "B"));
  ExpectClean();
}

TEST_F(VersionIndexTest, SharedBytecodeStaysWithItsLastHolder) {
  ASSERT_TRUE(Delete(1).ok());
  EXPECT_TRUE(Has(Table::kBytecode, "A"));  // v3 has the same hash
  EXPECT_TRUE(Has(Table::kSources, "A"));
  ExpectClean();
}

TEST_F(VersionIndexTest, AnOverwrittenVersionsExecutionsKeepTheirBytecode) {
  // v4 is registered through the metadata API (hash D) and runs e4; then overwritten with C,
  // while e4 keeps D; v5 is registered with D too. Deleting v5 must keep D for e4.
  Write([](Txn& txn) {
    ASSERT_TRUE(RegisterVersionAt(txn, "order", 4, "D", "bytes", "x", "{}", false, 1).ok());
  });
  Add("e4", 4, "D");
  Write([](Txn& txn) {
    ASSERT_TRUE(RegisterVersionAt(txn, "order", 4, "C", "bytes", "x", "{\"v\":2}", true, 1).ok());
    ASSERT_TRUE(RegisterVersionAt(txn, "order", 5, "D", "bytes", "x", "{}", false, 1).ok());
  });
  // v5 names D, and e4 (of v4, now C) holds D: deleting v5 keeps D.
  ASSERT_TRUE(Delete(5).ok());
  EXPECT_TRUE(Has(Table::kBytecode, "D"));
  ExpectClean();
}

}  // namespace
}  // namespace weft::storage
