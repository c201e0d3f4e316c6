// The commit syncer (engine/commit_syncer.h): nothing is released before a flush that began
// after it was pushed; releases keep commit order; a failing flush holds them back; and the
// writer over a real store acknowledges a deferred commit only once it is flushed.
#include "engine/commit_syncer.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "engine/clock.h"
#include "engine/program_cache.h"
#include "engine/ulid.h"
#include "engine/writer.h"
#include "storage/lmdb.h"
#include "tests/storage/temp_dir.h"

namespace weft::engine {
namespace {

// A flush the test opens and closes by hand, counting the flushes that began and ended.
class GatedSync {
 public:
  absl::Status operator()() {
    std::unique_lock<std::mutex> lock(mu_);
    ++began_;
    cv_.notify_all();
    cv_.wait(lock, [&] { return open_ > 0; });
    --open_;
    ++ended_;
    return fail_ > 0 ? (--fail_, absl::UnavailableError("the disk is gone")) : absl::OkStatus();
  }
  void Open(int n = 1) {
    std::lock_guard<std::mutex> lock(mu_);
    open_ += n;
    cv_.notify_all();
  }
  void FailNext(int n) {
    std::lock_guard<std::mutex> lock(mu_);
    fail_ = n;
  }
  void AwaitBegan(int n) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return began_ >= n; });
  }
  int ended() {
    std::lock_guard<std::mutex> lock(mu_);
    return ended_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  int began_ = 0, ended_ = 0, open_ = 0, fail_ = 0;
};

// A small synced store in `dir`.
storage::Env::Options StoreIn(const weft::testing::TempDir& dir) {
  storage::Env::Options options;
  options.path = dir.path() + "/store";
  options.map_size_bytes = 64 << 20;
  return options;
}

TEST(CommitSyncerTest, NothingIsReleasedBeforeAFlushThatBeganAfterIt) {
  GatedSync gate;
  CommitSyncer syncer([&] { return gate(); });
  std::mutex mu;
  std::vector<int> released;
  auto release = [&](int n) {
    return [&, n](const absl::Status& s) {
      EXPECT_TRUE(s.ok()) << s;
      std::lock_guard<std::mutex> lock(mu);
      released.push_back(n);
    };
  };
  syncer.Push(release(1));
  gate.AwaitBegan(1);
  // Pushed while the first flush runs: that flush may predate its commit, so it waits.
  syncer.Push(release(2));
  syncer.Push(release(3));
  EXPECT_FALSE(syncer.Idle());
  gate.Open();
  gate.AwaitBegan(2);
  {
    std::lock_guard<std::mutex> lock(mu);
    EXPECT_EQ(released, std::vector<int>{1});
  }
  gate.Open();
  syncer.Drain();
  EXPECT_EQ(gate.ended(), 2);  // one flush for both: a group sync
  EXPECT_EQ(released, (std::vector<int>{1, 2, 3}));
  EXPECT_TRUE(syncer.Idle());
}

TEST(CommitSyncerTest, AFailingFlushIsRetriedAndHoldsEverythingBack) {
  GatedSync gate;
  gate.FailNext(2);
  CommitSyncer syncer([&] { return gate(); });
  std::atomic<int> released{0};
  syncer.Push([&](const absl::Status& s) {
    EXPECT_TRUE(s.ok()) << s;
    ++released;
  });
  gate.Open();  // fails
  gate.AwaitBegan(2);
  EXPECT_EQ(released.load(), 0);
  gate.Open();  // fails again
  gate.AwaitBegan(3);
  EXPECT_EQ(released.load(), 0);
  gate.Open();  // succeeds
  syncer.Drain();
  EXPECT_EQ(released.load(), 1);
  EXPECT_EQ(gate.ended(), 3);
}

TEST(CommitSyncerTest, StoppingWithTheDiskStillFailingTellsTheReleasesWhy) {
  CommitSyncer syncer([] { return absl::DataLossError("fdatasync: EIO"); });
  absl::Status told;
  syncer.Push([&](const absl::Status& s) { told = s; });
  syncer.Stop();
  EXPECT_TRUE(absl::IsDataLoss(told)) << told;
  // After the stop a release still waits for a flush, on the caller's thread.
  absl::Status late;
  syncer.Push([&](const absl::Status& s) { late = s; });
  EXPECT_TRUE(absl::IsDataLoss(late)) << late;
}

TEST(CommitSyncerTest, StopReleasesEverythingPushedFirst) {
  std::atomic<int> flushes{0};
  std::vector<int> released;
  {
    CommitSyncer syncer([&] {
      ++flushes;
      return absl::OkStatus();
    });
    for (int i = 0; i < 100; ++i) {
      syncer.Push([&, i](const absl::Status& s) {
        EXPECT_TRUE(s.ok());
        released.push_back(i);  // the syncer's thread alone
      });
    }
  }
  ASSERT_EQ(released.size(), 100u);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(released[i], i);
  EXPECT_GE(flushes.load(), 1);
}

