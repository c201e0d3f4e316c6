// A damaged store is refused or reported, never a crash and never a silent loss: truncated and
// foreign data files at open, a damaged catalogue entry, a flipped byte in a record (caught by
// the read and by VerifyStore), and the format record's own consistency check.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <random>

#include "absl/strings/match.h"
#include "storage/keys.h"
#include "storage/lmdb.h"
#include "storage/open_checks.h"
#include "storage/records.h"
#include "storage/verify.h"
#include "tests/storage/store_test_util.h"
#include "tests/storage/temp_dir.h"

namespace weft::storage {
namespace {

using ::weft::testing::FlipByteAfter;
using ::weft::testing::ReadBytes;
using ::weft::testing::StoreOptions;
using ::weft::testing::TempDir;
using ::weft::testing::WriteBytes;

std::string Message(const absl::Status& s) { return std::string(s.message()); }

// A store with `rows` history records of about 1 KiB each, closed again.
void MakeStore(const std::string& path, int rows) {
  auto env = Env::Open(StoreOptions(path));
  ASSERT_TRUE(env.ok()) << env.status();
  auto txn = Txn::BeginWrite(**env);
  ASSERT_TRUE(txn.ok());
  for (int i = 0; i < rows; ++i) {
    HistoryRow row{1000 + i, HistoryType::kTaskScheduled, "", Value::String(std::string(1000, 'x'))};
    ASSERT_TRUE(txn->Put(Table::kHistory, HistoryKey("E1", i + 1), EncodeHistory(row)).ok());
  }
  ASSERT_TRUE(txn->Commit().ok());
}

TEST(OpenChecks, TruncatedDataFileIsRefusedReadOnlyAndReadWrite) {
  TempDir dir;
  const std::string store = dir.path() + "/s";
  MakeStore(store, 200);
  const std::string file = store + "/data.mdb";
  const auto size = std::filesystem::file_size(file);
  ASSERT_GT(size, 100u << 10);
  std::filesystem::resize_file(file, size / 2);
  for (bool read_only : {true, false}) {
    auto env = Env::Open(StoreOptions(store, read_only));
    ASSERT_FALSE(env.ok()) << "read_only=" << read_only;
    EXPECT_TRUE(absl::IsDataLoss(env.status())) << env.status();
    EXPECT_TRUE(absl::StrContains(Message(env.status()), "is truncated")) << env.status();
    EXPECT_TRUE(absl::StrContains(Message(env.status()), "backup")) << env.status();
  }
  EXPECT_EQ(std::filesystem::file_size(file), size / 2) << "a refused open must not write";
}

// LMDB does not write pages a transaction allocated and freed again, so a valid file may end
// before the last page its meta names; those pages are in the free list, and the file is
// accepted. Made with LMDB directly: transactions that grow the tree, then delete from it.
TEST(OpenChecks, AFileEndingInFreeUnwrittenPagesIsAccepted) {
  TempDir dir;
  MDB_env* env = nullptr;
  ASSERT_EQ(mdb_env_create(&env), 0);
  mdb_env_set_mapsize(env, 1ull << 30);
  mdb_env_set_maxdbs(env, 2);
  ASSERT_EQ(mdb_env_open(env, dir.path().c_str(), MDB_NOSYNC, 0644), 0);
  MDB_txn* txn = nullptr;
  MDB_dbi dbi;
  ASSERT_EQ(mdb_txn_begin(env, nullptr, 0, &txn), 0);
  ASSERT_EQ(mdb_dbi_open(txn, "t", MDB_CREATE, &dbi), 0);
  ASSERT_EQ(mdb_txn_commit(txn), 0);
  std::mt19937 rng(1);
  bool short_file = false;
  for (int t = 0; t < 3000 && !short_file; ++t) {
    ASSERT_EQ(mdb_txn_begin(env, nullptr, 0, &txn), 0);
    const int n = static_cast<int>(rng() % 400);
    for (int i = 0; i < n; ++i) {
      std::string key = "k" + std::to_string(rng() % 2000);
      MDB_val k{key.size(), key.data()};
      if (i > n / 2) {
        mdb_del(txn, dbi, &k, nullptr);
        continue;
      }
      std::string value(rng() % 2 ? rng() % 300 : rng() % 9000, 'x');
      MDB_val v{value.size(), value.data()};
      ASSERT_EQ(mdb_put(txn, dbi, &k, &v, 0), 0);
    }
    ASSERT_EQ(mdb_txn_commit(txn), 0);
    MDB_envinfo info;
    MDB_stat stat;
    mdb_env_info(env, &info);
    mdb_env_stat(env, &stat);
    short_file = std::filesystem::file_size(dir.path() + "/data.mdb") <
                 (info.me_last_pgno + 1) * stat.ms_psize;
  }
  mdb_env_close(env);
  ASSERT_TRUE(short_file) << "the workload no longer leaves unwritten pages at the end";
  auto state = CheckDataFile(dir.path());
  ASSERT_TRUE(state.ok()) << state.status();
  EXPECT_LT(state->size, state->needed);
  // Cut into the pages in use: refused.
  std::filesystem::resize_file(dir.path() + "/data.mdb", state->size / 2);
  auto cut = CheckDataFile(dir.path());
  EXPECT_TRUE(absl::IsDataLoss(cut.status())) << cut.status();
}

TEST(OpenChecks, FileCutInsideTheMetaPagesIsRefused) {
  TempDir dir;
  const std::string store = dir.path() + "/s";
  MakeStore(store, 1);
  std::filesystem::resize_file(store + "/data.mdb", 5000);  // page 0 whole, page 1 cut
  auto env = Env::Open(StoreOptions(store, /*read_only=*/true));
  ASSERT_FALSE(env.ok());
  EXPECT_TRUE(absl::IsDataLoss(env.status())) << env.status();
  EXPECT_TRUE(absl::StrContains(Message(env.status()), "truncated")) << env.status();
}

TEST(OpenChecks, EmptyDataFileIsRefusedNotReinitialised) {
  TempDir dir;
  const std::string store = dir.path() + "/s";
  MakeStore(store, 1);
  std::filesystem::resize_file(store + "/data.mdb", 0);
  auto env = Env::Open(StoreOptions(store));
  ASSERT_FALSE(env.ok());
  EXPECT_TRUE(absl::StrContains(Message(env.status()), "is empty")) << env.status();
  EXPECT_EQ(std::filesystem::file_size(store + "/data.mdb"), 0u);
}

TEST(OpenChecks, ForeignFileIsRefused) {
  TempDir dir;
  const std::string store = dir.path() + "/s";
  std::filesystem::create_directory(store);
  std::string text;
  for (int i = 0; i < 2000; ++i) text += "this is not a database, just some text\n";
  WriteBytes(store + "/data.mdb", text);
  for (bool read_only : {true, false}) {
    auto env = Env::Open(StoreOptions(store, read_only));
    ASSERT_FALSE(env.ok());
    EXPECT_TRUE(absl::IsDataLoss(env.status())) << env.status();
    EXPECT_TRUE(absl::StrContains(Message(env.status()), "is not an LMDB file")) << env.status();
  }
  EXPECT_EQ(ReadBytes(store + "/data.mdb"), text);
}

TEST(OpenChecks, ReadOnlyOpenOfAMissingStoreIsNotFound) {
  TempDir dir;
  std::filesystem::create_directory(dir.path() + "/empty");
  auto env = Env::Open(StoreOptions(dir.path() + "/empty", /*read_only=*/true));
  ASSERT_FALSE(env.ok());
  EXPECT_TRUE(absl::IsNotFound(env.status())) << env.status();
  EXPECT_FALSE(std::filesystem::exists(dir.path() + "/empty/data.mdb"));
}

TEST(Catalogue, DamagedTableEntryIsReportedNotRecreated) {
  TempDir dir;
  const std::string store = dir.path() + "/s";
  MakeStore(store, 3);
  // The main database holds one key per table name; damage the key `history`.
  FlipByteAfter(store + "/data.mdb", "history", 2, /*every=*/true);
  for (bool read_only : {false, true, false}) {
    auto env = Env::Open(StoreOptions(store, read_only));
    ASSERT_FALSE(env.ok()) << "an open must not create the missing table";
    EXPECT_TRUE(absl::IsDataLoss(env.status())) << env.status();
    EXPECT_TRUE(absl::StrContains(Message(env.status()), "has no table `history`")) << env.status();
  }
}

TEST(Catalogue, ANewStoreGetsEveryTableAndTheCurrentFormat) {
  TempDir dir;
  auto env = Env::Open(StoreOptions(dir.path() + "/s"));
  ASSERT_TRUE(env.ok()) << env.status();
  EXPECT_EQ((*env)->format(), kStoreFormat);
  EXPECT_TRUE((*env)->checksums());
  for (size_t i = 0; i < static_cast<size_t>(Table::kCount); ++i) {
    EXPECT_TRUE((*env)->has_table(static_cast<Table>(i))) << i;
  }
  env->reset();
  auto again = Env::Open(StoreOptions(dir.path() + "/s", /*read_only=*/true));
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ((*again)->format(), kStoreFormat);
}

TEST(Checksums, APutValueCarriesItsChecksumAndGetStripsIt) {
  TempDir dir;
  auto env = Env::Open(StoreOptions(dir.path() + "/s"));
  ASSERT_TRUE(env.ok());
  auto txn = Txn::BeginWrite(**env);
  ASSERT_TRUE(txn->Put(Table::kTasks, "T1", "hello").ok());
  ASSERT_TRUE(txn->Put(Table::kQueue, "type\0T1", "").ok());
  auto got = txn->Get(Table::kTasks, "T1");
  ASSERT_TRUE(got.ok() && *got);
  EXPECT_EQ(**got, "hello");
  std::string stored;
  ASSERT_TRUE(txn->ScanStored(Table::kTasks, "", [&](auto, auto v) {
    stored = std::string(v);
    return true;
  }).ok());
  EXPECT_EQ(stored, SealRecord("T1", "hello"));
  EXPECT_EQ(stored.size(), 9u);
  std::string index = "x";
  ASSERT_TRUE(txn->ScanStored(Table::kQueue, "", [&](auto, auto v) {
    index = std::string(v);
    return true;
  }).ok());
  EXPECT_EQ(index, "") << "index rows stay empty";
}

TEST(Checksums, ARecordMovedToAnotherKeyFailsItsChecksum) {
  // The checksum covers the key too: a value copied under another key is caught.
  EXPECT_TRUE(UnsealRecord(Table::kTasks, "T1", SealRecord("T1", "v")).ok());
  auto moved = UnsealRecord(Table::kTasks, "T2", SealRecord("T1", "v"));
  EXPECT_TRUE(absl::IsDataLoss(moved.status()));
  EXPECT_TRUE(absl::IsDataLoss(UnsealRecord(Table::kTasks, "T1", "abc").status()));
}

class FlippedHistoryByte : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = dir_.path() + "/s";
    auto env = Env::Open(StoreOptions(store_));
    ASSERT_TRUE(env.ok());
    auto txn = Txn::BeginWrite(**env);
    for (uint32_t seq = 1; seq <= 3; ++seq) {
      std::string marker = seq == 2 ? "MARKER-OF-EVENT-TWO" : "other event";
      HistoryRow row{1000, HistoryType::kTaskScheduled, "T1", Value::String(marker)};
      ASSERT_TRUE(txn->Put(Table::kHistory, HistoryKey("E1", seq), EncodeHistory(row)).ok());
    }
    ASSERT_TRUE(txn->Commit().ok());
    env->reset();
    FlipByteAfter(store_ + "/data.mdb", "MARKER-OF-EVENT-TWO", 3);
  }
  TempDir dir_;
  std::string store_;
};

