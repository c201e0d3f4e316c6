// The map: filling a small map reports IsMapFull, GrowMap makes room, and a map the address
// space cannot hold falls back to a smaller one and says so.
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "storage/keys.h"
#include "storage/lmdb.h"
#include "tests/storage/store_test_util.h"
#include "tests/storage/temp_dir.h"

namespace weft::storage {
namespace {

using ::weft::testing::StoreOptions;
using ::weft::testing::TempDir;

// Writes 16 KiB values one transaction each until `count` are in, growing on IsMapFull.
absl::Status FillGrowing(Env& env, int count, int& grows) {
  const std::string value(16 << 10, 'v');
  for (int i = 0; i < count;) {
    absl::StatusOr<Txn> txn = Txn::BeginWrite(env);
    if (!txn.ok()) return txn.status();
    absl::Status s = txn->Put(Table::kBytecode, absl::StrCat("key", 1000 + i), value);
    if (s.ok()) s = txn->Commit();
    if (IsMapFull(s)) {
      txn->Abort();
      absl::Status grown = env.GrowMap();
      if (!grown.ok()) return grown;
      ++grows;
      continue;  // the same value again
    }
    if (!s.ok()) return s;
    ++i;
  }
  return absl::OkStatus();
}

TEST(MapSize, AFullMapIsRecognisedAndGrowMapMakesRoom) {
  TempDir dir;
  Env::Options options = StoreOptions(dir.path() + "/s");
  options.map_size_bytes = 1 << 20;
  options.max_map_size_bytes = 8 << 20;
  std::vector<std::string> log;
  options.log = [&](std::string_view line) { log.emplace_back(line); };
  auto env = Env::Open(options);
  ASSERT_TRUE(env.ok()) << env.status();
  EXPECT_EQ((*env)->map_size(), 1u << 20);
  int grows = 0;
  ASSERT_TRUE(FillGrowing(**env, 150, grows).ok());  // ~2.4 MiB of values: past 1 MiB
  EXPECT_GE(grows, 2);
  EXPECT_GE((*env)->map_size(), 4u << 20);
  ASSERT_FALSE(log.empty());
  EXPECT_TRUE(absl::StrContains(log[0], "filled its map of 1 MiB; grew it to 2 MiB")) << log[0];
  auto txn = Txn::BeginRead(**env);
  int rows = 0;
  ASSERT_TRUE(txn->ScanPrefix(Table::kBytecode, "key", [&](auto, auto v) {
    rows += v.size() == (16u << 10);
    return true;
  }).ok());
  EXPECT_EQ(rows, 150);
}

TEST(MapSize, GrowMapStopsAtTheMaximum) {
  TempDir dir;
  Env::Options options = StoreOptions(dir.path() + "/s");
  options.map_size_bytes = 1 << 20;
  options.max_map_size_bytes = 2 << 20;
  options.log = [](std::string_view) {};
  auto env = Env::Open(options);
  ASSERT_TRUE(env.ok());
  int grows = 0;
  absl::Status s = FillGrowing(**env, 1000, grows);
  EXPECT_TRUE(absl::IsResourceExhausted(s)) << s;
  EXPECT_TRUE(absl::StrContains(s.message(), "at its maximum of 2 MiB")) << s;
  EXPECT_EQ(grows, 1);
  // The store is still usable after the refusal.
  auto txn = Txn::BeginRead(**env);
  ASSERT_TRUE(txn.ok());
  EXPECT_TRUE(txn->Get(Table::kBytecode, "key1000").ok());
}

TEST(MapSize, TheFullStatusIsResourceExhaustedWithASentence) {
  absl::Status s = LmdbStatus(MDB_MAP_FULL, "write table `history`");
  EXPECT_TRUE(absl::IsResourceExhausted(s));
  EXPECT_TRUE(IsMapFull(s));
  EXPECT_FALSE(IsDiskFull(s));
  EXPECT_TRUE(absl::StrContains(s.message(), "--map-size")) << s;
  EXPECT_FALSE(IsMapFull(absl::ResourceExhaustedError("the store has filled its map")));
}

// Virtual memory of this process, from /proc.
uint64_t AddressSpaceInUse() {
  std::ifstream statm("/proc/self/statm");
  uint64_t pages = 0;
  statm >> pages;
  return pages * static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
}

TEST(MapSize, AMapTheAddressSpaceCannotHoldFallsBackAndSaysSo) {
  TempDir dir;
  // In a child process: the limit would bind the whole test binary.
  int pipe_fds[2];
  ASSERT_EQ(pipe(pipe_fds), 0);
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    close(pipe_fds[0]);
    struct rlimit limit;
    limit.rlim_cur = limit.rlim_max = AddressSpaceInUse() + (512ull << 20);
    if (setrlimit(RLIMIT_AS, &limit) != 0) _exit(2);
    std::string said;
    Env::Options options = StoreOptions(dir.path() + "/s");
    options.map_size_bytes = 16ull << 30;
    options.log = [&](std::string_view line) { said += std::string(line); };
    auto env = Env::Open(options);
    std::string out = env.ok() ? absl::StrCat((*env)->map_size(), "\n", said)
                               : absl::StrCat("error ", env.status().ToString());
    (void)!write(pipe_fds[1], out.data(), out.size());
    _exit(env.ok() ? 0 : 1);
  }
  close(pipe_fds[1]);
  std::string out;
  char buffer[512];
  for (ssize_t n; (n = read(pipe_fds[0], buffer, sizeof buffer)) > 0;) out.append(buffer, n);
  close(pipe_fds[0]);
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  ASSERT_EQ(WEXITSTATUS(status), 0) << out;
  const uint64_t map = std::stoull(out.substr(0, out.find('\n')));
  EXPECT_LT(map, 1ull << 30);
  EXPECT_GE(map, 1ull << 20);
  EXPECT_TRUE(absl::StrContains(out, "cannot hold a map of 16 GiB")) << out;
  EXPECT_TRUE(absl::StrContains(out, "--map-size")) << out;
}

}  // namespace
}  // namespace weft::storage