// The writer over a real, synced store: each command's answer and the after-commit hook come
// after a flush that followed the commit (Txn::DeferSync leaves the meta page to the syncer).
TEST(CommitSyncerTest, TheWriterAnswersADeferredCommitOnlyAfterItIsFlushed) {
  weft::testing::TempDir dir;
  storage::Env::Options options = StoreIn(dir);
  auto env = storage::Env::Open(options);
  ASSERT_TRUE(env.ok()) << env.status();
  ASSERT_TRUE((*env)->syncs());
  SystemClock clock;
  ProgramCache programs;
  UlidGenerator ids;
  std::atomic<uint64_t> hook_saw{0};
  WriterHooks hooks;
  hooks.after_commit = [&](Effects&) { hook_saw = (*env)->syncs_done(); };
  Writer writer(**env, clock, programs, ids, /*max_batch=*/64, EngineLimits{}, std::move(hooks));

  // 128 commands in one submission: two full batches, whose flushes the syncer does; then one
  // command alone, a small batch that the writer flushes itself (kOverlapAt in writer.cc).
  constexpr int kCommands = 129;
  std::vector<uint64_t> at_apply(kCommands), at_answer(kCommands);
  std::vector<absl::Status> answers(kCommands);
  std::atomic<int> answered{0};
  auto command = [&](int i) {
    return MaintenanceCommand{[&, i](storage::Txn& txn, int64_t) {
      at_apply[i] = (*env)->syncs_done();
      return txn.Put(storage::Table::kMeta, "test-key-" + std::to_string(i), "v");
    }};
  };
  auto answer = [&](int i) {
    return [&, i](const absl::Status& s) {
      answers[i] = s;
      at_answer[i] = (*env)->syncs_done();
      ++answered;
    };
  };
  auto await_answers = [&](int n) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (answered.load() < n && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    ASSERT_EQ(answered.load(), n);
  };
  std::vector<Command> commands;
  std::vector<Done> dones;
  for (int i = 0; i < kCommands - 1; ++i) {
    commands.push_back(command(i));
    dones.push_back(answer(i));
  }
  writer.SubmitAll(std::move(commands), std::move(dones));
  await_answers(kCommands - 1);
  writer.AwaitDurable();
  writer.Submit(command(kCommands - 1), answer(kCommands - 1));
  await_answers(kCommands);
  writer.AwaitDurable();
  for (int i = 0; i < kCommands; ++i) {
    EXPECT_TRUE(answers[i].ok()) << answers[i];
    EXPECT_GT(at_answer[i], at_apply[i]) << "command " << i << " answered before a flush";
  }
  EXPECT_GT(hook_saw.load(), 0u);
  EXPECT_TRUE(writer.Idle());
  writer.Stop();
  // Every put is in the store.
  auto txn = storage::Txn::BeginRead(**env);
  ASSERT_TRUE(txn.ok());
  for (int i = 0; i < kCommands; ++i) {
    auto got = txn->Get(storage::Table::kMeta, "test-key-" + std::to_string(i));
    ASSERT_TRUE(got.ok() && got->has_value()) << i;
  }
}

// A commit made without DeferSync is flushed by Commit itself; a deferred one is not; a
// no-sync store is never flushed.
TEST(CommitSyncerTest, CommitFlushesTheMetaPageUnlessDeferred) {
  weft::testing::TempDir dir;
  storage::Env::Options options = StoreIn(dir);
  auto env = storage::Env::Open(options);
  ASSERT_TRUE(env.ok()) << env.status();
  const uint64_t before = (*env)->syncs_done();
  {
    auto txn = storage::Txn::BeginWrite(**env);
    ASSERT_TRUE(txn.ok());
    ASSERT_TRUE(txn->Put(storage::Table::kMeta, "a", "1").ok());
    ASSERT_TRUE(txn->Commit().ok());
  }
  EXPECT_EQ((*env)->syncs_done(), before + 1);
  {
    auto txn = storage::Txn::BeginWrite(**env);
    ASSERT_TRUE(txn.ok());
    ASSERT_TRUE(txn->Put(storage::Table::kMeta, "b", "1").ok());
    txn->DeferSync();
    ASSERT_TRUE(txn->Commit().ok());
  }
  EXPECT_EQ((*env)->syncs_done(), before + 1);
  {
    auto txn = storage::Txn::BeginRead(**env);
    ASSERT_TRUE(txn.ok());
    ASSERT_TRUE(txn->Commit().ok());  // a reader's end flushes nothing
  }
  EXPECT_EQ((*env)->syncs_done(), before + 1);
  env->reset();

  options.no_sync = true;
  auto nosync = storage::Env::Open(options);
  ASSERT_TRUE(nosync.ok()) << nosync.status();
  EXPECT_FALSE((*nosync)->syncs());
  auto txn = storage::Txn::BeginWrite(**nosync);
  ASSERT_TRUE(txn.ok());
  ASSERT_TRUE(txn->Put(storage::Table::kMeta, "c", "1").ok());
  ASSERT_TRUE(txn->Commit().ok());
  EXPECT_EQ((*nosync)->syncs_done(), 0u);
}

}  // namespace
}  // namespace weft::engine