TEST_F(FlippedHistoryByte, TheReadIsDataLossNamingTableAndKey) {
  auto env = Env::Open(StoreOptions(store_, /*read_only=*/true));
  ASSERT_TRUE(env.ok()) << env.status();
  auto txn = Txn::BeginRead(**env);
  auto good = txn->Get(Table::kHistory, HistoryKey("E1", 1));
  ASSERT_TRUE(good.ok() && *good);
  EXPECT_TRUE(DecodeHistory(**good).ok());
  auto bad = txn->Get(Table::kHistory, HistoryKey("E1", 2));
  ASSERT_FALSE(bad.ok());
  EXPECT_TRUE(absl::IsDataLoss(bad.status())) << bad.status();
  EXPECT_TRUE(absl::StrContains(Message(bad.status()), "table `history`")) << bad.status();
  EXPECT_TRUE(absl::StrContains(Message(bad.status()), "key `E1\\x00\\x00\\x00\\x00\\x02`"))
      << bad.status();
  int visited = 0;
  absl::Status scan = txn->ScanPrefix(Table::kHistory, HistoryPrefix("E1"), [&](auto, auto) {
    ++visited;
    return true;
  });
  EXPECT_TRUE(absl::IsDataLoss(scan)) << scan;
  EXPECT_EQ(visited, 1) << "the scan stops at the damaged record";
}

