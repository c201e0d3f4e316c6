// Crash safety: a child process runs executions with a worker and is killed with SIGKILL at
// random moments, several times; each time the store is reopened and work continues. In the
// end every execution is COMPLETED with the right output, each task completed exactly once
// per attempt, and nothing is lost, duplicated or stuck. Two workloads: straight-line tasks
// and a loop, and one with every kind of wait (a parallel block, a sub-workflow, a timer, a
// signal and a parallel for).
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

constexpr int kKills = 8;

struct Scenario {
  std::string_view source;
  std::string_view workflow;
  int executions;
  bool send_signals;  // each execution awaits signal "go" with payload n
};

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

constexpr Scenario kStraight{kWorkflow, "calc", 200, false};

// Every kind of wait: two branches (one a sub-workflow), a timer, a signal that may arrive
// before or after the execution waits for it, and a dynamic fan-out.
constexpr std::string_view kRichWorkflow = R"(
task add_one
task double
workflow sub(x: int) {
    let r = double(x: x)
    return r.value
}
workflow rich(n: int) {
    var a = 0
    var b = 0
    parallel {
        {
            let r = add_one(x: n)
            a = r.value
        }
        b = sub(x: n)
    }
    sleep 30ms
    let s = await signal("go")
    let items = parallel for i in [1, 2, 3] {
        let r = add_one(x: i)
        yield r.value
    }
    return { n: n, result: a + b + s + items[0] + items[1] + items[2] }
}
)";

int64_t ExpectedRich(int64_t n) { return (n + 1) + 2 * n + n + 9; }

constexpr Scenario kRich{kRichWorkflow, "rich", 100, true};

int64_t Field(const Value& v, const char* name) { return v.as_object().Find(name)->as_int(); }

