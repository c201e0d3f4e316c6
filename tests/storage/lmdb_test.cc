#include "storage/lmdb.h"

#include <gtest/gtest.h>

#include "storage/keys.h"
#include "tests/storage/temp_dir.h"

namespace weft::storage {
namespace {

std::unique_ptr<Env> OpenEnv(const std::string& path, bool read_only = false) {
  Env::Options o;
  o.path = path;
  o.map_size_bytes = 64 << 20;
  o.read_only = read_only;
  auto env = Env::Open(o);
  EXPECT_TRUE(env.ok()) << env.status();
  return env.ok() ? *std::move(env) : nullptr;
}

TEST(Lmdb, PutGetDeleteCommitted) {
  testing::TempDir dir;
  auto env = OpenEnv(dir.path());
  {
    auto txn = Txn::BeginWrite(*env);
    ASSERT_TRUE(txn.ok());
    ASSERT_TRUE(txn->Put(Table::kMeta, "k", "v").ok());
    ASSERT_TRUE(txn->Commit().ok());
  }
  auto read = Txn::BeginRead(*env);
  ASSERT_TRUE(read.ok());
  auto v = read->Get(Table::kMeta, "k");
  ASSERT_TRUE(v.ok() && v->has_value());
  EXPECT_EQ(**v, "v");
  auto missing = read->Get(Table::kMeta, "nope");
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->has_value());
}

TEST(Lmdb, AbortedTransactionLeavesNothing) {
  testing::TempDir dir;
  auto env = OpenEnv(dir.path());
  {
    auto txn = Txn::BeginWrite(*env);
    ASSERT_TRUE(txn->Put(Table::kMeta, "k", "v").ok());
    // destroyed without Commit
  }
  auto read = Txn::BeginRead(*env);
  EXPECT_FALSE(read->Get(Table::kMeta, "k")->has_value());
}

TEST(Lmdb, ScanPrefixForwardAndReverse) {
  testing::TempDir dir;
  auto env = OpenEnv(dir.path());
  auto txn = Txn::BeginWrite(*env);
  for (uint32_t seq : {1u, 2u, 3u, 300u}) {
    ASSERT_TRUE(txn->Put(Table::kHistory, HistoryKey("A", seq), "x").ok());
  }
  ASSERT_TRUE(txn->Put(Table::kHistory, HistoryKey("B", 1), "y").ok());
  std::vector<uint32_t> forward, reverse;
  ASSERT_TRUE(txn->ScanPrefix(Table::kHistory, HistoryPrefix("A"), [&](auto k, auto) {
                    forward.push_back(ReadBigEndian32(k.substr(k.size() - 4)));
                    return true;
                  }).ok());
  ASSERT_TRUE(txn->ScanPrefix(
                     Table::kHistory, HistoryPrefix("A"),
                     [&](auto k, auto) {
                       reverse.push_back(ReadBigEndian32(k.substr(k.size() - 4)));
                       return true;
                     },
                     /*reverse=*/true)
                  .ok());
  EXPECT_EQ(forward, (std::vector<uint32_t>{1, 2, 3, 300}));
  EXPECT_EQ(reverse, (std::vector<uint32_t>{300, 3, 2, 1}));
}

TEST(Lmdb, ReverseScanOfLastPrefixInTable) {
  testing::TempDir dir;
  auto env = OpenEnv(dir.path());
  auto txn = Txn::BeginWrite(*env);
  ASSERT_TRUE(txn->Put(Table::kMeta, std::string("\xff\xff", 2), "last").ok());
  ASSERT_TRUE(txn->Put(Table::kMeta, "a", "first").ok());
  std::vector<std::string> seen;
  ASSERT_TRUE(txn->ScanPrefix(
                     Table::kMeta, std::string("\xff", 1),
                     [&](auto, auto v) {
                       seen.emplace_back(v);
                       return true;
                     },
                     true)
                  .ok());
  EXPECT_EQ(seen, std::vector<std::string>{"last"});
}

TEST(Lmdb, ReadOnlyOpenOfMissingStoreIsNotFound) {
  testing::TempDir dir;
  Env::Options o;
  o.path = dir.path() + "/absent";
  o.read_only = true;
  auto env = Env::Open(o);
  EXPECT_TRUE(absl::IsNotFound(env.status())) << env.status();
}

TEST(Lmdb, WriteOnReadOnlyEnvIsRefused) {
  testing::TempDir dir;
  OpenEnv(dir.path());  // create
  auto env = OpenEnv(dir.path(), /*read_only=*/true);
  EXPECT_TRUE(absl::IsFailedPrecondition(Txn::BeginWrite(*env).status()));
}

}  // namespace
}  // namespace weft::storage