TEST_F(FlippedHistoryByte, VerifyReportsIt) {
  auto env = Env::Open(StoreOptions(store_, /*read_only=*/true));
  ASSERT_TRUE(env.ok());
  auto report = VerifyStore(**env);
  ASSERT_TRUE(report.ok()) << report.status();
  std::vector<std::string> lines;
  for (const Damage& d : report->damage) lines.push_back(DescribeDamage(d));
  // The two intact events are reported for their missing execution (this test writes none).
  EXPECT_EQ(lines, (std::vector<std::string>{
                       "table `history`, key `E1\\x00\\x00\\x00\\x00\\x01`: its execution is "
                       "missing (no key `E1` in table `executions`)",
                       "table `history`, key `E1\\x00\\x00\\x00\\x00\\x02`: does not match its checksum",
                       "table `history`, key `E1\\x00\\x00\\x00\\x00\\x03`: its execution is "
                       "missing (no key `E1` in table `executions`)",
                   }));
}

TEST(FormatRecord, AFormatNumberThatDisagreesWithTheChecksumMarkerIsDamage) {
  TempDir dir;
  const std::string store = dir.path() + "/s";
  {
    auto env = Env::Open(StoreOptions(store));
    auto txn = Txn::BeginWrite(**env);
    // What a flipped bit in the format number (3 -> 2) looks like.
    ASSERT_TRUE(txn->Put(Table::kMeta, kMetaFormatVersion, BigEndian32(2)).ok());
    ASSERT_TRUE(txn->Commit().ok());
  }
  auto env = Env::Open(StoreOptions(store));
  ASSERT_FALSE(env.ok());
  EXPECT_TRUE(absl::IsDataLoss(env.status())) << env.status();
  EXPECT_TRUE(absl::StrContains(Message(env.status()), "damaged format record")) << env.status();
}