// The child: open (waiting for the killed predecessor's lock to go), deploy, start whatever
// executions are missing, work until none is RUNNING. Never returns.
[[noreturn]] void RunChild(const std::string& store, const Scenario& scenario) {
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
  if (!engine || !engine->Deploy("crash.wf", scenario.source).ok()) _exit(3);
  // A run must last long enough for the kills to land in its middle however fast the engine
  // is: the workers, not the engine, set its pace (2 threads, 1 ms per add_one).
  engine->RegisterWorker("add_one", [](const TaskContext& t) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
    return TaskOutcome::Complete(Value::MakeObject(Object({{"value", Value::Int(Field(t.input, "x") + 1)}})));
  });
  engine->RegisterWorker("double", [](const TaskContext& t) {
    return TaskOutcome::Complete(Value::MakeObject(Object({{"value", Value::Int(Field(t.input, "x") * 2)}})));
  });
  if (!engine->StartWorkers().ok()) _exit(4);
  const int executions = scenario.executions;
  auto existing = engine->ListExecutions(std::nullopt, 10 * executions);
  if (!existing.ok()) _exit(5);
  std::set<int64_t> started;
  for (const ExecutionInfo& e : *existing) {
    if (e.workflow != scenario.workflow) continue;
    started.insert(Field(e.input, "n"));
    if (!scenario.send_signals || e.status != ExecutionStatus::kRunning) continue;
    // A signal is acknowledged only once committed, so one in the history was delivered;
    // one that is not was lost with the killed process before it committed: send it now.
    auto history = engine->History(e.id);
    if (!history.ok()) _exit(8);
    bool delivered = false;
    for (const HistoryEvent& ev : *history) delivered |= ev.type == "SIGNAL_RECEIVED";
    if (!delivered && !engine->Signal(e.id, "go", Value::Int(Field(e.input, "n"))).ok()) _exit(9);
  }
  // Several starters, so starts share commits and the kills land amid every kind of work.
  std::vector<std::thread> starters;
  for (int k = 0; k < 8; ++k) {
    starters.emplace_back([&, k] {
      for (int n = k; n < executions; n += 8) {
        if (started.contains(n)) continue;
        Value input = Value::MakeObject(Object({{"n", Value::Int(n)}}));
        auto id = engine->Start(scenario.workflow, input);
        if (!id.ok()) _exit(6);
        if (scenario.send_signals && !engine->Signal(*id, "go", Value::Int(n)).ok()) _exit(9);
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

// How many top-level executions exist and how many of them have completed, read without a
// writer.
std::pair<size_t, size_t> Progress(const std::string& store, const Scenario& scenario) {
  EngineOptions options;
  options.path = store;
  options.read_only = true;
  auto engine = Engine::Open(options);
  if (!engine.ok()) return {0, 0};
  auto all = (*engine)->ListExecutions(std::nullopt, 10 * scenario.executions);
  if (!all.ok()) return {0, 0};
  size_t started = 0, completed = 0;
  for (const ExecutionInfo& e : *all) {
    if (e.workflow != scenario.workflow) continue;
    ++started;
    completed += e.status == ExecutionStatus::kCompleted;
  }
  return {started, completed};
}

// Runs the scenario in children killed kKills times, the last one to the end. Returns the
// number of kills that found work both done and still to do.
int KillRepeatedly(const std::string& store, const Scenario& scenario) {
  const int executions = scenario.executions;
  std::mt19937 rng(12345);
  std::uniform_int_distribution<int> jitter_us(0, 3000);
  int kills_mid_run = 0;  // kills that found work both done and still to do
  for (int round = 0; round <= kKills; ++round) {
    pid_t pid = fork();
    if (pid < 0) {
      ADD_FAILURE() << "fork failed";
      return kills_mid_run;
    }
    if (pid == 0) RunChild(store, scenario);
    int status = 0;
    if (round < kKills) {
      // Kill once this round has made some progress past the previous one, so each kill lands
      // in the middle of the run (between starts, tasks and commits), wherever that is.
      const size_t target = (round + 1) * executions / (kKills + 2);
      for (int i = 0; i < 20000; ++i) {
        if (waitpid(pid, &status, WNOHANG) == pid) break;
        if (Progress(store, scenario).second >= target) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
      }
      std::this_thread::sleep_for(std::chrono::microseconds(jitter_us(rng)));
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      auto [started, completed] = Progress(store, scenario);
      std::printf("kill %d: %zu started, %zu completed\n", round + 1, started, completed);
      if (completed > 0 && completed < static_cast<size_t>(executions)) ++kills_mid_run;
    } else {
      waitpid(pid, &status, 0);  // the last child runs to the end
      EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "final child: " << status;
    }
  }
  return kills_mid_run;
}

TEST(CrashTest, KilledRepeatedlyLosesNothingAndAppliesNothingTwice) {
  const int kExecutions = kStraight.executions;
  TempDir dir;
  const std::string store = dir.path() + "/store";
  // Otherwise the kills proved nothing.
  EXPECT_GE(KillRepeatedly(store, kStraight), kKills / 2);

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

TEST(CrashTest, EveryKindOfWaitSurvivesKills) {
  TempDir dir;
  const std::string store = dir.path() + "/store";
  EXPECT_GE(KillRepeatedly(store, kRich), kKills / 2);

  EngineOptions options;
  options.path = store;
  options.read_only = true;
  auto engine = Engine::Open(options);
  ASSERT_TRUE(engine.ok()) << engine.status();
  auto all = (*engine)->ListExecutions(std::nullopt, 10 * kRich.executions);
  ASSERT_TRUE(all.ok());
  std::set<int64_t> seen;
  std::map<std::string, int> children_of;
  size_t subs = 0;
  for (const ExecutionInfo& e : *all) {
    ASSERT_EQ(e.status, ExecutionStatus::kCompleted) << e.id << " " << e.error.ToJson();
    if (e.workflow == "sub") {
      ++subs;
      ++children_of[e.parent_id];
      continue;
    }
    ASSERT_EQ(e.workflow, "rich");
    const int64_t n = Field(e.input, "n");
    EXPECT_TRUE(seen.insert(n).second) << "n=" << n << " started twice";
    EXPECT_EQ(Field(e.output, "result"), ExpectedRich(n)) << e.id;
    auto history = (*engine)->History(e.id);
    ASSERT_TRUE(history.ok());
    std::map<std::string, int> scheduled, completed;
    std::map<std::string, int> events;
    for (const HistoryEvent& ev : *history) {
      ++events[ev.type];
      if (ev.type == "TASK_SCHEDULED") ++scheduled[ev.task_id];
      if (ev.type == "TASK_COMPLETED") ++completed[ev.task_id];
    }
    EXPECT_EQ(events["EXECUTION_STARTED"], 1) << e.id;
    EXPECT_EQ(events["EXECUTION_COMPLETED"], 1) << e.id;
    EXPECT_EQ(events["SIGNAL_RECEIVED"], 1) << e.id << ": the signal applied exactly once";
    EXPECT_EQ(events["TIMER_STARTED"], 1) << e.id;
    EXPECT_EQ(events["TIMER_FIRED"], 1) << e.id;
    EXPECT_EQ(events["CHILD_STARTED"], 1) << e.id;
    EXPECT_EQ(events["CHILD_ENDED"], 1) << e.id;
    EXPECT_EQ(events["TASK_FAILED"], 0) << e.id;
    EXPECT_EQ(scheduled.size(), 4u) << e.id << ": add_one in a branch and three in the fan-out";
    EXPECT_EQ(completed, scheduled) << e.id << ": each task completed exactly once";
  }
  EXPECT_EQ(seen.size(), static_cast<size_t>(kRich.executions)) << "lost executions";
  EXPECT_EQ(subs, static_cast<size_t>(kRich.executions)) << "one child each, no more";
  for (const auto& [parent, count] : children_of) EXPECT_EQ(count, 1) << parent;
}

}  // namespace
}  // namespace weft::testing
