// Crash safety: a child process runs 200 executions with a worker and is killed with SIGKILL
// at random moments, several times; each time the store is reopened and work continues.
// In the end every execution is COMPLETED with the right output, each task completed exactly
// once per attempt, and nothing is lost, duplicated or stuck.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <map>
#include <random>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "tests/storage/temp_dir.h"
#include "weft/engine.h"

namespace weft::testing {
namespace {

constexpr int kExecutions = 200;
constexpr int kKills = 8;

constexpr std::string_view kWorkflow = R"(
task add_one
task double
workflow calc(n: int) {
    let a = add_one(x: n)
    let b = double(x: a.value)
    var total = 0
    for i in [1, 2, 3] {
        let c = add_one(x: total)
        total = c.value
    }
    return { n: n, result: b.value + total }
}
)";

int64_t Expected(int64_t n) { return (n + 1) * 2 + 3; }

int64_t Field(const Value& v, const char* name) { return v.as_object().Find(name)->as_int(); }

// The child: open (waiting for the killed predecessor's lock to go), deploy, start whatever
// executions are missing, work until none is RUNNING. Never returns.
[[noreturn]] void RunChild(const std::string& store) {
  std::unique_ptr<Engine> engine;
  for (int i = 0; i < 500 && !engine; ++i) {
    EngineOptions options;
    options.path = store;
    options.durability = Durability::kSync;
    options.map_size_bytes = 512 << 20;
    options.worker_threads = 2;
    auto opened = Engine::Open(options);
    if (opened.ok()) {
      engine = *std::move(opened);
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  if (!engine || !engine->Deploy("calc.wf", kWorkflow).ok()) _exit(3);
  engine->RegisterWorker("add_one", [](const TaskContext& t) {
    std::this_thread::sleep_for(std::chrono::microseconds(200));
    return TaskOutcome::Complete(Value::MakeObject(Object({{"value", Value::Int(Field(t.input, "x") + 1)}})));
  });
  engine->RegisterWorker("double", [](const TaskContext& t) {
    return TaskOutcome::Complete(Value::MakeObject(Object({{"value", Value::Int(Field(t.input, "x") * 2)}})));
  });
  if (!engine->StartWorkers().ok()) _exit(4);
  auto existing = engine->ListExecutions(std::nullopt, 10 * kExecutions);
  if (!existing.ok()) _exit(5);
  std::set<int64_t> started;
  for (const ExecutionInfo& e : *existing) started.insert(Field(e.input, "n"));
  // Several starters, so starts share commits and the kills land amid every kind of work.
  std::vector<std::thread> starters;
  for (int k = 0; k < 8; ++k) {
    starters.emplace_back([&, k] {
      for (int n = k; n < kExecutions; n += 8) {
        if (started.contains(n)) continue;
        Value input = Value::MakeObject(Object({{"n", Value::Int(n)}}));
        if (!engine->Start("calc", input).ok()) _exit(6);
      }
    });
  }
  for (auto& t : starters) t.join();
  for (;;) {
    auto running = engine->ListExecutions(ExecutionStatus::kRunning, 1);
    if (!running.ok()) _exit(7);
    if (running->empty()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  engine.reset();
  _exit(0);
}

// How many executions exist and how many of them have completed, read without a writer.
std::pair<size_t, size_t> Progress(const std::string& store) {
  EngineOptions options;
  options.path = store;
  options.read_only = true;
  auto engine = Engine::Open(options);
  if (!engine.ok()) return {0, 0};
  auto all = (*engine)->ListExecutions(std::nullopt, 10 * kExecutions);
  auto done = (*engine)->ListExecutions(ExecutionStatus::kCompleted, 10 * kExecutions);
  return {all.ok() ? all->size() : 0, done.ok() ? done->size() : 0};
}

TEST(CrashTest, KilledRepeatedlyLosesNothingAndAppliesNothingTwice) {
  TempDir dir;
  const std::string store = dir.path() + "/store";
  std::mt19937 rng(12345);
  std::uniform_int_distribution<int> jitter_us(0, 3000);
  int kills_mid_run = 0;  // kills that found work both done and still to do
  for (int round = 0; round <= kKills; ++round) {
    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) RunChild(store);
    int status = 0;
    if (round < kKills) {
      // Kill once this round has made some progress past the previous one, so each kill lands
      // in the middle of the run (between starts, tasks and commits), wherever that is.
      const size_t target = (round + 1) * kExecutions / (kKills + 2);
      for (int i = 0; i < 20000; ++i) {
        if (waitpid(pid, &status, WNOHANG) == pid) break;
        if (Progress(store).second >= target) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
      }
      std::this_thread::sleep_for(std::chrono::microseconds(jitter_us(rng)));
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      auto [started, completed] = Progress(store);
      std::printf("kill %d: %zu started, %zu completed\n", round + 1, started, completed);
      if (completed > 0 && completed < kExecutions) ++kills_mid_run;
    } else {
      waitpid(pid, &status, 0);  // the last child runs to the end
      ASSERT_TRUE(WIFEXITED(status)) << "final child died: " << status;
      ASSERT_EQ(WEXITSTATUS(status), 0);
    }
  }

  // Otherwise the kills proved nothing.
  EXPECT_GE(kills_mid_run, kKills / 2);

  EngineOptions options;
  options.path = store;
  options.read_only = true;
  auto engine = Engine::Open(options);
  ASSERT_TRUE(engine.ok()) << engine.status();
  auto all = (*engine)->ListExecutions(std::nullopt, 10 * kExecutions);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), static_cast<size_t>(kExecutions)) << "lost or duplicated executions";
  std::set<int64_t> seen;
  for (const ExecutionInfo& e : *all) {
    ASSERT_EQ(e.status, ExecutionStatus::kCompleted) << e.id << " " << e.error.ToJson();
    int64_t n = Field(e.input, "n");
    EXPECT_TRUE(seen.insert(n).second) << "n=" << n << " started twice";
    EXPECT_EQ(Field(e.output, "result"), Expected(n));
    auto history = (*engine)->History(e.id);
    ASSERT_TRUE(history.ok());
    std::map<std::string, int> scheduled, completed;
    int started = 0, ended = 0;
    for (const HistoryEvent& ev : *history) {
      if (ev.type == "TASK_SCHEDULED") ++scheduled[ev.task_id];
      if (ev.type == "TASK_COMPLETED") ++completed[ev.task_id];
      if (ev.type == "EXECUTION_STARTED") ++started;
      if (ev.type == "EXECUTION_COMPLETED") ++ended;
      EXPECT_NE(ev.type, "TASK_FAILED");
    }
    EXPECT_EQ(started, 1);
    EXPECT_EQ(ended, 1);
    EXPECT_EQ(scheduled.size(), 5u) << e.id;
    EXPECT_EQ(completed, scheduled) << e.id << ": each task completed exactly once";
    auto tasks = (*engine)->Tasks(e.id);
    ASSERT_TRUE(tasks.ok());
    ASSERT_EQ(tasks->size(), 5u);
    for (const TaskInfo& t : *tasks) {
      EXPECT_EQ(t.status, TaskStatus::kCompleted);
      EXPECT_EQ(t.attempt, 1u);
    }
  }
  auto running = (*engine)->ListExecutions(ExecutionStatus::kRunning, 10);
  EXPECT_TRUE(running->empty());
}

}  // namespace
}  // namespace weft::testing
