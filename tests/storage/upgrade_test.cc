// The 2 -> 3 upgrade on a store made here (the real format-2 store is in
// format2_upgrade_test.cc): every record gains its checksum, in one transaction, growing the
// map when the rewrite does not fit.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "storage/keys.h"
#include "storage/lmdb.h"
#include "storage/upgrade.h"
#include "storage/verify.h"
#include "tests/storage/store_test_util.h"
#include "tests/storage/temp_dir.h"

namespace weft::storage {
namespace {

using ::weft::testing::StoreOptions;
using ::weft::testing::TempDir;

// A store laid out as format 2 writes it: format 2, no checksum marker, raw record values.
void MakeFormat2Store(const std::string& path, int rows) {
  auto env = Env::Open(StoreOptions(path));
  ASSERT_TRUE(env.ok()) << env.status();
  auto txn = Txn::BeginWrite(**env);
  ASSERT_TRUE(txn->Put(Table::kMeta, kMetaFormatVersion, BigEndian32(2)).ok());
  ASSERT_TRUE(txn->Delete(Table::kMeta, kMetaChecksum).ok());
  for (int i = 0; i < rows; ++i) {
    std::string key = absl::StrCat("k", 1000 + i), value(2000, static_cast<char>('a' + i % 26));
    MDB_val k{key.size(), key.data()}, v{value.size(), value.data()};
    ASSERT_EQ(mdb_put(txn->raw(), (*env)->dbi(Table::kBytecode), &k, &v, 0), 0);
  }
  ASSERT_TRUE(txn->Commit().ok());
}

TEST(Upgrade, EveryRecordGainsItsChecksum) {
  TempDir dir;
  const std::string store = dir.path() + "/s";
  MakeFormat2Store(store, 50);
  Env::Options options = StoreOptions(store);
  std::vector<std::string> log;
  options.log = [&](std::string_view line) { log.emplace_back(line); };
  auto env = Env::Open(options);
  ASSERT_TRUE(env.ok()) << env.status();
  ASSERT_EQ((*env)->format(), 2u);
  {
    auto txn = Txn::BeginRead(**env);
    auto raw = txn->Get(Table::kBytecode, "k1000");
    ASSERT_TRUE(raw.ok() && *raw);
    EXPECT_EQ((*raw)->size(), 2000u) << "format 2 values are read as they are";
  }
  ASSERT_TRUE(UpgradeStore(**env).ok());
  EXPECT_EQ((*env)->format(), kStoreFormat);
  auto txn = Txn::BeginRead(**env);
  int rows = 0;
  ASSERT_TRUE(txn->ScanStored(Table::kBytecode, "", [&](std::string_view key, std::string_view v) {
    EXPECT_TRUE(UnsealRecord(Table::kBytecode, key, v).ok()) << key;
    EXPECT_EQ(v.size(), 2004u);
    ++rows;
    return true;
  }).ok());
  EXPECT_EQ(rows, 50);
  auto value = txn->Get(Table::kBytecode, "k1000");
  ASSERT_TRUE(value.ok() && *value);
  EXPECT_EQ(**value, std::string(2000, 'a'));
  txn->Abort();
  env->reset();
  auto reopened = Env::Open(StoreOptions(store, /*read_only=*/true));
  ASSERT_TRUE(reopened.ok()) << reopened.status();
  EXPECT_EQ((*reopened)->format(), kStoreFormat);
  EXPECT_TRUE(VerifyStore(**reopened)->clean());
}

TEST(Upgrade, ARewriteThatFillsTheMapGrowsItAndFinishes) {
  TempDir dir;
  const std::string store = dir.path() + "/s";
  MakeFormat2Store(store, 300);
  Env::Options options = StoreOptions(store);
  options.map_size_bytes = 1;  // LMDB raises it to the file's size: no room for the rewrite
  std::vector<std::string> log;
  options.log = [&](std::string_view line) { log.emplace_back(line); };
  auto env = Env::Open(options);
  ASSERT_TRUE(env.ok()) << env.status();
  const uint64_t before = (*env)->map_size();
  ASSERT_TRUE(UpgradeStore(**env).ok());
  EXPECT_EQ((*env)->format(), kStoreFormat);
  EXPECT_GT((*env)->map_size(), before);
  bool grew = false;
  for (const std::string& line : log) grew = grew || absl::StrContains(line, "grew it to");
  EXPECT_TRUE(grew);
  auto report = VerifyStore(**env);
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->clean());
  EXPECT_EQ(report->rows, 300u + 2u);  // the records and meta's two keys
}

TEST(Upgrade, AReaderOpenedBeforeAnotherProcessUpgradedReadsTheNewRecords) {
  TempDir dir;
  const std::string store = dir.path() + "/s";
  MakeFormat2Store(store, 3);
  auto reader = Env::Open(StoreOptions(store, /*read_only=*/true));
  ASSERT_TRUE(reader.ok()) << reader.status();
  ASSERT_EQ((*reader)->format(), 2u);
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {  // another weft: opens the store read-write and upgrades it
    Env::Options options = StoreOptions(store);
    options.log = [](std::string_view) {};
    auto env = Env::Open(options);
    _exit(env.ok() && UpgradeStore(**env).ok() ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  auto txn = Txn::BeginRead(**reader);
  ASSERT_TRUE(txn.ok());
  EXPECT_TRUE(txn->checksums());
  auto value = txn->Get(Table::kBytecode, "k1000");
  ASSERT_TRUE(value.ok() && *value) << value.status();
  EXPECT_EQ(**value, std::string(2000, 'a')) << "the checksum is stripped, not read as data";
}

}  // namespace
}  // namespace weft::storage
