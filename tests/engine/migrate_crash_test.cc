// A group migration killed with SIGKILL in its middle: a child process moves every execution
// of version 1 to version 2 (Engine::MigrateExecutions) and is killed at a random moment.
// Afterwards each execution is wholly on one version (header, history and waiting point
// agree), the group migration finishes the rest, and every execution ends with version 2's
// output.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <random>
#include <thread>

#include "tests/engine/engine_fixture.h"

namespace weft::testing {
namespace {

constexpr std::string_view kV1 = R"(
workflow approve(amount: int) {
    let doubled = amount * 2
    let ok = await signal("go")
    return { v: 1, ok: ok, doubled: doubled }
}
)";
constexpr std::string_view kV2 = R"(
workflow approve(amount: int) {
    let doubled = amount * 2
    let ok = await signal("go")
    return { v: 2, ok: ok, total: doubled + 1 }
}
)";
constexpr int kExecutions = 150;

EngineOptions Options(const std::string& store) {
  EngineOptions options;
  options.path = store;
  options.durability = Durability::kSync;
  options.map_size_bytes = 256 << 20;
  options.worker_threads = 1;
  return options;
}

// The child: open, say so on `ready`, migrate the group. Never returns.
[[noreturn]] void MigrateInChild(const std::string& store, int ready) {
  auto engine = Engine::Open(Options(store));
  if (!engine.ok()) _exit(3);
  const char byte = 1;
  if (write(ready, &byte, 1) != 1) _exit(4);
  auto r = (*engine)->MigrateExecutions("approve", 1, 2, false);
  _exit(r.ok() ? 0 : 5);
}

// How many executions are on version 2, read beside the running child; 0 when unreadable.
size_t Moved(const std::string& store) {
  EngineOptions options;
  options.path = store;
  options.read_only = true;
  auto engine = Engine::Open(options);
  if (!engine.ok()) return 0;
  auto all = (*engine)->ListExecutions(std::nullopt, 2 * kExecutions);
  if (!all.ok()) return 0;
  size_t moved = 0;
  for (const ExecutionInfo& e : *all) moved += e.version == 2 ? 1 : 0;
  return moved;
}

TEST(MigrateCrashTest, AKilledGroupMigrationLeavesEachExecutionOnOneVersion) {
  TempDir dir;
  const std::string store = dir.path() + "/store";
  std::vector<std::string> ids;
  {
    auto engine = Engine::Open(Options(store));
    ASSERT_TRUE(engine.ok()) << engine.status();
    ASSERT_TRUE((*engine)->Deploy("a.wf", kV1).ok());
    for (int i = 0; i < kExecutions; ++i) {
      auto id = (*engine)->Start("approve", Value::MakeObject(Object({{"amount", Value::Int(i)}})));
      ASSERT_TRUE(id.ok()) << id.status();
      ids.push_back(*id);
    }
    ASSERT_TRUE((*engine)->Deploy("a.wf", kV2).ok());
  }
  int pipe_fds[2];
  ASSERT_EQ(pipe(pipe_fds), 0);
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) MigrateInChild(store, pipe_fds[1]);
  int status = 0;
  bool reaped = false;
  char byte = 0;
  ASSERT_EQ(read(pipe_fds[0], &byte, 1), 1);
  // Kill once some executions moved (or the child ended), a random moment later: the check
  // below holds wherever the kill lands; the progress only makes it land mid-group.
  std::mt19937 rng(std::random_device{}());
  const size_t target = std::uniform_int_distribution<size_t>(1, kExecutions - 1)(rng);
  for (int i = 0; i < 20000 && Moved(store) < target; ++i) {
    if (waitpid(pid, &status, WNOHANG) == pid) {
      reaped = true;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  if (!reaped) {
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
  }
  close(pipe_fds[0]);
  close(pipe_fds[1]);

  auto engine = Engine::Open(Options(store));
  ASSERT_TRUE(engine.ok()) << engine.status();
  size_t moved = 0;
  for (const std::string& id : ids) {
    auto info = (*engine)->GetExecution(id);
    ASSERT_TRUE(info.ok()) << info.status();
    auto history = (*engine)->History(id);
    ASSERT_TRUE(history.ok());
    size_t migrated = 0;
    for (const HistoryEvent& e : *history) migrated += e.type == "EXECUTION_MIGRATED" ? 1 : 0;
    auto positions = (*engine)->FiberPositions(id);
    ASSERT_TRUE(positions.ok()) << positions.status();
    ASSERT_EQ(positions->size(), 1u);
    EXPECT_EQ((*positions)[0].wait, "signal");
    if (info->version == 2) {
      ++moved;
      EXPECT_EQ(migrated, 1u) << id;
    } else {
      EXPECT_EQ(info->version, 1u) << id;
      EXPECT_EQ(migrated, 0u) << id;
    }
  }
  std::printf("killed after %zu of %d executions moved\n", moved, kExecutions);
  auto rest = (*engine)->MigrateExecutions("approve", 1, 2, false);
  ASSERT_TRUE(rest.ok()) << rest.status();
  EXPECT_EQ(rest->size(), kExecutions - moved);
  for (int i = 0; i < kExecutions; ++i) {
    ASSERT_TRUE((*engine)->Signal(ids[i], "go", Value::Bool(true)).ok());
    auto done = (*engine)->AwaitExecution(ids[i], absl::Seconds(60));
    ASSERT_TRUE(done.ok()) << done.status();
    EXPECT_EQ(done->output.ToJson(), absl::StrCat(R"({"v":2,"ok":true,"total":)", 2 * i + 1, "}"));
  }
}

}  // namespace
}  // namespace weft::testing
