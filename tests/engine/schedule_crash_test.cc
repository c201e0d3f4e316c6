// Schedules across crashes: a child process fires a schedule every second of simulated time
// and is killed with SIGKILL at moments spread over the run, several times; each time the
// store is reopened and the schedule goes on. A slot's firing and its execution's start are
// one transaction, so in the end every slot ran exactly once: none lost, none doubled.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <random>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "engine/clock.h"
#include "engine/engine_impl.h"
#include "tests/storage/temp_dir.h"
#include "weft/engine.h"

namespace weft::testing {
namespace {

constexpr int kKills = 6;
constexpr int kSlots = 200;
constexpr int64_t kT0 = 1893456000000;  // 2030-01-01T00:00:00Z

// A task per slot paces the run: the simulated clock moves to the next slot only once the
// engine is idle, so the kills land while slots fire and tasks run.
constexpr std::string_view kSource = R"(
task work
workflow tick(_scheduledTime: int = 0) {
    let r = work(at: _scheduledTime)
    return r.at
}
)";

// Opens the store (waiting for the killed predecessor's lock to go) on a simulated clock that
// starts at kT0 and jumps from slot to slot; creates the schedule unless it exists; waits until
// its last slot has fired and every execution ended. Never returns.
[[noreturn]] void RunChild(const std::string& store) {
  std::unique_ptr<Engine> engine;
  for (int i = 0; i < 500 && !engine; ++i) {
    EngineOptions options;
    options.path = store;
    options.durability = Durability::kSync;
    options.map_size_bytes = 256 << 20;
    options.worker_threads = 1;
    auto opened = engine::EngineImpl::Open(options, std::make_unique<engine::VirtualClock>(kT0));
    if (opened.ok()) {
      engine = *std::move(opened);
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  if (!engine || !engine->Deploy("tick.wf", kSource).ok()) _exit(3);
  engine->RegisterWorker("work", [](const TaskContext& t) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
    return TaskOutcome::Complete(t.input);
  });
  if (!engine->StartWorkers().ok()) _exit(7);
  absl::StatusOr<Schedule> existing = engine->GetSchedule("tick");
  if (absl::IsNotFound(existing.status())) {
    Schedule s;
    s.name = "tick";
    s.workflow = "tick";
    s.cron = "* * * * * *";
    s.end_ms = kT0 + kSlots * 1000;
    s.catch_up = CatchUpPolicy::kRunAll;
    if (!engine->CreateSchedule(s).ok()) _exit(4);
  } else if (!existing.ok()) {
    _exit(5);
  }
  for (;;) {
    absl::StatusOr<Schedule> s = engine->GetSchedule("tick");
    if (!s.ok()) _exit(6);
    auto running = engine->ListExecutions(ExecutionStatus::kRunning, 1);
    if (!running.ok()) _exit(8);
    if (s->next_ms == 0 && running->empty()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  engine.reset();
  _exit(0);
}

// The schedule's runs so far, read without a writer; 0 before it exists.
uint64_t Runs(const std::string& store) {
  EngineOptions options;
  options.path = store;
  options.read_only = true;
  auto engine = Engine::Open(options);
  if (!engine.ok()) return 0;
  absl::StatusOr<Schedule> s = (*engine)->GetSchedule("tick");
  return s.ok() ? s->runs : 0;
}

TEST(ScheduleCrashTest, KilledWhileFiringNoSlotIsLostOrRunTwice) {
  TempDir dir;
  const std::string store = dir.path() + "/store";
  std::mt19937 rng(2030);
  std::uniform_int_distribution<int> jitter_us(0, 3000);
  int kills_mid_run = 0;
  for (int round = 0; round <= kKills; ++round) {
    pid_t pid = fork();
    ASSERT_GE(pid, 0) << "fork failed";
    if (pid == 0) RunChild(store);
    int status = 0;
    if (round < kKills) {
      const uint64_t target = static_cast<uint64_t>(round + 1) * kSlots / (kKills + 2);
      for (int i = 0; i < 20000; ++i) {
        if (waitpid(pid, &status, WNOHANG) == pid) break;
        if (Runs(store) >= target) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
      }
      std::this_thread::sleep_for(std::chrono::microseconds(jitter_us(rng)));
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      const uint64_t runs = Runs(store);
      std::printf("kill %d: %llu slots ran\n", round + 1, static_cast<unsigned long long>(runs));
      if (runs > 0 && runs < static_cast<uint64_t>(kSlots)) ++kills_mid_run;
    } else {
      waitpid(pid, &status, 0);
      ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "final child: " << status;
    }
  }
  EXPECT_GE(kills_mid_run, kKills / 2) << "the kills should land while slots fire";

  EngineOptions options;
  options.path = store;
  options.read_only = true;
  auto engine = Engine::Open(options);
  ASSERT_TRUE(engine.ok()) << engine.status();
  absl::StatusOr<Schedule> s = (*engine)->GetSchedule("tick");
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->runs, static_cast<uint64_t>(kSlots));
  EXPECT_EQ(s->skipped, 0u);
  auto all = (*engine)->ListExecutions(std::nullopt, 10 * kSlots);
  ASSERT_TRUE(all.ok()) << all.status();
  ASSERT_EQ(all->size(), static_cast<size_t>(kSlots)) << "one execution per slot";
  std::set<int64_t> slots;
  for (const ExecutionInfo& e : *all) {
    EXPECT_EQ(e.status, ExecutionStatus::kCompleted) << e.id;
    slots.insert(e.output.as_int());
  }
  ASSERT_EQ(slots.size(), static_cast<size_t>(kSlots)) << "no slot twice";
  EXPECT_EQ(*slots.begin(), kT0 + 1000);
  EXPECT_EQ(*slots.rbegin(), kT0 + kSlots * 1000);
}

}  // namespace
}  // namespace weft::testing