TEST(FormatRecord, ANewerFormatIsRefusedWithTheRange) {
  TempDir dir;
  const std::string store = dir.path() + "/s";
  {
    auto env = Env::Open(StoreOptions(store));
    auto txn = Txn::BeginWrite(**env);
    ASSERT_TRUE(txn->Put(Table::kMeta, kMetaFormatVersion, BigEndian32(kStoreFormat + 1)).ok());
    ASSERT_TRUE(txn->Commit().ok());
  }
  auto env = Env::Open(StoreOptions(store, /*read_only=*/true));
  ASSERT_FALSE(env.ok());
  EXPECT_TRUE(absl::IsFailedPrecondition(env.status())) << env.status();
  EXPECT_TRUE(absl::StrContains(Message(env.status()),
                                absl::StrCat("this weft reads formats 2 to ", kStoreFormat)))
      << env.status();
}

TEST(Verify, ACleanStoreIsClean) {
  TempDir dir;
  const std::string store = dir.path() + "/s";
  auto env = Env::Open(StoreOptions(store));
  ASSERT_TRUE(env.ok());
  auto report = VerifyStore(**env);
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->clean());
}

TEST(Verify, IndexRowsWithoutTheirRowsAreReported) {
  TempDir dir;
  auto env = Env::Open(StoreOptions(dir.path() + "/s"));
  ASSERT_TRUE(env.ok());
  {
    auto txn = Txn::BeginWrite(**env);
    ASSERT_TRUE(txn->Put(Table::kQueue, QueueKey("ship", "T9"), "").ok());
    ASSERT_TRUE(txn->Put(Table::kByStatus, StatusKey(0, "E9"), "").ok());
    ASSERT_TRUE(txn->Put(Table::kExecTasks, ExecTaskKey("E9", "T9"), "x").ok());
    ASSERT_TRUE(txn->Commit().ok());
  }
  auto report = VerifyStore(**env);
  ASSERT_TRUE(report.ok());
  std::vector<std::string> lines;
  for (const Damage& d : report->damage) lines.push_back(DescribeDamage(d));
  EXPECT_EQ(lines, (std::vector<std::string>{
                       "table `exec_tasks`, key `E9\\x00T9`: an index row holds 1 bytes instead of none",
                       "table `queue`, key `ship\\x00T9`: its task `T9` is missing",
                       "table `by_status`, key `\\x00E9`: by_status is not kept from format 10 "
                       "(by_start lists by status)",
                   }));
}

}  // namespace
}  // namespace weft::storage
